"""Small builders so every screen looks and reads the same, styled by peerdesk.qss.

Each one sets what a person with a screen reader needs (accessible names) and
what keeps typed text inert (plain-text labels), so no screen has to remember.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store.errors import VaultError

if TYPE_CHECKING:  # imported by the pages that rate a new passphrase, when first built
    from ..passphrase_strength import Strength

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


def button(text: str, *, primary: bool = False, link: bool = False) -> QPushButton:
    """A push button; ``primary`` marks the screen's main action (teal in peerdesk.qss).

    ``link`` draws a secondary way forward ("Use recovery code") as underlined
    text, so it never competes with the main action but still takes Tab and Space.
    """
    widget = QPushButton(text)
    widget.setAccessibleName(text)
    widget.setProperty("primary", primary)
    widget.setProperty("link", link)
    if link:
        widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def checkbox(text: str) -> QCheckBox:
    """A checkbox named as it reads; unchecked, because the safe choice is the default."""
    widget = QCheckBox(text)
    widget.setAccessibleName(text)
    widget.setChecked(False)
    return widget


def note_label(name: str) -> QLabel:
    """A calm inline note (not a problem), hidden until there is something to say."""
    label = plain_label("", "note")
    label.setAccessibleName(name)
    label.hide()
    return label


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
    """A page: a white card of fixed width, centred on the calm background.

    It scrolls when the window is shorter than the card (a small laptop screen
    at 150% scaling), instead of squashing the fields until they overlap.
    """
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
    page.setObjectName("cardPage")  # transparent in peerdesk.qss: the calm background shows
    outer = QVBoxLayout(page)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(1)
    scroller = QScrollArea()
    scroller.setObjectName("cardScroller")
    scroller.setWidgetResizable(True)
    scroller.setFrameShape(QFrame.Shape.NoFrame)
    # The fields take the focus, not the scroller: otherwise it is the first thing in
    # the tab chain and, at start-up, takes the focus meant for the passphrase field.
    # Tabbing still scrolls the focused field into view (QScrollArea does that).
    scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    # A viewport of our own, which does not fill its background (the calm colour
    # shows through). Asking Qt for its own viewport() instead made PySide wrap a
    # widget Qt created, its slowest first step: 50 ms of the start-up.
    scroller.setViewport(QWidget())
    scroller.setWidget(page)
    return scroller


class CardPage(QWidget):
    """A lock-screen page: one card, with an inline "Problem" and a calm "Note".

    Both labels are created here so every page names them the same way for
    screen readers (and tests); the page decides where in its card they go.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message_label(_("Problem"))
        self.note = note_label(_("Note"))
        # Owned by the page even where a page never places them: a parentless label
        # belongs to Python's garbage collector, which may free it while Qt still
        # lists it in QApplication.allWidgets() (a crash seen in tests/e2e).
        self.message.setParent(self)
        self.note.setParent(self)

    def set_card(self, *items: QWidget | QLayout) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(card_page(*items))

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.show()

    def hide_messages(self) -> None:
        self.message.hide()
        self.note.hide()


# -- what every screen says when work fails ----------------------------------------


def error_text(error: Exception) -> str:
    """The message for a failed vault action; vault errors never contain a secret."""
    if isinstance(error, VaultError):
        return str(error)
    return _(
        "Something went wrong and peerdesk could not finish. Nothing in your vault "
        "was changed. Try again, and if it keeps happening, restart peerdesk."
    )


def report_bug(error: Exception) -> None:
    """Vault errors are expected and shown; anything else is a bug and must be seen.

    It goes to ``sys.excepthook``: a terminal, or pytest-qt, which fails the test.
    """
    if not isinstance(error, VaultError):
        sys.excepthook(type(error), error, error.__traceback__)


# -- choosing a new passphrase -----------------------------------------------------


class StrengthMeter(QWidget):
    """A live verdict on a passphrase being chosen: a five-step bar and a line of words.

    The words never quote the passphrase (the screen may be watched); they say
    how long a guessing attack would take and the main reason it is weak.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setObjectName("strengthMeter")
        self.bar.setRange(0, 5)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(_("Passphrase strength"))
        self.words = plain_label("", "strengthText")
        self.words.setAccessibleName(_("Passphrase strength in words"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.words)
        self.show_strength("")

    @Slot(str)
    def show_strength(self, passphrase: str) -> Strength | None:
        """Judge ``passphrase`` and show the verdict (the empty one says how to start)."""
        if not passphrase:
            self._show(0, "none", _("Tip: four or more unrelated words make a strong passphrase."))
            return None
        from ..passphrase_strength import assess

        strength = assess(passphrase)
        level = ("weak", "weak", "fair", "good", "strong")[strength.score]
        text = strength.summary
        if strength.reasons:
            text += " " + strength.reasons[0]
        self._show(strength.score + 1, level, text)
        return strength

    def _show(self, value: int, level: str, text: str) -> None:
        self.bar.setValue(value)
        self.bar.setAccessibleDescription(text)
        self.words.setText(text)
        # A dynamic property picks the colour in peerdesk.qss; re-polish to apply it.
        self.bar.setProperty("strength", level)
        self.bar.style().unpolish(self.bar)
        self.bar.style().polish(self.bar)


class NewPassphraseFields:
    """A new passphrase, its confirmation and the strength meter, as one checked unit.

    Used wherever a passphrase is chosen (first run, recovery), so the rules
    and the advice are the same everywhere.
    """

    def __init__(self, first: str, confirm: str) -> None:
        # Each field's accessible name is its visible label, word for word.
        self.first = passphrase_field(first)
        self.confirm = passphrase_field(confirm)
        self.meter = StrengthMeter()
        self.first.textChanged.connect(self.meter.show_strength)
        self.first.returnPressed.connect(self.confirm.setFocus)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.form.setVerticalSpacing(6)
        for text, field in ((first, self.first), (confirm, self.confirm)):
            label = QLabel(text)
            label.setBuddy(field)
            self.form.addRow(label, field)
            if field is self.first:
                self.form.addRow(self.meter)

    def take(self) -> tuple[str, None] | tuple[None, str]:
        """(passphrase, None) if it may be used, else (None, why not). Empties both fields.

        Emptied either way: the text has been handed on, or it must be chosen
        again, and nobody has to guess which of the two fields was wrong.
        """
        passphrase, confirm = self.first.text(), self.confirm.text()
        self.clear()
        from ..passphrase_strength import new_passphrase_problem

        problem = new_passphrase_problem(passphrase, confirm)
        if problem is not None:
            return None, problem
        return passphrase, None

    def clear(self) -> None:
        self.first.clear()
        self.confirm.clear()

    def set_enabled(self, enabled: bool) -> None:
        self.first.setEnabled(enabled)
        self.confirm.setEnabled(enabled)


def monospace_font() -> QFont:
    """A font whose letters really are all one width (for recovery codes).

    The system's fixed font is usually right, but fontconfig can resolve
    "monospace" to a family (Noto Sans Mono, say) that is not marked fixed-pitch,
    and then Qt falls back to a proportional face. Then take the first installed
    family that is.
    """
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if QFontInfo(font).fixedPitch():
        return font
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    for family in QFontDatabase.families():
        if QFontDatabase.isFixedPitch(family) and not QFontDatabase.isPrivateFamily(family):
            font.setFamilies([family])
            if QFontInfo(font).fixedPitch():
                break
    return font
