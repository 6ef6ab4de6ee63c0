"""First run → "Restore from a backup…": a new laptop, the backup file, and the way in.

A page of the lock screen that does its own vault work, on the vault thread
(the restored vault is opened there, and must be closed there too), and tells
:class:`~peerdesk.ui.lock_screen.LockScreen` when the restored vault is open.
It restores only into the app's vault folder, which is empty on first run;
:func:`peerdesk.store.backup.restore_backup` refuses a folder that holds a vault.

What the supporter types depends on the backup, which the file's header says
before any secret is asked for:

- made with the vault's passphrase: that passphrase, or the recovery code; the
  restored vault opens with them, as before;
- made with a separate backup passphrase: that one, and a new passphrase for
  the restored vault, which also gets a new recovery code (shown next, once).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store import BackupInfo, Cancelled, KdfParams, Vault, VaultError
from ..store.backup import read_info, record_restored, restore_backup
from .backup_dialog import PROGRESS_STEPS, backup_filter
from .file_dialogs import get_open_path
from .vault_thread import VaultThread
from .widgets import (
    CardPage,
    NewPassphraseFields,
    button,
    button_row,
    checkbox,
    error_text,
    monospace_font,
    passphrase_field,
    plain_label,
    report_bug,
)

POLL_MS = 50


class RestorePage(CardPage):
    """Choose the backup file, type what opens it, Restore; progress with Cancel."""

    back_requested = Signal()
    """Back to the first-run page. Emits nothing."""

    restored = Signal(object)
    """The restored vault is open: emits ``(Vault, recovery code or None)``. The
    receiver owns the vault and must close it on the vault thread."""

    def __init__(
        self,
        vault_directory: Path,
        kdf: KdfParams | None,
        vault_thread: VaultThread,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._directory = vault_directory
        self._kdf = kdf
        self._thread = vault_thread
        self._source: Path | None = None
        self._info: BackupInfo | None = None
        self._cancel: threading.Event | None = None
        self._fraction = 0.0
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._show_progress)

        self.choose_button = button(_("Choose backup file…"))
        self.file_label = plain_label(_("No backup file chosen yet."), "muted")
        self.file_label.setAccessibleName(_("Backup file"))
        self.kind_label = plain_label("", "hint")
        self.kind_label.setAccessibleName(_("How this backup opens"))
        self.passphrase = passphrase_field(_("Passphrase"))
        self.passphrase_label = QLabel(_("Passphrase"))
        self.passphrase_label.setBuddy(self.passphrase)
        self.code = QLineEdit()
        self.code.setAccessibleName(_("Recovery code"))
        self.code.setPlaceholderText(_("Recovery code"))
        self.code.setObjectName("recoveryCodeField")
        self.code.setFont(monospace_font())
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.use_code = checkbox(_("Use the recovery code instead"))
        self.new_passphrase = NewPassphraseFields(
            _("New passphrase for this vault"), _("Confirm new passphrase")
        )
        self.new_box = QWidget()
        self.new_box.setLayout(self.new_passphrase.form)
        self.new_passphrase.form.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(_("Restore progress"))
        self.restore_button = button(_("Restore"), primary=True)
        self.cancel_button = button(_("Cancel restore"))
        self.back_button = button(_("Back"))

        self.choose_button.clicked.connect(self.choose_file)
        self.use_code.toggled.connect(self._show_fields)
        self.restore_button.clicked.connect(self.start)
        self.passphrase.returnPressed.connect(self._enter)
        self.code.returnPressed.connect(self.start)
        self.new_passphrase.confirm.returnPressed.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.back_button.clicked.connect(self.back_requested)

        chosen = QHBoxLayout()
        chosen.addWidget(self.file_label, 1)
        chosen.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignTop)
        # A plain column, not a form: hidden rows of a QFormLayout still take their spacing.
        self._secret_box = QWidget()
        secret = QVBoxLayout(self._secret_box)
        secret.setContentsMargins(0, 0, 0, 0)
        secret.setSpacing(6)
        for widget in (self.passphrase_label, self.passphrase, self.code, self.use_code):
            secret.addWidget(widget)
        location = plain_label(
            _("The restored vault will be kept in this folder:\n{folder}").format(
                folder=vault_directory
            ),
            "muted",
        )
        location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_card(
            plain_label(_("Restore from a backup"), "heading"),
            plain_label(
                _(
                    "Choose the backup file you saved. peerdesk checks all of it before "
                    "anything is put in place, and never restores over an existing vault."
                )
            ),
            chosen,
            self.kind_label,
            self._secret_box,
            self.new_box,
            self.message,
            self.note,
            self.progress,
            button_row(self.back_button, self.cancel_button, self.restore_button),
            location,
        )
        self.reset()

    # -- state ----------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def reset(self) -> None:
        """Forget the chosen file and every typed secret; cancel a restore under way."""
        if self._cancel is not None:
            self._cancel.set()  # its outcome, when it comes, is dropped (see _finished)
        self._cancel = None
        self._source = self._info = None
        self._clear_secrets()
        self.use_code.setChecked(False)
        self.file_label.setText(_("No backup file chosen yet."))
        self.hide_messages()
        self._set_busy(False)
        self._show_fields()

    def focus(self) -> None:
        if self._info is None:
            self.choose_button.setFocus()
        elif self.use_code.isChecked():
            self.code.setFocus()
        else:
            self.passphrase.setFocus()

    # -- choosing the file ----------------------------------------------------------------

    @Slot()
    def choose_file(self) -> None:
        if self._busy:
            return
        path = get_open_path(self, _("Choose a backup file"), backup_filter())
        if path is not None:
            self.use_file(path)

    def use_file(self, path: Path) -> bool:
        """Read the backup's header (no secret needed) and ask for what opens it."""
        self.hide_messages()
        try:
            info = read_info(path)
        except VaultError as error:
            self._source = self._info = None
            self.file_label.setText(_("No backup file chosen yet."))
            self._show_fields()
            self.show_problem(error_text(error))
            return False
        self._source, self._info = path, info
        self.file_label.setText(
            _("{name}\nmade {when}").format(
                name=path.name, when=info.made_at.astimezone().strftime("%d %b %Y, %H:%M")
            )
        )
        self._show_fields()
        self.focus()
        return True

    @Slot()
    def _show_fields(self) -> None:
        info = self._info
        self._secret_box.setVisible(info is not None)
        self.restore_button.setEnabled(info is not None and not self._busy)
        separate = info is not None and info.separate_passphrase
        self.new_box.setVisible(separate)
        self.use_code.setVisible(not separate)
        by_code = self.use_code.isChecked() and not separate
        self.code.setVisible(by_code)
        self.passphrase.setVisible(not by_code)
        self.passphrase_label.setVisible(not by_code)
        name = _("Backup passphrase") if separate else _("Passphrase")
        self.passphrase_label.setText(name)
        self.passphrase.setAccessibleName(name)
        if info is None:
            self.kind_label.hide()
            return
        self.kind_label.setText(
            _(
                "This backup has its own backup passphrase. Type it, then choose a new "
                "passphrase for the restored vault; you will get a new recovery code."
            )
            if separate
            else _(
                "This backup opens with the passphrase the vault had when the backup was "
                "made, or with its recovery code. The restored vault opens with them too."
            )
        )
        self.kind_label.show()

    # -- restoring ------------------------------------------------------------------------

    @Slot()
    def _enter(self) -> None:
        if self._info is not None and self._info.separate_passphrase:
            self.new_passphrase.first.setFocus()
        else:
            self.start()

    @Slot()
    def start(self) -> bool:
        """Check what was typed and start the restore on the vault thread."""
        if self._busy or self._thread.busy or self._source is None or self._info is None:
            return False
        self.hide_messages()
        separate = self._info.separate_passphrase
        by_code = self.use_code.isChecked() and not separate
        secret = (self.code if by_code else self.passphrase).text()
        if not secret:
            self.show_problem(
                _("Type the recovery code first.") if by_code else _("Type the passphrase first.")
            )
            self.focus()
            return False
        new: str | None = None
        if separate:
            new, problem = self.new_passphrase.take()
            if new is None:
                self.show_problem(problem or "")
                self.new_passphrase.first.setFocus()
                return False
        self._clear_secrets()
        cancel = threading.Event()
        self._cancel, self._fraction = cancel, 0.0
        source, directory, kdf = self._source, self._directory, self._kdf

        def job() -> tuple[Vault, str | None]:
            vault, code = restore_backup(
                source,
                directory,
                passphrase=None if by_code else secret,
                recovery_code=secret if by_code else None,
                new_passphrase=new,
                kdf=kdf,
                progress=self._set_fraction,
                cancel=cancel,
            )
            try:
                record_restored(vault)
            except BaseException:
                vault.close()
                raise
            return vault, code

        self._set_busy(True)
        self._thread.submit(
            job,
            on_result=lambda outcome: self._finished(cancel, outcome, None),
            on_error=lambda error: self._finished(cancel, None, error),
        )
        return True

    @Slot()
    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(_("Cancelling…"))

    def _set_fraction(self, fraction: float) -> None:
        self._fraction = fraction  # on the vault thread; read by the timer

    @Slot()
    def _show_progress(self) -> None:
        self.progress.setValue(round(self._fraction * PROGRESS_STEPS))

    def _finished(
        self,
        cancel: threading.Event,
        outcome: tuple[Vault, str | None] | None,
        error: Exception | None,
    ) -> None:
        if cancel is not self._cancel:
            # Reset (a lock, say) while it ran: nobody is waiting for this any more.
            if outcome is not None:
                self._thread.submit(outcome[0].close)
            return
        self._cancel = None
        self._set_busy(False)
        if outcome is not None:
            self.restored.emit(outcome)
            return
        if error is None or isinstance(error, Cancelled):
            self.show_note(_("Restore cancelled. Nothing was changed."))
            return
        self.show_problem(error_text(error))
        report_bug(error)
        self.focus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.choose_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)
        self.code.setEnabled(not busy)
        self.use_code.setEnabled(not busy)
        self.new_passphrase.set_enabled(not busy)
        self.restore_button.setEnabled(not busy and self._info is not None)
        self.restore_button.setText(_("Restoring…") if busy else _("Restore"))
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.cancel_button.setText(_("Cancel restore"))
        self.progress.setVisible(busy)
        if busy:
            self.progress.setValue(0)
            self._timer.start()
        else:
            self._timer.stop()

    def _clear_secrets(self) -> None:
        self.passphrase.clear()
        self.code.clear()
        self.new_passphrase.clear()
