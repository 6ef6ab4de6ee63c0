"""Quiet notices above the workspace: a sentence, one button to act on it, and "Not now".

Each is put away until the next unlock by "Not now"; the main window clears
them all when it locks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..i18n import _
from .widgets import button, plain_label


class NoticeBar(QWidget):
    """Quiet notices above the workspace: a sentence, an action, and "Not now"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # paint the QSS colour
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 6, 16, 6)
        self._layout.setSpacing(4)
        self.setVisible(False)

    def set_notices(self, notices: list[tuple[str, str, Callable[[], object]]]) -> None:
        """Replace what shows: ``(text, action label, action)`` each; none hides the bar."""
        self.clear()
        for text, label, act in notices:
            row = QWidget(self)
            row.setObjectName("notice")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            message = plain_label(text, "noticeText")
            message.setAccessibleName(_("Notice"))
            line.addWidget(message, 1)
            do_it = button(label)
            do_it.clicked.connect(lambda _checked=False, act=act: act())
            later = button(_("Not now"))
            later.clicked.connect(lambda _checked=False, row=row: self._dismiss(row))
            line.addWidget(do_it)
            line.addWidget(later)
            self._layout.addWidget(row)
        self.setVisible(bool(notices))

    def texts(self) -> list[str]:
        """What the notices say (for tests and screen readers)."""
        return [label.text() for label in self.findChildren(QLabel, "noticeText")]

    def clear(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.setVisible(False)

    def _dismiss(self, row: QWidget) -> None:
        self._layout.removeWidget(row)
        row.setParent(None)
        row.deleteLater()
        self.setVisible(self._layout.count() > 0)
