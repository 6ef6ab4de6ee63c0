"""The vault: a folder holding the SQLCipher database and the key slots that open it.

``vault.db``       SQLCipher 4, keyed with a random 256-bit data key (raw key).
``keyslots.json``  that data key wrapped by the passphrase, the recovery code and,
                   optionally, a secret remembered in the OS keychain.
``vault.lock``     held while the vault is open, so only one open exists at a time.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from . import recovery
from .audit import AuditLog
from .checklist_runs import ChecklistRunsRepository
from .consents import ConsentsRepository
from .contact_log import ContactLogRepository
from .db import Database, KeyRejected
from .errors import (
    KeychainUnavailable,
    VaultClosed,
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultNotFound,
    VaultWriteError,
)
from .fsutil import FILE_MODE, atomic_write, ensure_private_dir, write_error
from .incidents import IncidentsRepository
from .indexer import Indexer, catch_up
from .integrity import IntegrityReport, QuickCheck, quick_check, run_checks
from .keychain import Keychain
from .keyslots import (
    DAMAGED_SLOTS,
    KEYCHAIN,
    SALT_BYTES,
    KdfParams,
    KeySlots,
    calibrate,
    hkdf,
    hkdf_kdf_record,
    open_with_passphrase,
    open_with_recovery,
    seal_passphrase,
    seal_recovery,
    secret_bytes,
    wipe,
)
from .lockfile import VaultLock
from .models import SearchHit, VaultMode
from .people import PeopleRepository
from .reader import Reader
from .referrals import ReferralsRepository
from .retention import Retention
from .schema import migrate
from .search import search as search_index
from .sessions import SessionsRepository
from .settings import SettingsStore
from .statistics import StatisticsQueries
from .templates import TemplatesRepository

DB_NAME = "vault.db"
SLOTS_NAME = "keyslots.json"
LOCK_NAME = "vault.lock"

# Turns the key slots into the data key, one way of unlocking each.
_Unwrap = Callable[[KeySlots], bytearray]

FOREIGN_DATABASE = (
    "The vault's database does not match its key file: it is damaged, or it was "
    "copied from another vault. peerdesk has not changed anything. Restore the "
    "whole vault folder (database and keyslots.json together) from one backup."
)


class Vault:
    """An open vault. Create one with :meth:`create` or :meth:`open`; always :meth:`close`."""

    def __init__(
        self,
        directory: Path,
        db: Database,
        slots: KeySlots,
        data_key: bytearray,
        lock: VaultLock,
        kdf: KdfParams | None,
    ) -> None:
        self.directory = directory
        self._db = db
        self._slots = slots
        self._data_key: bytearray | None = data_key
        self._lock = lock
        self._kdf = kdf
        self.people = PeopleRepository(db)
        self.sessions = SessionsRepository(db)
        self.incidents = IncidentsRepository(db)
        self.consents = ConsentsRepository(db)
        self.referrals = ReferralsRepository(db)
        self.checklist_runs = ChecklistRunsRepository(db)
        self.templates = TemplatesRepository(db)
        self.audit = AuditLog(db)
        self.settings = SettingsStore(db)
        self.retention = Retention(db, self.people)
        self.contacts = ContactLogRepository(db)  # used by contact-log-only vaults
        self.statistics = StatisticsQueries(db)  # exact counts; peerdesk.stats suppresses
        # A vault made before modes existed keeps records.
        stored_mode = db.scalar("SELECT value FROM meta WHERE key = 'mode'")
        self.mode = VaultMode(stored_mode) if stored_mode else VaultMode.RECORDS
        # Edited notes are re-indexed for search on a connection of its own.
        self._indexer = Indexer(self.read_access().open_once)
        self._indexer.start()
        self._reader: Reader | None = None

    # -- finding, creating and opening ---------------------------------------

    @staticmethod
    def exists(directory: Path | str) -> bool:
        directory = Path(directory)
        return (directory / SLOTS_NAME).exists() or (directory / DB_NAME).exists()

    @staticmethod
    def is_remembered(directory: Path | str) -> bool:
        """Whether this vault has a "remember on this computer" slot (no keychain call)."""
        try:
            raw = (Path(directory) / SLOTS_NAME).read_bytes()
            return KEYCHAIN in KeySlots.from_bytes(raw).slots
        except (OSError, VaultError):
            return False

    @classmethod
    def create(
        cls,
        directory: Path | str,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        mode: VaultMode = VaultMode.RECORDS,
    ) -> tuple[Vault, str]:
        """Create a vault in ``directory``; return it with its recovery code (shown once).

        ``mode`` is fixed for the vault's life: a contact-log-only vault never
        holds aliases, notes or diaries.
        """
        directory = Path(directory)
        with secret_bytes(passphrase) as secret:
            if cls.exists(directory):
                raise VaultExists(
                    "There is already a vault in this folder. Unlock it instead, or "
                    "choose an empty folder for a new one."
                )
            ensure_private_dir(directory)
            lock = VaultLock.acquire(directory / LOCK_NAME)
            params = kdf or calibrate()
            slots = KeySlots.new()
            data_key = bytearray(secrets.token_bytes(32))
            code = recovery.generate()
            db: Database | None = None
            try:
                db = _create_database(directory / DB_NAME, data_key, slots.vault_id, mode)
                seal_passphrase(slots, secret, data_key, params)
                seal_recovery(slots, code, data_key)
                atomic_write(directory / SLOTS_NAME, slots.to_bytes(), what="the vault's key file")
            except BaseException:
                if db is not None:
                    db.close()
                wipe(data_key)
                for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", SLOTS_NAME):
                    with contextlib.suppress(FileNotFoundError):
                        (directory / name).unlink()
                lock.release()
                with contextlib.suppress(OSError):
                    (directory / LOCK_NAME).unlink()
                raise
        return cls(directory, db, slots, data_key, lock, kdf), code

    @classmethod
    def open(
        cls,
        directory: Path | str,
        passphrase: str | None = None,
        *,
        recovery_code: str | None = None,
        kdf: KdfParams | None = None,
    ) -> Vault:
        """Unlock with the passphrase or, instead, the recovery code."""
        if (passphrase is None) == (recovery_code is None):
            raise ValueError("give exactly one of passphrase or recovery_code")
        if recovery_code is not None:
            # Checked before any file is read or key derived: a typo is named at once.
            code = recovery.normalise(recovery_code)
            return cls._unlock(Path(directory), kdf, lambda slots: open_with_recovery(slots, code))
        with secret_bytes(passphrase or "") as secret:
            return cls._unlock(
                Path(directory), kdf, lambda slots: open_with_passphrase(slots, secret)
            )

    @classmethod
    def open_remembered(
        cls, directory: Path | str, keychain: Keychain, *, kdf: KdfParams | None = None
    ) -> Vault:
        """Unlock with the secret this computer's keychain holds for the vault."""

        def unwrap(slots: KeySlots) -> bytearray:
            if KEYCHAIN not in slots.slots:
                raise KeychainUnavailable(
                    "This vault is not remembered on this computer. Unlock with your passphrase."
                )
            secret = keychain.load(slots.vault_id)
            if secret is None:
                raise KeychainUnavailable(
                    "This computer's keychain no longer holds the key for this vault. "
                    "Unlock with your passphrase."
                )
            kek = hkdf(secret, slots.salt(KEYCHAIN), KEYCHAIN)
            wipe(secret)
            try:
                return slots.open(KEYCHAIN, kek)
            finally:
                wipe(kek)

        return cls._unlock(Path(directory), kdf, unwrap)

    @classmethod
    def reset_passphrase(
        cls,
        directory: Path | str,
        recovery_code: str,
        new_passphrase: str,
        *,
        kdf: KdfParams | None = None,
    ) -> Vault:
        """Open with the recovery code and set a new passphrase; the old one stops working."""
        vault = cls.open(directory, recovery_code=recovery_code, kdf=kdf)
        try:
            vault.change_passphrase(new_passphrase)
        except BaseException:
            vault.close()
            raise
        return vault

    @classmethod
    def _unlock(cls, directory: Path, kdf: KdfParams | None, unwrap: _Unwrap) -> Vault:
        if not cls.exists(directory):
            raise VaultNotFound(
                "There is no vault in this folder yet. Create one, or choose the folder "
                "where your vault is kept."
            )
        lock = VaultLock.acquire(directory / LOCK_NAME)
        data_key: bytearray | None = None
        db: Database | None = None
        try:
            slots = _read_slots(directory)
            if not (directory / DB_NAME).is_file():
                raise VaultDamaged(
                    "The vault's database file (vault.db) is missing from the vault folder. "
                    "Restore the vault folder from your most recent backup."
                )
            data_key = unwrap(slots)
            # Every refusal comes from this read-only look first: closing a refused
            # read-write connection would checkpoint a crashed vault's WAL into
            # vault.db and delete it, changing the folder said to be unchanged.
            _check_before_unlock(directory / DB_NAME, data_key, slots.vault_id)
            try:
                db = Database.open(directory / DB_NAME, data_key)
            except KeyRejected:
                raise VaultDamaged(FOREIGN_DATABASE) from None
            _check_database(db, slots.vault_id)
            migrate(db)
        except BaseException:
            if db is not None:
                db.close()
            wipe(data_key)
            lock.release()
            raise
        return cls(directory, db, slots, data_key, lock, kdf)

    # -- while open -------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._data_key is None

    @property
    def vault_id(self) -> str:
        return self._slots.vault_id

    @property
    def remembered(self) -> bool:
        return KEYCHAIN in self._slots.slots

    def _key(self) -> bytearray:
        if self._data_key is None:
            raise VaultClosed("The vault is locked. Unlock it to continue.")
        return self._data_key

    def change_passphrase(self, new_passphrase: str) -> None:
        """Rewrite the passphrase slot; the database file is not touched."""
        key = self._key()
        with secret_bytes(new_passphrase) as secret:
            params = self._kdf or calibrate()
            slots = self._copy_slots()
            seal_passphrase(slots, secret, key, params)
            self._write_slots(slots)

    def remember_on_this_computer(self, keychain: Keychain) -> None:
        """Add a slot whose secret lives in the OS keychain (stored, then read back)."""
        key = self._key()
        secret = bytearray(secrets.token_bytes(32))
        try:
            keychain.store(self.vault_id, secret)
            slots = self._copy_slots()
            salt = secrets.token_bytes(SALT_BYTES)
            kek = hkdf(secret, salt, KEYCHAIN)
            try:
                slots.seal(KEYCHAIN, kek, key, hkdf_kdf_record(salt))
            finally:
                wipe(kek)
            try:
                self._write_slots(slots)
            except VaultWriteError:
                with contextlib.suppress(VaultError):
                    keychain.delete(self.vault_id)
                raise
        finally:
            wipe(secret)

    def forget_on_this_computer(self, keychain: Keychain | None) -> None:
        """Remove the keychain slot first, then (if reachable) the keychain entry."""
        self._key()
        if KEYCHAIN in self._slots.slots:
            slots = self._copy_slots()
            del slots.slots[KEYCHAIN]
            self._write_slots(slots)
        if keychain is not None:
            keychain.delete(self.vault_id)

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        self._key()
        return search_index(self._db, text, limit=limit)

    @property
    def reader(self) -> Reader:
        """Reads off the caller's thread, on a connection of their own (started on first use)."""
        self._key()
        if self._reader is None:
            self._reader = Reader(self.read_access().open_once)
        return self._reader

    # -- backup and the full integrity check (peerdesk.store.backup, .integrity) --------

    def read_access(self) -> ReadAccess:
        """What work on another thread needs to read this vault on a connection of its own.

        Call it on the thread that uses the vault; the copy of the data key it
        holds is the caller's to wipe (:meth:`ReadAccess.wipe`), lock or no lock.
        """
        return ReadAccess(
            database=self.directory / DB_NAME,
            data_key=bytearray(self._key()),
            slots=self._copy_slots(),
            kdf=self._kdf,
        )

    def check_integrity(self) -> IntegrityReport:
        """Check every page, table, index and foreign key (slow: seconds on a big vault).

        Reads through a second connection, so it sees what is committed and
        never the vault's own connection; for the GUI, run :func:`integrity.run_checks`
        on :meth:`read_access` off the GUI thread instead.
        """
        access = self.read_access()
        try:
            db = access.open()
            try:
                return run_checks(db)
            finally:
                db.close()
        finally:
            access.wipe()

    def close(self) -> None:
        """Close the database and overwrite the data key (best effort)."""
        if self._data_key is None:
            return
        if self._reader is not None:
            self._reader.stop()
            self._reader = None
        self._indexer.stop()
        # Erase the old words of edits not yet re-indexed (peerdesk.store.indexer).
        # A failure leaves them pending, for the next unlock; closing goes on.
        with contextlib.suppress(VaultError):
            catch_up(self._db)
        self._db.close()
        wipe(self._data_key)
        self._data_key = None
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- key-slot file ------------------------------------------------------------

    def _copy_slots(self) -> KeySlots:
        return KeySlots(self._slots.vault_id, {k: dict(v) for k, v in self._slots.slots.items()})

    def _write_slots(self, slots: KeySlots) -> None:
        atomic_write(self.directory / SLOTS_NAME, slots.to_bytes(), what="the vault's key file")
        self._slots = slots


def _read_slots(directory: Path) -> KeySlots:
    try:
        raw = (directory / SLOTS_NAME).read_bytes()
    except FileNotFoundError:
        raise VaultDamaged(
            "The vault's key file (keyslots.json) is missing, so the vault cannot be "
            "unlocked. Restore the vault folder from your most recent backup."
        ) from None
    except OSError as exc:
        raise write_error(exc, "the vault's key file") from None
    if len(raw) > 1024 * 1024:
        raise VaultDamaged(DAMAGED_SLOTS)
    return KeySlots.from_bytes(raw)


def _create_database(path: Path, data_key: bytearray, vault_id: str, mode: VaultMode) -> Database:
    # Create the file ourselves so it is 0600 from its first byte; SQLite gives the
    # WAL and shared-memory files the same mode as the database.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except OSError as exc:
        raise write_error(exc, "the vault's database") from None
    db = Database.open(path, data_key, create=True)
    try:
        migrate(db)
        with db.transaction():
            db.execute(
                """INSERT INTO meta(key, value)
                    VALUES ('vault_id', ?), ('created_at', ?), ('mode', ?)""",
                (vault_id, datetime.now(UTC).isoformat(timespec="seconds"), VaultMode(mode).value),
            )
    except BaseException:
        db.close()
        raise
    return db


@dataclass(slots=True)
class ReadAccess:
    """A vault's database file, a copy of its data key, and its key slots, for a backup
    or a full check on a connection of their own. Wipe it when done."""

    database: Path
    data_key: bytearray
    slots: KeySlots
    kdf: KdfParams | None

    def open(self) -> Database:
        """A second connection to the database (WAL lets it read while the vault writes)."""
        try:
            return Database.open(self.database, self.data_key)
        except KeyRejected:
            raise VaultDamaged(FOREIGN_DATABASE) from None

    def open_once(self) -> Database:
        """:meth:`open`, then :meth:`wipe`: for a connection opened later, on another thread."""
        try:
            return self.open()
        finally:
            self.wipe()

    def quick_check(self, cancel: threading.Event | None = None) -> QuickCheck:
        """Read every page the tables reach, on a connection of its own (seconds on a
        big vault): the check each open used to run, which the window now runs on a
        thread after unlock. The copy of the data key is not wiped here."""
        try:
            db = self.open()
        except VaultDamaged:
            return QuickCheck.DAMAGED
        try:
            return quick_check(db, cancel)
        finally:
            db.close()

    def wipe(self) -> None:
        wipe(self.data_key)


def _check_before_unlock(path: Path, data_key: bytearray, vault_id: str) -> None:
    """The checks of :func:`_check_database` and the schema version, on a read-only
    connection that leaves every file in the folder as it was (see
    :meth:`Database.open`), so a refused open changes nothing: not even a crashed
    vault's WAL, which closing a read-write connection would checkpoint and delete.
    Call it holding the vault lock; about a millisecond with the raw key."""
    try:
        probe = Database.open(path, data_key, read_only=True)
    except KeyRejected:
        raise VaultDamaged(FOREIGN_DATABASE) from None
    try:
        _check_database(probe, vault_id)
        # Target 0 applies no migration: this only refuses a vault from a newer
        # peerdesk (VaultTooNew), with the message migrate gives.
        migrate(probe, target=0)
    finally:
        probe.close()


def _check_database(db: Database, vault_id: str) -> None:
    """Checks on every open that take the same time on any size of vault.

    The right vault (its id), page 1 and the schema read back (SQLCipher checks
    each page's HMAC as it decrypts it), and no page cut off the end (whole
    pages SQLite refuses by itself; see :meth:`Database.truncated`). A
    damaged page elsewhere is for :func:`integrity.quick_check`, which the window
    runs in the background after unlock: reading every page here took 9 s on a
    350 MiB vault (benchmark issue 7).

    The last page itself is not read: this SQLCipher is built without
    ``sqlite_dbpage`` and ``dbstat``, and nothing else reads a page by number.
    """
    # A database without the meta table (an empty file, or a copy whose WAL held
    # every table) is damage, not an "unexpected error" (tests/fuzz/test_fuzz_vault.py).
    if db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") != 1:
        raise VaultDamaged(FOREIGN_DATABASE)
    row = db.one("SELECT value FROM meta WHERE key = 'vault_id'")
    if row is None or row[0] != vault_id:
        raise VaultDamaged(FOREIGN_DATABASE)
    if db.truncated():
        raise VaultDamaged(
            "The vault's database file is damaged. peerdesk has not changed it. "
            "Restore the vault folder from your most recent backup."
        )
