"""Forgot the passphrase: unlock with the recovery code and choose a new passphrase.

The code is checked here, on the GUI thread, before anything else happens:
its per-group check characters name a mistyped group at once, and no file is
read and no key derived for a code that cannot be right. The new passphrase
gets the same strength meter and rules as at first run.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLineEdit, QWidget

from ..i18n import _
from ..store import InvalidRecoveryCode
from ..store.recovery import normalise
from .widgets import (
    CardPage,
    NewPassphraseFields,
    busy_bar,
    button,
    button_row,
    checkbox,
    labelled_fields,
    monospace_font,
    plain_label,
)


class RecoveryUnlockPage(CardPage):
    """Recovery code, new passphrase twice, and "Set passphrase and unlock"."""

    reset_requested = Signal()
    """The code checks out and the new passphrase is acceptable. Emits nothing:
    both are taken with :meth:`take_request`."""

    back_requested = Signal()
    """Back to the passphrase. Emits nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = QLineEdit()
        self.code.setAccessibleName(_("Recovery code"))
        self.code.setObjectName("recoveryCodeField")  # a smaller font: all 47 characters fit
        self.code.setFont(monospace_font())
        # Hidden by default like a passphrase (the screen may be watched), with a
        # way to show it: a 40-character code is hard to type blind.
        self.code.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_code = checkbox(_("Show the code as I type"))
        self.show_code.toggled.connect(self._toggle_code)
        self.passphrase = NewPassphraseFields(_("New passphrase"), _("Confirm new passphrase"))
        self.submit_button = button(_("Set passphrase and unlock"), primary=True)
        self.back_button = button(_("Back"))
        self.busy = busy_bar(_("Unlocking with the recovery code"))
        self.code.returnPressed.connect(self.passphrase.first.setFocus)
        self.passphrase.confirm.returnPressed.connect(self._submit)
        self.submit_button.clicked.connect(self._submit)
        self.back_button.clicked.connect(self.back_requested)

        self.set_card(
            plain_label(_("Unlock with your recovery code"), "heading"),
            plain_label(
                _(
                    "Type the recovery code from your printed or written copy. Capitals, "
                    "spaces and dashes do not matter. Then choose a new passphrase: the "
                    "old one will stop working, and the recovery code keeps working."
                )
            ),
            labelled_fields([(_("Recovery code"), self.code)]),
            self.show_code,
            self.passphrase.form,
            self.message,
            self.busy,
            button_row(self.back_button, self.submit_button),
        )

    def reset(self) -> None:
        self.code.clear()
        self.show_code.setChecked(False)
        self.passphrase.clear()
        self.message.hide()
        self.set_busy(False)

    def focus(self) -> None:
        self.code.setFocus()

    def take_request(self) -> tuple[str, str] | None:
        """(recovery code, new passphrase), or None after saying what is wrong.

        The code stays in its field until the vault has opened, so a typo (or
        a refusal) can be corrected without typing all forty characters again;
        the passphrase fields are emptied whenever they have been read.
        """
        try:
            code = normalise(self.code.text())
        except InvalidRecoveryCode as error:
            self.show_problem(str(error))
            self.code.setFocus()
            return None
        passphrase, problem = self.passphrase.take()
        if passphrase is None:
            self.show_problem(problem or "")
            self.passphrase.first.setFocus()
            return None
        self.message.hide()
        return code, passphrase

    def set_busy(self, busy: bool) -> None:
        self.code.setEnabled(not busy)
        self.passphrase.set_enabled(not busy)
        self.submit_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.busy.setVisible(busy)
        self.submit_button.setText(_("Unlocking…") if busy else _("Set passphrase and unlock"))

    @Slot()
    def _submit(self) -> None:
        if self.submit_button.isEnabled():
            self.reset_requested.emit()

    @Slot(bool)
    def _toggle_code(self, shown: bool) -> None:
        self.code.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
