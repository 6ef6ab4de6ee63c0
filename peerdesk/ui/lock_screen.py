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
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from ..i18n import _
from ..paths import APP_NAME
from ..store.errors import VaultError, WrongPassphrase
from .unlock_page import MAX_RETRY_DELAY_SECONDS, retry_delay_seconds
from .vault_thread import VaultThread
from .widgets import CardPage, error_text, report_bug

if TYPE_CHECKING:  # imported when first used, so that the lock screen shows sooner
    from ..passphrase_strength import new_passphrase_problem
    from ..recovery_sheet import recovery_code_lines
    from ..store import KdfParams, Keychain, Vault
    from .first_run_page import FirstRunPage
    from .recovery_code_page import ConfirmCodePage, RecoveryCodePage
    from .recovery_unlock_page import RecoveryUnlockPage
    from .restore_page import RestorePage
    from .unlock_page import UnlockPage

# Decisions the pages make, importable from here as before the split.
__all__ = [
    "MAX_RETRY_DELAY_SECONDS",
    "LockScreen",
    "error_text",
    "new_passphrase_problem",
    "recovery_code_lines",
    "retry_delay_seconds",
]


def __getattr__(name: str) -> object:
    """The decisions re-exported from modules the lock screen itself does not need."""
    if name == "new_passphrase_problem":
        from ..passphrase_strength import new_passphrase_problem

        return new_passphrase_problem
    if name == "recovery_code_lines":
        from ..recovery_sheet import recovery_code_lines

        return recovery_code_lines
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# What ``Vault.exists`` and ``Vault.is_remembered`` look at (``SLOTS_NAME`` and
# ``DB_NAME`` in peerdesk.store.vault), read here without importing the vault
# module, which loads SQLCipher, cryptography and the keyring.
SLOTS_NAME = "keyslots.json"
DB_NAME = "vault.db"


def vault_exists(directory: Path) -> bool:
    """``Vault.exists(directory)``, without importing the vault."""
    return (directory / SLOTS_NAME).exists() or (directory / DB_NAME).exists()


def vault_is_remembered(directory: Path) -> bool:
    """``Vault.is_remembered(directory)``: a small local read, no keychain call."""
    try:
        raw = (directory / SLOTS_NAME).read_bytes()
    except OSError:
        return False
    # JSON can spell a slot kind "keychain" only as those letters or with \u escapes:
    # without either, there is no keychain slot, and no need to load the key-slot code.
    if b"keychain" not in raw and b"\\u" not in raw:
        return False
    from ..store.keyslots import KEYCHAIN, KeySlots

    try:
        return KEYCHAIN in KeySlots.from_bytes(raw).slots
    except VaultError:
        return False


def _vault_class() -> type[Vault]:
    """The vault, imported on first use: called on the vault thread only."""
    from ..store.vault import Vault

    return Vault


def _system_keychain() -> Keychain:
    """This computer's keychain (imports keyring): called on the vault thread only."""
    from ..store.keychain import Keychain

    return Keychain.from_system()


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

        # Each page is built (and its module imported) when first needed: at start
        # only the one shown, so that the lock screen shows sooner.
        self._first_run: FirstRunPage | None = None
        self._recovery_code: RecoveryCodePage | None = None
        self._confirm_code: ConfirmCodePage | None = None
        self._unlock_page: UnlockPage | None = None
        self._recovery_unlock: RecoveryUnlockPage | None = None
        self._restore_page: RestorePage | None = None
        self._names: dict[QWidget, str] = {}
        self._pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._pages)
        self.reset()

    # -- the pages, built on first use -------------------------------------------------

    def _add(self, page: CardPage, name: str) -> None:
        self._names[page] = name
        self._pages.addWidget(page)

    @property
    def first_run(self) -> FirstRunPage:
        if self._first_run is None:
            from .first_run_page import FirstRunPage

            page = self._first_run = FirstRunPage(self._directory)
            self._add(page, "first run")
            page.create_requested.connect(self._create)
            page.restore_requested.connect(lambda: self._show(self.restore_page))
            page.reset()
        return self._first_run

    @property
    def recovery_code(self) -> RecoveryCodePage:
        if self._recovery_code is None:
            from .recovery_code_page import RecoveryCodePage

            page = self._recovery_code = RecoveryCodePage(self._thread)
            self._add(page, "recovery code")
            page.acknowledged.connect(self._ask_for_groups)
            page.clear()
        return self._recovery_code

    @property
    def confirm_code(self) -> ConfirmCodePage:
        if self._confirm_code is None:
            from .recovery_code_page import ConfirmCodePage

            page = self._confirm_code = ConfirmCodePage()
            self._add(page, "confirm recovery code")
            page.back_requested.connect(self._show_code_again)
            page.confirmed.connect(self._finish_setup)
            page.clear()
        return self._confirm_code

    @property
    def unlock_page(self) -> UnlockPage:
        if self._unlock_page is None:
            from .unlock_page import UnlockPage

            page = self._unlock_page = UnlockPage()
            self._add(page, "unlock")
            page.unlock_requested.connect(self._unlock)
            page.keychain_requested.connect(self._unlock_with_keychain)
            page.recovery_requested.connect(self._show_recovery_unlock)
            page.reset(remembered=vault_is_remembered(self._directory))
        return self._unlock_page

    @property
    def recovery_unlock(self) -> RecoveryUnlockPage:
        if self._recovery_unlock is None:
            from .recovery_unlock_page import RecoveryUnlockPage

            page = self._recovery_unlock = RecoveryUnlockPage()
            self._add(page, "recovery unlock")
            page.back_requested.connect(self._back_to_unlock)
            page.reset_requested.connect(self._reset_passphrase)
            page.reset()
        return self._recovery_unlock

    @property
    def restore_page(self) -> RestorePage:
        if self._restore_page is None:
            from .restore_page import RestorePage

            page = self._restore_page = RestorePage(self._directory, self._kdf, self._thread)
            self._add(page, "restore")
            page.back_requested.connect(lambda: self._show(self.first_run))
            page.restored.connect(self._restored)
            page.reset()
        return self._restore_page

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
        # A page not built yet is built in this state when first needed.
        if self._first_run is not None:
            self._first_run.reset()
        if self._recovery_unlock is not None:
            self._recovery_unlock.reset()
        if self._restore_page is not None:
            self._restore_page.reset()
        if self._unlock_page is not None:
            # Reading keyslots.json is a small local read, no keychain call.
            self._unlock_page.reset(remembered=vault_is_remembered(self._directory))
        if vault_exists(self._directory):
            self._show(self.unlock_page)
        else:
            self._show(self.first_run)

    def release_vault(self) -> Vault | None:
        """Hand over a vault still held while setup finishes (at exit), if any."""
        vault, self._created_vault = self._created_vault, None
        if self._recovery_code is not None:
            self._recovery_code.clear()
        if self._confirm_code is not None:
            self._confirm_code.clear()
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
            lambda: _vault_class().create(directory, passphrase, kdf=kdf, mode=mode),
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
                lambda: vault.remember_on_this_computer(_system_keychain()),
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
            lambda: _vault_class().open(directory, passphrase, kdf=kdf),
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
            lambda: _vault_class().open_remembered(directory, _system_keychain(), kdf=kdf),
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
            lambda: _vault_class().reset_passphrase(directory, code, passphrase, kdf=kdf),
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
