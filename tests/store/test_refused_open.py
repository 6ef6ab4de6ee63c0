"""A refused open of a crashed vault (one with a WAL) changes no file in its folder.

Closing a read-write SQLite connection lets SQLite checkpoint the WAL into
vault.db and delete it. When that connection belonged to an open that was then
refused, the folder peerdesk says it "has not changed" had changed, and a WAL
whose header was damaged took the last commits with it. The checks that can
refuse now run on a read-only connection first (``Database.open(read_only=True)``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from peerdesk.store import (
    KdfParams,
    Vault,
    VaultDamaged,
    VaultError,
    VaultTooNew,
    VaultWriteError,
    WrongPassphrase,
)
from peerdesk.store.db import Database
from peerdesk.store.schema import CURRENT_VERSION

from .conftest import PASSPHRASE

FileState = tuple[bytes, int]
CRASH_FILES = ("vault.db", "vault.db-wal", "vault.db-shm", "keyslots.json")
LAST_WORDS = "Written just before the crash"


def _state(folder: Path) -> dict[str, FileState]:
    """Every file but the lock (made on each attempt), with its bytes and mtime."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "vault.lock"
    }


def _crash_copy(
    tmp_path: Path,
    kdf: KdfParams,
    *,
    with_shm: bool,
    before_crash: Callable[[Vault], None] | None = None,
    name: str = "crashed",
) -> Path:
    """A vault folder as a crash leaves it: vault.db, its WAL (the last commits), the
    key file and, unless ``with_shm`` is false, the WAL index (-shm)."""
    live = tmp_path / "live"
    vault, _code = Vault.create(live, PASSPHRASE, kdf=kdf)
    for n in range(5):
        person = vault.people.add(alias=f"Person {n}")
        vault.sessions.add(person.id, notes=f"Notes {n}. " * 300)
    vault.close()  # checkpointed: vault.db now holds many pages
    vault = Vault.open(live, PASSPHRASE, kdf=kdf)
    try:
        vault.people.add(alias=LAST_WORDS)
        if before_crash is not None:
            before_crash(vault)
        crashed = tmp_path / name
        crashed.mkdir()
        for name in CRASH_FILES:
            if name != "vault.db-shm" or with_shm:
                shutil.copy2(live / name, crashed / name)
    finally:
        vault.close()
    assert (crashed / "vault.db-wal").stat().st_size > 0, "the copy should hold a WAL"
    return crashed


def _refused_untouched(
    folder: Path, kdf: KdfParams, error: type[VaultError], passphrase: str = PASSPHRASE
) -> None:
    before = _state(folder)
    with pytest.raises(error):
        Vault.open(folder, passphrase, kdf=kdf)
    after = _state(folder)
    assert sorted(after) == sorted(before), "a refused open added or removed a file"
    for name, state in before.items():
        assert after[name] == state, f"a refused open changed {name}"


def _flip_first_byte(path: Path) -> None:
    with path.open("r+b") as fh:
        first = fh.read(1)
        fh.seek(0)
        fh.write(bytes([first[0] ^ 0x01]))


SHM = pytest.mark.parametrize("with_shm", [True, False], ids=["with-shm", "without-shm"])


@SHM
def test_a_wrong_passphrase_leaves_a_crashed_vault_alone(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm)
    _refused_untouched(folder, fast_kdf, WrongPassphrase, passphrase="not the passphrase")


@SHM
def test_a_damaged_wal_header_is_refused_and_the_wal_kept(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    """SQLite ignores a WAL whose magic number is wrong; the schema of the created-then-
    crashed vault is then missing, and the WAL with the last commits must stay."""
    live = tmp_path / "live"
    vault, _code = Vault.create(live, PASSPHRASE, kdf=fast_kdf)
    try:
        vault.people.add(alias=LAST_WORDS)
        folder = tmp_path / "crashed"
        folder.mkdir()
        for name in CRASH_FILES:
            if name != "vault.db-shm" or with_shm:
                shutil.copy2(live / name, folder / name)
    finally:
        vault.close()
    _flip_first_byte(folder / "vault.db-wal")
    _refused_untouched(folder, fast_kdf, VaultDamaged)


@SHM
def test_a_damaged_database_salt_is_refused_and_the_wal_kept(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    """The salt at the start of vault.db feeds every page's HMAC key: no page
    decrypts, the key is rejected, which is damage here (the key slots opened)."""
    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm)
    _flip_first_byte(folder / "vault.db")
    _refused_untouched(folder, fast_kdf, VaultDamaged)


@SHM
def test_a_truncated_database_is_refused_and_the_wal_kept(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm)
    with (folder / "vault.db").open("r+b") as fh:
        fh.truncate(2048)  # cut inside page 1
    _refused_untouched(folder, fast_kdf, VaultDamaged)


@SHM
def test_a_database_of_another_vault_is_refused_and_the_wal_kept(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    """The key opens the database, but its vault id is not the key file's."""

    def change_id(vault: Vault) -> None:
        with vault._db.transaction():
            vault._db.execute("UPDATE meta SET value = 'another vault' WHERE key = 'vault_id'")

    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm, before_crash=change_id)
    _refused_untouched(folder, fast_kdf, VaultDamaged)


@SHM
def test_a_crashed_vault_of_a_newer_peerdesk_is_refused_and_the_wal_kept(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    def from_the_future(vault: Vault) -> None:
        vault._db.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")

    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm, before_crash=from_the_future)
    _refused_untouched(folder, fast_kdf, VaultTooNew)


@SHM
def test_a_crashed_vault_opens_with_its_last_commits(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm)
    with Vault.open(folder, PASSPHRASE, kdf=fast_kdf) as vault:
        aliases = {person.alias for person in vault.people.list()}
    assert LAST_WORDS in aliases
    assert {f"Person {n}" for n in range(5)} <= aliases
    # The last connection checkpointed the WAL: the commits are in vault.db now.
    assert not (folder / "vault.db-wal").exists()
    with Vault.open(folder, PASSPHRASE, kdf=fast_kdf) as vault:
        assert LAST_WORDS in {person.alias for person in vault.people.list()}


def test_a_folder_name_that_looks_like_uri_syntax_opens_and_refuses_alike(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    """The read-only connection opens an SQLite URI: ?, #, % and spaces are escaped."""
    folder = _crash_copy(tmp_path, fast_kdf, with_shm=True, name="a?b#c%20d é 100%")
    wal = (folder / "vault.db-wal").read_bytes()
    _flip_first_byte(folder / "vault.db")
    _refused_untouched(folder, fast_kdf, VaultDamaged)
    _flip_first_byte(folder / "vault.db")
    assert (folder / "vault.db-wal").read_bytes() == wal
    with Vault.open(folder, PASSPHRASE, kdf=fast_kdf) as vault:
        assert LAST_WORDS in {person.alias for person in vault.people.list()}
    assert not (tmp_path / "a").exists()  # nothing opened next to it by mistake


# -- the read-only connection itself -------------------------------------------------------


def _data_key(folder: Path, kdf: KdfParams) -> bytes:
    with Vault.open(folder, PASSPHRASE, kdf=kdf) as vault:
        return bytes(vault._data_key or b"")


@SHM
def test_a_read_only_connection_reads_the_wal_and_leaves_every_file_as_it_was(
    tmp_path: Path, fast_kdf: KdfParams, with_shm: bool
) -> None:
    folder = _crash_copy(tmp_path, fast_kdf, with_shm=with_shm)
    key = _data_key(tmp_path / "live", fast_kdf)
    before = _state(folder)
    db = Database.open(folder / "vault.db", key, read_only=True)
    try:
        assert db.scalar("SELECT count(*) FROM people WHERE alias = ?", (LAST_WORDS,)) == 1
        with pytest.raises(VaultWriteError):
            db.execute("DELETE FROM people")
    finally:
        db.close()
    assert _state(folder) == before


def test_a_read_only_connection_to_a_clean_vault_leaves_no_wal_behind(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    """SQLite creates an empty WAL and a -shm for a read-only connection; closing puts
    the folder back as it was."""
    folder = tmp_path / "vault"
    vault, _code = Vault.create(folder, PASSPHRASE, kdf=fast_kdf)
    vault.people.add(alias="Robin")
    vault.close()
    key = _data_key(folder, fast_kdf)
    before = _state(folder)
    assert "vault.db-wal" not in before
    db = Database.open(folder / "vault.db", key, read_only=True)
    try:
        assert db.scalar("SELECT count(*) FROM people") == 1
    finally:
        db.close()
    assert _state(folder) == before


def test_a_read_only_connection_refuses_a_wrong_key_and_leaves_the_files(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    from peerdesk.store.db import KeyRejected

    folder = _crash_copy(tmp_path, fast_kdf, with_shm=True)
    before = _state(folder)
    with pytest.raises(KeyRejected):
        Database.open(folder / "vault.db", bytes(32), read_only=True)
    assert _state(folder) == before


def test_read_only_cannot_create(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="read-only"):
        Database.open(tmp_path / "vault.db", bytes(32), create=True, read_only=True)
