"""Help → Keyboard shortcuts: every shortcut from ``shortcuts.all_shortcuts()``, in a table.

Keys are shown as this system writes them ("Ctrl+L" here, "⌘L" on macOS). The
table holds no vault content, so it may stay open across a lock.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..paths import APP_NAME
from . import shortcuts
from .widgets import plain_label


def native_keys(keys: str) -> str:
    """``keys`` ("Ctrl+Shift+H", portable form) as this platform shows it."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


class ShortcutsDialog(QDialog):
    """A read-only table: keys on the left, what they do on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(_("Keyboard shortcuts — {app}").format(app=APP_NAME))
        entries = shortcuts.all_shortcuts()

        self.table = QTableWidget(len(entries), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(_("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([_("Keys"), _("What it does")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, to Close
        for row, entry in enumerate(entries):
            keys = QTableWidgetItem(native_keys(entry.keys))
            keys.setData(Qt.ItemDataRole.AccessibleTextRole, native_keys(entry.keys))
            keys.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, keys)
            self.table.setItem(row, 1, QTableWidgetItem(entry.description))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.resizeRowsToContents()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(close.text().replace("&", ""))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label(_("Keyboard shortcuts"), "settingsSection"))
        layout.addWidget(
            plain_label(
                _(
                    "Press these keys anywhere in the peerdesk window. Most of them "
                    "work only while peerdesk is unlocked."
                ),
                "settingsHint",
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        screen = (parent or self).screen()
        available = screen.availableGeometry().height() if screen is not None else 800
        # Tall enough to show every shortcut without scrolling, where the screen allows.
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        wanted = rows + self.table.horizontalHeader().height() + 190
        self.resize(640, max(320, min(wanted, int(available * 0.9))))

    def rows(self) -> list[tuple[str, str]]:
        """What the table shows: (keys, description) per row, as a person reads it."""
        model = self.table.model()
        return [
            (str(model.index(r, 0).data()), str(model.index(r, 1).data()))
            for r in range(model.rowCount())
        ]


def show_shortcuts(parent: QWidget | None) -> ShortcutsDialog:
    """Show the shortcuts beside the work (not modal); F1 again raises the open one."""
    dialog = parent.findChild(ShortcutsDialog) if parent is not None else None
    if dialog is None:
        dialog = ShortcutsDialog(parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
