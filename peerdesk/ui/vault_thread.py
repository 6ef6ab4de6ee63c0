"""Vault work off the GUI thread, on one dedicated thread that owns the open vault.

Why one long-lived thread rather than a pool: a SQLCipher connection may only be
used, and closed, by the thread that opened it (``check_same_thread``), and a
close from another thread fails quietly, leaving the database open. So the
vault is created, opened and closed on this thread, always the same one.
Argon2id key derivation (about half a second and 64 MiB) runs here too, so the
window never freezes while a passphrase is checked.

Work and results travel through plain Python queues; the only Qt signal that
crosses threads carries no arguments, so no Python object depends on PySide's
cross-thread argument marshalling (where PySide6 has had reference-count bugs;
see tests/ui/test_vault_thread.py).
"""

from __future__ import annotations

import collections
import queue
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

T = TypeVar("T")


class _Task:
    """One piece of work and where its outcome goes. Lives until delivered."""

    __slots__ = ("error", "job", "on_error", "on_result", "result")

    def __init__(
        self,
        job: Callable[[], Any],
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        self.job: Callable[[], Any] | None = job
        self.on_result = on_result
        self.on_error = on_error
        self.result: Any = None
        self.error: Exception | None = None


class _Runner(QThread):
    """The vault thread: runs tasks one at a time, in the order they were submitted."""

    def __init__(
        self,
        inbox: queue.SimpleQueue[_Task | None],
        outbox: collections.deque[_Task],
        notify: Callable[[], None],
    ) -> None:
        super().__init__()
        self.setObjectName("peerdesk-vault")
        self._inbox = inbox
        self._outbox = outbox
        self._notify = notify

    def run(self) -> None:
        while (task := self._inbox.get()) is not None:
            job, task.job = task.job, None  # drop the closure: it may hold a passphrase
            try:
                if job is not None:
                    task.result = job()
            except Exception as exc:  # delivered to the GUI thread, never swallowed
                task.error = exc
            del job
            self._outbox.append(task)
            self._notify()


class VaultThread(QObject):
    """Runs callables on the vault thread and reports back on the GUI thread, in order."""

    _finished = Signal()
    """Emitted on the vault thread after each task; queued to the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inbox: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._outbox: collections.deque[_Task] = collections.deque()
        self._pending = 0
        self._finished.connect(self._deliver)  # emitted from another thread: queued
        self._runner = _Runner(self._inbox, self._outbox, self._finished.emit)
        self._runner.start()

    @property
    def busy(self) -> bool:
        """Whether any submitted work has not been delivered yet."""
        return self._pending > 0

    def submit(
        self,
        job: Callable[[], T],
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run ``job()`` on the vault thread; call ``on_result``/``on_error`` on this thread.

        An exception without an ``on_error`` goes to ``sys.excepthook``: a bug
        must be seen, not hang the screen in its busy state.
        """
        if not self._runner.isRunning():
            raise RuntimeError("the vault thread has been stopped")
        self._pending += 1
        self._inbox.put(_Task(job, on_result, on_error))

    @Slot()
    def _deliver(self) -> None:
        while self._outbox:
            task = self._outbox.popleft()
            self._pending -= 1
            error, task.error = task.error, None
            result, task.result = task.result, None
            if error is not None:
                if task.on_error is not None:
                    task.on_error(error)
                else:
                    sys.excepthook(type(error), error, error.__traceback__)
            elif task.on_result is not None:
                task.on_result(result)

    def stop(self, final: Callable[[], object] | None = None) -> None:
        """Run ``final`` after all work already queued, then end the thread and wait.

        Used at exit to close the vault on its own thread. The GUI thread waits
        here; closing a vault takes milliseconds, and at worst this waits for
        one key derivation already under way. Results not yet delivered are
        dropped: nobody is left to show them.
        """
        if not self._runner.isRunning():
            return
        if final is not None:
            self._inbox.put(_Task(final, None, None))
        self._inbox.put(None)
        self._runner.wait()
        self._outbox.clear()
        self._pending = 0
