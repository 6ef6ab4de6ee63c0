"""Damaged files, newer vaults and failed writes: a clear error, and nothing lost."""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from peerdesk.store import (
    KdfParams,
    Vault,
    VaultDamaged,
    VaultTooNew,
    VaultWriteError,
    fsutil,
)
from peerdesk.store.db import Database
from peerdesk.store.integrity import QuickCheck
from peerdesk.store.schema import CURRENT_VERSION

from ..unprivileged import RAISED_VAULT_ERROR, make_reachable, run_unprivileged
from .conftest import PASSPHRASE, snapshot


def _fill(vault: Vault, people: int = 40) -> None:
    """Enough rows that the database spans many pages."""
    for n in range(people):
        person = vault.people.add(alias=f"Person {n}")
        vault.sessions.add(person.id, notes=f"Session notes number {n}. " * 200)


@pytest.fixture
def big_vault(vault_dir: Path, fast_kdf: KdfParams) -> Path:
    vault, _ = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    _fill(vault)
    vault.close()
    # Everything is in vault.db once the last connection has checkpointed.
    assert not (vault_dir / "vault.db-wal").exists()
    return vault_dir


def _open_fails_untouched(vault_dir: Path, kdf: KdfParams, match: str) -> None:
    before = snapshot(vault_dir)
    with pytest.raises(VaultDamaged, match=match):
        Vault.open(vault_dir, PASSPHRASE, kdf=kdf)
    assert snapshot(vault_dir) == before


def test_truncated_database(big_vault: Path, fast_kdf: KdfParams) -> None:
    db = big_vault / "vault.db"
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.truncate(size // 2 // 4096 * 4096)  # whole pages gone: the subtle case
    _open_fails_untouched(big_vault, fast_kdf, "damaged")


def test_database_cut_mid_page(big_vault: Path, fast_kdf: KdfParams) -> None:
    db = big_vault / "vault.db"
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size - 1000)
    _open_fails_untouched(big_vault, fast_kdf, "damaged")


def _garble(db: Path, offset: int) -> None:
    with db.open("r+b") as fh:
        fh.seek(offset)
        fh.write(os.urandom(64))


def test_garbled_first_page(big_vault: Path, fast_kdf: KdfParams) -> None:
    _garble(big_vault / "vault.db", 100)
    _open_fails_untouched(big_vault, fast_kdf, "damaged|does not match")


def test_garbled_middle_page_is_found_by_the_check_after_unlock(
    big_vault: Path, fast_kdf: KdfParams
) -> None:
    """Opening reads no page it does not need (benchmark issue 7: ≤ 20 ms on any size);
    the page check the window runs in the background after unlock finds the damage."""
    db = big_vault / "vault.db"
    _garble(db, db.stat().st_size // 2)
    before = snapshot(big_vault)
    with Vault.open(big_vault, PASSPHRASE, kdf=fast_kdf) as vault:
        access = vault.read_access()
        try:
            assert access.quick_check() is QuickCheck.DAMAGED
        finally:
            access.wipe()
    assert snapshot(big_vault) == before


def test_the_check_after_unlock_passes_a_healthy_vault(
    big_vault: Path, fast_kdf: KdfParams
) -> None:
    with Vault.open(big_vault, PASSPHRASE, kdf=fast_kdf) as vault:
        access = vault.read_access()
        try:
            assert access.quick_check() is QuickCheck.OK
            assert access.quick_check(threading.Event()) is QuickCheck.OK
        finally:
            access.wipe()


def test_the_check_after_unlock_stops_when_cancelled(big_vault: Path, fast_kdf: KdfParams) -> None:
    """A lock cancels it: it answers "cancelled", never "damaged"."""
    cancel = threading.Event()
    cancel.set()
    with Vault.open(big_vault, PASSPHRASE, kdf=fast_kdf) as vault:
        access = vault.read_access()
        try:
            assert access.quick_check(cancel) is QuickCheck.CANCELLED
        finally:
            access.wipe()


def test_a_cut_last_page_is_seen_without_reading_it(big_vault: Path, fast_kdf: KdfParams) -> None:
    """The open-time size check: SQLite rounds a cut mid-page up to a whole page."""
    db = big_vault / "vault.db"
    with Vault.open(big_vault, PASSPHRASE, kdf=fast_kdf) as vault:
        assert not vault._db.truncated()
        access = vault.read_access()
    try:
        database = access.open()
        try:
            assert not database.truncated()
            with db.open("r+b") as fh:
                fh.truncate(db.stat().st_size - 1000)
            assert database.truncated()
        finally:
            database.close()
    finally:
        access.wipe()


def test_missing_database(closed_vault: tuple[Path, str], fast_kdf: KdfParams) -> None:
    vault_dir, _ = closed_vault
    (vault_dir / "vault.db").unlink()
    _open_fails_untouched(vault_dir, fast_kdf, r"database file \(vault.db\) is missing")


def test_missing_key_file(closed_vault: tuple[Path, str], fast_kdf: KdfParams) -> None:
    vault_dir, _ = closed_vault
    (vault_dir / "keyslots.json").unlink()
    _open_fails_untouched(vault_dir, fast_kdf, "key file .* is missing")


@pytest.mark.parametrize(
    "garble",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: b"\xff\xfe" + raw, id="not utf-8"),
        pytest.param(lambda raw: b"[]", id="wrong shape"),
        pytest.param(lambda raw: raw.replace(b'"kind": "recovery"', b'"kind": "other"'),
                     id="unknown slot"),
        pytest.param(lambda raw: raw.replace(b'"aes-256-gcm"', b'"aes-128-gcm"', 1),
                     id="edited field"),
    ],
)
def test_garbled_key_file(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams, garble: object
) -> None:
    vault_dir, _ = closed_vault
    path = vault_dir / "keyslots.json"
    path.write_bytes(garble(path.read_bytes()))  # type: ignore[operator]
    _open_fails_untouched(vault_dir, fast_kdf, "key file .* damaged")


def test_flipped_bit_in_the_wrapped_key_is_damage_not_a_wrong_passphrase(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    path = vault_dir / "keyslots.json"
    doc = json.loads(path.read_text())
    wrapped = doc["slots"][0]["wrapped_key"]
    doc["slots"][0]["wrapped_key"] = ("B" if wrapped[0] != "B" else "C") + wrapped[1:]
    path.write_text(json.dumps(doc))
    _open_fails_untouched(vault_dir, fast_kdf, "key file .* damaged")


def test_database_from_another_vault(
    closed_vault: tuple[Path, str], tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    other, _ = Vault.create(tmp_path / "other", "other passphrase", kdf=fast_kdf)
    other.close()
    shutil.copyfile(tmp_path / "other" / "vault.db", vault_dir / "vault.db")
    _open_fails_untouched(vault_dir, fast_kdf, "copied from another vault")


def test_vault_from_a_newer_peerdesk_is_refused_and_left_untouched(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, code = closed_vault
    # Pretend a future peerdesk migrated it: only that peerdesk knows the data key's path,
    # so go through the recovery slot to reach the raw database.
    vault = Vault.open(vault_dir, recovery_code=code, kdf=fast_kdf)
    key = bytes(vault._data_key or b"")
    vault.close()
    db = Database.open(vault_dir / "vault.db", key)
    db.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    db.close()
    before = snapshot(vault_dir)
    with pytest.raises(VaultTooNew, match="newer version of peerdesk"):
        Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    assert snapshot(vault_dir) == before


def test_key_file_from_a_newer_peerdesk_is_refused(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    path = vault_dir / "keyslots.json"
    doc = json.loads(path.read_text())
    doc["version"] = 99
    path.write_text(json.dumps(doc))
    before = snapshot(vault_dir)
    with pytest.raises(VaultTooNew, match="newer version"):
        Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    assert snapshot(vault_dir) == before


# -- write failures -------------------------------------------------------------


def _disk_full_on_write(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsutil.os, "write", full)


def test_disk_full_while_changing_passphrase_keeps_the_old_one(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault_dir, _ = closed_vault
    vault = Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    before = (vault_dir / "keyslots.json").read_bytes()
    _disk_full_on_write(monkeypatch)
    with pytest.raises(VaultWriteError, match="disk is full"):
        vault.change_passphrase("new passphrase that will not stick")
    monkeypatch.undo()
    vault.close()
    assert (vault_dir / "keyslots.json").read_bytes() == before
    names = sorted(p.name for p in vault_dir.iterdir())
    assert names == ["keyslots.json", "vault.db", "vault.lock"]
    Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf).close()


def test_disk_full_while_creating_leaves_no_partial_vault(
    vault_dir: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disk_full_on_write(monkeypatch)
    with pytest.raises(VaultWriteError, match="disk is full"):
        Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    monkeypatch.undo()
    assert list(vault_dir.iterdir()) == []
    assert not Vault.exists(vault_dir)
    # And the folder is usable straight away once there is space again.
    Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)[0].close()


def test_database_disk_full_keeps_earlier_notes(vault: Vault) -> None:
    person = vault.people.add(alias="Ash")
    first = vault.sessions.add(person.id, notes="Saved before the disk filled up.")
    pages = vault._db.scalar("PRAGMA page_count")
    vault._db.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(VaultWriteError, match="disk is full"):
        vault.sessions.add(person.id, notes="x" * 200_000)
    assert [s.id for s in vault.sessions.list_for_person(person.id)] == [first.id]
    assert vault.sessions.get(first.id).notes == "Saved before the disk filled up."


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_unwritable_data_folder(tmp_path: Path, fast_kdf: KdfParams) -> None:
    parent = tmp_path / "readonly"
    parent.mkdir()
    os.chmod(parent, 0o555)  # noqa: S103 - readable, deliberately not writable
    make_reachable(parent)
    code, message = run_unprivileged(
        lambda: Vault.create(parent / "vault", PASSPHRASE, kdf=fast_kdf)
    )
    assert code == RAISED_VAULT_ERROR, message
    assert "not allowed to write there" in message
    assert list(parent.iterdir()) == []
