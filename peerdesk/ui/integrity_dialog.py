"""Tools → Check the vault…: the full integrity check, with a busy bar, then plain words.

The check (:func:`peerdesk.store.integrity.run_checks`) only reads, through a
connection of its own on a thread of its own, so the window stays responsive
and a lock closes the dialog without waiting for it.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ..i18n import _
from ..paths import APP_NAME
from ..store import IntegrityReport, Vault
from ..store.integrity import run_checks
from .background_job import BackgroundJob
from .widgets import (
    busy_bar,
    button,
    button_row,
    error_text,
    message_label,
    note_label,
    plain_label,
    report_bug,
)


class IntegrityDialog(QDialog):
    """Starts the check when created; shows the result, or what went wrong."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("integrityDialog")
        self.setWindowTitle(_("Check the vault — {app}").format(app=APP_NAME))
        self.setModal(True)
        self.report: IntegrityReport | None = None

        self.status = plain_label(
            _("Reading every page of your vault and checking it is exactly as written…")
        )
        self.busy = busy_bar(_("Checking the vault"))
        self.busy.show()
        self.result_label = note_label(_("Result"))
        self.problem = message_label(_("Problem"))
        self.close_button = button(_("Close"), primary=True)
        self.close_button.clicked.connect(self.accept)
        self.close_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label(_("Check the vault"), "settingsSection"))
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_label)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addLayout(button_row(self.close_button))
        self.setMinimumWidth(480)

        access = vault.read_access()

        def job(_progress: Any, _cancel: Any) -> IntegrityReport:
            try:
                db = access.open()
                try:
                    return run_checks(db)
                finally:
                    db.close()
            finally:
                access.wipe()

        self._job = BackgroundJob(job, on_result=self._done, on_error=self._failed, parent=self)
        self._job.start()

    @property
    def running(self) -> bool:
        return self._job.running

    def _done(self, report: IntegrityReport) -> None:
        if not shiboken6.isValid(self):
            return
        self.report = report
        self.busy.hide()
        self.status.hide()
        label = self.result_label if report.ok else self.problem
        label.setText(report.message)
        label.show()
        self.close_button.setFocus()

    def _failed(self, error: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self.busy.hide()
        self.status.hide()
        self.problem.setText(error_text(error))
        self.problem.show()
        report_bug(error)

    @Slot()
    def abandon(self) -> None:
        """On lock: close now; the check, which only reads, ends on its own."""
        super().reject()
