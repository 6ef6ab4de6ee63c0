"""Changing the vault's passphrase, from Settings, while the vault is open.

The new passphrase is typed twice and judged by the same strength rules as at
first run (:class:`~peerdesk.ui.widgets.NewPassphraseFields`). The current
passphrase is not asked for: the vault is already open, and it offers no way to
check a passphrase against its key slot while open (that would be a second
Argon2id run and a new ``Vault`` method). Whoever can reach this dialog can
already read every note; the protection that matters is locking.

Only the passphrase key slot is rewritten (Argon2id, about half a second, on
the vault thread); the recovery code and "Remember on this computer" keep
working, and the database file is not touched.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QFrame, QScrollArea, QVBoxLayout, QWidget

from ..i18n import _
from ..paths import APP_NAME
from ..store import Vault
from .vault_thread import VaultThread
from .widgets import (
    NewPassphraseFields,
    busy_bar,
    button,
    button_row,
    error_text,
    message_label,
    plain_label,
    report_bug,
)


class ChangePassphraseDialog(QDialog):
    """New passphrase twice, a strength meter, and Change. Drive it without exec()."""

    changed = Signal()
    """The new passphrase now opens the vault. Emits nothing (never the passphrase)."""

    def __init__(self, vault: Vault, worker: VaultThread, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePassphraseDialog")
        self.setWindowTitle(_("Change passphrase — {app}").format(app=APP_NAME))
        self.setModal(True)
        self._vault = vault
        self._worker = worker
        self._busy = False

        self.fields = NewPassphraseFields(_("New passphrase"), _("Type it again"))
        self.problem = message_label(_("Problem"))
        self.busy_indicator = busy_bar(_("Changing the passphrase"))
        self.cancel_button = button(_("Cancel"))
        self.change_button = button(_("Change passphrase"), primary=True)
        # No default button: Enter in the first field moves to the second, and Enter
        # in the second submits (below). A QDialogButtonBox would make Change the
        # default when shown, and the first Enter would submit a half-typed form.
        for push in (self.change_button, self.cancel_button):
            push.setAutoDefault(False)
            push.setDefault(False)
        self.change_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.fields.confirm.returnPressed.connect(self.submit)
        # Once the meter's new words have been laid out (layouts update on the
        # next turn of the event loop, so a direct call would measure old text).
        self._refit_later = QTimer(self)
        self._refit_later.setSingleShot(True)
        self._refit_later.setInterval(0)
        self._refit_later.timeout.connect(self._refit)
        self.fields.first.textChanged.connect(self._refit_later.start)

        body = QWidget()
        body.setObjectName("settingsBody")
        content = QVBoxLayout(body)
        content.setContentsMargins(24, 20, 24, 8)
        content.setSpacing(12)
        content.addWidget(plain_label(_("Change your passphrase"), "settingsSection"))
        content.addWidget(
            plain_label(
                _(
                    "Your notes stay as they are: only the passphrase that opens them "
                    "changes. Your recovery code keeps working."
                )
            )
        )
        content.addLayout(self.fields.form)
        content.addWidget(self.problem)  # right under the fields it is about
        content.addStretch(1)
        # Scrolls when the screen is short (150% scaling on a small laptop) rather
        # than squashing the fields; the buttons stay in view.
        self._scroller = QScrollArea()
        self._scroller.setObjectName("settingsScroller")
        self._scroller.setWidgetResizable(True)
        self._scroller.setFrameShape(QFrame.Shape.NoFrame)
        self._scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroller.setWidget(body)
        self._body = body
        body.installEventFilter(self)  # its layout changed: see eventFilter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 20)
        layout.setSpacing(12)
        layout.addWidget(self._scroller, 1)
        bottom = QVBoxLayout()
        bottom.setContentsMargins(24, 0, 24, 0)
        bottom.addWidget(self.busy_indicator)
        bottom.addLayout(button_row(self.cancel_button, self.change_button))
        layout.addLayout(bottom)
        self.setMinimumWidth(520)
        self.fields.first.setFocus()

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def submit(self) -> bool:
        """Check the new passphrase and start changing it; False if it was refused.

        The fields are emptied either way; the text goes to the vault thread only.
        """
        if self._busy:
            return False
        passphrase, problem = self.fields.take()
        if passphrase is None:
            self._say(problem or "")
            self.fields.first.setFocus()
            return False
        self.problem.hide()
        self._set_busy(True)
        vault = self._vault
        self._worker.submit(
            lambda: vault.change_passphrase(passphrase),
            on_result=lambda _none: self._changed(),
            on_error=self._failed,
        )
        return True

    def _changed(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.changed.emit()
        self.accept()

    def _failed(self, error: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self._say(error_text(error) + " " + _("Your passphrase has not changed."))
        report_bug(error)
        self.fields.first.setFocus()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self._refit_later.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._body and event.type() == QEvent.Type.LayoutRequest:
            self._refit_later.start()
        return False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._refit_later.start()

    @Slot()
    def _refit(self) -> None:
        # Wrapped text (the meter's words, the problem) changes height as it changes,
        # and Qt does not grow a window for height-for-width content by itself: the
        # fields would be squashed to slivers.
        if self.isVisible():
            wanted = self._body.heightForWidth(self._scroller.viewport().width())
            extra = self.height() - self._scroller.viewport().height()
            screen = self.screen().availableGeometry().height()
            self.resize(self.width(), max(self.height(), min(wanted + extra, int(screen * 0.9))))
            if self.problem.isVisible():
                self._scroller.ensureWidgetVisible(self.problem)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.fields.set_enabled(not busy)
        self.change_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.busy_indicator.setVisible(busy)
        self.change_button.setText(_("Changing…") if busy else _("Change passphrase"))

    def reject(self) -> None:
        if self._busy:
            return  # half a second; closing now would hide whether it worked
        self.fields.clear()
        super().reject()

    @Slot()
    def abandon(self) -> None:
        """Close now, busy or not (on lock). Work already started still finishes."""
        self.fields.clear()
        super().reject()


def change_passphrase(parent: QWidget | None, vault: Vault, worker: VaultThread) -> bool:
    """Ask for a new passphrase and change it; True if it was changed."""
    dialog = ChangePassphraseDialog(vault, worker, parent)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
