"""The integrity checks: the quick one after every unlock, and the full one on demand.

Every open runs only checks that take the same time on any size of vault (see
``vault._check_database``). :func:`quick_check`, SQLite's ``quick_check(1)``
over every page the tables and indexes reach, then runs in the background on a
connection of its own (the window starts it after unlock and shows a notice if
it finds damage); it stops at the first problem and skips index cross-checks.

:func:`run_checks` is the slow, thorough one, for the Tools menu and for a
restore before anything is placed:

- ``PRAGMA cipher_integrity_check``: SQLCipher reads every page of the file and
  checks its HMAC, so a flipped bit anywhere is found, even in a free page;
- ``PRAGMA integrity_check``: SQLite walks every table and index;
- ``PRAGMA foreign_key_check``: no row points at a row that is gone.

It only reads. The report is in plain words and never quotes what SQLite said
(index and table names are not content, but they mean nothing to a supporter).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum

from ..i18n import _
from .db import Database
from .errors import VaultDamaged, VaultError

# Stop collecting after this many lines: a badly damaged file can list thousands.
_MAX_PROBLEMS = 100

# SQLite virtual-machine steps between looks at the cancel flag: well under a
# millisecond of work, so a lock stops the check at once.
_CANCEL_STEPS = 10_000


class QuickCheck(Enum):
    """What :func:`quick_check` found."""

    OK = "ok"
    DAMAGED = "damaged"
    SEARCH_INDEX_DAMAGED = "search index damaged"  # the first problem found; rebuild it
    CANCELLED = "cancelled"


def _about_search_index(problem: str) -> bool:
    """Whether SQLite's description of a problem is about the search index alone.

    FTS5 names its table in what it reports ("fts5: checksum mismatch for table
    \"search_index\"", "malformed inverted index for FTS5 table main.search_index").
    A damaged page is reported by number, never as the search index's.
    """
    return "search_index" in problem


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """What a full check found. ``ok`` is True only if all three checks passed."""

    pages: int
    damaged_pages: int = 0
    structure_problems: int = 0
    broken_links: int = 0
    search_index_problems: int = 0  # of the structure problems, those in the search index

    @property
    def ok(self) -> bool:
        return not (self.damaged_pages or self.structure_problems or self.broken_links)

    @property
    def only_search_index(self) -> bool:
        """Every problem is in the search index: rebuilding it mends the vault."""
        return (
            not self.damaged_pages
            and not self.broken_links
            and 0 < self.structure_problems == self.search_index_problems
        )

    @property
    def message(self) -> str:
        """The result in plain words, for the supporter."""
        if self.ok:
            return _("Everything checked out: {pages} pages read, no problems.").format(
                pages=f"{self.pages:,}"
            )
        if self.only_search_index:
            return _(
                "Only the search index is damaged. Your notes, diaries and records read "
                "back as written, and the index is made from them: rebuild it to search "
                "again."
            )
        if self.damaged_pages:
            return _(
                "Some pages failed their check. Restore from your latest backup; "
                "this vault has not been changed."
            )
        return _(
            "The vault's database is inconsistent in places, though every page reads "
            "back as written. Restore from your latest backup; this vault has not been "
            "changed."
        )


def run_checks(db: Database) -> IntegrityReport:
    """Run the three checks on an open database (its own connection: this takes a while)."""
    pages = int(db.scalar("PRAGMA page_count") or 0)
    # cipher_integrity_check lists one row per failing page and nothing when all is well.
    try:
        damaged = len(db.all("PRAGMA cipher_integrity_check"))
    except VaultError:
        damaged = max(1, pages)
    search_index = 0
    try:
        rows = [str(row[0]) for row in db.all(f"PRAGMA integrity_check({_MAX_PROBLEMS})")]
        structure = 0 if rows == ["ok"] else len(rows)
        if structure:
            search_index = sum(1 for row in rows if _about_search_index(row))
    except VaultError:
        # SQLITE_CORRUPT part-way through: at least one problem, maybe more.
        structure = 1
    try:
        links = len(db.all("PRAGMA foreign_key_check"))
    except VaultError:
        links = 1
    return IntegrityReport(
        pages=pages,
        damaged_pages=damaged,
        structure_problems=structure,
        broken_links=links,
        search_index_problems=search_index,
    )


def quick_check(db: Database, cancel: threading.Event | None = None) -> QuickCheck:
    """Read every page the tables and indexes reach; stop at the first problem.

    Seconds on a big vault, so it runs on its own connection and thread, after
    unlock (see :meth:`peerdesk.store.vault.ReadAccess.quick_check`). Returns
    :attr:`QuickCheck.CANCELLED` soon after ``cancel`` is set. It only reads.
    """
    conn = db.connection

    def stop() -> int:
        return 1 if cancel is not None and cancel.is_set() else 0

    conn.set_progress_handler(stop, _CANCEL_STEPS)
    try:
        result = db.scalar("PRAGMA quick_check(1)")
    except VaultDamaged:
        return QuickCheck.DAMAGED
    except VaultError:
        # An interrupted statement reads as an unexpected error; a cancel explains it.
        if cancel is not None and cancel.is_set():
            return QuickCheck.CANCELLED
        raise
    finally:
        conn.set_progress_handler(None, 0)
    if cancel is not None and cancel.is_set():
        return QuickCheck.CANCELLED
    if result == "ok":
        return QuickCheck.OK
    if _about_search_index(str(result)):
        return QuickCheck.SEARCH_INDEX_DAMAGED
    return QuickCheck.DAMAGED
