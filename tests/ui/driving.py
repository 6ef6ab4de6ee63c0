"""Driving the lock screen the way a person would: shared by UI and end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store.search import fts_query
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.workspace import Workspace

Find = Callable[..., QWidget]
W = TypeVar("W", bound=QWidget)


def create_through_first_run(qtbot: QtBot, shell: AppWindow, by_name: Find, passphrase: str) -> str:
    """Fill in the first-run page, press Enter, and return the recovery code shown."""
    screen = shell.lock_screen
    qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), passphrase)
    confirm = by_name(screen, QLineEdit, "Confirm passphrase")
    qtbot.keyClicks(confirm, passphrase)
    qtbot.keyClick(confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.current_page == "recovery code")
    return by_name(screen, QLabel, "Recovery code").text()


def asked_groups(screen: QWidget) -> list[QLineEdit]:
    """The two "Group N" fields of the confirmation page, in order."""
    return [
        field
        for field in screen.findChildren(QLineEdit)
        if field.accessibleName().startswith("Group ") and field.isVisibleTo(screen)
    ]


def group_number(field: QLineEdit) -> int:
    return int(field.accessibleName().removeprefix("Group "))


def confirm_code(qtbot: QtBot, screen: QWidget, by_name: Find, shown: str) -> None:
    """From the recovery code page: "I have a copy", type the asked groups, Continue."""
    groups = shown.replace("\n", "-").split("-")
    qtbot.mouseClick(by_name(screen, QPushButton, "I have a copy"), Qt.MouseButton.LeftButton)
    for field in asked_groups(screen):
        qtbot.keyClicks(field, groups[group_number(field) - 1])
    qtbot.mouseClick(by_name(screen, QPushButton, "Continue"), Qt.MouseButton.LeftButton)


def unlock(qtbot: QtBot, shell: AppWindow, by_name: Find, passphrase: str) -> None:
    screen = shell.lock_screen
    qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), passphrase)
    qtbot.mouseClick(by_name(screen, QPushButton, "Unlock"), Qt.MouseButton.LeftButton)


def find(root: QWidget, kind: type[W], name: str) -> W:
    """The one visible widget of ``kind`` a screen reader would call ``name``."""
    matches = [
        w for w in root.findChildren(kind) if w.accessibleName() == name and w.isVisibleTo(root)
    ]
    assert len(matches) == 1, f"expected one visible {kind.__name__} named {name!r}, got {matches}"
    return matches[0]


def search(qtbot: QtBot, workspace: Workspace, text: str) -> None:
    """Search as the toolbar field does, and wait for the results to be on screen.

    Text without a word goes back to the person at once: nothing to wait for.
    """
    if fts_query(text) is None:
        workspace.search(text)
        return
    with qtbot.waitSignal(workspace.search_panel.results_shown, timeout=10_000):
        workspace.search(text)
