"""Re-indexing edited notes and diaries for search, away from the save.

An edit only marks its index row as behind (``search_pending``, schema 8): the
re-index itself erases the old words from the index page by page (FTS5's
``secure-delete``), which on a big vault takes a quarter of a second for a long
note, far too slow for an autosave after every pause in typing. Search reads
pending rows' current text meanwhile (:mod:`peerdesk.store.search`).

:class:`Indexer` does the re-indexing on a thread and a database connection of
its own, a few seconds after a row last changed, one row per transaction, so
the vault's own connection waits at most one row's re-index for the write
lock. :func:`catch_up` does whatever is left when the vault closes, so the old
words of an edit are erased from the index by the time the vault is locked. A
crash in between leaves the rows pending; the next unlock catches up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .db import Database
from .errors import VaultError
from .schema import create_search_index, search_rows

# Re-index a row once its text has stood unchanged this long: typing pauses of a
# second or two (each one an autosave) do not re-index a long note each time.
SETTLE_SECONDS = 3.0
# How often the thread looks for settled rows; a stop wakes it at once.
POLL_SECONDS = 1.0
# After a failed re-index (a full disk, a busy vault), wait this long to try again.
RETRY_SECONDS = 30.0

_SETTLED = """SELECT doc FROM search_pending WHERE changed_at <= unixepoch('subsec') - ?
    ORDER BY changed_at LIMIT 1"""

_REINDEX = search_rows("search_index", "WHERE id = :doc >> 2")


def reindex(db: Database, doc: int) -> None:
    """Index row ``doc``'s current text in place of what the index holds for it."""
    with db.transaction():
        # Read inside the write transaction: no edit can land between this and the commit.
        if db.scalar("SELECT 1 FROM search_pending WHERE doc = ?", (doc,)) is None:
            return  # indexed meanwhile by the other connection, or its row was deleted
        # The delete erases the old words (secure-delete); the one-page 'merge' writes
        # out FTS5's pending changes before the insert, as schema migration 6 does.
        db.execute("DELETE FROM search_index WHERE rowid = ?", (doc,))
        db.execute("INSERT INTO search_index(search_index, rank) VALUES ('merge', 1)")
        db.execute(_REINDEX[doc % 4], {"doc": doc})
        db.execute("DELETE FROM search_pending WHERE doc = ?", (doc,))


def catch_up(db: Database) -> int:
    """Re-index every pending row now, settled or not; return how many there were."""
    docs = [int(row[0]) for row in db.all("SELECT doc FROM search_pending ORDER BY doc")]
    for doc in docs:
        reindex(db, doc)
    return len(docs)


def rebuild(db: Database) -> None:
    """Build the search index anew from the records, in one transaction.

    The index holds nothing the records do not: dropping a damaged one loses
    nothing (its pages are zeroed, ``secure_delete``), and a fresh one is filled
    from people, sessions and incidents as they are now. Seconds to a minute on
    a big vault; the vault's own connection waits for the write lock meanwhile.
    """
    with db.transaction():
        db.execute("DROP TABLE search_index")
        create_search_index(db)
        db.execute("DELETE FROM search_pending")  # every row is current now


class Indexer:
    """A thread that re-indexes settled pending rows on its own connection.

    ``connect`` opens that connection; it is called on the thread, which closes
    it again when stopped. Errors are not reported: a row that cannot be
    re-indexed stays pending, search still finds its current text, and
    :func:`catch_up` tries again at close (where a failure can be shown).
    """

    def __init__(
        self,
        connect: Callable[[], Database],
        *,
        settle: float = SETTLE_SECONDS,
        poll: float = POLL_SECONDS,
    ) -> None:
        self._connect = connect
        self._settle = settle
        self._poll = poll
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peerdesk-indexer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Finish the row under way (if any), close the connection and end the thread."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            db = self._connect()
        except VaultError:
            return  # the vault's own connection catches up at close
        try:
            while not self._stopping.wait(self._poll):
                try:
                    self._reindex_settled(db)
                except VaultError:
                    self._stopping.wait(RETRY_SECONDS)
        finally:
            db.close()

    def _reindex_settled(self, db: Database) -> None:
        """One row at a time, until none has settled or the thread is asked to stop."""
        while not self._stopping.is_set():
            doc = db.scalar(_SETTLED, (self._settle,))
            if doc is None:
                return
            reindex(db, int(doc))
