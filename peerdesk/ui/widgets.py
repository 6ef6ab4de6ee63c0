"""Small builders so every screen looks and reads the same, styled by peerdesk.qss.

Each one sets what a person with a screen reader needs (accessible names) and
what keeps typed text inert (plain-text labels), so no screen has to remember.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

CARD_WIDTH = 520


def plain_label(text: str, object_name: str = "") -> QLabel:
    """A wrapping label that never interprets its text as rich text (``Qt.PlainText``)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)  # #heading, #hint, #caution, #muted ...
    return label


def message_label(name: str) -> QLabel:
    """An inline problem message, hidden until there is something to say."""
    label = plain_label("", "errorMessage")
    label.setAccessibleName(name)
    label.hide()
    return label


def passphrase_field(name: str) -> QLineEdit:
    """A field whose text is never shown; Qt also disables copy and input methods for it."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def button(text: str, *, primary: bool = False) -> QPushButton:
    """A push button; ``primary`` marks the screen's main action (teal in peerdesk.qss)."""
    widget = QPushButton(text)
    widget.setAccessibleName(text)
    widget.setProperty("primary", primary)
    return widget


def busy_bar(name: str) -> QProgressBar:
    """An indeterminate bar for work that reports no progress (key derivation)."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setAccessibleName(name)
    bar.hide()
    return bar


def labelled_fields(rows: list[tuple[str, QLineEdit]]) -> QFormLayout:
    """Fields with their labels above them (easier to read in a narrow card), as buddies."""
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
    form.setVerticalSpacing(6)
    for text, field in rows:
        label = QLabel(text)
        label.setBuddy(field)
        form.addRow(label, field)
    return form


def button_row(*widgets: QWidget) -> QHBoxLayout:
    """Buttons aligned to the right, where a dialog's buttons usually are."""
    row = QHBoxLayout()
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row


def card_page(*items: QWidget | QLayout) -> QWidget:
    """A page: a white card of fixed width, centred on the calm background."""
    card = QFrame()
    card.setObjectName("card")
    card.setFixedWidth(CARD_WIDTH)
    inner = QVBoxLayout(card)
    inner.setContentsMargins(36, 28, 36, 28)
    inner.setSpacing(12)
    for item in items:
        if isinstance(item, QWidget):
            inner.addWidget(item)
        else:
            inner.addLayout(item)
    page = QWidget()
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(1)
    return page
