"""What peerdesk puts on the clipboard, marked so clipboard managers and history skip it.

The hints are the ones password managers use (KeePassXC ``Clipboard.cpp``):
KDE Klipper's ``x-kde-passwordManagerHint``, the macOS ``org.nspasteboard``
concealed type, and Windows' clipboard-history exclusion formats. A private
marker lets peerdesk recognise its own copies later, to clear them only if the
clipboard still holds what peerdesk put there.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData

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
