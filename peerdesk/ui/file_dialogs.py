"""Asking where to save or open a file, with Qt's standard static dialogs, leaving no trace.

Qt's own (non-native) dialog records the folders visited in ``QtProject.conf``
(``FileDialog/history``, ``lastVisited``), and desktop choosers add the file to
"recent files" (GTK and Plasma 6: ``recently-used.xbel``; Plasma 5: a
``.desktop`` file in ``RecentDocuments``). peerdesk must leave no export path or
file name behind, so:

- every path chosen here (or passed to :func:`remember_file`) is kept in memory
  for this session, and only those entries are removed from the recent-files
  lists; nothing else in them is touched;
- each question is followed by :func:`scrub_traces`, and the app window calls it
  again on lock and at exit, because a desktop chooser may add its entry a
  moment after the dialog has closed.

Scrubbing never raises: a missing, unreadable or malformed file is left as it is.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only files we refuse to parse if they declare entities
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from ..store.errors import VaultError
from ..store.fsutil import atomic_write

QT_PROJECT = "QtProject"
FILE_DIALOG_GROUP = "FileDialog"
RECENT_XBEL = "recently-used.xbel"
KDE_RECENT_DOCUMENTS = "RecentDocuments"

_touched: set[str] = set()

# One <bookmark ...>...</bookmark> (or <bookmark .../>), with the whitespace
# around it, so removing it leaves the rest of the file byte for byte as it was.
# Bookmarks never nest; "<bookmark:applications>" is excluded by the lookahead.
_BOOKMARK = re.compile(
    r"[ \t]*<bookmark(?=[\s/>])(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)"
    r"(?:/>|>.*?</bookmark\s*>)[ \t]*(?:\r?\n)?",
    re.DOTALL,
)
_HREF = re.compile(r"\shref\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')")


def get_save_path(
    parent: QWidget | None, caption: str, suggested_name: str, file_filter: str
) -> Path | None:
    """Where to save, or None if cancelled. Starts in the home folder, never a remembered one."""
    start = str(Path.home() / suggested_name)
    chosen = ""
    try:
        chosen, _selected = QFileDialog.getSaveFileName(parent, caption, start, file_filter)
    finally:
        if chosen:
            remember_file(chosen)
        scrub_traces()
    return Path(chosen) if chosen else None


def get_open_path(parent: QWidget | None, caption: str, file_filter: str) -> Path | None:
    """Which file to open, or None if cancelled."""
    chosen = ""
    try:
        chosen, _selected = QFileDialog.getOpenFileName(
            parent, caption, str(Path.home()), file_filter
        )
    finally:
        if chosen:
            remember_file(chosen)
        scrub_traces()
    return Path(chosen) if chosen else None


def remember_file(path: Path | str) -> None:
    """Note a file peerdesk wrote or read this session, so :func:`scrub_traces` removes it
    from the desktop's recent files. Kept in memory only, never written anywhere."""
    text = os.fspath(path)
    _touched.add(os.path.normpath(os.path.abspath(text)))
    with contextlib.suppress(OSError, RuntimeError):
        _touched.add(str(Path(text).resolve()))


def scrub_traces() -> None:
    """Remove every trace of peerdesk's files from Qt's settings and the recent-files lists.

    For the lock handler and exit as well as after each question. Never raises.
    """
    forget_file_dialog_history()
    scrub_recent_files()


def forget_file_dialog_history() -> None:
    """Remove what Qt's file dialog remembers (folders visited, last file) from QtProject.conf."""
    # The same constructor Qt's dialog uses (native format: the registry on
    # Windows, QtProject.conf elsewhere), so this always edits the same place.
    settings = QSettings(QSettings.Scope.UserScope, QT_PROJECT)
    if FILE_DIALOG_GROUP in settings.childGroups():
        settings.remove(FILE_DIALOG_GROUP)
        settings.sync()


def recent_files_path() -> Path:
    """The freedesktop recent-files list: ``$XDG_DATA_HOME/recently-used.xbel``."""
    return _data_home() / RECENT_XBEL


def scrub_recent_files() -> int:
    """Remove entries for files peerdesk touched this session; returns how many went."""
    if not _touched:
        return 0
    targets = frozenset(_touched)
    removed = _scrub_xbel(recent_files_path(), targets)
    removed += _scrub_kde_recent_documents(_data_home() / KDE_RECENT_DOCUMENTS, targets)
    return removed


def forget_remembered_files() -> None:
    """Tests: start a fresh session with nothing remembered."""
    _touched.clear()


# -- internals ------------------------------------------------------------------------------


def _data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec: a relative value is invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def _uri_path(uri: str) -> str | None:
    """The local path a ``file:`` URI names, or None for anything else."""
    parts = urlsplit(uri.strip())
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return os.path.normpath(unquote(parts.path, errors="surrogateescape"))


def _scrub_xbel(path: Path, targets: frozenset[str]) -> int:
    try:
        path = path.resolve()
        text = path.read_bytes().decode("utf-8")
    except (OSError, RuntimeError, UnicodeDecodeError):
        return 0
    # GLib never writes a DOCTYPE; one here is not a recent-files list we should
    # parse (entity expansion), so leave it alone.
    if "<!DOCTYPE" in text or "<!ENTITY" in text or not _well_formed(text):
        return 0
    removed = 0

    def drop_ours(match: re.Match[str]) -> str:
        nonlocal removed
        href = _HREF.search(match.group("attrs"))
        if href is None:
            return match.group(0)
        uri = html.unescape(href.group("dq") if href.group("dq") is not None else href["sq"])
        if _uri_path(uri) in targets:
            removed += 1
            return ""
        return match.group(0)

    scrubbed = _BOOKMARK.sub(drop_ours, text)
    if not removed or not _well_formed(scrubbed):
        return 0
    try:
        atomic_write(path, scrubbed.encode("utf-8"), what="the recent files list")
    except VaultError:
        return 0
    return removed


def _well_formed(text: str) -> bool:
    try:
        ET.fromstring(text)  # noqa: S314 - DOCTYPE/ENTITY refused above; a local file
    except ET.ParseError:
        return False
    return True


def _scrub_kde_recent_documents(folder: Path, targets: frozenset[str]) -> int:
    """Plasma 5 keeps one ``.desktop`` file per recent document, with a ``URL=`` line."""
    removed = 0
    try:
        entries = list(folder.glob("*.desktop"))
    except OSError:
        return 0
    for entry in entries:
        try:
            lines = entry.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            key, sep, value = line.partition("=")
            if sep and key.strip().split("[", 1)[0] == "URL":
                value = value.strip()
                if "://" in value:
                    local = _uri_path(value)
                else:  # "URL[$e]=$HOME/…": a path with variables to expand
                    local = os.path.normpath(os.path.expandvars(os.path.expanduser(value)))
                if local in targets:
                    with contextlib.suppress(OSError):
                        entry.unlink()
                        removed += 1
                break
    return removed
