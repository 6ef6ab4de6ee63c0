"""The plain-text field that notes, diary entries and impact statements are typed into.

:class:`NoteEdit` takes only plain text, however it arrives: pasted rich text
and images are reduced to their text, so nothing hidden (remote images,
tracking links, a colleague's formatting) gets into the vault. What is copied
out of it carries the clipboard hints that keep it out of clipboard histories.
A paste that would make the field longer than the vault accepts is refused
as a whole, with a message, and the text already there is left untouched.

Exactness: ``QTextDocument`` turns ``\\r\\n``, ``\\r``, U+2029 and the
U+FDD0/U+FDD1 noncharacters into paragraph breaks, and gives every break back
as ``\\n``. Text typed on another system or imported must come back as it was
stored, so each paragraph records, in its ``userState``, which break ended it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QMimeData, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QTextBlock, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ..i18n import _
from ..store import InvalidText
from ..store.values import MAX_TEXT_CHARS, check_free_text
from .clipboard import concealed_mime
from .widgets import message_label, plain_label

# Every run of text Qt turns into one paragraph break ("\r\n" is one break, not two).
_BREAK = re.compile("\r\n|[\r\n\u2029\ufdd0\ufdd1]")
_UNUSUAL_BREAK = re.compile("[\r\u2029\ufdd0\ufdd1]")
_LF = -1  # QTextBlock's default userState: the paragraph ends with "\n"
_STATE_OF_BREAK = {"\n": _LF, "\r\n": 1, "\r": 2, "\u2029": 3, "\ufdd0": 4, "\ufdd1": 5}
_BREAK_OF_STATE = {state: brk for brk, state in _STATE_OF_BREAK.items()}

# Above this many characters a paste shows a busy cursor: laying out one
# multi-megabyte paragraph takes Qt seconds, and the person should see why.
LARGE_PASTE_CHARS = 1_000_000


class NoteEdit(QPlainTextEdit):
    """A plain-text field for long, confidential text."""

    refused = Signal(str)
    """A paste or drop was refused and nothing was inserted. Emits the message to show."""

    def __init__(
        self,
        name: str,
        field: str | None = None,
        parent: QWidget | None = None,
        *,
        max_chars: int = MAX_TEXT_CHARS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noteEdit")
        self.setAccessibleName(name)
        # How the vault's own messages name this field ("notes", "impact").
        self._field = field or name.lower()
        self._max_chars = max_chars
        # True once some paragraph ends with something other than "\n".
        self._tagged = False
        self.preferred_height: int | None = None
        # Tab moves on to the next field: a keyboard user must be able to leave.
        self.setTabChangesFocus(True)

    def sizeHint(self) -> QSize:
        """Qt's default asks for 192 pixels; a form of several fields then scrolls too early.

        With ``preferred_height`` set, the layout's stretch factors share out the
        rest of the room instead.
        """
        hint = super().sizeHint()
        if self.preferred_height is not None:
            hint.setHeight(self.preferred_height)
        return hint

    # -- text in and out, exactly ----------------------------------------------------

    def text(self) -> str:
        """The text exactly as it will be stored, line breaks as they were given."""
        document = self.document()
        if not self._tagged:
            # toPlainText() would also turn no-break spaces into spaces; toRawText() does not.
            return document.toRawText().replace("\u2029", "\n")
        parts: list[str] = []
        block = document.firstBlock()
        while block.isValid():
            parts.append(block.text())
            following = block.next()
            if following.isValid():
                parts.append(_BREAK_OF_STATE.get(block.userState(), "\n"))
            block = following
        return "".join(parts)

    def set_text(self, text: str) -> None:
        """Show ``text`` as the field's starting point: no undo history, not modified."""
        self._tagged = False
        self.setPlainText(text)
        if _UNUSUAL_BREAK.search(text):
            self._tag_breaks(self.document().firstBlock(), text, _LF)
        self.document().clearUndoRedoStacks()
        self.document().setModified(False)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def clear_history(self) -> None:
        """Forget undo and redo (at lock), so no earlier wording survives in memory."""
        self.document().clearUndoRedoStacks()

    def _tag_breaks(self, block: QTextBlock, text: str, last_state: int) -> None:
        """Record which break ends each paragraph that ``text`` made, from ``block`` on."""
        for found in _BREAK.finditer(text):
            block.setUserState(_STATE_OF_BREAK[found.group()])
            block = block.next()
        block.setUserState(last_state)
        self._tagged = True

    def _insert(self, cursor: QTextCursor, text: str) -> None:
        document = self.document()
        first = document.findBlock(cursor.selectionStart()).blockNumber()
        # The break after the end of the selection is the one that ends the pasted text.
        last_state = document.findBlock(cursor.selectionEnd()).userState()
        cursor.insertText(text)
        if self._tagged or _UNUSUAL_BREAK.search(text):
            self._tag_breaks(document.findBlockByNumber(first), text, last_state)
        self.setTextCursor(cursor)

    # -- the clipboard and drag and drop ------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText()

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Insert only the text of a paste or drop; never rich text, images or files."""
        if not source.hasText():
            return
        text = source.text()
        problem = self.paste_problem(text)
        if problem is not None:
            self.refused.emit(problem)
            return
        if len(text) < LARGE_PASTE_CHARS:
            self._insert(self.textCursor(), text)
            self.ensureCursorVisible()
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        policy = self.verticalScrollBarPolicy()
        # Qt lays out a changed paragraph at once; if the scroll bar then appeared, the
        # narrower view would make it lay the whole paste out a second time.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        try:
            self._insert(self.textCursor(), text)
            self.ensureCursorVisible()
        finally:
            self.setVerticalScrollBarPolicy(policy)
            QApplication.restoreOverrideCursor()

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copies, cuts and drags out carry the hints that keep them out of clipboard history."""
        return concealed_mime(self.textCursor().selectedText().replace("\u2029", "\n"))

    def paste_problem(self, incoming: str) -> str | None:
        """Why ``incoming`` cannot be pasted over the current selection, or None if it can."""
        if self._length_after_paste(len(incoming)) > self._max_chars:
            return _(
                "That was not pasted: it would make “{field}” longer than peerdesk can keep "
                "(about 16 million characters). Your text is unchanged; paste a shorter "
                "part, or start another entry for the rest."
            ).format(field=self.accessibleName())
        try:
            # The vault's own rule and message, so a paste and a save say the same thing.
            check_free_text(incoming, self._field)
        except InvalidText as exc:
            return str(exc)
        return None

    def _length_after_paste(self, incoming: int) -> int:
        cursor = self.textCursor()
        selected = cursor.selectionEnd() - cursor.selectionStart()
        # Counted in UTF-16 units, so never less than the characters the vault counts,
        # unless some "\r\n" (two characters, one paragraph break) is in the field.
        rough = self.document().characterCount() - 1 - selected + incoming
        if rough <= self._max_chars and not self._tagged:
            return rough
        # Near the limit, count exactly (about 35 ms for 10 MB). A "\r\n" inside the
        # selection is subtracted as one character: an over-count, so still safe.
        return len(self.text()) - len(cursor.selectedText()) + incoming


class NoteField(QWidget):
    """A :class:`NoteEdit` with its visible label, a plain-language hint, and an inline message.

    ``lines`` is the starting height of a short answer (a place, some names),
    which grows with its text up to ``max_lines``. Without it the field takes
    the room the layout gives it, down to ``min_lines``.
    """

    def __init__(
        self,
        label: str,
        hint: str = "",
        *,
        field: str | None = None,
        lines: int | None = None,
        max_lines: int = 4,
        min_lines: int = 4,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.edit = NoteEdit(label, field)
        self._line_range = (0, 0)  # fewest and most lines shown, for short answers
        self.label = QLabel(label)
        self.label.setObjectName("fieldLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setBuddy(self.edit)
        self.message = message_label(_("Problem with {field}").format(field=label))
        self.edit.refused.connect(self._show_refusal)
        self.edit.textChanged.connect(self.message.hide)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        if hint:
            hint_label = plain_label(hint, "fieldHint")
            layout.addWidget(hint_label)
            self.edit.setAccessibleDescription(hint)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.message)
        # Room a fixed-height answer cannot use goes below it, not between its parts.
        layout.addStretch(0)
        if lines is None:
            self.edit.setMinimumHeight(self._height_for(min_lines))
            self.edit.preferred_height = self.edit.minimumHeight()
        else:
            # Short answers grow with what is written, up to ``max_lines``, then scroll:
            # a pasted or wrapped second line must never sit hidden below the first.
            self._line_range = (lines, max(lines, max_lines))
            self.edit.setFixedHeight(self._height_for(lines))
            self.edit.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            # After Qt has re-wrapped the text for a new width or new text, not before.
            self._refit = QTimer(self)
            self._refit.setSingleShot(True)
            self._refit.setInterval(0)
            self._refit.timeout.connect(self._fit_height)
            self.edit.textChanged.connect(self._refit.start)
            self.edit.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self._line_range[1]:
            self._refit.start()
        return super().eventFilter(watched, event)

    def _fit_height(self) -> None:
        fewest, most = self._line_range
        document = self.edit.document()
        lines = 0
        block = document.firstBlock()
        while block.isValid() and lines <= most:  # enough to know it needs a scroll bar
            document.documentLayout().blockBoundingRect(block)  # wraps it at today's width
            lines += max(1, block.lineCount())
            block = block.next()
        # Below the most it grows instead; a scroll bar there (from rounding at 150%)
        # would only be clutter.
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if lines > most
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.edit.setVerticalScrollBarPolicy(policy)
        height = self._height_for(min(max(lines, fewest), most))
        if height != self.edit.height():
            self.edit.setFixedHeight(height)

    def _height_for(self, lines: int) -> int:
        """The height that shows ``lines`` lines in the field's font, frame and padding."""
        edit = self.edit
        edit.ensurePolished()  # the style sheet sets the font, border and padding
        margins = edit.contentsMargins()  # the frame's border and padding are in here
        chrome = margins.top() + margins.bottom()
        text = edit.fontMetrics().lineSpacing() * lines + 2 * edit.document().documentMargin()
        return round(text + chrome)

    def _show_refusal(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()
