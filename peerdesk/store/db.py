"""The SQLCipher connection: keying, pragmas, transactions and error translation.

This is the only module that talks to ``sqlcipher3`` directly. Everything above
it sees :mod:`peerdesk.store.errors` instead of driver exceptions, and those
messages never carry note text or key material.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
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


class Database:
    """One keyed SQLCipher connection, used from the thread that opened it."""

    def __init__(self, conn: Any, path: Path | None = None) -> None:
        self._live: Any = conn
        self._depth = 0
        self._path = path

    @property
    def _conn(self) -> Any:
        if self._live is None:
            raise VaultClosed("The vault is locked. Unlock it to continue.")
        return self._live

    @property
    def closed(self) -> bool:
        return self._live is None

    @classmethod
    def open(cls, path: Path, key: bytes | bytearray, *, create: bool = False) -> Database:
        """Open ``path`` with a 32-byte raw key and check the key at once.

        Raises :class:`KeyRejected` if page 1 does not decrypt, so the caller can
        tell "wrong key" from "damaged" using what it knows about the key slots.
        """
        if len(key) != 32:
            raise ValueError("the data key must be 32 bytes")
        if not create and not path.is_file():
            raise VaultDamaged(
                "The vault's database file is missing. Restore the vault folder from a backup."
            )
        # SQLite takes an empty file for a new database and writes a fresh header
        # into it on keying: a vault.db cut to 0 bytes would be overwritten and then
        # reported as an unexpected error (found by tests/fuzz/test_fuzz_vault.py).
        if not create and path.stat().st_size == 0:
            raise VaultDamaged(DAMAGED_MESSAGE)
        try:
            # Opened on a worker thread (the key derivation before it is slow), then
            # used from the GUI thread: one thread at a time, never concurrently.
            conn = sqlcipher3.connect(
                str(path),
                isolation_level=None,
                detect_types=0,
                cached_statements=64,
                check_same_thread=False,
            )
        except sqlcipher3.Error as exc:
            raise translate(exc) from None
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
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA busy_timeout = 2000")
        except KeyRejected:
            conn.close()
            raise
        except sqlcipher3.Error as exc:
            conn.close()
            raise translate(exc) from None
        return cls(conn, path)

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
