"""The one translation helper for user-facing text. Importing it does not import Qt.

Qt-free code (the command line, domain messages) can call ``_()`` too: it only
asks Qt to translate once Qt has been loaded by the GUI, so ``peerdesk --help``
stays fast and display-free.
"""

from __future__ import annotations

import sys

CONTEXT = "peerdesk"


def _(text: str) -> str:
    """Translate ``text`` in the ``peerdesk`` context, or return it unchanged."""
    if "PySide6.QtCore" not in sys.modules:
        return text
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(CONTEXT, text)
