"""The reader thread: searches off the window's thread, newest request first."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from peerdesk.store import Vault, VaultClosed, VaultError
from peerdesk.store.db import Database
from peerdesk.store.reader import Reader
from peerdesk.store.search import search


def _answers(reader: Reader, count: int) -> list[tuple[int, object, VaultError | None]]:
    got: list[tuple[int, object, VaultError | None]] = []
    deadline = time.monotonic() + 10
    while len(got) < count and time.monotonic() < deadline:
        got += reader.take()
        time.sleep(0.005)
    return got


def test_a_search_runs_on_its_own_connection_and_sees_what_was_saved(vault: Vault) -> None:
    person = vault.people.add(alias="Robin")
    session = vault.sessions.add(person.id, notes="Talked about the grievance letter")
    vault.sessions.update(session.id, notes="Talked about the grievance form")  # not indexed yet
    ticket = vault.reader.submit(lambda db: [h.session_id for h in search(db, "grievance form")])
    assert _answers(vault.reader, 1) == [(ticket, [session.id], None)]
    assert threading.current_thread().name != "peerdesk-reader"


def test_a_request_not_yet_started_gives_way_to_a_newer_one(vault: Vault) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(_db: Database) -> str:
        started.set()
        release.wait(10)
        return "first"

    first = vault.reader.submit(slow)
    assert started.wait(10)
    dropped = vault.reader.submit(lambda _db: "dropped")
    newest = vault.reader.submit(lambda _db: "newest")
    release.set()
    answers = _answers(vault.reader, 2)
    assert answers == [(first, "first", None), (newest, "newest", None)]
    assert dropped not in [ticket for ticket, _result, _error in answers]


def test_a_failure_is_answered_not_lost(vault: Vault) -> None:
    def broken(db: Database) -> None:
        db.execute("SELECT * FROM no_such_table")

    ticket = vault.reader.submit(broken)
    ((answered, result, error),) = _answers(vault.reader, 1)
    assert (answered, result) == (ticket, None)
    assert isinstance(error, VaultError)
    assert "no_such_table" not in str(error)


def test_closing_the_vault_stops_the_reader(vault_dir: Path, vault: Vault) -> None:
    reader = vault.reader
    reader.submit(lambda db: search(db, "anything"))
    vault.close()
    assert not [t for t in threading.enumerate() if t.name == "peerdesk-reader" and t.is_alive()]
    with pytest.raises(VaultClosed):
        reader.submit(lambda _db: None)
    with pytest.raises(VaultClosed):
        _ = vault.reader
