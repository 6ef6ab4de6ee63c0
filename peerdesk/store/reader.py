"""Reads for the window on a thread and a connection of their own: search as you type.

A search over 100,000 notes takes tens of milliseconds, long enough to make
typing stutter if the window waited for it. :class:`Reader` runs such reads
beside the vault's own connection (WAL lets them read while it writes), newest
request first: a request not yet started when a newer one arrives is dropped,
since nobody will look at its answer.

Answers are collected for the caller to :meth:`Reader.take` on its own thread
(the window polls while it waits), so no object of the caller's is touched
from the reader's thread.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import Any

from .db import Database
from .errors import VaultClosed, VaultError

Job = Callable[[Database], Any]

_UNEXPECTED = "The vault's database reported an unexpected error."


class Reader:
    """One thread, one read connection, the newest request at a time."""

    def __init__(self, connect: Callable[[], Database]) -> None:
        self._connect = connect
        self._wake = threading.Condition()
        self._request: tuple[int, Job] | None = None
        self._stopping = False
        self._answers: collections.deque[tuple[int, Any, VaultError | None]] = (
            collections.deque()
        )
        self._ticket = 0
        self._thread = threading.Thread(target=self._run, name="peerdesk-reader", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> int:
        """Run ``job(db)`` soon, in place of any request not yet started; return its ticket."""
        with self._wake:
            if self._stopping:
                raise VaultClosed("The vault is locked. Unlock it to continue.")
            self._ticket += 1
            self._request = (self._ticket, job)
            self._wake.notify()
            return self._ticket

    def take(self) -> list[tuple[int, Any, VaultError | None]]:
        """The answers finished since the last call: ``(ticket, result, error)``, in order."""
        answers = []
        while self._answers:
            answers.append(self._answers.popleft())
        return answers

    @property
    def stopped(self) -> bool:
        return self._stopping

    def stop(self) -> None:
        """Finish the read under way, if any, close the connection and end the thread.

        Answers not yet taken are dropped: the vault is closing, nobody will show them.
        """
        with self._wake:
            self._stopping = True
            self._request = None
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join()
        self._answers.clear()

    def _run(self) -> None:
        db: Database | None = None
        try:
            while True:
                with self._wake:
                    while self._request is None and not self._stopping:
                        self._wake.wait()
                    request, self._request = self._request, None
                    if self._stopping or request is None:
                        return
                ticket, job = request
                try:
                    if db is None:
                        db = self._connect()
                    self._answers.append((ticket, job(db), None))
                except VaultError as error:
                    self._answers.append((ticket, None, error))
                except Exception:  # a bug: answered, or the window would wait for ever
                    self._answers.append((ticket, None, VaultError(_UNEXPECTED)))
                    raise
                del job
        finally:
            if db is not None:
                db.close()
