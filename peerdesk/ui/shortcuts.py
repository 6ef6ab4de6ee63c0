"""Every keyboard shortcut, declared once, so they can be read and documented in one place.

Portable text forms: Qt shows "Ctrl" as the Command key on macOS.
"""

from __future__ import annotations

LOCK = "Ctrl+L"
