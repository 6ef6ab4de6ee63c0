"""Switches between the lock screen and the main window, and owns the open vault.

Built once by the composition root (``peerdesk.app``). It is the only place
that holds the open ``Vault``, so locking is one thing: destroy the main
window, close the vault on its thread, show the lock screen.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from ..store import KdfParams, Vault
from .lock_screen import LockScreen
from .main_window import MainWindow
from .vault_thread import VaultThread


class Shell(QObject):
    """The lock screen while the vault is closed, the main window while it is open."""

    unlocked = Signal()
    """The vault is open and the main window is showing. Emits nothing."""

    locked = Signal()
    """After a lock: the vault is closed and its window destroyed. Emits nothing."""

    def __init__(
        self, vault_directory: Path, kdf: KdfParams | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.vault_thread = VaultThread(self)
        self.lock_screen = LockScreen(vault_directory, kdf, self.vault_thread)
        self.lock_screen.unlocked.connect(self._open_main_window)
        self._vault: Vault | None = None
        self._main_window: MainWindow | None = None

    @property
    def vault(self) -> Vault | None:
        """The open vault, or None while locked."""
        return self._vault

    @property
    def main_window(self) -> MainWindow | None:
        """The main window while it exists (closing it from the title bar destroys it)."""
        window = self._main_window
        return window if window is not None and shiboken6.isValid(window) else None

    def show(self) -> None:
        self.lock_screen.show()

    @Slot(object)
    def _open_main_window(self, vault: Vault) -> None:
        self._vault = vault
        window = MainWindow()
        # Deleted, not hidden, when closed: no widget keeps content after a lock.
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.lock_requested.connect(self.lock)
        self._main_window = window
        window.show()
        self.lock_screen.hide()
        self.unlocked.emit()

    @Slot()
    def lock(self) -> None:
        """Close the vault and return to the unlock page."""
        window, self._main_window = self.main_window, None
        vault, self._vault = self._vault, None
        # Lock screen first, so closing the main window is never "the last
        # window closed" (which would quit peerdesk instead of locking it).
        self.lock_screen.reset()
        self.lock_screen.show()
        if window is not None:
            window.close()
        if vault is not None:
            # The same thread that opened it; an unlock typed meanwhile queues behind.
            self.vault_thread.submit(vault.close, on_result=lambda _: self.locked.emit())
        else:
            self.locked.emit()

    @Slot()
    def shutdown(self) -> None:
        """At exit: close whichever vault is open, on its thread, then stop the thread."""
        window, self._main_window = self.main_window, None
        if window is not None:
            window.close()  # deleted on close: nothing it showed outlives the vault
        vault = self._vault or self.lock_screen.release_vault()
        self._vault = None
        self.vault_thread.stop(final=vault.close if vault is not None else None)
