"""What peerdesk puts on the clipboard, marked so clipboard managers and history skip it.

The hints are the ones password managers use (KeePassXC ``Clipboard.cpp``):
KDE Klipper's ``x-kde-passwordManagerHint``, the macOS ``org.nspasteboard``
concealed type, and Windows' clipboard-history exclusion formats. A private
marker lets peerdesk recognise its own copies later, to clear them only if the
clipboard still holds what peerdesk put there (:class:`ClipboardGuard`).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QClipboard, QGuiApplication

from ..preferences import CLIPBOARD_CLEAR_SECONDS, PreferencesSource, read

OWN_MARKER = "application/x-peerdesk-copy"

_CONCEALED_HINTS = {
    "x-kde-passwordManagerHint": b"secret",
    "application/x-nspasteboard-concealed-type": b"",
    "org.nspasteboard.ConcealedType": b"",
    # Windows: not in clipboard history, not synced to the cloud clipboard.
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': b"1",
    'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"': b"\x00\x00\x00\x00",
    'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"': b"\x00\x00\x00\x00",
}


def concealed_mime(text: str) -> QMimeData:
    """Plain text for the clipboard, carrying the "do not keep this" hints and our marker."""
    mime = QMimeData()
    mime.setText(text)
    for fmt, value in _CONCEALED_HINTS.items():
        mime.setData(fmt, QByteArray(value))
    mime.setData(OWN_MARKER, QByteArray(b"1"))
    return mime


def is_own_copy(mime: QMimeData | None) -> bool:
    return mime is not None and mime.hasFormat(OWN_MARKER)


def copy_concealed(text: str) -> None:
    """Put ``text`` on the clipboard as peerdesk's own, concealed copy.

    A :class:`ClipboardGuard`, if one is running, sees it and clears it later.
    """
    clipboard = QGuiApplication.clipboard()
    clipboard.setMimeData(concealed_mime(text), QClipboard.Mode.Clipboard)


class ClipboardGuard(QObject):
    """Clears what peerdesk copied after a delay, and on lock, but never anyone else's copy.

    It watches the clipboard: each time it starts holding a peerdesk copy, a
    single-shot timer starts (the "clear copied text after" setting). When it
    fires, the clipboard is cleared only if it still holds a peerdesk copy; if
    the supporter has copied something from another program meanwhile, that
    stays. The delay is read when each copy appears, so a changed setting
    applies to the next copy.
    """

    cleared = Signal(str)
    """The clipboard was cleared of a peerdesk copy. Emits why: "timeout" or "lock"."""

    def __init__(
        self,
        preferences: PreferencesSource,
        parent: QObject | None = None,
        *,
        delay_ms: int | None = None,
    ) -> None:
        """``preferences``: a :class:`Preferences`, or a callable giving the current one
        (None while locked: the default delay). ``delay_ms`` is for tests only."""
        super().__init__(parent)
        self._preferences = preferences
        self._delay_ms_override = delay_ms
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timeout)
        self._clipboard = QGuiApplication.clipboard()
        self._clipboard.dataChanged.connect(self._clipboard_changed)
        # A copy made before the guard existed (or before an unlock) is ours too.
        self._clipboard_changed()

    def delay_ms(self) -> int:
        if self._delay_ms_override is not None:
            return self._delay_ms_override
        return read(self._preferences, CLIPBOARD_CLEAR_SECONDS) * 1000

    @property
    def pending(self) -> bool:
        """Whether a peerdesk copy is waiting to be cleared."""
        return self._timer.isActive()

    def clear_if_ours(self) -> bool:
        """Clear the clipboard (and the X11 selection) now if they hold peerdesk's text.

        For lock and quit. Returns whether anything was cleared.
        """
        self._timer.stop()
        cleared = False
        if is_own_copy(self._clipboard.mimeData(QClipboard.Mode.Clipboard)):
            self._clipboard.clear(QClipboard.Mode.Clipboard)
            cleared = True
        # Text selected in a peerdesk field is offered to other programs as the
        # X11/Wayland primary selection, without any marker; on lock, take it back.
        if self._clipboard.supportsSelection() and self._clipboard.ownsSelection():
            self._clipboard.clear(QClipboard.Mode.Selection)
            cleared = True
        if cleared:
            self.cleared.emit("lock")
        return cleared

    def stop(self) -> None:
        """Stop watching (the guard is no longer needed); does not clear anything."""
        self._timer.stop()
        self._clipboard.dataChanged.disconnect(self._clipboard_changed)

    @Slot()
    def _clipboard_changed(self) -> None:
        if is_own_copy(self._clipboard.mimeData(QClipboard.Mode.Clipboard)):
            self._timer.start(self.delay_ms())
        else:
            self._timer.stop()  # someone else's copy now: nothing of ours to clear

    @Slot()
    def _timeout(self) -> None:
        if is_own_copy(self._clipboard.mimeData(QClipboard.Mode.Clipboard)):
            self._clipboard.clear(QClipboard.Mode.Clipboard)
            self.cleared.emit("timeout")
