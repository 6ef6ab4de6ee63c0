"""The SQLCipher connection: keying, pragmas, transactions and error translation.

This is the only module that talks to ``sqlcipher3`` directly. Everything above
it sees :mod:`peerdesk.store.errors` instead of driver exceptions, and those
messages never carry note text or key material.
"""

from __future__ import annotations

import contextlib
import os
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from .errors import (
    DiskFull,
    InvalidText,
    VaultClosed,
    VaultDamaged,
    VaultError,
    VaultInUse,
    VaultWriteError,
)

Row = Any  # sqlcipher3.Row: indexable by position and by column name
Params = Sequence[object] | dict[str, object]

_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6

DAMAGED_MESSAGE = (
    "The vault's database file is damaged. peerdesk has not changed it. "
    "Restore the vault folder from your most recent backup; keep this copy "
    "in case it is needed later."
)

UNREACHABLE_MESSAGE = (
    "Could not read or write the vault's database (the folder may be read-only, "
    "removed, or on a disconnected drive). Nothing already saved was lost."
)


class KeyRejected(Exception):
    """The raw key does not decrypt page 1: a different key, or a damaged header."""


def translate(exc: Exception) -> VaultError:
    """Map a driver exception to a vault error with a supporter-readable message."""
    if isinstance(exc, UnicodeEncodeError):
        return InvalidText(
            "The text contains characters that cannot be stored (an unpaired surrogate, "
            "usually from a broken copy and paste). Retype the affected part."
        )
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return VaultDamaged(DAMAGED_MESSAGE)
    if primary == _SQLITE_FULL:
        return DiskFull(
            "Could not save: the disk is full. Free some space and try again. "
            "Nothing already saved was lost."
        )
    if primary in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_IOERR):
        return VaultWriteError(UNREACHABLE_MESSAGE)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return VaultInUse("The vault's database is busy in another program. Close it and retry.")
    return VaultError("The vault's database reported an unexpected error.")


@contextlib.contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except (sqlcipher3.Error, UnicodeEncodeError) as exc:
        raise translate(exc) from None


# Connections this process has open, by database file: a read-only check puts the
# WAL's companion files back only when it was the sole user of them.
_open_connections: Counter[str] = Counter()
_open_connections_lock = threading.Lock()


def _connection_key(path: Path) -> str:
    return os.path.realpath(path)


def _register(key: str) -> None:
    with _open_connections_lock:
        _open_connections[key] += 1


def _unregister(key: str) -> None:
    with _open_connections_lock:
        _open_connections[key] -= 1
        if _open_connections[key] <= 0:
            del _open_connections[key]


def _in_use(key: str) -> bool:
    with _open_connections_lock:
        return _open_connections[key] > 0


def _read_only_uri(path: Path) -> str:
    """``path`` as an SQLite URI opening it read-only.

    Always with an empty authority (``file:///...``, ``file:////server/share/...``):
    SQLite refuses any other, which :meth:`Path.as_uri` gives a Windows UNC path.
    ``?``, ``#`` and ``%`` in folder names are escaped.
    """
    posix = path.absolute().as_posix()
    if not posix.startswith("/"):
        posix = "/" + posix  # C:/... (SQLite drops the slash before a drive letter)
    return "file://" + urllib.parse.quote(posix, safe="/:") + "?mode=ro"


@dataclass(frozen=True, slots=True)
class _FileState:
    data: bytes
    atime_ns: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class _Companions:
    """The -wal and -shm files as a read-only check found them, to put back after it.

    A read-only connection never writes vault.db or an existing WAL, but SQLite
    still creates an empty WAL and a -shm (the WAL index) when they are missing,
    and rebuilds an existing -shm. Both hold nothing that is not in vault.db and
    the WAL, and SQLite rebuilds them on the next open, so putting them back as
    they were loses nothing and leaves the folder exactly as it was found.
    """

    wal: Path
    shm: Path
    wal_existed: bool
    shm_state: _FileState | None

    @classmethod
    def record(cls, path: Path) -> _Companions:
        wal = path.with_name(path.name + "-wal")
        shm = path.with_name(path.name + "-shm")
        try:
            wal_existed = wal.exists()
            shm_state = None
            if shm.exists():
                info = shm.stat()
                shm_state = _FileState(shm.read_bytes(), info.st_atime_ns, info.st_mtime_ns)
        except OSError:
            raise VaultWriteError(UNREACHABLE_MESSAGE) from None
        return cls(wal, shm, wal_existed, shm_state)

    def restore(self) -> None:
        """Best effort: a -shm or empty WAL left behind is harmless, only untidy."""
        with contextlib.suppress(OSError):
            # Only a WAL this check created, which a read-only connection leaves empty.
            if not self.wal_existed and self.wal.exists() and self.wal.stat().st_size == 0:
                self.wal.unlink()
        with contextlib.suppress(OSError):
            if self.shm_state is None:
                self.shm.unlink(missing_ok=True)
                return
            state = self.shm_state
            info = self.shm.stat()
            if self.shm.read_bytes() != state.data:
                with self.shm.open("r+b") as fh:
                    fh.write(state.data)
                    fh.truncate()
            elif info.st_mtime_ns == state.mtime_ns:
                return
            os.utime(self.shm, ns=(state.atime_ns, state.mtime_ns))


class Database:
    """One keyed SQLCipher connection, used from the thread that opened it."""

    def __init__(self, conn: Any, path: Path | None = None) -> None:
        self._live: Any = conn
        self._depth = 0
        self._path = path
        self._registered: str | None = None
        self._companions: _Companions | None = None

    @property
    def _conn(self) -> Any:
        if self._live is None:
            raise VaultClosed("The vault is locked. Unlock it to continue.")
        return self._live

    @property
    def closed(self) -> bool:
        return self._live is None

    @classmethod
    def open(
        cls,
        path: Path,
        key: bytes | bytearray,
        *,
        create: bool = False,
        read_only: bool = False,
    ) -> Database:
        """Open ``path`` with a 32-byte raw key and check the key at once.

        Raises :class:`KeyRejected` if page 1 does not decrypt, so the caller can
        tell "wrong key" from "damaged" using what it knows about the key slots.

        ``read_only`` is for the checks before a vault is unlocked, under its lock:
        the connection cannot write, and when it closes no file in the folder has
        changed. Closing a read-write connection lets SQLite checkpoint a crashed
        vault's WAL into vault.db and delete the WAL, which a refused open must
        not do. Only statements that read work on it.
        """
        if len(key) != 32:
            raise ValueError("the data key must be 32 bytes")
        if create and read_only:
            raise ValueError("a read-only connection cannot create a database")
        if not create and not path.is_file():
            raise VaultDamaged(
                "The vault's database file is missing. Restore the vault folder from a backup."
            )
        # SQLite takes an empty file for a new database and writes a fresh header
        # into it on keying: a vault.db cut to 0 bytes would be overwritten and then
        # reported as an unexpected error (found by tests/fuzz/test_fuzz_vault.py).
        if not create and path.stat().st_size == 0:
            raise VaultDamaged(DAMAGED_MESSAGE)
        registered = _connection_key(path)
        companions: _Companions | None = None
        if read_only and not _in_use(registered):
            companions = _Companions.record(path)
        try:
            # Opened on a worker thread (the key derivation before it is slow), then
            # used from the GUI thread: one thread at a time, never concurrently.
            conn = sqlcipher3.connect(
                # mode=ro opens vault.db read-only: no checkpoint, no WAL deleted.
                # (readonly_shm would also spare the -shm, but it cannot read a
                # WAL whose header is damaged: _Companions puts the -shm back.)
                _read_only_uri(path) if read_only else str(path),
                uri=read_only,
                isolation_level=None,
                detect_types=0,
                cached_statements=64,
                check_same_thread=False,
            )
        except sqlcipher3.Error as exc:
            if companions is not None:
                companions.restore()
            raise translate(exc) from None
        _register(registered)
        db = cls(conn, path)
        db._registered = registered
        db._companions = companions
        conn.row_factory = sqlcipher3.Row
        try:
            # Before keying, so a wrong key never prints HMAC errors on stderr.
            conn.execute("PRAGMA cipher_log_level = NONE")
            # PRAGMA key cannot take a bound parameter; only hex digits go in.
            hex_key = bytes(key).hex()
            conn.execute(f"PRAGMA key = \"x'{hex_key}'\"")
            del hex_key
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError as exc:
                if getattr(exc, "sqlite_errorcode", None) == _SQLITE_NOTADB:
                    raise KeyRejected from None
                raise
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            if not read_only:
                # Writes the header of a database not yet in WAL mode (a vault is).
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA busy_timeout = 2000")
        except KeyRejected:
            db.close()
            raise
        except sqlcipher3.Error as exc:
            db.close()
            raise translate(exc) from None
        return db

    @property
    def connection(self) -> Any:
        """The raw connection, for store-internal code such as migrations and backup."""
        return self._conn

    def execute(self, sql: str, params: Params = ()) -> Any:
        with translated():
            return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        with translated():
            self._conn.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> Row | None:
        with translated():
            return self._conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        with translated():
            return list(self._conn.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction; nested blocks join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with translated():
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            with translated():
                self._conn.execute("COMMIT")
        except VaultError:
            with contextlib.suppress(sqlcipher3.Error):
                self._conn.execute("ROLLBACK")
            raise

    def truncated(self) -> bool:
        """Whether the file ends before its last page does (constant time, reads only).

        SQLite refuses by itself a file missing whole pages (fewer than the page
        count in its header), but it rounds a cut mid-page up to a whole page, so
        only a read of that last page would notice; this compares sizes instead.
        Skipped while the WAL holds frames: the newest pages may then live there,
        and the page check after unlock (``integrity.quick_check``) reads them.
        """
        if self._path is None:
            return False
        wal = self._path.with_name(self._path.name + "-wal")
        try:
            if wal.exists() and wal.stat().st_size > 0:
                return False
            size = self._path.stat().st_size
        except OSError:
            raise VaultWriteError(UNREACHABLE_MESSAGE) from None
        pages = int(self.scalar("PRAGMA page_count") or 0)
        page_size = int(self.scalar("PRAGMA page_size") or 0)
        return size < pages * page_size

    def close(self) -> None:
        conn, self._live = self._live, None
        if conn is not None:
            with contextlib.suppress(sqlcipher3.Error):
                conn.close()
        registered, self._registered = self._registered, None
        if registered is not None:
            _unregister(registered)
        companions, self._companions = self._companions, None
        # Put the WAL's companions back only if no other connection in this process
        # opened the database meanwhile (other processes are kept out by vault.lock).
        if companions is not None and registered is not None and not _in_use(registered):
            companions.restore()
