"""Tools → Back up…: how the backup opens, where it goes, and a progress bar with Cancel.

The work is :func:`peerdesk.store.backup.write_backup` on a thread of its own
(:class:`~peerdesk.ui.background_job.BackgroundJob`), reading a snapshot through
its own connection, so the supporter can watch it and cancel it, and a lock
cancels it without waiting. Cancelled or failed, it leaves no file behind.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..paths import APP_NAME
from ..store import Cancelled, Vault
from ..store.backup import SUFFIX, record_backup_made, suggested_file_name, write_backup
from .background_job import BackgroundJob
from .file_dialogs import get_save_path, remember_file
from .widgets import (
    NewPassphraseFields,
    button,
    button_row,
    error_text,
    message_label,
    note_label,
    plain_label,
    report_bug,
)

PROGRESS_STEPS = 1000


def backup_filter() -> str:
    return _("peerdesk backups (*{suffix})").format(suffix=SUFFIX)


class BackupDialog(QDialog):
    """Choose how the backup opens, then where it goes; progress, Cancel, and the outcome."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(_("Back up — {app}").format(app=APP_NAME))
        self.setModal(True)
        self._vault = vault
        self._job: BackgroundJob | None = None
        self.saved_to: Path | None = None

        self.same_passphrase = QRadioButton(_("Open it with this vault's passphrase"))
        self.same_passphrase.setAccessibleName(self.same_passphrase.text())
        self.same_passphrase.setChecked(True)  # the simpler choice, nothing new to remember
        self.separate = QRadioButton(_("Protect it with a separate backup passphrase"))
        self.separate.setAccessibleName(self.separate.text())
        choice = QButtonGroup(self)
        choice.addButton(self.same_passphrase)
        choice.addButton(self.separate)
        self.fields = NewPassphraseFields(_("Backup passphrase"), _("Type it again"))
        self.fields_box = QWidget()
        box = QVBoxLayout(self.fields_box)
        box.setContentsMargins(19, 0, 0, 0)
        box.addLayout(self.fields.form)
        self.fields_box.setVisible(False)
        self.separate.toggled.connect(self._choice_changed)

        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setAccessibleName(_("Backup progress"))
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.progress_text = plain_label(
            _("Saving the backup. If you cancel, no half-written file is kept."), "settingsHint"
        )
        self.progress_text.hide()
        self.problem = message_label(_("Problem"))
        self.outcome = note_label(_("Note"))
        self.cancel_button = button(_("Cancel"))
        self.save_button = button(_("Choose where to save…"), primary=True)
        self.close_button = button(_("Close"), primary=True)
        self.close_button.hide()
        for push in (self.cancel_button, self.save_button, self.close_button):
            push.setAutoDefault(False)
        self.save_button.clicked.connect(self.choose_and_save)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)
        self.fields.confirm.returnPressed.connect(self.choose_and_save)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label(_("Back up your vault"), "settingsSection"))
        layout.addWidget(
            plain_label(
                _(
                    "A backup is one encrypted file holding everything in this vault. "
                    "Keep it away from this laptop (a USB stick in a drawer, say), so a "
                    "lost or broken laptop does not take your notes with it."
                )
            )
        )
        self._hints = (
            _indented(
                _(
                    "Your passphrase today, or your recovery code, opens it. If you "
                    "change your passphrase later, this backup keeps the old one."
                )
            ),
            _indented(_("Only this passphrase opens it: not your vault's, not the recovery code.")),
        )
        layout.addWidget(self.same_passphrase)
        layout.addWidget(self._hints[0])
        layout.addWidget(self.separate)
        layout.addWidget(self._hints[1])
        layout.addWidget(self.fields_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.outcome)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addLayout(button_row(self.cancel_button, self.save_button, self.close_button))
        self.setMinimumWidth(520)

    # -- what tests and the lead look at --------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._job is not None and self._job.running

    # -- steps ----------------------------------------------------------------------------

    @Slot(bool)
    def _choice_changed(self, separate: bool) -> None:
        self.fields_box.setVisible(separate)
        self.fields.clear()
        self.problem.hide()
        if separate:
            self.fields.first.setFocus()
        self.adjustSize()

    @Slot()
    def choose_and_save(self) -> bool:
        """Check the choice, ask where, and start; False if nothing was started."""
        if self.busy:
            return False
        self.problem.hide()
        self.outcome.hide()
        backup_passphrase: str | None = None
        if self.separate.isChecked():
            backup_passphrase, problem = self.fields.take()
            if backup_passphrase is None:
                self._say(problem or "")
                self.fields.first.setFocus()
                return False
        path = get_save_path(
            self, _("Save the backup"), suggested_file_name(date.today()), backup_filter()
        )
        if path is None:
            return False
        if not path.name.endswith(SUFFIX):
            path = path.with_name(path.name + SUFFIX)
        remember_file(path)  # a renamed path is scrubbed from "recent files" as well
        return self.start(path, backup_passphrase)

    def start(self, path: Path, backup_passphrase: str | None = None) -> bool:
        """Start writing the backup to ``path`` (tests call this after scripting the choice)."""
        if self.busy or self._vault.closed:
            return False
        access = self._vault.read_access()

        def job(progress: Any, cancel: Any) -> Any:
            try:
                return write_backup(
                    access,
                    path,
                    backup_passphrase=backup_passphrase,
                    progress=progress,
                    cancel=cancel,
                )
            finally:
                access.wipe()

        self._job = BackgroundJob(
            job,
            on_result=lambda _info: self._saved(path),
            on_error=self._failed,
            on_progress=self._show_progress,
            parent=self,
        )
        self._set_busy(True)
        self._job.start()
        return True

    def _show_progress(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * PROGRESS_STEPS))

    def _saved(self, path: Path) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.saved_to = path
        if not self._vault.closed:
            try:
                record_backup_made(self._vault)
            except Exception as error:  # the file is saved; say so, and why the note failed
                report_bug(error)
        self.same_passphrase.hide()
        self.separate.hide()
        for hint in self._hints:
            hint.hide()
        self.fields_box.hide()
        self.outcome.setText(
            _(
                "Backup saved as “{name}”. Copy it somewhere away from this laptop; "
                "it is encrypted, so it is safe on a USB stick or in a cloud folder."
            ).format(name=path.name)
        )
        self.outcome.show()
        self.save_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setFocus()

    def _failed(self, error: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.progress.hide()
        if isinstance(error, Cancelled):
            self.outcome.setText(_("Backup cancelled. No file was saved."))
            self.outcome.show()
            return
        self._say(error_text(error))
        report_bug(error)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.same_passphrase, self.separate, self.save_button):
            widget.setEnabled(not busy)
        self.fields.set_enabled(not busy)
        self.progress.setVisible(busy)
        self.progress_text.setVisible(busy)
        if busy:
            self.progress.setValue(0)
        self.save_button.setText(_("Backing up…") if busy else _("Choose where to save…"))
        # While it runs, Cancel stops the backup (the dialog stays to say so).
        self.cancel_button.setText(_("Cancel backup") if busy else _("Cancel"))

    # -- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        if self._job is not None and self._job.running:
            self._job.cancel()  # the outcome says "cancelled" when the job has stopped
            return
        self.fields.clear()
        super().reject()

    @Slot()
    def abandon(self) -> None:
        """On lock: cancel any backup under way and close now."""
        if self._job is not None:
            self._job.cancel()
        self.fields.clear()
        super().reject()


def _indented(text: str) -> QWidget:
    """A hint under a radio button, lined up with the button's text."""
    holder = QWidget()
    row = QVBoxLayout(holder)
    row.setContentsMargins(19, 0, 0, 0)
    row.addWidget(plain_label(text, "settingsHint"))
    return holder
