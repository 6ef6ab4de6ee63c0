"""A damaged search index is told apart from other damage, and rebuilt from the records."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peerdesk.store import SearchIndexDamaged, Vault
from peerdesk.store.db import Database
from peerdesk.store.indexer import rebuild
from peerdesk.store.integrity import QuickCheck, quick_check, run_checks
from peerdesk.store.people import PeopleRepository
from peerdesk.store.schema import migrate, secure_delete_enabled
from peerdesk.store.search import search
from peerdesk.store.sessions import SessionsRepository
from tests.conftest import FAST_KDF, damage_search_index

from .conftest import PASSPHRASE


@pytest.fixture
def filled(tmp_path: Path) -> Database:
    db = Database.open(tmp_path / "vault.db", os.urandom(32), create=True)
    migrate(db)
    robin = PeopleRepository(db).add(alias="Robin")
    sessions = SessionsRepository(db)
    for n in range(40):
        sessions.add(robin.id, notes=f"Talk {n} about the rota and the night shift")
    edited = sessions.add(robin.id, notes="Before the edit")
    sessions.update(edited.id, notes="After the edit: grievance letter")  # still pending
    return db


def test_a_damaged_search_index_is_named_and_rebuilt_with_nothing_lost(filled: Database) -> None:
    db = filled
    damage_search_index(db)

    report = run_checks(db)
    assert not report.ok
    assert report.only_search_index
    assert report.message.startswith("Only the search index is damaged.")
    assert quick_check(db) is QuickCheck.SEARCH_INDEX_DAMAGED
    with pytest.raises(SearchIndexDamaged, match="Tools → Check the vault"):
        search(db, "rota")

    rebuild(db)

    assert run_checks(db).ok
    assert quick_check(db) is QuickCheck.OK
    assert secure_delete_enabled(db)
    assert db.scalar("SELECT count(*) FROM search_pending") == 0
    assert len(search(db, "night shift")) == 40
    assert len(search(db, "grievance letter")) == 1
    assert search(db, "before") == []
    assert [h.person_id for h in search(db, "robin")] == [1]
    # The rebuilt index keeps working: an edit after it is found, and re-indexed.
    SessionsRepository(db).update(1, notes="Only about payroll now")  # type: ignore[arg-type]
    assert len(search(db, "payroll")) == 1
    assert len(search(db, "night shift")) == 39


def test_damage_outside_the_search_index_is_not_called_the_index(filled: Database) -> None:
    db = filled
    # A second problem elsewhere: a session whose person is gone.
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("DELETE FROM people WHERE id = 1")
    db.execute("PRAGMA foreign_keys = ON")
    damage_search_index(db)
    report = run_checks(db)
    assert report.broken_links > 0
    assert report.search_index_problems > 0
    assert not report.only_search_index
    assert not report.message.startswith("Only the search index")


def test_a_vault_with_a_damaged_index_still_opens_and_rebuilds(
    vault_dir: Path, vault: Vault
) -> None:
    person = vault.people.add(alias="Robin")
    vault.sessions.add(person.id, notes="the canteen at lunch")
    damage_search_index(vault._db)  # noqa: SLF001 - damage below the store's API
    vault.close()

    again = Vault.open(vault_dir, PASSPHRASE, kdf=FAST_KDF)
    try:
        assert again.read_access().quick_check() is QuickCheck.SEARCH_INDEX_DAMAGED
        with pytest.raises(SearchIndexDamaged):
            again.search("canteen")
        access = again.read_access()
        db = access.open()
        try:
            rebuild(db)
        finally:
            db.close()
            access.wipe()
        assert [h.person_id for h in again.search("canteen")] == [person.id]
        assert again.check_integrity().ok
    finally:
        again.close()
