"""Tools → Check the vault…: the full integrity check, with a busy bar, then plain words.

The check (:func:`peerdesk.store.integrity.run_checks`) only reads, through a
connection of its own on a thread of its own, so the window stays responsive
and a lock closes the dialog without waiting for it.

When the search index is all that is damaged, the dialog offers to rebuild it
from the records (:func:`peerdesk.store.indexer.rebuild`), the same way, and
checks again.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from ..i18n import _
from ..paths import APP_NAME
from ..store import IntegrityReport, Vault
from ..store.db import Database
from ..store.indexer import rebuild
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

    search_index_rebuilt = Signal()
    """The search index was rebuilt (and the vault checked again). Emits nothing."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vault = vault
        self._rebuilding = False
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
        self.rebuild_button = button(_("Rebuild the search index"), primary=True)
        self.rebuild_button.clicked.connect(self._rebuild)
        self.rebuild_button.setAutoDefault(False)
        self.rebuild_button.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label(_("Check the vault"), "settingsSection"))
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.result_label)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addLayout(button_row(self.rebuild_button, self.close_button))
        self.setMinimumWidth(480)
        self._job = self._start(run_checks)

    def _start(self, work: Any) -> BackgroundJob:
        """Run ``work(db)`` on a connection and thread of its own; show its report."""
        access = self._vault.read_access()

        def job(_progress: Any, _cancel: Any) -> IntegrityReport:
            try:
                db: Database = access.open()
                try:
                    report: IntegrityReport = work(db)
                    return report
                finally:
                    db.close()
            finally:
                access.wipe()

        started = BackgroundJob(job, on_result=self._done, on_error=self._failed, parent=self)
        started.start()
        return started

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
        if self._rebuilding:
            self._rebuilding = False
            if report.ok:
                label.setText(
                    _("The search index was rebuilt. {result}").format(result=report.message)
                )
            self.search_index_rebuilt.emit()
        # One main action at a time: the rebuild while it is offered, else Close.
        self._make_main(self.close_button, not report.only_search_index)
        if report.only_search_index:
            self.rebuild_button.show()
            self.rebuild_button.setFocus()
        else:
            self.close_button.setFocus()
        self.adjustSize()  # a wrapped sentence needs the height the dialog had not

    def _make_main(self, widget: QWidget, main: bool) -> None:
        widget.setProperty("primary", main)
        widget.style().unpolish(widget)  # the property picks the colours in peerdesk.qss
        widget.style().polish(widget)

    @Slot()
    def _rebuild(self) -> None:
        self.rebuild_button.hide()
        self.problem.hide()
        self.status.setText(
            _(
                "Rebuilding the search index from your notes and diaries, then checking "
                "the vault again. On a big vault this takes a minute or two."
            )
        )
        self.status.show()
        self.busy.show()

        def rebuild_and_check(db: Database) -> IntegrityReport:
            rebuild(db)
            return run_checks(db)

        self._rebuilding = True
        self._job = self._start(rebuild_and_check)

    def _failed(self, error: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._rebuilding = False
        self.busy.hide()
        self.status.hide()
        self.problem.setText(error_text(error))
        self.problem.show()
        self.adjustSize()
        report_bug(error)

    @Slot()
    def abandon(self) -> None:
        """On lock: close now. A check, which only reads, ends on its own; so does a
        rebuild, in one transaction on its own connection."""
        super().reject()
