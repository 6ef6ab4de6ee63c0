"""Backups: the whole vault as one encrypted file, and a restore that checks before it places.

What a backup holds
-------------------
A consistent snapshot of ``vault.db``, still encrypted by SQLCipher under the
vault's data key, read through a connection of its own that holds one read
transaction for the whole copy: in WAL mode that transaction is a snapshot, so
writes the app makes meanwhile (autosave) are neither in it nor able to tear it.
The snapshot is sealed again, chunk by chunk, with AES-256-GCM under a key
derived from the data key (HKDF, a fresh salt per backup), so the file as a
whole, and not only each page, is checked: a truncated, extended, reordered or
edited file is refused.

The snapshot is usually the bytes of ``vault.db`` itself, sealed as they are
read (one pass, no temporary copy; see :func:`_frozen_database` for why the
file is then exactly the snapshot). When the app is writing so steadily that
the file cannot be caught up with the snapshot, it falls back to SQLite's
online backup API into a temporary file (same content, several times slower:
SQLCipher decrypts and re-encrypts every page).

The file (``*.peerdesk-backup``)::

    MAGIC (20 bytes)  "\\x89PEERDESK-BACKUP\\r\\n\\x1a\\n"
    version           2 bytes, big-endian (1)
    header length     4 bytes, big-endian
    header            UTF-8 JSON: how to get the data key, the payload parameters
    header digest     SHA-256 of everything above (tells damage from a wrong passphrase)
    payload           ceil(size / chunk) chunks, each AES-256-GCM(chunk) + 16-byte tag,
                      nonce = 8-byte random prefix || chunk number (4 bytes, big-endian),
                      associated data = every byte before the payload

The header says how the data key is reached (``unlock.kind``):

- ``vault_slots``: the vault's own passphrase and recovery slots (a copy of
  ``keyslots.json`` without any "remember on this computer" slot). The backup
  opens with the passphrase the vault had when it was made, or the recovery code.
- ``backup_passphrase``: one Argon2id slot under a separate backup passphrase
  (the same code as the vault's passphrase slot, bound to an id of its own so
  it cannot be moved into a vault's key file).

Restore
-------
Into a folder holding no vault, never over one. Everything that can be refused
is refused before the folder is touched (not a backup, damaged header, newer
format, wrong passphrase); then the payload is decrypted into a hidden file in
that folder (still SQLCipher-encrypted: nothing readable touches the disk), the
full integrity check runs on it, and only then is it renamed to ``vault.db``
beside a new ``keyslots.json``. A failure or a cancel at any point before that
leaves the folder exactly as it was.

- A ``vault_slots`` backup restores with the same key slots: it opens with
  the passphrase or recovery code of the vault it came from.
- A ``backup_passphrase`` backup asks for a new passphrase for the restored
  vault, and makes a new recovery code (to be shown once, as at first run).
  The backup passphrase protects a file that travels (a USB stick, a cloud
  folder); the vault's passphrase is typed every day on this laptop. Keeping
  them apart is the point of choosing a separate one, so the restore does not
  silently turn one into the other.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import json
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import recovery
from .audit import BACKUP_MADE, VAULT_RESTORED
from .db import Database, KeyRejected, translated
from .errors import (
    DiskFull,
    InvalidRecoveryCode,
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultTooNew,
    VaultWriteError,
    WrongPassphrase,
)
from .fsutil import DIR_MODE, FILE_MODE, atomic_write, fsync_dir, write_error
from .integrity import run_checks
from .keyslots import (
    KEYCHAIN,
    PASSPHRASE,
    SALT_BYTES,
    KdfParams,
    KeySlots,
    calibrate,
    hkdf,
    open_with_passphrase,
    open_with_recovery,
    seal_passphrase,
    seal_recovery,
    secret_bytes,
    wipe,
)
from .lockfile import VaultLock
from .values import parse_utc, utc_text
from .vault import DB_NAME, LOCK_NAME, SLOTS_NAME, ReadAccess, Vault

MAGIC = b"\x89PEERDESK-BACKUP\r\n\x1a\n"
FORMAT = "peerdesk-backup"
FORMAT_VERSION = 1
SUFFIX = ".peerdesk-backup"
CHUNK_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024
TAG_BYTES = 16
NONCE_PREFIX_BYTES = 8
PAGE_BYTES = 4096  # SQLCipher 4's default page size: how many pages make a chunk

VAULT_SLOTS = "vault_slots"
BACKUP_PASSPHRASE = "backup_passphrase"  # noqa: S105 - the unlock kind's name, not a secret
UNLOCK_KINDS = (VAULT_SLOTS, BACKUP_PASSPHRASE)

LAST_BACKUP_KEY = "backup.last_made_at"  # in the vault's settings: when, never where

_PAYLOAD_KDF = "backup payload"  # HKDF info: "peerdesk backup payload slot v1"
_PREFIX = struct.Struct(">HI")  # version, header length

Progress = Callable[[float], None]
"""Called with the fraction done, 0.0 to 1.0, from the thread doing the work."""

NOT_A_BACKUP = (
    "This file is not a peerdesk backup. Choose a file whose name ends in "
    "“.peerdesk-backup”. Nothing has been changed."
)
DAMAGED_BACKUP = (
    "This backup file is damaged or incomplete (it may have been cut short while "
    "copying), so it cannot be restored. Nothing has been changed. Try another copy "
    "of the backup."
)
REFUSED_BY_VAULT_SLOTS = (
    "That passphrase does not open this backup. It opens with the passphrase the "
    "vault had when the backup was made, or with the vault's recovery code."
)
REFUSED_BY_BACKUP_SLOT = (
    "That passphrase does not open this backup. It was protected with a separate "
    "backup passphrase, chosen when the backup was made."
)
NOT_THIS_RECOVERY_CODE = (
    "That recovery code does not open this backup. It may belong to another vault."
)


class NotABackup(VaultDamaged):
    """The file is not a peerdesk backup at all (another kind of file, or empty)."""


class BackupDamaged(VaultDamaged):
    """A peerdesk backup that fails a check: header digest, GCM tag, length, integrity."""


class Cancelled(VaultError):
    """The supporter cancelled; nothing was written or placed."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup's header says, readable without any secret."""

    unlock: str  # VAULT_SLOTS or BACKUP_PASSPHRASE
    made_at: datetime
    payload_bytes: int

    @property
    def separate_passphrase(self) -> bool:
        return self.unlock == BACKUP_PASSPHRASE


def suggested_file_name(today: date) -> str:
    """``peerdesk-2026-11-29.peerdesk-backup``: a date, never a name or an alias."""
    return f"peerdesk-{today.isoformat()}{SUFFIX}"


# -- making a backup ---------------------------------------------------------------------


def write_backup(
    access: ReadAccess,
    destination: Path,
    *,
    backup_passphrase: str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> BackupInfo:
    """Write a backup of the vault ``access`` reads to ``destination`` (0600, atomically).

    Safe to run on any thread while the vault is in use: it reads through a
    connection of its own. Raises :class:`Cancelled` if ``cancel`` is set
    between chunks; then, as on any failure, no file is left behind.
    ``access.data_key`` is not wiped here: the caller owns it.
    """
    if not 1 <= chunk_bytes <= MAX_CHUNK_BYTES:
        raise ValueError("chunk_bytes must be between 1 byte and 16 MiB")
    report = progress or (lambda _fraction: None)
    destination = Path(destination)
    made_at = datetime.now(UTC).replace(microsecond=0)
    unlock = _unlock_record(access, backup_passphrase)
    token = secrets.token_hex(6)
    snapshot = destination.with_name(f".{destination.name}.{token}.snapshot.tmp")
    sealed = destination.with_name(f".{destination.name}.{token}.tmp")

    def seal(source: BinaryIO, size: int, report_seal: Progress) -> None:
        salt = secrets.token_bytes(SALT_BYTES)
        header = _header_bytes(
            {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "made_at": utc_text(made_at),
                "unlock": unlock,
                "payload": {
                    "content": "sqlcipher4-database",
                    "aead": "aes-256-gcm",
                    "kdf": "hkdf-sha256",
                    "salt": _b64(salt),
                    "nonce_prefix": _b64(secrets.token_bytes(NONCE_PREFIX_BYTES)),
                    "chunk_bytes": chunk_bytes,
                    "bytes": size,
                },
            }
        )
        key = hkdf(access.data_key, salt, _PAYLOAD_KDF)
        try:
            _seal(source, sealed, header, key, report_seal, cancel)
        finally:
            wipe(key)

    try:
        _check_cancel(cancel)
        with _frozen_database(access) as frozen:
            if frozen is not None:
                size = os.fstat(frozen.fileno()).st_size
                seal(frozen, size, lambda f: report(f * 0.99))
        if frozen is None:
            _snapshot(access, snapshot, chunk_bytes, lambda f: report(f * 0.5), cancel)
            with snapshot.open("rb") as copy:
                size = os.fstat(copy.fileno()).st_size
                seal(copy, size, lambda f: report(0.5 + f * 0.49))
            _remove(snapshot)
        _check_cancel(cancel)
        os.replace(sealed, destination)
        fsync_dir(destination.parent)
    except OSError as exc:
        raise _backup_write_error(exc) from None
    finally:
        for leftover in (snapshot, *_sidecars(snapshot), sealed):
            _remove(leftover)
    report(1.0)
    return BackupInfo(unlock=unlock["kind"], made_at=made_at, payload_bytes=size)


def record_backup_made(vault: Vault, when: datetime | None = None) -> None:
    """After a backup: a content-free audit event, and "last backup at" for the reminder."""
    moment = (when or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    vault.audit.record(BACKUP_MADE)
    vault.settings.set(LAST_BACKUP_KEY, utc_text(moment))


def last_backup_at(vault: Vault) -> datetime | None:
    """When the latest backup of this vault was made, or None if never (or unreadable)."""
    try:
        raw = vault.settings.get(LAST_BACKUP_KEY)
        return parse_utc(raw) if isinstance(raw, str) else None
    except (ValueError, TypeError, VaultError):
        return None


def vault_created_at(vault: Vault) -> datetime | None:
    """When the vault was created (from its own records), or None if unknown."""
    try:
        raw = vault._db.scalar("SELECT value FROM meta WHERE key = 'created_at'")  # noqa: SLF001
        return datetime.fromisoformat(raw).astimezone(UTC) if isinstance(raw, str) else None
    except (ValueError, VaultError):
        return None


def _unlock_record(access: ReadAccess, backup_passphrase: str | None) -> dict[str, Any]:
    if backup_passphrase is None:
        slots = KeySlots(
            access.slots.vault_id,
            {k: dict(v) for k, v in access.slots.slots.items() if k != KEYCHAIN},
        )
        return {"kind": VAULT_SLOTS, "slots": json.loads(slots.to_bytes())}
    with secret_bytes(backup_passphrase) as secret:
        # An id of its own: the slot's AEAD binds it, so it cannot open a vault's key file.
        wrapper = KeySlots.new()
        seal_passphrase(wrapper, secret, access.data_key, access.kdf or calibrate())
    return {
        "kind": BACKUP_PASSPHRASE,
        "wrap_id": wrapper.vault_id,
        "slot": wrapper.slots[PASSPHRASE],
    }


FREEZE_ATTEMPTS = 4
"""How often to try to catch ``vault.db`` up with a snapshot before the slower copy."""


@contextlib.contextmanager
def _frozen_database(access: ReadAccess) -> Iterator[BinaryIO | None]:
    """``vault.db`` opened for reading while it holds exactly one snapshot, or None.

    A connection of our own starts a read transaction (the snapshot); a second
    connection then runs a passive checkpoint. In WAL mode the checkpointer never
    writes into the database file a frame that a reader's snapshot does not
    include, and a reader that ignores the WAL altogether blocks it from writing
    to the file at all. So if the checkpoint reports every frame of the WAL as
    copied back (``checkpointed == log``), the file holds exactly our snapshot,
    and it cannot change (the app's commits go to the WAL) until our read
    transaction ends, after the caller is done. If the app committed between the
    two steps, or another reader holds an older snapshot, the check fails: try
    again a few times, then yield None so the caller takes the backup API's copy.

    Reading the file with a descriptor of our own has one POSIX cost: closing it
    drops the fcntl locks SQLite holds on ``vault.db`` for this process. That
    lock only speaks to other processes, and ``vault.lock`` (flock, held while
    the vault is open) already keeps every other process away from this vault.
    """
    reader = access.open()
    try:
        for attempt in range(FREEZE_ATTEMPTS):
            if attempt:
                time.sleep(0.005 * attempt)  # let a burst of autosave commits finish
            reader.execute("BEGIN")
            reader.scalar("SELECT count(*) FROM sqlite_master")
            if _caught_up(access):
                with access.database.open("rb") as stream:
                    yield stream
                reader.execute("ROLLBACK")
                return
            reader.execute("ROLLBACK")
    finally:
        reader.close()
    yield None


def _caught_up(access: ReadAccess) -> bool:
    """A passive checkpoint from another connection; True if it copied back the whole WAL."""
    checkpointer = access.open()
    try:
        row = checkpointer.one("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        checkpointer.close()
    if row is None:
        return False
    busy, log, checkpointed = (int(v) for v in row)
    # (0, -1, -1) means "not in WAL mode": no promise about the file, so no.
    return busy == 0 and log >= 0 and checkpointed == log


def _snapshot(
    access: ReadAccess,
    path: Path,
    chunk_bytes: int,
    report: Progress,
    cancel: threading.Event | None,
) -> None:
    """Copy the database, as of one moment, into ``path`` (same data key, SQLCipher)."""
    os.close(_create_private(path))
    source = access.open()
    try:
        target = Database.open(path, access.data_key, create=True)
        try:
            # A temporary copy: no journal, no waiting for the disk page by page.
            target.execute("PRAGMA journal_mode = OFF").fetchone()
            target.execute("PRAGMA synchronous = OFF")
            # One read transaction for the whole copy: in WAL mode it is a snapshot,
            # so commits from the app meanwhile neither appear nor restart the copy.
            source.execute("BEGIN")
            source.scalar("SELECT count(*) FROM sqlite_master")

            def step(_status: int, remaining: int, total: int) -> None:
                _check_cancel(cancel)
                report((total - remaining) / total if total else 1.0)

            with translated():
                source.connection.backup(
                    target.connection, pages=max(1, chunk_bytes // PAGE_BYTES), progress=step
                )
            source.execute("ROLLBACK")
        finally:
            target.close()
    finally:
        source.close()
    for suffix in ("-wal", "-shm", "-journal"):
        _remove(path.with_name(path.name + suffix))


def _seal(
    source: BinaryIO,
    sealed: Path,
    header: bytes,
    key: bytearray,
    report: Progress,
    cancel: threading.Event | None,
) -> None:
    """Seal the header and ``source``'s bytes (as many as the header says) into ``sealed``."""
    meta = _parse_header(header)
    chunk_bytes, size, prefix = meta.chunk_bytes, meta.payload_bytes, meta.nonce_prefix
    aead = AESGCM(bytes(key))
    chunks = _chunk_count(size, chunk_bytes)
    # Two buffers reused for every chunk: no new bytes objects per megabyte.
    plain = bytearray(chunk_bytes)
    out = bytearray(chunk_bytes + TAG_BYTES)
    fd = _create_private(sealed)
    try:
        _write_all(fd, header)
        for index in range(chunks):
            _check_cancel(cancel)
            want = min(chunk_bytes, size - index * chunk_bytes)
            got = _read_exactly(source, memoryview(plain)[:want])
            if got != want:
                raise VaultError("The vault changed size while it was being backed up. Try again.")
            sealed_view = memoryview(out)[: want + TAG_BYTES]
            aead.encrypt_into(_nonce(prefix, index), memoryview(plain)[:want], header, sealed_view)
            _write_all(fd, sealed_view)
            report((index + 1) / chunks)
        if source.read(1):
            # The snapshot grew after it was measured: never seal half a file.
            raise VaultError("The vault changed size while it was being backed up. Try again.")
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_exactly(source: BinaryIO, view: memoryview) -> int:
    """Fill ``view`` from ``source``; how many bytes were read (fewer only at the end)."""
    done = 0
    while done < len(view):
        n = source.readinto(view[done:])  # type: ignore[attr-defined]
        if not n:
            break
        done += n
    return done


# -- reading a backup ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Header:
    raw: bytes
    unlock: dict[str, Any]
    made_at: datetime
    salt: bytes
    nonce_prefix: bytes
    chunk_bytes: int
    payload_bytes: int


def read_info(path: Path) -> BackupInfo:
    """What kind of backup ``path`` is, from its header alone (no secret, no decryption).

    Raises :class:`NotABackup`, :class:`BackupDamaged` or :class:`VaultTooNew`.
    """
    with _open_backup(path) as (_stream, header):
        return BackupInfo(
            unlock=header.unlock["kind"],
            made_at=header.made_at,
            payload_bytes=header.payload_bytes,
        )


def restore_backup(
    source: Path,
    target: Path,
    *,
    passphrase: str | None = None,
    recovery_code: str | None = None,
    new_passphrase: str | None = None,
    kdf: KdfParams | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> tuple[Vault, str | None]:
    """Restore ``source`` into the folder ``target``, which must hold no vault.

    For a ``vault_slots`` backup give ``passphrase`` (the vault's, when the
    backup was made) or ``recovery_code``. For a ``backup_passphrase`` backup
    give ``passphrase`` (the backup's) and ``new_passphrase`` for the restored
    vault. Returns the restored vault, open, with a new recovery code to show
    once (``backup_passphrase`` backups) or None (the old code still works).
    The content is the backup's, unchanged: call :func:`record_restored` after.
    """
    report = progress or (lambda _fraction: None)
    target = Path(target)
    with _open_backup(source) as (stream, header):
        if Vault.exists(target):
            raise VaultExists(
                "There is already a vault in this folder, and peerdesk never restores "
                "over one. Choose an empty folder. Nothing has been changed."
            )
        kind = header.unlock["kind"]
        if kind == BACKUP_PASSPHRASE and (passphrase is None or new_passphrase is None):
            raise ValueError("a separate-passphrase backup needs passphrase and new_passphrase")
        if kind == VAULT_SLOTS and (passphrase is None) == (recovery_code is None):
            raise ValueError("give exactly one of passphrase or recovery_code")
        if new_passphrase is not None:
            with secret_bytes(new_passphrase):
                pass  # an unusable new passphrase is refused before any work
        slots, data_key = _unwrap(header, passphrase, recovery_code)
        try:
            code = _place(
                stream, header, target, data_key, slots, new_passphrase, kdf, report, cancel
            )
            vault = Vault._unlock(target, kdf, lambda _slots: bytearray(data_key))  # noqa: SLF001
        finally:
            wipe(data_key)
    report(1.0)
    return vault, code


def record_restored(vault: Vault) -> None:
    """A content-free audit event in the restored vault, recorded once the supporter is in.

    Not part of :func:`restore_backup`, so what that places is the snapshot and
    nothing else (tests compare the two exactly).
    """
    vault.audit.record(VAULT_RESTORED)


def _unwrap(
    header: _Header, passphrase: str | None, recovery_code: str | None
) -> tuple[KeySlots | None, bytearray]:
    """The data key from the header's slots (Argon2id for a passphrase: slow)."""
    unlock = header.unlock
    if unlock["kind"] == VAULT_SLOTS:
        try:
            slots = KeySlots.from_bytes(json.dumps(unlock["slots"]).encode("utf-8"))
        except VaultTooNew:
            raise
        except VaultDamaged:
            raise BackupDamaged(DAMAGED_BACKUP) from None
        try:
            if recovery_code is not None:
                code = recovery.normalise(recovery_code)
                return slots, open_with_recovery(slots, code)
            with secret_bytes(passphrase or "") as secret:
                return slots, open_with_passphrase(slots, secret)
        except InvalidRecoveryCode:
            raise
        except WrongPassphrase:
            message = NOT_THIS_RECOVERY_CODE if recovery_code else REFUSED_BY_VAULT_SLOTS
            raise WrongPassphrase(message) from None
    wrapper = KeySlots(unlock["wrap_id"], {PASSPHRASE: unlock["slot"]})
    try:
        with secret_bytes(passphrase or "") as secret:
            return None, open_with_passphrase(wrapper, secret)
    except WrongPassphrase:
        raise WrongPassphrase(REFUSED_BY_BACKUP_SLOT) from None
    except VaultDamaged:
        raise BackupDamaged(DAMAGED_BACKUP) from None


def _place(
    stream: BinaryIO,
    header: _Header,
    target: Path,
    data_key: bytearray,
    slots: KeySlots | None,
    new_passphrase: str | None,
    kdf: KdfParams | None,
    report: Progress,
    cancel: threading.Event | None,
) -> str | None:
    """Decrypt, check and place; undo every change to ``target`` on any failure.

    Returns the new recovery code (separate-passphrase backups), else None.
    """
    created = _make_dirs(target)
    lock_path = target / LOCK_NAME
    had_lock = lock_path.exists()
    temp = target / f".restore-{secrets.token_hex(6)}.tmp"
    placed: list[Path] = []
    lock: VaultLock | None = None
    try:
        lock = VaultLock.acquire(lock_path)
        if Vault.exists(target):  # appeared since the first look
            raise VaultExists("There is already a vault in this folder. Nothing has been changed.")
        _decrypt(stream, header, data_key, temp, lambda f: report(f * 0.8), cancel)
        vault_id = _check_restored(temp, data_key, slots)
        report(0.9)
        _check_cancel(cancel)
        code: str | None = None
        if slots is None:
            with secret_bytes(new_passphrase or "") as secret:
                slots = KeySlots(vault_id, {})
                seal_passphrase(slots, secret, data_key, kdf or calibrate())
            code = recovery.generate()
            seal_recovery(slots, code, data_key)
        else:
            slots = KeySlots(
                slots.vault_id, {k: v for k, v in slots.slots.items() if k != KEYCHAIN}
            )
        _check_cancel(cancel)
        os.replace(temp, target / DB_NAME)
        placed.append(target / DB_NAME)
        atomic_write(target / SLOTS_NAME, slots.to_bytes(), what="the restored vault's key file")
        fsync_dir(target)
        if created:
            os.chmod(target, DIR_MODE)
        return code
    except OSError as exc:
        _undo(placed, temp, created, lock_path if not had_lock else None)
        raise write_error(exc, "the restored vault") from None
    except BaseException:
        _undo(placed, temp, created, lock_path if not had_lock else None)
        raise
    finally:
        if lock is not None:
            lock.release()


def _undo(placed: list[Path], temp: Path, created: list[Path], lock_path: Path | None) -> None:
    for path in [*placed, temp, *_sidecars(temp)]:
        _remove(path)
    if lock_path is not None:
        _remove(lock_path)
    for directory in reversed(created):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _decrypt(
    stream: BinaryIO,
    header: _Header,
    data_key: bytearray,
    temp: Path,
    report: Progress,
    cancel: threading.Event | None,
) -> None:
    key = hkdf(data_key, header.salt, _PAYLOAD_KDF)
    try:
        aead = AESGCM(bytes(key))
    finally:
        wipe(key)
    chunks = _chunk_count(header.payload_bytes, header.chunk_bytes)
    fd = _create_private(temp)
    try:
        for index in range(chunks):
            _check_cancel(cancel)
            plain_size = min(header.chunk_bytes, header.payload_bytes - index * header.chunk_bytes)
            sealed = stream.read(plain_size + TAG_BYTES)
            if len(sealed) != plain_size + TAG_BYTES:
                raise BackupDamaged(DAMAGED_BACKUP)
            try:
                plain = aead.decrypt(_nonce(header.nonce_prefix, index), sealed, header.raw)
            except InvalidTag:
                raise BackupDamaged(DAMAGED_BACKUP) from None
            _write_all(fd, plain)
            report((index + 1) / chunks)
        if stream.read(1):
            raise BackupDamaged(DAMAGED_BACKUP)
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_restored(temp: Path, data_key: bytearray, slots: KeySlots | None) -> str:
    """The full integrity check on the decrypted database; its vault id."""
    try:
        db = Database.open(temp, data_key)
    except (KeyRejected, VaultDamaged):
        raise BackupDamaged(DAMAGED_BACKUP) from None
    try:
        report = run_checks(db)
        vault_id = db.scalar("SELECT value FROM meta WHERE key = 'vault_id'")
    except VaultDamaged:
        raise BackupDamaged(DAMAGED_BACKUP) from None
    finally:
        db.close()
    for sidecar in _sidecars(temp):
        _remove(sidecar)
    if not report.ok:
        raise BackupDamaged(
            "This backup decrypts, but the vault inside it fails its integrity check, so "
            "it was not restored. Nothing has been changed. Try an older backup."
        )
    if not isinstance(vault_id, str) or (slots is not None and vault_id != slots.vault_id):
        raise BackupDamaged(DAMAGED_BACKUP)
    return vault_id


@contextlib.contextmanager
def _open_backup(path: Path) -> Iterator[tuple[BinaryIO, _Header]]:
    try:
        stream = Path(path).open("rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise VaultWriteError(
                "peerdesk is not allowed to read that file. Check its permissions, or "
                "copy it somewhere you can read it."
            ) from None
        raise VaultWriteError(
            "That backup file cannot be read (it may be on a drive that was removed)."
        ) from None
    with stream:
        try:
            header = _read_header(stream)
            _check_length(stream, header)
            yield stream, header
        except OSError:
            raise VaultWriteError(
                "That backup file could not be read to the end (the drive may have been "
                "removed). Nothing has been changed."
            ) from None


def _read_header(stream: BinaryIO) -> _Header:
    if stream.read(len(MAGIC)) != MAGIC:
        raise NotABackup(NOT_A_BACKUP)
    prefix = stream.read(_PREFIX.size)
    if len(prefix) != _PREFIX.size:
        raise BackupDamaged(DAMAGED_BACKUP)
    version, length = _PREFIX.unpack(prefix)
    if version > FORMAT_VERSION:
        raise VaultTooNew(
            "This backup was made by a newer version of peerdesk. Update peerdesk to "
            "restore it; nothing has been changed."
        )
    if version < 1 or not 2 <= length <= MAX_HEADER_BYTES:
        raise BackupDamaged(DAMAGED_BACKUP)
    body = stream.read(length)
    digest = stream.read(32)
    raw = MAGIC + prefix + body
    if len(body) != length or digest != hashlib.sha256(raw).digest():
        raise BackupDamaged(DAMAGED_BACKUP)
    return _parse_header(raw + digest)


def _parse_header(raw: bytes) -> _Header:
    """Parse and validate the JSON of a header whose digest has been checked."""
    start = len(MAGIC) + _PREFIX.size
    try:
        doc = json.loads(raw[start:-32].decode("utf-8"))
        if doc["format"] != FORMAT or doc["version"] != FORMAT_VERSION:
            raise ValueError("format")
        unlock, payload = doc["unlock"], doc["payload"]
        kind = unlock["kind"]
        if kind == VAULT_SLOTS:
            if not isinstance(unlock["slots"], dict):
                raise ValueError("slots")
        elif kind == BACKUP_PASSPHRASE:
            if not isinstance(unlock["wrap_id"], str) or not isinstance(unlock["slot"], dict):
                raise ValueError("slot")
        else:
            raise ValueError("kind")
        if (payload["content"], payload["aead"], payload["kdf"]) != (
            "sqlcipher4-database",
            "aes-256-gcm",
            "hkdf-sha256",
        ):
            raise ValueError("payload")
        chunk_bytes, size = payload["chunk_bytes"], payload["bytes"]
        salt, prefix = _unb64(payload["salt"]), _unb64(payload["nonce_prefix"])
        if (
            not all(type(n) is int for n in (chunk_bytes, size))
            or not 1 <= chunk_bytes <= MAX_CHUNK_BYTES
            or size < 1
            or len(salt) != SALT_BYTES
            or len(prefix) != NONCE_PREFIX_BYTES
        ):
            raise ValueError("sizes")
        made_at = parse_utc(doc["made_at"])
    except (KeyError, TypeError, ValueError, UnicodeDecodeError, RecursionError):
        raise BackupDamaged(DAMAGED_BACKUP) from None
    return _Header(
        raw=raw,
        unlock=unlock,
        made_at=made_at,
        salt=salt,
        nonce_prefix=prefix,
        chunk_bytes=chunk_bytes,
        payload_bytes=size,
    )


def _check_length(stream: BinaryIO, header: _Header) -> None:
    """A cut-short or padded file is refused before any passphrase is asked for."""
    chunks = _chunk_count(header.payload_bytes, header.chunk_bytes)
    expected = len(header.raw) + header.payload_bytes + chunks * TAG_BYTES
    if os.fstat(stream.fileno()).st_size != expected:
        raise BackupDamaged(DAMAGED_BACKUP)


def _header_bytes(doc: dict[str, Any]) -> bytes:
    body = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_HEADER_BYTES:
        raise ValueError("backup header too large")
    raw = MAGIC + _PREFIX.pack(FORMAT_VERSION, len(body)) + body
    return raw + hashlib.sha256(raw).digest()


# -- small helpers ------------------------------------------------------------------------


def _chunk_count(size: int, chunk_bytes: int) -> int:
    return max(1, -(-size // chunk_bytes))


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("Cancelled. Nothing was saved or changed.")


def _create_private(path: Path) -> int:
    """A new 0600 file, refused if anything is already there (no following a link)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.open(path, flags, FILE_MODE)


def _make_dirs(target: Path) -> list[Path]:
    """Create ``target`` and missing parents (0700); return those created, outermost first."""
    missing: list[Path] = []
    for directory in (target, *target.parents):
        if directory.exists():
            break
        missing.append(directory)
    missing.reverse()
    try:
        for directory in missing:
            directory.mkdir(mode=DIR_MODE)
    except OSError as exc:
        for directory in reversed(missing):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise write_error(exc, "the restored vault") from None
    return missing


def _write_all(fd: int, data: bytes | bytearray | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _backup_write_error(exc: OSError) -> VaultWriteError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return VaultWriteError(
            "Could not save the backup there: peerdesk is not allowed to write in that "
            "folder. Choose another folder, such as a USB stick or your Documents folder."
        )
    error = write_error(exc, "the backup")
    if isinstance(error, DiskFull):
        return DiskFull(
            "Could not save the backup: the disk is full. Free some space, or choose "
            "another drive. Your vault has not changed."
        )
    return error


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)
