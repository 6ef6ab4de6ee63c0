"""The lock screen: first-run setup, the one-time recovery code, and the ways to unlock.

It is what shows while the vault is closed. Each page is a view in its own
module; this class is the one place that does vault work for them, on the
vault thread, and decides which page comes next:

    first run -> recovery code -> confirm recovery code -> (unlocked)
    unlock -> (unlocked)        unlock <-> recovery unlock -> (unlocked)

It holds no notes: passphrase fields are emptied as soon as their text has been
handed to the vault thread, and the recovery code only until it is confirmed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from ..i18n import _
from ..passphrase_strength import new_passphrase_problem
from ..paths import APP_NAME
from ..recovery_sheet import recovery_code_lines
from ..store import KdfParams, Keychain, Vault, WrongPassphrase
from .first_run_page import FirstRunPage
from .recovery_code_page import ConfirmCodePage, RecoveryCodePage
from .recovery_unlock_page import RecoveryUnlockPage
from .restore_page import RestorePage
from .unlock_page import MAX_RETRY_DELAY_SECONDS, UnlockPage, retry_delay_seconds
from .vault_thread import VaultThread
from .widgets import CardPage, error_text, report_bug

# Decisions the pages make, importable from here as before the split.
__all__ = [
    "MAX_RETRY_DELAY_SECONDS",
    "LockScreen",
    "error_text",
    "new_passphrase_problem",
    "recovery_code_lines",
    "retry_delay_seconds",
]


class LockScreen(QWidget):
    """First run, recovery code and the ways to unlock, as pages of one widget."""

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
        self._created_vault: Vault | None = None  # open, while setup finishes
        self._remembering = False  # "remember on this computer" still under way
        self._finish_when_remembered = False

        self.setObjectName("lockScreen")
        # Only while it is its own top-level window (the title of a page is
        # never shown): the app's name, never an alias, a passphrase or a path.
        self.setWindowTitle(APP_NAME)
        self.resize(680, 760)

        self.first_run = FirstRunPage(vault_directory)
        self.recovery_code = RecoveryCodePage(vault_thread)
        self.confirm_code = ConfirmCodePage()
        self.unlock_page = UnlockPage()
        self.recovery_unlock = RecoveryUnlockPage()
        self.restore_page = RestorePage(vault_directory, kdf, vault_thread)
        self._names = {
            self.first_run: "first run",
            self.recovery_code: "recovery code",
            self.confirm_code: "confirm recovery code",
            self.unlock_page: "unlock",
            self.recovery_unlock: "recovery unlock",
            self.restore_page: "restore",
        }
        self._pages = QStackedWidget()
        for page in self._names:
            self._pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)

        self.first_run.create_requested.connect(self._create)
        self.first_run.restore_requested.connect(lambda: self._show(self.restore_page))
        self.restore_page.back_requested.connect(lambda: self._show(self.first_run))
        self.restore_page.restored.connect(self._restored)
        self.recovery_code.acknowledged.connect(self._ask_for_groups)
        self.confirm_code.back_requested.connect(self._show_code_again)
        self.confirm_code.confirmed.connect(self._finish_setup)
        self.unlock_page.unlock_requested.connect(self._unlock)
        self.unlock_page.keychain_requested.connect(self._unlock_with_keychain)
        self.unlock_page.recovery_requested.connect(self._show_recovery_unlock)
        self.recovery_unlock.back_requested.connect(self._back_to_unlock)
        self.recovery_unlock.reset_requested.connect(self._reset_passphrase)
        self.reset()

    # -- state -------------------------------------------------------------------------

    @property
    def current_page(self) -> str:
        """What the person is looking at: "first run", "recovery code", "confirm
        recovery code", "unlock" or "recovery unlock"."""
        page = self._pages.currentWidget()
        return self._names[page] if isinstance(page, CardPage) else ""

    @property
    def retry_delay(self) -> int:
        """The wait, in seconds, imposed after the latest failed unlock (0: none)."""
        return self.unlock_page.retry_delay

    def reset(self) -> None:
        """Show the page that fits the folder: set up a new vault, or unlock this one.

        A lock during setup (quick-hide, say) ends setup as any lock would:
        the code leaves the screen and the new vault is closed on its thread.
        The passphrase still opens it; the code cannot be shown again.
        """
        vault = self.release_vault()
        if vault is not None:
            self._thread.submit(vault.close)  # the thread that opened it
        self._remembering = self._finish_when_remembered = False
        self.first_run.reset()
        self.recovery_unlock.reset()
        self.restore_page.reset()
        # Reading keyslots.json is a small local read, no keychain call.
        self.unlock_page.reset(remembered=Vault.is_remembered(self._directory))
        if Vault.exists(self._directory):
            self._show(self.unlock_page)
        else:
            self._show(self.first_run)

    def release_vault(self) -> Vault | None:
        """Hand over a vault still held while setup finishes (at exit), if any."""
        vault, self._created_vault = self._created_vault, None
        self.recovery_code.clear()
        self.confirm_code.clear()
        return vault

    def _show(self, page: FirstRunPage | UnlockPage | RecoveryUnlockPage | RestorePage) -> None:
        self._pages.setCurrentWidget(page)
        page.focus()

    # -- first run ---------------------------------------------------------------------

    @Slot()
    def _create(self) -> None:
        if self._thread.busy:
            return
        passphrase = self.first_run.take_passphrase()
        if passphrase is None:
            return
        remember = self.first_run.remember_requested
        mode = self.first_run.vault_mode
        self.first_run.set_busy(True)
        directory, kdf = self._directory, self._kdf
        self._thread.submit(
            lambda: Vault.create(directory, passphrase, kdf=kdf, mode=mode),
            on_result=lambda outcome: self._created(outcome, remember),
            on_error=self._create_failed,
        )

    def _created(self, outcome: tuple[Vault, str], remember: bool) -> None:
        vault, code = outcome
        self.first_run.set_busy(False)
        self._created_vault = vault
        self.recovery_code.show_code(code)
        self.confirm_code.start(code)
        del code
        self._pages.setCurrentWidget(self.recovery_code)
        self.recovery_code.code_label.setFocus()
        if remember:
            self._remembering = True
            # Keychain calls can block (a locked collection prompts): vault thread.
            self._thread.submit(
                lambda: vault.remember_on_this_computer(Keychain.from_system()),
                on_result=lambda _none: self._remembered(None),
                on_error=self._remembered,
            )

    def _create_failed(self, error: Exception) -> None:
        self.first_run.set_busy(False)
        self.first_run.show_problem(error_text(error))
        report_bug(error)
        self.first_run.focus()

    def _remembered(self, error: Exception | None) -> None:
        self._remembering = False
        if error is None:
            note = _(
                "This computer will remember your vault: next time you can unlock it "
                "with this computer's keychain. Your passphrase works too."
            )
        else:
            report_bug(error)
            note = _(
                "peerdesk could not remember the vault on this computer, and carries on "
                "without it: {reason}"
            ).format(reason=error_text(error))
        if self.current_page == "recovery code":
            self.recovery_code.show_note(note)
        else:
            self.confirm_code.show_note(note)
        if self._finish_when_remembered:
            self._finish_when_remembered = False
            self.confirm_code.set_waiting(False)
            if error is None:
                self._finish_setup()
            # On a failure they read the note, then press Continue again.

    @Slot()
    def _ask_for_groups(self) -> None:
        self._pages.setCurrentWidget(self.confirm_code)
        self.confirm_code.reset_fields()

    @Slot()
    def _show_code_again(self) -> None:
        self._pages.setCurrentWidget(self.recovery_code)
        self.recovery_code.code_label.setFocus()

    @Slot()
    def _finish_setup(self) -> None:
        if self._remembering:
            # Hand the vault over only once its key file has stopped changing,
            # and so that a keychain problem is seen, not lost behind the window.
            self._finish_when_remembered = True
            self.confirm_code.set_waiting(True)
            return
        self.recovery_code.clear()
        self.confirm_code.clear()
        vault, self._created_vault = self._created_vault, None
        if vault is not None:
            self.unlocked.emit(vault)

    def _restored(self, outcome: tuple[Vault, str | None]) -> None:
        """A backup was restored (first run, a new laptop): in at once, or, when it
        made a new recovery code, through that code's page first, as at setup."""
        vault, code = outcome
        self.restore_page.reset()
        if code is None:
            self.unlocked.emit(vault)
        else:
            self._created((vault, code), remember=False)

    # -- unlock ------------------------------------------------------------------------

    @Slot()
    def _unlock(self) -> None:
        if self._thread.busy:
            return
        passphrase = self.unlock_page.take_passphrase()
        if passphrase is None:
            return
        self.unlock_page.set_busy(True)
        directory, kdf = self._directory, self._kdf
        self._thread.submit(
            lambda: Vault.open(directory, passphrase, kdf=kdf),
            on_result=self._opened,
            on_error=self._unlock_failed,
        )

    @Slot()
    def _unlock_with_keychain(self) -> None:
        if self._thread.busy:
            return
        self.unlock_page.message.hide()
        self.unlock_page.set_busy(True, keychain=True)
        directory, kdf = self._directory, self._kdf
        self._thread.submit(
            lambda: Vault.open_remembered(directory, Keychain.from_system(), kdf=kdf),
            on_result=self._opened,
            on_error=self._keychain_failed,
        )

    def _opened(self, vault: Vault) -> None:
        self.unlock_page.set_busy(False)
        self.unlock_page.record_success()
        self.unlocked.emit(vault)

    def _unlock_failed(self, error: Exception) -> None:
        self.unlock_page.set_busy(False)
        self.unlock_page.show_problem(error_text(error))
        report_bug(error)
        if isinstance(error, WrongPassphrase):
            self.unlock_page.record_failure()
        self.unlock_page.focus()

    def _keychain_failed(self, error: Exception) -> None:
        # Not a guess at this screen, so no wait; the passphrase path stays open.
        self.unlock_page.set_busy(False)
        stale = isinstance(error, WrongPassphrase)
        self.unlock_page.show_problem(
            _(
                "This computer's keychain holds a key that no longer opens this vault. "
                "Unlock with your passphrase."
            )
            if stale
            else error_text(error)
        )
        report_bug(error)
        self.unlock_page.focus()

    # -- recovery code -----------------------------------------------------------------

    @Slot()
    def _show_recovery_unlock(self) -> None:
        self.recovery_unlock.reset()
        self._show(self.recovery_unlock)

    @Slot()
    def _back_to_unlock(self) -> None:
        self.recovery_unlock.reset()
        self._show(self.unlock_page)

    @Slot()
    def _reset_passphrase(self) -> None:
        if self._thread.busy:
            return
        request = self.recovery_unlock.take_request()
        if request is None:
            return
        code, passphrase = request
        self.recovery_unlock.set_busy(True)
        directory, kdf = self._directory, self._kdf
        self._thread.submit(
            lambda: Vault.reset_passphrase(directory, code, passphrase, kdf=kdf),
            on_result=self._recovered,
            on_error=self._recovery_failed,
        )

    def _recovered(self, vault: Vault) -> None:
        self.recovery_unlock.reset()
        self.unlock_page.record_success()
        self.unlocked.emit(vault)

    def _recovery_failed(self, error: Exception) -> None:
        self.recovery_unlock.set_busy(False)
        self.recovery_unlock.show_problem(error_text(error))
        report_bug(error)
        self.recovery_unlock.focus()
