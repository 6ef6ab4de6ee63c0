"""One checklist followed in a session, as the side panel shows it: sections, items, progress.

An item is one checkbox and its words. Space (or a click on the box or the
words) ticks it; N opens a one-line note under it, saved with the tick when
Enter is pressed or the focus leaves; Escape puts the note back as it was.
Up and Down move between items, so a keyboard user never has to Tab through
every note field. Guidance and example phrases sit under each item and show
only while the supporter wants them (:meth:`RunView.set_details_shown`).

Item text comes from templates a coordinator may have imported: every label
is plain text, never rich text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from ..checklists import ChecklistItem, ChecklistTemplate
from ..i18n import _
from ..store.models import ChecklistRun, Tick
from ..store.values import MAX_LINE_CHARS
from .widgets import plain_label

# A note is a reminder, not the session notes: one line, short.
NOTE_CHARS = MAX_LINE_CHARS


def progress_text(done: int, total: int) -> str:
    """What the progress line reads: "7 of 12"."""
    return _("{done} of {total}").format(done=done, total=total)


class ItemCheck(QCheckBox):
    """The checkbox of one item: Space ticks (as any checkbox), N asks for a note, arrows move."""

    note_requested = Signal()
    """N was pressed, or "Add a note" chosen from the menu. Emits nothing."""
    move_requested = Signal(int)
    """Up (-1) or Down (+1) was pressed: move to the item before or after. Emits the step."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        plain = modifiers in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if key == Qt.Key.Key_N and plain:
            self.note_requested.emit()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and plain:
            self.move_requested.emit(-1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(_("Add or change a note"), self.note_requested.emit)
        menu.exec(event.globalPos())


class ItemRow(QWidget):
    """One checklist item: box, words, an optional note, and guidance with examples."""

    toggled_by_user = Signal(bool)
    """The supporter ticked (True) or unticked (False) the item. Emits the new state."""
    note_entered = Signal(str)
    """A note was typed and confirmed (Enter or leaving the field). Emits the note."""

    def __init__(self, item: ChecklistItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistItem")
        # An empty-text checkbox draws no focus frame: the whole row shows the focus instead.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("focused", False)
        self.item = item
        self._note = ""  # the note as stored, kept when unticked so a re-tick brings it back

        self.check = ItemCheck()
        self.check.setAccessibleName(item.label)
        described = [item.guidance] if item.guidance else []
        if item.risk:
            described.insert(0, _("Safety item: marking it shows the crisis contacts."))
        self.check.setAccessibleDescription(" ".join(described))
        self.check.setToolTip(_("Space ticks this item; N adds a short note."))
        self.check.clicked.connect(self.toggled_by_user)
        self.check.note_requested.connect(self.open_note)
        self.check.installEventFilter(self)

        self.words = plain_label(item.label, "itemLabel")
        self.words.installEventFilter(self)  # a click on the words ticks, as on a checkbox's text
        words_line = QHBoxLayout()
        words_line.setContentsMargins(0, 0, 0, 0)
        words_line.setSpacing(6)
        words_line.addWidget(self.words, 1)
        if item.risk:
            tag = plain_label(_("Safety"), "riskTag")
            tag.setWordWrap(False)
            words_line.addWidget(tag, 0, Qt.AlignmentFlag.AlignTop)

        self.note = QLineEdit()
        self.note.setObjectName("itemNote")
        self.note.setAccessibleName(_("Note for: {item}").format(item=item.label))
        self.note.setPlaceholderText(_("A short note, saved with the tick"))
        self.note.setMaxLength(NOTE_CHARS)
        self.note.installEventFilter(self)
        self.note.returnPressed.connect(self._note_confirmed)
        self.note.editingFinished.connect(self._note_left)
        self.note.hide()

        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 2, 0, 0)
        details.setSpacing(3)
        if item.guidance:
            details.addWidget(plain_label(item.guidance, "muted"))
        for example in item.examples:
            phrase = plain_label(_("“{phrase}”").format(phrase=example), "muted")
            phrase.setProperty("example", True)
            phrase.setAccessibleName(_("Example phrase"))
            details.addWidget(phrase)
        self.details.setVisible(False)

        text_column = QVBoxLayout()
        text_column.setContentsMargins(0, 0, 0, 0)
        text_column.setSpacing(4)
        text_column.addLayout(words_line)
        text_column.addWidget(self.note)
        text_column.addWidget(self.details)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        layout.setSpacing(8)
        # The box sits on the first line of the words, however large the font.
        self.words.ensurePolished()
        self.check.setFixedHeight(self.words.fontMetrics().height() + 2)
        layout.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text_column, 1)

    @property
    def stored_note(self) -> str:
        return self._note

    def show_tick(self, tick: Tick | None) -> None:
        """Show the stored state: ticked or not, and the note saved with the tick."""
        self.check.setChecked(tick is not None)
        if tick is not None:
            self._note = tick.note
        self.note.setText(self._note if tick is not None else "")
        self.note.setCursorPosition(0)  # the start of a long note, not its end
        self.note.setVisible(bool(self.note.text()) or self.note.hasFocus())

    def set_details_shown(self, shown: bool) -> None:
        has_details = bool(self.item.guidance or self.item.examples)
        self.details.setVisible(shown and has_details)

    def open_note(self) -> None:
        """Show the note field with the cursor in it."""
        self.note.show()
        self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.note.selectAll()

    def pending_note(self) -> str | None:
        """The typed note if it differs from what is stored, else None."""
        if not self.note.isVisible() and not self.note.text():
            return None
        typed = self.note.text().strip()
        stored = self._note if self.check.isChecked() else ""
        return None if typed == stored else typed

    def _note_confirmed(self) -> None:
        self._note_left()
        self.check.setFocus(Qt.FocusReason.OtherFocusReason)

    def _note_left(self) -> None:
        typed = self.pending_note()
        if typed is not None:
            self.note_entered.emit(typed)
        if not self.note.text().strip() and not self.note.hasFocus():
            self.note.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.check and kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.setProperty("focused", kind == QEvent.Type.FocusIn)
            self.style().unpolish(self)
            self.style().polish(self)
        if (
            watched is self.words
            and kind == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            self.check.click()  # the same signal as a click on the box
            self.check.setFocus(Qt.FocusReason.MouseFocusReason)
            return True
        if (
            watched is self.note
            and kind == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            # Put back what is stored, and return to the item.
            self.note.setText(self._note if self.check.isChecked() else "")
            self.check.setFocus(Qt.FocusReason.OtherFocusReason)
            self.note.setVisible(bool(self.note.text()))
            return True
        return super().eventFilter(watched, event)


class RunView(QFrame):
    """One checklist in this session: its title, "7 of 12", and its sections of items."""

    def __init__(
        self,
        run: ChecklistRun,
        template: ChecklistTemplate,
        *,
        newer_version: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``newer_version``: the version new sessions would use, if newer than this run's."""
        super().__init__(parent)
        self.setObjectName("checklistRun")
        self.run = run
        self.template = template
        self.rows: dict[str, ItemRow] = {}

        self.title = plain_label(template.title, "runTitle")
        self.progress = plain_label("", "muted")
        self.progress.setWordWrap(False)
        self.progress.setAccessibleName(_("Progress: {title}").format(title=template.title))
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(2)
        layout.addLayout(header)
        if newer_version is not None:
            # A past session shows what was followed then, not today's wording.
            layout.addWidget(
                plain_label(
                    _("Version {old}, as used in this session (now version {new}).").format(
                        old=run.template_version, new=newer_version
                    ),
                    "muted",
                )
            )
        for section in template.sections:
            heading = plain_label(section.title, "muted")
            heading.setProperty("sectionTitle", True)
            layout.addWidget(heading)
            for item in section.items:
                row = ItemRow(item)
                self.rows[item.id] = row
                layout.addWidget(row)
        self.show_run(run)

    def show_run(
        self, run: ChecklistRun, done: int | None = None, total: int | None = None
    ) -> None:
        """Show ``run``'s ticks and progress (counted here unless given)."""
        self.run = run
        ticks = {tick.item_id: tick for tick in run.ticks}
        for item_id, row in self.rows.items():
            row.show_tick(ticks.get(item_id))
        if done is None or total is None:
            total = len(self.rows)
            done = sum(1 for item_id in self.rows if item_id in ticks)
        text = progress_text(done, total)
        self.progress.setText(text)
        self.progress.setAccessibleDescription(
            _("{done} of {total} items done").format(done=done, total=total)
        )

    def set_details_shown(self, shown: bool) -> None:
        for row in self.rows.values():
            row.set_details_shown(shown)


class MissingRunView(QFrame):
    """A run whose template (that exact version) is no longer in this vault: say so, keep it."""

    def __init__(self, run: ChecklistRun, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklistRun")
        self.run = run
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(plain_label(run.template_id, "runTitle"))
        text = _(
            "Version {version} of this checklist is no longer in peerdesk, so its items "
            "cannot be shown. The {count} ticked items are kept."
        ).format(version=run.template_version, count=len(run.ticks))
        layout.addWidget(plain_label(text, "muted"))
