"""Edits are re-indexed for search after the save, not in it (schema 8).

What a supporter must never notice: a search right after an edit finds the new
words and not the old ones; and what they are promised: by the time the vault
is locked, the old words are erased from the index too.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from peerdesk.store import Vault
from peerdesk.store import search as search_module
from peerdesk.store.db import Database
from peerdesk.store.incidents import IncidentsRepository
from peerdesk.store.indexer import Indexer, catch_up, reindex
from peerdesk.store.integrity import run_checks
from peerdesk.store.models import Person, SearchHitKind
from peerdesk.store.search import search
from peerdesk.store.sessions import SessionsRepository
from tests.conftest import FAST_KDF

from .conftest import PASSPHRASE, plaintext_copy


def _pending(db: Database) -> list[int]:
    return [int(row[0]) for row in db.all("SELECT doc FROM search_pending ORDER BY doc")]


def _indexed(db: Database, word: str) -> list[int]:
    """Rows the on-disk index itself finds for ``word`` (not search's view of it)."""
    rows = db.all("SELECT rowid FROM search_index WHERE search_index MATCH ?", (f'"{word}"',))
    return [int(row[0]) for row in rows]


def _marker() -> str:
    return f"zqx{uuid.uuid4().hex}"


def test_an_edit_is_found_at_once_and_its_old_words_are_not(
    db: Database, sessions: SessionsRepository, incidents: IncidentsRepository, robin: Person
) -> None:
    session = sessions.add(robin.id, notes="He slammed the door.")
    incident = incidents.add(robin.id, what_happened="Locked out of the drive")
    sessions.update(session.id, notes="He kicked the bin.")
    incidents.update(incident.id, place="Loading bay")

    # The save only marked the rows; the index on disk still holds the old words...
    assert _pending(db) == [session.id * 4 + 2, incident.id * 4 + 3]
    assert _indexed(db, "slammed") == [session.id * 4 + 2]
    # ...but search reads the current text and never shows them.
    assert search(db, "slammed") == []
    assert [h.session_id for h in search(db, "kicked")] == [session.id]
    assert [h.incident_id for h in search(db, "loading bay")] == [incident.id]
    assert [h.incident_id for h in search(db, "locked drive")] == [incident.id]

    # A second edit before the re-index: search follows it too.
    sessions.update(session.id, notes="He threw the stapler.")
    assert search(db, "kicked") == []
    (hit,) = search(db, "stapler")
    assert (hit.kind, hit.session_id) == (SearchHitKind.SESSION, session.id)
    assert hit.person_id == robin.id
    assert "stapler" in hit.snippet


def test_reindexing_puts_the_new_words_in_and_erases_the_old(
    tmp_path: Path, db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    old, new = _marker(), _marker()
    session = sessions.add(robin.id, notes=f"She said {old} in the meeting")
    sessions.update(session.id, notes=f"She said {new} in the meeting")
    assert old.encode() in plaintext_copy(db, tmp_path / "plain.db")  # still in the index

    assert catch_up(db) == 1
    assert _pending(db) == []
    assert _indexed(db, new) == [session.id * 4 + 2]
    assert _indexed(db, old) == []
    assert old.encode() not in plaintext_copy(db, tmp_path / "plain.db")
    assert [h.session_id for h in search(db, new)] == [session.id]
    assert run_checks(db).ok


def test_deleting_an_edited_note_erases_both_versions_at_once(
    tmp_path: Path, db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    old, new = _marker(), _marker()
    session = sessions.add(robin.id, notes=f"First {old}")
    sessions.update(session.id, notes=f"Then {new}")
    search(db, new)  # the in-memory index of edits now holds the new text too
    sessions.delete(session.id)
    assert _pending(db) == []
    assert search(db, new) == []
    assert search(db, old) == []
    copy = plaintext_copy(db, tmp_path / "plain.db")
    assert old.encode() not in copy
    assert new.encode() not in copy


def test_a_row_reindexed_elsewhere_is_left_alone(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    session = sessions.add(robin.id, notes="one")
    sessions.update(session.id, notes="two")
    doc = session.id * 4 + 2
    reindex(db, doc)
    reindex(db, doc)  # nothing pending for it any more: no second delete and insert
    assert _indexed(db, "two") == [doc]
    assert run_checks(db).ok


def test_closing_the_vault_erases_the_old_words_of_every_edit(
    vault_dir: Path, vault: Vault
) -> None:
    old = _marker()
    person = vault.people.add(alias="Robin")
    session = vault.sessions.add(person.id, notes=f"Said {old}")
    vault.sessions.update(session.id, notes="Said something else")
    vault.close()

    again = Vault.open(vault_dir, PASSPHRASE, kdf=FAST_KDF)
    try:
        db = again._db  # noqa: SLF001 - what the index holds, below search
        assert _pending(db) == []
        assert _indexed(db, old) == []
        assert [h.session_id for h in again.search("something else")] == [session.id]
    finally:
        again.close()


def test_the_indexer_catches_up_on_its_own_while_the_vault_is_written(
    tmp_path: Path, vault: Vault
) -> None:
    """The thread re-indexes settled rows on its own connection while the vault's
    connection keeps saving: nothing is lost, nothing is busy, the index stays whole."""
    person = vault.people.add(alias="Robin")
    notes = [vault.sessions.add(person.id, notes=f"note {n}") for n in range(20)]
    access = vault.read_access()
    indexer = Indexer(access.open_once, settle=0.0, poll=0.01)
    indexer.start()
    try:
        for round_ in range(5):
            for session in notes:
                vault.sessions.update(session.id, notes=f"note {session.id} round{round_}")
        deadline = time.monotonic() + 30
        while _pending(vault._db) and time.monotonic() < deadline:  # noqa: SLF001
            time.sleep(0.02)
    finally:
        indexer.stop()
    db = vault._db  # noqa: SLF001
    assert _pending(db) == []
    assert _indexed(db, "round4") == [session.id * 4 + 2 for session in notes]
    assert _indexed(db, "round3") == []
    for session in notes:
        assert [h.session_id for h in vault.search(f"note {session.id} round4")] == [session.id]
    assert run_checks(db).ok


def test_results_are_ranked_among_the_newest_matches(
    monkeypatch: pytest.MonkeyPatch, db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    """The best match among the newest few hundred, not among every match in the vault."""
    monkeypatch.setattr(search_module, "RANKED_AMONG", 3)
    oldest = sessions.add(robin.id, notes="bullying bullying bullying bullying")
    newer = [sessions.add(robin.id, notes=f"a long note that mentions bullying once, {n}")
             for n in range(3)]
    hits = search(db, "bullying")
    assert oldest.id not in {h.session_id for h in hits}
    assert {h.session_id for h in hits} == {s.id for s in newer}
    monkeypatch.setattr(search_module, "RANKED_AMONG", 400)
    assert search(db, "bullying")[0].session_id == oldest.id


def test_a_one_letter_last_word_matches_whole_words_only(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    kofi = sessions.add(robin.id, notes="Met Kofi B at the gate")
    sessions.add(robin.id, notes="Kofi brought biscuits")
    assert [h.session_id for h in search(db, "kofi b")] == [kofi.id]
    assert len(search(db, "kofi br")) == 1  # from two letters on, the word completes


def test_among_equally_good_matches_the_newest_comes_first(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    older = sessions.add(robin.id, notes="Raised the rota with the manager")
    newer = sessions.add(robin.id, notes="The rota changed again")
    dense = sessions.add(robin.id, notes="Rota, rota, rota: nothing else all week")
    hits = search(db, "rota")
    assert [h.session_id for h in hits] == [dense.id, newer.id, older.id]
    assert hits[0].rank == 3
    assert hits[1].rank == hits[2].rank == 1
