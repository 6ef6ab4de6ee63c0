"""Asking where to save or open a file, with Qt's standard static dialogs, leaving no trace.

Qt's own (non-native) dialog records the folders visited in ``QtProject.conf``
(``FileDialog/history``, ``lastVisited``), and desktop choosers may add the file
to "recent files". peerdesk must leave no export path or file name behind, so
each question is followed by :func:`forget_file_dialog_history`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

QT_PROJECT = ("QtProject", "")
FILE_DIALOG_GROUP = "FileDialog"


def get_save_path(
    parent: QWidget | None, caption: str, suggested_name: str, file_filter: str
) -> Path | None:
    """Where to save, or None if cancelled. Starts in the home folder, never a remembered one."""
    start = str(Path.home() / suggested_name)
    try:
        chosen, _selected = QFileDialog.getSaveFileName(parent, caption, start, file_filter)
    finally:
        forget_file_dialog_history()
    return Path(chosen) if chosen else None


def get_open_path(parent: QWidget | None, caption: str, file_filter: str) -> Path | None:
    """Which file to open, or None if cancelled."""
    try:
        chosen, _selected = QFileDialog.getOpenFileName(
            parent, caption, str(Path.home()), file_filter
        )
    finally:
        forget_file_dialog_history()
    return Path(chosen) if chosen else None


def forget_file_dialog_history() -> None:
    """Remove what Qt's file dialog remembers (folders visited, last file) from QtProject.conf."""
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, *QT_PROJECT)
    if FILE_DIALOG_GROUP in settings.childGroups():
        settings.remove(FILE_DIALOG_GROUP)
        settings.sync()
