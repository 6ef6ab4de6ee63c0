"""Help lists every keyboard shortcut, as this system writes the keys."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMainWindow, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.ui import shortcuts
from peerdesk.ui.help_dialog import ShortcutsDialog, native_keys, show_shortcuts

Find = Callable[..., QWidget]


def test_every_shortcut_is_listed_with_native_key_text(qtbot: QtBot, by_name: Find) -> None:
    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    table = by_name(dialog, QTableWidget, "Keyboard shortcuts")
    expected = [
        (QKeySequence(s.keys).toString(QKeySequence.SequenceFormat.NativeText), s.description)
        for s in shortcuts.all_shortcuts()
    ]
    assert dialog.rows() == expected
    assert table.rowCount() == len(shortcuts.all_shortcuts())
    assert ("F1", "Show these keyboard shortcuts") in expected
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers


def test_every_declared_shortcut_constant_is_in_the_list() -> None:
    declared = {
        value
        for name, value in vars(shortcuts).items()
        if name.isupper() and isinstance(value, str)
    }
    listed = {s.keys for s in shortcuts.all_shortcuts()}
    assert declared == listed


def test_native_text_is_what_qt_shows() -> None:
    assert native_keys("Ctrl+Shift+H") == QKeySequence("Ctrl+Shift+H").toString(
        QKeySequence.SequenceFormat.NativeText
    )
    assert native_keys("F2") == "F2"


def test_f1_again_raises_the_open_list(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    first = show_shortcuts(window)
    assert first.isVisible()
    assert not first.isModal()
    assert show_shortcuts(window) is first
    first.close()
    qtbot.waitUntil(lambda: window.findChild(ShortcutsDialog) is None)
    again = show_shortcuts(window)
    assert again.isVisible()
