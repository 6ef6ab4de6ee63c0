"""The full integrity check: every page's HMAC, the b-trees and foreign keys, in plain words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peerdesk.store import IntegrityReport, KdfParams, Vault, VaultDamaged
from peerdesk.store.db import Database
from peerdesk.store.integrity import QuickCheck, run_checks

from ..conftest import TEN_MB_NOTE
from .conftest import PASSPHRASE

PAGE = 4096


def test_a_healthy_vault_checks_out(vault: Vault) -> None:
    person = vault.people.add(alias="Robin")
    vault.sessions.add(person.id, notes=TEN_MB_NOTE)
    report = vault.check_integrity()
    assert report.ok
    assert report.pages > 1000
    assert report.message == (f"Everything checked out: {report.pages:,} pages read, no problems.")
    assert "," in report.message  # 1,234: thousands are grouped


def test_the_check_sees_what_is_committed_while_the_vault_is_open(vault: Vault) -> None:
    vault.people.add(alias="Committed a moment ago")  # still in the WAL, not the main file
    assert vault.check_integrity().ok


@pytest.fixture
def damaged_copy(vault_dir: Path, tmp_path: Path, fast_kdf: KdfParams) -> tuple[Path, bytearray]:
    """A closed copy of a vault with some bytes flipped in one page near the end."""
    vault, _code = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    person = vault.people.add(alias="Robin")
    vault.sessions.add(person.id, notes="Several pages of notes. " * 4000)
    access = vault.read_access()
    key = bytearray(access.data_key)
    access.wipe()
    vault.close()  # checkpoints the WAL into vault.db
    copy = tmp_path / "copy"
    shutil.copytree(vault_dir, copy)
    db_file = copy / "vault.db"
    data = bytearray(db_file.read_bytes())
    pages = len(data) // PAGE
    assert pages > 10
    offset = (pages - 3) * PAGE + 200
    data[offset : offset + 8] = bytes(b ^ 0xA5 for b in data[offset : offset + 8])
    db_file.write_bytes(bytes(data))
    return db_file, key


def test_a_corrupted_page_is_found(damaged_copy: tuple[Path, bytearray]) -> None:
    db_file, key = damaged_copy
    before = db_file.read_bytes()
    db = Database.open(db_file, key)
    try:
        report = run_checks(db)
    finally:
        db.close()
    assert not report.ok
    assert report.damaged_pages >= 1
    assert report.message == (
        "Some pages failed their check. Restore from your latest backup; "
        "this vault has not been changed."
    )
    assert db_file.read_bytes() == before  # the check only reads


def test_the_original_is_untouched_by_damage_to_a_copy(
    damaged_copy: tuple[Path, bytearray], vault_dir: Path, fast_kdf: KdfParams
) -> None:
    with Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf) as original:
        assert original.check_integrity().ok


def test_a_damaged_copy_does_not_open_or_is_reported(
    damaged_copy: tuple[Path, bytearray], fast_kdf: KdfParams
) -> None:
    """Every open's cheap checks, or else the page check after unlock and the full
    check, tell the supporter."""
    db_file, _key = damaged_copy
    try:
        vault = Vault.open(db_file.parent, PASSPHRASE, kdf=fast_kdf)
    except VaultDamaged:
        return
    with vault:
        access = vault.read_access()
        try:
            assert access.quick_check() is QuickCheck.DAMAGED
        finally:
            access.wipe()
        assert not vault.check_integrity().ok


def test_structure_problems_have_their_own_words() -> None:
    report = IntegrityReport(pages=10, structure_problems=2)
    assert not report.ok
    assert "inconsistent" in report.message
    assert "has not been changed" in report.message
    assert IntegrityReport(pages=1234).message == (
        "Everything checked out: 1,234 pages read, no problems."
    )
