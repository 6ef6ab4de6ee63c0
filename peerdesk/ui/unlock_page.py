"""The unlock page: passphrase, a growing wait after failures, and the other ways in.

A view: :class:`~peerdesk.ui.lock_screen.LockScreen` does the vault work
when one of its signals fires. The other ways in are the recovery code (its
own page) and, when the vault is remembered here, this computer's keychain.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..i18n import _
from .widgets import (
    CardPage,
    busy_bar,
    button,
    button_row,
    labelled_fields,
    passphrase_field,
    plain_label,
)

MAX_RETRY_DELAY_SECONDS = 30


def retry_delay_seconds(failures: int) -> int:
    """Seconds to wait before the next try: 1, 2, 4, 8, 16, then 30 at most.

    A speed bump for someone guessing at this screen. It is not what protects
    a copied vault (Argon2id is): an attacker with the files never sees this.
    """
    if failures <= 0:
        return 0
    return min(MAX_RETRY_DELAY_SECONDS, 1 << min(failures - 1, 8))


class UnlockPage(CardPage):
    """ "peerdesk is locked": passphrase and Unlock, recovery code, and keychain."""

    unlock_requested = Signal()
    """Unlock pressed (or Enter) and no wait is running. Emits nothing: the passphrase
    is taken with :meth:`take_passphrase`."""

    keychain_requested = Signal()
    """"Unlock with this computer's keychain" pressed. Emits nothing."""

    recovery_requested = Signal()
    """"Use recovery code" pressed. Emits nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._failures = 0
        self._retry_at = 0.0  # time.monotonic() when Unlock may be pressed again
        self._busy = False
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(250)
        self._retry_timer.timeout.connect(self._tick_retry)

        self.passphrase = passphrase_field(_("Passphrase"))
        self.unlock_button = button(_("Unlock"), primary=True)
        self.keychain_button = button(_("Unlock with this computer's keychain"))
        self.recovery_button = button(_("Use recovery code"), link=True)
        self.retry_message = plain_label("", "hint")
        self.retry_message.setAccessibleName(_("Wait before trying again"))
        self.retry_message.hide()
        self.busy = busy_bar(_("Unlocking"))
        self.passphrase.returnPressed.connect(self._unlock)
        self.unlock_button.clicked.connect(self._unlock)
        self.keychain_button.clicked.connect(self._keychain)
        self.recovery_button.clicked.connect(self._recovery)

        forgotten_label = plain_label(_("Forgotten your passphrase?"), "hint")
        forgotten_label.setWordWrap(False)
        forgotten = QHBoxLayout()
        forgotten.addWidget(forgotten_label, 0)
        forgotten.addWidget(self.recovery_button, 0)
        forgotten.addStretch(1)
        self.set_card(
            plain_label(_("peerdesk is locked"), "heading"),
            plain_label(_("Type your passphrase to open your notes.")),
            labelled_fields([(_("Passphrase"), self.passphrase)]),
            self.message,
            self.retry_message,
            self.busy,
            button_row(self.unlock_button),
            self.keychain_button,
            forgotten,
        )

    @property
    def retry_delay(self) -> int:
        """The wait, in seconds, imposed after the latest failed unlock (0: none)."""
        return retry_delay_seconds(self._failures)

    def reset(self, *, remembered: bool) -> None:
        """Empty the field and hide old messages; offer the keychain only if it can help."""
        self.passphrase.clear()
        self.message.hide()
        self.keychain_button.setVisible(remembered)
        self.set_busy(False)

    def focus(self) -> None:
        self.passphrase.setFocus()

    def take_passphrase(self) -> str | None:
        """The typed passphrase (the field is emptied), or None after asking for one."""
        passphrase = self.passphrase.text()
        if not passphrase:
            self.show_problem(_("Type your passphrase first."))
            return None
        self.message.hide()
        self.passphrase.clear()
        return passphrase

    def set_busy(self, busy: bool, *, keychain: bool = False) -> None:
        self._busy = busy
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy and not self._waiting())
        self.keychain_button.setEnabled(not busy)
        self.recovery_button.setEnabled(not busy)
        self.busy.setVisible(busy)
        # The visible text says what is happening; the accessible name stays put.
        self.unlock_button.setText(_("Unlocking…") if busy and not keychain else _("Unlock"))
        self.keychain_button.setText(
            _("Asking the keychain…")
            if busy and keychain
            else _("Unlock with this computer's keychain")
        )

    def record_failure(self) -> None:
        """A wrong passphrase: make the next try wait, longer each time."""
        self._failures += 1
        self._retry_at = time.monotonic() + retry_delay_seconds(self._failures)
        self._tick_retry()
        self._retry_timer.start()

    def record_success(self) -> None:
        self._failures = 0

    def _waiting(self) -> bool:
        return time.monotonic() < self._retry_at

    @Slot()
    def _unlock(self) -> None:
        if not self._busy and not self._waiting():
            self.unlock_requested.emit()

    @Slot()
    def _keychain(self) -> None:
        if not self._busy:
            self.keychain_requested.emit()

    @Slot()
    def _recovery(self) -> None:
        if not self._busy:
            self.recovery_requested.emit()

    @Slot()
    def _tick_retry(self) -> None:
        remaining = math.ceil(self._retry_at - time.monotonic())
        if remaining <= 0:
            self._retry_timer.stop()
            self.retry_message.hide()
            self.unlock_button.setEnabled(not self._busy)
            return
        self.unlock_button.setEnabled(False)
        text = (
            _("You can try again in 1 second.")
            if remaining == 1
            else _("You can try again in {seconds} seconds.").format(seconds=remaining)
        )
        self.retry_message.setText(text)
        self.retry_message.show()
