"""Long work (a backup, a full check) on a thread of its own, with progress and cancel.

Why not the vault thread: a backup can take minutes, and a lock must never wait
behind it. The vault thread closes the vault at once; this job reads through a
connection of its own, opened and closed on its own thread, with its own copy
of the data key, and stops at its next chunk once cancelled (on lock, the
dialog cancels it).

Nothing crosses threads through Qt signals: the job writes its fraction and
outcome to plain attributes, and a timer on the GUI thread reads them (the
same reason as in :mod:`peerdesk.ui.vault_thread`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

POLL_MS = 50

Job = Callable[[Callable[[float], None], threading.Event], Any]


class BackgroundJob(QObject):
    """Runs ``job(progress, cancel)``; calls ``on_progress``, then ``on_result`` or
    ``on_error``, on the GUI thread."""

    def __init__(
        self,
        job: Job,
        *,
        on_result: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        on_progress: Callable[[float], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self._fraction = 0.0
        self._done = False
        self._result: Any = None
        self._error: Exception | None = None
        self._on_result = on_result
        self._on_error = on_error
        self._on_progress = on_progress
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._thread = threading.Thread(
            target=self._run, args=(job,), name="peerdesk-job", daemon=True
        )

    def start(self) -> None:
        self._timer.start()
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def fraction(self) -> float:
        return self._fraction

    def cancel(self) -> None:
        """Ask the job to stop at its next check; its outcome is still delivered."""
        self.cancel_event.set()

    def _progress(self, fraction: float) -> None:
        self._fraction = min(1.0, max(0.0, fraction))

    def _run(self, job: Job) -> None:
        try:
            self._result = job(self._progress, self.cancel_event)
        except Exception as exc:  # delivered on the GUI thread, never swallowed
            self._error = exc
        self._done = True

    @Slot()
    def _poll(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self._fraction)
        if not self._done:
            return
        self._timer.stop()
        error, self._error = self._error, None
        result, self._result = self._result, None
        if error is not None:
            self._on_error(error)
        else:
            self._on_result(result)
