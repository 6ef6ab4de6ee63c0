"""The main window, for now a placeholder that says the vault is open and can lock it.

The full workspace (people, sessions, incident diary, referrals) comes later.
The window holds no vault reference: whoever shows it owns the vault, and
destroys this window on lock so nothing it displayed outlives the unlock.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from ..i18n import _
from ..paths import APP_NAME
from . import shortcuts
from .widgets import button, button_row, card_page, plain_label


class MainWindow(QMainWindow):
    """Shown while the vault is open. Closing it with the title bar quits peerdesk."""

    lock_requested = Signal()
    """The person asked to lock (Ctrl+L, the menu or the Lock button). Emits nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)  # never an alias, a note title or a path
        self.resize(900, 640)

        # As the person sees it: "Ctrl+L", or "⌘L" on macOS.
        shortcut = QKeySequence(shortcuts.LOCK).toString(QKeySequence.SequenceFormat.NativeText)
        self.lock_action = QAction(_("Lock"), self)
        self.lock_action.setShortcut(QKeySequence(shortcuts.LOCK))
        self.lock_action.setToolTip(_("Lock peerdesk ({shortcut})").format(shortcut=shortcut))
        self.lock_action.triggered.connect(self.lock_requested)
        menu = self.menuBar().addMenu(_("&peerdesk"))
        menu.addAction(self.lock_action)
        # On the window too, so the shortcut works even with the menu bar hidden.
        self.addAction(self.lock_action)

        lock_button = button(_("Lock now"), primary=True)
        lock_button.clicked.connect(self.lock_action.trigger)
        page = card_page(
            plain_label(_("Your vault is open"), "heading"),
            plain_label(
                _(
                    "The full peerdesk workspace (people, sessions, incident diary and "
                    "referrals) is still being built."
                )
            ),
            plain_label(
                _(
                    "Lock peerdesk whenever you step away from this laptop: press "
                    "{shortcut} or use the button below. Locking closes the vault; you "
                    "will need your passphrase to open it again."
                ).format(shortcut=shortcut),
                "hint",
            ),
            button_row(lock_button),
        )
        page.setObjectName("mainContent")
        self.setCentralWidget(page)
