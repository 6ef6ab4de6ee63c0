"""The lock screen: first-run setup, the one-time recovery code, and unlocking.

It is the only window shown while the vault is closed. It holds no notes, only
the passphrase fields (cleared as soon as their text has been handed to the
vault thread) and, briefly, the recovery code it has just shown.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from ..i18n import _
from ..paths import APP_NAME
from ..store import KdfParams, Vault, VaultError, WrongPassphrase
from .vault_thread import VaultThread
from .widgets import (
    busy_bar,
    button,
    button_row,
    card_page,
    labelled_fields,
    message_label,
    passphrase_field,
    plain_label,
)

MIN_PASSPHRASE_LENGTH = 8
MAX_RETRY_DELAY_SECONDS = 30


# -- decisions, kept out of the widgets so tests can call them directly -----------


def new_passphrase_problem(passphrase: str, confirm: str) -> str | None:
    """What is wrong with a new passphrase and its confirmation, or None if nothing."""
    if not passphrase.strip():
        return _("Type a passphrase in both fields.")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return _(
            "Use at least {count} characters. A few unrelated words are easy to "
            "remember and hard to guess."
        ).format(count=MIN_PASSPHRASE_LENGTH)
    if passphrase != confirm:
        return _("The two passphrases are not the same. Type them both again.")
    return None


def retry_delay_seconds(failures: int) -> int:
    """Seconds to wait before the next try: 1, 2, 4, 8, 16, then 30 at most.

    A speed bump for someone guessing at this screen. It is not what protects
    a copied vault (Argon2id is): an attacker with the files never sees this.
    """
    if failures <= 0:
        return 0
    return min(MAX_RETRY_DELAY_SECONDS, 1 << min(failures - 1, 8))


def error_text(error: Exception) -> str:
    """The message to show for a failed create or unlock; never includes the passphrase."""
    if isinstance(error, VaultError):
        return str(error)
    return _(
        "Something went wrong and peerdesk could not finish. Nothing in your vault "
        "was changed. Try again, and if it keeps happening, restart peerdesk."
    )


def recovery_code_lines(code: str) -> str:
    """Two rows of four groups: fits the card, and is easier to copy onto paper."""
    groups = code.split("-")
    half = (len(groups) + 1) // 2
    return "-".join(groups[:half]) + "\n" + "-".join(groups[half:])


# -- the screen --------------------------------------------------------------------


class LockScreen(QWidget):
    """First run, recovery code and unlock, on one window titled just "peerdesk"."""

    unlocked = Signal(object)
    """The vault is open: emits the open ``Vault``. The receiver owns it and must
    close it on the vault thread."""

    def __init__(
        self,
        vault_directory: Path,
        kdf: KdfParams | None,
        vault_thread: VaultThread,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._directory = vault_directory
        self._kdf = kdf  # None: calibrate on this machine (production)
        self._thread = vault_thread
        self._created_vault: Vault | None = None  # open, while the code is on screen
        self._failures = 0
        self._retry_at = 0.0  # time.monotonic() when Unlock may be pressed again
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(250)
        self._retry_timer.timeout.connect(self._tick_retry)

        self.setObjectName("lockScreen")
        self.setWindowTitle(APP_NAME)  # never the alias, the passphrase or a path
        self.resize(680, 740)

        self._pages = QStackedWidget()
        self._first_run = self._build_first_run()
        self._recovery = self._build_recovery()
        self._unlock = self._build_unlock()
        for page in (self._first_run, self._recovery, self._unlock):
            self._pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(self._pages)
        self.reset()

    # -- pages -------------------------------------------------------------------

    def _build_first_run(self) -> QWidget:
        self.new_passphrase = passphrase_field(_("Passphrase"))
        self.confirm_passphrase = passphrase_field(_("Confirm passphrase"))
        self.create_button = button(_("Create vault"), primary=True)
        self.create_message = message_label(_("Problem"))
        self.create_busy = busy_bar(_("Creating the vault"))
        self.new_passphrase.returnPressed.connect(self.confirm_passphrase.setFocus)
        self.confirm_passphrase.returnPressed.connect(self._create)
        self.create_button.clicked.connect(self._create)
        location = plain_label(
            _("Your vault will be kept in this folder:\n{folder}").format(folder=self._directory),
            "muted",
        )
        location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return card_page(
            plain_label(_("Welcome to peerdesk"), "heading"),
            plain_label(
                _(
                    "peerdesk keeps your notes about the colleagues you support in an "
                    "encrypted vault on this computer. While peerdesk is locked, someone "
                    "who picks up this laptop or copies its files cannot read them."
                )
            ),
            plain_label(
                _(
                    "It cannot protect against someone watching your screen while it is "
                    "open, harmful software (malware) on this laptop, or anything you "
                    "print or export once it has left peerdesk."
                ),
                "caution",
            ),
            labelled_fields(
                [
                    (_("Choose a passphrase"), self.new_passphrase),
                    (_("Type it again"), self.confirm_passphrase),
                ]
            ),
            plain_label(
                _("If you forget it, only the recovery code shown next can open your notes."),
                "hint",
            ),
            self.create_message,
            self.create_busy,
            button_row(self.create_button),
            location,
        )

    def _build_recovery(self) -> QWidget:
        self.recovery_code = plain_label("", "recoveryCode")
        self.recovery_code.setAccessibleName(_("Recovery code"))
        self.recovery_code.setWordWrap(False)
        self.recovery_code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recovery_code.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.recovery_code.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.written_down_button = button(_("I have written it down"), primary=True)
        self.written_down_button.clicked.connect(self._acknowledge_code)
        return card_page(
            plain_label(_("Write down your recovery code"), "heading"),
            plain_label(
                _(
                    "If you ever forget your passphrase, this code is the only way to "
                    "open your notes. peerdesk shows it only this once."
                )
            ),
            self.recovery_code,
            plain_label(
                _(
                    "Write it on paper now and keep the paper somewhere safe, away from "
                    "this laptop. Do not save it in a file, a photo or an email: anyone "
                    "who has both this code and your vault can read your notes."
                ),
                "caution",
            ),
            button_row(self.written_down_button),
        )

    def _build_unlock(self) -> QWidget:
        self.passphrase = passphrase_field(_("Passphrase"))
        self.unlock_button = button(_("Unlock"), primary=True)
        self.unlock_message = message_label(_("Problem"))
        self.retry_message = plain_label("", "hint")
        self.retry_message.setAccessibleName(_("Wait before trying again"))
        self.retry_message.hide()
        self.unlock_busy = busy_bar(_("Unlocking"))
        self.passphrase.returnPressed.connect(self._unlock_vault)
        self.unlock_button.clicked.connect(self._unlock_vault)
        return card_page(
            plain_label(_("peerdesk is locked"), "heading"),
            plain_label(_("Type your passphrase to open your notes.")),
            labelled_fields([(_("Passphrase"), self.passphrase)]),
            self.unlock_message,
            self.retry_message,
            self.unlock_busy,
            button_row(self.unlock_button),
        )

    # -- state ---------------------------------------------------------------------

    @property
    def current_page(self) -> str:
        """ "first run", "recovery code" or "unlock": what the person is looking at."""
        page = self._pages.currentWidget()
        if page is self._first_run:
            return "first run"
        return "recovery code" if page is self._recovery else "unlock"

    @property
    def retry_delay(self) -> int:
        """The wait, in seconds, imposed after the latest failed unlock (0: none)."""
        return retry_delay_seconds(self._failures)

    def reset(self) -> None:
        """Show the page that fits the folder: set up a new vault, or unlock this one."""
        for field in (self.new_passphrase, self.confirm_passphrase, self.passphrase):
            field.clear()
        self.create_message.hide()
        self.unlock_message.hide()
        if Vault.exists(self._directory):
            self._show(self._unlock, self.passphrase)
        else:
            self._show(self._first_run, self.new_passphrase)

    def release_vault(self) -> Vault | None:
        """Hand over a vault still held on the recovery-code page (at exit), if any."""
        vault, self._created_vault = self._created_vault, None
        return vault

    def _show(self, page: QWidget, focus: QLineEdit | None = None) -> None:
        self._pages.setCurrentWidget(page)
        if focus is not None:
            focus.setFocus()

    # -- first run -------------------------------------------------------------------

    @Slot()
    def _create(self) -> None:
        if self._thread.busy:
            return
        passphrase = self.new_passphrase.text()
        problem = new_passphrase_problem(passphrase, self.confirm_passphrase.text())
        if problem is not None:
            self._say(self.create_message, problem)
            self.new_passphrase.clear()
            self.confirm_passphrase.clear()
            self.new_passphrase.setFocus()
            return
        self.create_message.hide()
        self.new_passphrase.clear()
        self.confirm_passphrase.clear()
        self._set_busy(True)
        directory, kdf = self._directory, self._kdf
        self._thread.submit(
            lambda: Vault.create(directory, passphrase, kdf=kdf),
            on_result=self._created,
            on_error=self._create_failed,
        )

    def _created(self, outcome: tuple[Vault, str]) -> None:
        vault, code = outcome
        self._set_busy(False)
        self._created_vault = vault
        self.recovery_code.setText(recovery_code_lines(code))
        del code
        # Focus on the code, not the button: a screen reader reads it out first,
        # and a stray Enter or Space cannot dismiss it unseen.
        self._show(self._recovery)
        self.recovery_code.setFocus()

    def _create_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self._say(self.create_message, error_text(error))
        self._report_bug(error)
        self.new_passphrase.setFocus()

    @Slot()
    def _acknowledge_code(self) -> None:
        # The code leaves the screen for good: only the paper copy remains.
        self.recovery_code.clear()
        vault, self._created_vault = self._created_vault, None
        if vault is not None:
            self.unlocked.emit(vault)

    # -- unlock ---------------------------------------------------------------------------

    @Slot()
    def _unlock_vault(self) -> None:
        if self._thread.busy or self._waiting():
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self._say(self.unlock_message, _("Type your passphrase first."))
            return
        self.unlock_message.hide()
        self.passphrase.clear()
        self._set_busy(True)
        directory, kdf = self._directory, self._kdf
        self._thread.submit(
            lambda: Vault.open(directory, passphrase, kdf=kdf),
            on_result=self._opened,
            on_error=self._unlock_failed,
        )

    def _opened(self, vault: Vault) -> None:
        self._set_busy(False)
        self._failures = 0
        self.unlocked.emit(vault)

    def _unlock_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self._say(self.unlock_message, error_text(error))
        self._report_bug(error)
        if isinstance(error, WrongPassphrase):
            self._failures += 1
            self._retry_at = time.monotonic() + retry_delay_seconds(self._failures)
            self._tick_retry()
            self._retry_timer.start()
        self.passphrase.setFocus()

    def _waiting(self) -> bool:
        return time.monotonic() < self._retry_at

    @Slot()
    def _tick_retry(self) -> None:
        remaining = math.ceil(self._retry_at - time.monotonic())
        if remaining <= 0:
            self._retry_timer.stop()
            self.retry_message.hide()
            self.unlock_button.setEnabled(not self._thread.busy)
            return
        self.unlock_button.setEnabled(False)
        text = (
            _("You can try again in 1 second.")
            if remaining == 1
            else _("You can try again in {seconds} seconds.").format(seconds=remaining)
        )
        self.retry_message.setText(text)
        self.retry_message.show()

    # -- shared -------------------------------------------------------------------------

    def _say(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()

    def _set_busy(self, busy: bool) -> None:
        creating = self._pages.currentWidget() is self._first_run
        fields = (self.new_passphrase, self.confirm_passphrase) if creating else (self.passphrase,)
        for field in fields:
            field.setEnabled(not busy)
        action = self.create_button if creating else self.unlock_button
        action.setEnabled(not busy and not self._waiting())
        bar = self.create_busy if creating else self.unlock_busy
        bar.setVisible(busy)
        # The visible text says what is happening; the accessible name stays put.
        if creating:
            action.setText(_("Creating your vault…") if busy else _("Create vault"))
        else:
            action.setText(_("Unlocking…") if busy else _("Unlock"))

    @staticmethod
    def _report_bug(error: Exception) -> None:
        # Vault errors are expected and already shown. Anything else is a bug:
        # make it visible to whoever runs peerdesk from a terminal (or a test).
        if not isinstance(error, VaultError):
            sys.excepthook(type(error), error, error.__traceback__)
