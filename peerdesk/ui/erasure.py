"""Erasing for good, off the GUI thread: the delete, then the rewrite of the vault file.

Deleting a person is quick; rewriting the whole file so no copy of their words
is left (:func:`peerdesk.store.retention.reclaim`, a VACUUM) takes as long as
reading and writing the vault once: 14 s for 100,000 sessions. That work runs
on a connection and thread of its own (:class:`BackgroundJob`) while a small
window says what is happening; the supporter cannot type into anything
meanwhile, so no save waits on it. A lock closes the window; the erasure,
already begun, still finishes on its own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ..i18n import _
from ..paths import APP_NAME
from ..store import Vault
from ..store.db import Database
from .background_job import BackgroundJob
from .widgets import busy_bar, error_text, plain_label, report_bug

Done = Callable[[Any, str | None], None]
"""Called with the work's result, or with None and what went wrong in plain words."""


class ErasureDialog(QDialog):
    """Runs ``work(db)`` on its own connection; says it is erasing until it is done."""

    def __init__(
        self,
        vault: Vault,
        work: Callable[[Database], Any],
        on_done: Done,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("erasureDialog")
        self.setWindowTitle(_("Erasing — {app}").format(app=APP_NAME))
        self.setModal(True)
        # Nothing to press: closing early would not stop the erasure, only hide it.
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self._on_done = on_done
        self.busy = busy_bar(_("Erasing"))
        self.busy.show()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label(_("Erasing for good"), "settingsSection"))
        layout.addWidget(
            plain_label(
                _(
                    "Deleting the records, then overwriting the space they took in the "
                    "vault file so that no copy is left. On a large vault this takes "
                    "a little while."
                )
            )
        )
        layout.addWidget(self.busy)
        self.setMinimumWidth(440)

        access = vault.read_access()

        def job(_progress: Any, _cancel: Any) -> Any:
            try:
                db = access.open()
                try:
                    return work(db)
                finally:
                    db.close()
            finally:
                access.wipe()

        self._job = BackgroundJob(job, on_result=self._done, on_error=self._failed, parent=self)
        self._job.start()

    @property
    def running(self) -> bool:
        return self._job.running

    def reject(self) -> None:
        """Escape does nothing while erasing: the work goes on either way."""

    def _done(self, result: Any) -> None:
        if shiboken6.isValid(self):
            self.accept()
            self._on_done(result, None)

    def _failed(self, error: Exception) -> None:
        report_bug(error)
        if shiboken6.isValid(self):
            self.accept()
            self._on_done(None, error_text(error))


def erase(
    parent: QWidget, vault: Vault, work: Callable[[Database], Any], on_done: Done
) -> ErasureDialog:
    """Show the erasing window and run ``work`` (a delete, then :func:`reclaim`)."""
    dialog = ErasureDialog(vault, work, on_done, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
