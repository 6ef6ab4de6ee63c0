"""The session editor: when, how long and how a conversation happened, its notes and follow-up.

It saves by itself (see :mod:`peerdesk.ui.autosave`); there is no Save button
to forget. The notes take most of the room: they are what the supporter
comes here for. Beside them, and hidden with one button or key, the session's
checklists (:mod:`peerdesk.ui.checklist_panel`); marking a risk item flags the
session and turns that side to the crisis contacts
(:mod:`peerdesk.ui.escalation_panel`). Under the facts, a row of chips for the
concern categories the conversation was about, which feed only the anonymous
programme statistics.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date, timedelta

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..preferences import CHECKLIST_PANEL, Preferences
from ..store import Vault, VaultError
from ..store.models import ConcernCategory, Session, SessionId, SessionMode
from ..store.values import UNCHANGED
from . import shortcuts
from .autosave import AutosaveEditor, WallTimeEdit, date_edit, field_label, to_date, to_qdate
from .checklist_panel import toggle_tooltip
from .concern_picker import ConcernPicker
from .note_edit import NoteEdit, NoteField
from .session_side import SessionSide

MAX_MINUTES = 24 * 60
# Narrower than this (a small screen at 150%), the checklists show in the notes' place.
SIDE_BY_SIDE_WIDTH = 700
# A follow-up is usually planned for about a week later.
DEFAULT_FOLLOW_UP_DAYS = 7
# A session's concern chip's padding and border on both sides (peerdesk.qss), plus air.
CHIP_PADDING = 2 * (9 + 2) + 6


def mode_labels() -> dict[SessionMode, str]:
    """How each way of meeting is shown, in the order the list offers them."""
    return {
        SessionMode.IN_PERSON: _("In person"),
        SessionMode.PHONE: _("Phone"),
        SessionMode.VIDEO: _("Video"),
        SessionMode.CHAT: _("Chat"),
    }


class FlowRow(QLayout):
    """Widgets side by side, wrapping onto the next row when there is no room (Qt's flow layout)."""

    def __init__(self, *, horizontal_spacing: int, vertical_spacing: int) -> None:
        super().__init__()
        self._items: list[QLayoutItem] = []
        self._gaps = (horizontal_spacing, vertical_spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items row by row within ``rect``; return the height used."""
        across, down = self._gaps
        x, y, row_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, row_height = rect.x(), y + row_height + down, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + across
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y()


class ConcernChips(ConcernPicker):
    """The concern chips in a row that wraps, as the facts do, so a narrow editor stays narrow."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, columns=len(ConcernCategory), parent=parent)
        grid = self.layout()
        if grid is None:  # ConcernPicker always lays its chips out in a grid
            raise RuntimeError("ConcernPicker has no layout")
        flow = FlowRow(horizontal_spacing=6, vertical_spacing=6)
        for chip in self.chips.values():
            grid.removeWidget(chip)
            flow.addWidget(chip)
        # A widget has one layout for life: hand the grid to a throwaway widget,
        # which takes it along when it goes.
        QWidget().setLayout(grid)
        self.setLayout(flow)
        for chip in self.chips.values():
            chip.toggled.connect(lambda _on, c=chip: self._resize_chip(c))

    def set_concerns(self, concerns: Iterable[ConcernCategory]) -> None:
        super().set_concerns(concerns)
        for chip in self.chips.values():
            self._resize_chip(chip)

    @staticmethod
    def _resize_chip(chip: QPushButton) -> None:
        # A chosen chip is bold (peerdesk.qss) and starts with a tick, but Qt sizes a
        # button with its unchecked font whatever a :checked rule says; so make room for
        # the bold text here, and tell the row, or the chosen chip's text is cut off.
        bold = QFont(chip.font())
        bold.setWeight(QFont.Weight.DemiBold)
        room = QFontMetrics(bold).horizontalAdvance(chip.text()) + CHIP_PADDING
        chip.setMinimumWidth(room if chip.isChecked() else 0)
        chip.updateGeometry()

    def chip_list(self) -> list[QPushButton]:
        """The chips in the order shown (and tabbed through)."""
        return list(self.chips.values())


class SessionEditor(AutosaveEditor):
    """Edits one session; every change is saved without a Save button."""

    # Its row shows how, how long and the notes' first line; the date, the follow-up
    # and the side panel's risk flag move it, or change the person's row too.
    ROW_ONLY_FIELDS = frozenset({"notes", "mode", "duration_minutes", "concerns"})

    side_toggled = Signal(bool)
    """The checklists beside the notes were shown (True) or hidden. Emits the new state."""

    def __init__(self, vault: Vault, session_id: SessionId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vault = vault
        self._session_id = session_id
        session = vault.sessions.get(session_id)

        self.started_at = WallTimeEdit(_("Date and time"))
        self.duration = QSpinBox()
        self.duration.setAccessibleName(_("Duration"))
        self.duration.setRange(0, MAX_MINUTES)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" " + _("min"))
        self.mode = QComboBox()
        self.mode.setAccessibleName(_("Mode"))
        for mode, text in mode_labels().items():
            self.mode.addItem(text, mode.value)
        self.follow_up = QCheckBox(_("Follow up on"))
        self.follow_up.setAccessibleName(_("Follow up on"))
        self.follow_up_on = date_edit(_("Follow up on"))
        notes_field = NoteField(
            _("Notes"),
            _(
                "What you talked about, what they would like to happen next, and what you "
                "agreed. Keep to what helps you support them."
            ),
            field="notes",
        )
        self.notes: NoteEdit = notes_field.edit
        self.concerns = ConcernChips(_("Concerns"))
        self.concerns.setToolTip(
            _(
                "What the conversation was about. Only counted, never named, in the "
                "programme's anonymous statistics."
            )
        )
        self._build_side(session)

        self._load(session)
        self._lay_out(notes_field)
        self._watch("started_at", self.started_at, self.started_at.dateTimeChanged)
        self._watch("duration_minutes", self.duration, self.duration.valueChanged)
        self._watch("mode", self.mode, self.mode.currentIndexChanged)
        self._watch("follow_up_on", self.follow_up, self.follow_up.toggled)
        self._watch("follow_up_on", self.follow_up_on, self.follow_up_on.dateChanged)
        self._watch("notes", self.notes, self.notes.textChanged)
        self._watch("concerns", self.concerns, self.concerns.changed)
        self.follow_up.toggled.connect(self._follow_up_toggled)

    @property
    def record_id(self) -> SessionId:
        return self._session_id

    def focus_main_text(self) -> None:
        self.notes.setFocus(Qt.FocusReason.OtherFocusReason)

    def flush(self) -> None:
        """Save the fields, and a checklist note still being typed."""
        super().flush()
        self.side.flush()

    # -- the side: checklists, or the crisis contacts -------------------------------------

    def _build_side(self, session: Session) -> None:
        self._preferences = Preferences(self._vault.settings)
        self._narrow = False
        self.side = SessionSide(self._vault, session)
        # No minimum of its own: below SIDE_BY_SIDE_WIDTH it goes in the notes' place
        # (resizeEvent), and above it the 3:2 share gives it enough. A minimum here
        # would stop the editor from ever becoming narrow enough to switch.
        self.side.setMinimumWidth(1)
        self.checklists = self.side.checklists
        self.escalation = self.side.escalation
        self.checklists_toggle = QPushButton(_("Checklists"))
        self.checklists_toggle.setObjectName("sideToggle")
        self.checklists_toggle.setAccessibleName(_("Checklists"))
        self.checklists_toggle.setCheckable(True)
        self.checklists_toggle.setToolTip(toggle_tooltip())
        self.checklists_toggle.setChecked(self._preferences.get(CHECKLIST_PANEL))
        self.checklists_toggle.toggled.connect(self._side_toggled)
        toggle = QShortcut(QKeySequence(shortcuts.TOGGLE_CHECKLISTS), self)
        toggle.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        toggle.activated.connect(self.checklists_toggle.click)
        self.side.attention_needed.connect(lambda: self.checklists_toggle.setChecked(True))
        self.side.notes_requested.connect(lambda: self.checklists_toggle.setChecked(False))
        # A checklist tick or a risk flag: the row's badge and the person's may change.
        self.side.record_changed.connect(lambda *_args: self.saved.emit(frozenset({"side"})))

    @property
    def side_shown(self) -> bool:
        """Whether the checklists (or the crisis contacts) are showing."""
        return self.checklists_toggle.isChecked()

    def _side_toggled(self, shown: bool) -> None:
        self._place_side()
        if not self._narrow:
            # Remembered only when it is a choice of layout, not a switch between
            # notes and checklists on a narrow screen. A display choice: if it cannot
            # be stored, it still applies now.
            with contextlib.suppress(VaultError, ValueError):
                self._preferences.set(CHECKLIST_PANEL, shown)
            self.side_toggled.emit(shown)
        if not shown:
            self.notes.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not self.side.showing_escalation():
            self.checklists.focus_first_item()

    def _place_side(self) -> None:
        """Beside the notes when there is room; in their place on a narrow editor."""
        shown = self.checklists_toggle.isChecked()
        self._main.setVisible(not (self._narrow and shown))
        self.side.setVisible(shown)
        self.side.set_instead_of_notes(self._narrow)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < SIDE_BY_SIDE_WIDTH
        if narrow == self._narrow:
            return
        self._narrow = narrow
        # Becoming narrow shows the notes; becoming wide again, the remembered layout.
        wanted = False if narrow else self._preferences.get(CHECKLIST_PANEL)
        if self.side.showing_escalation() and self.side_shown:
            wanted = True  # never hide the crisis contacts by resizing
        self.checklists_toggle.blockSignals(True)
        self.checklists_toggle.setChecked(wanted)
        self.checklists_toggle.blockSignals(False)
        self._place_side()

    def _load(self, session: Session) -> None:
        self._loading = True
        try:
            self.started_at.set_wall_time(session.started_at)
            self.duration.setValue(session.duration_minutes)
            self.mode.setCurrentIndex(max(0, self.mode.findData(session.mode.value)))
            planned = session.follow_up_on
            self.follow_up.setChecked(planned is not None)
            self.follow_up_on.setEnabled(planned is not None)
            default = session.started_at.date() + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
            self.follow_up_on.setDate(to_qdate(planned or default))
            self.notes.set_text(session.notes)
            self.concerns.set_concerns(session.concerns)
        finally:
            self._loading = False

    def _lay_out(self, notes_field: NoteField) -> None:
        # The facts sit in one row when there is room and wrap under each other when
        # the editor is narrow (a small screen at 150%), so they never force it wider.
        facts = FlowRow(horizontal_spacing=20, vertical_spacing=10)
        columns: list[tuple[QWidget, QWidget]] = [
            (field_label(_("Date and time"), self.started_at), self.started_at),
            (field_label(_("Duration"), self.duration), self.duration),
            (field_label(_("Mode"), self.mode), self.mode),
            (self.follow_up, self.follow_up_on),
        ]
        for label, field in columns:
            fact = QWidget()
            column = QVBoxLayout(fact)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(4)
            column.addWidget(label)
            column.addWidget(field)
            facts.addWidget(fact)

        self._main = main = QWidget()
        main.setObjectName("sessionMain")
        main.setMinimumWidth(280)
        layout = QVBoxLayout(main)
        layout.setContentsMargins(24, 20, 12, 16)
        layout.setSpacing(16)
        layout.addLayout(facts)
        layout.addWidget(notes_field, 1)
        # The concerns are tagged once the conversation is over: under the notes, so
        # the notes keep their room while it goes on.
        concerns = QVBoxLayout()
        concerns.setSpacing(4)
        concerns.addWidget(field_label(_("Concerns"), self.concerns))
        concerns.addWidget(self.concerns)
        layout.addLayout(concerns)
        # Under the notes, quietly: the checklists' switch, and whether all is saved.
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addWidget(self.checklists_toggle, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.save_status, 1)
        layout.addLayout(bottom)
        # The notes keep most of the room; the checklists are a prompt at the side,
        # or in the notes' place when the editor is too narrow for both (resizeEvent).
        # A box layout, not a splitter: a splitter ignores the facts' height-for-width
        # and would let them overlap the notes on a short screen.
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(main, 3)
        outer.addWidget(self.side, 2)
        self._place_side()
        # In reading order: the facts, the notes, the concerns under them, then the
        # button that shows or hides the checklists, then the checklists.
        order: list[QWidget] = [
            self.started_at,
            self.duration,
            self.mode,
            self.follow_up,
            self.follow_up_on,
            self.notes,
            *self.concerns.chip_list(),
            self.checklists_toggle,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _follow_up_toggled(self, checked: bool) -> None:
        self.follow_up_on.setEnabled(checked)

    def _write(self, fields: set[str]) -> None:
        self._vault.sessions.update(
            self._session_id,
            started_at=self.started_at.wall_time() if "started_at" in fields else UNCHANGED,
            duration_minutes=self.duration.value() if "duration_minutes" in fields else UNCHANGED,
            mode=SessionMode(self.mode.currentData()) if "mode" in fields else UNCHANGED,
            follow_up_on=self._follow_up_date() if "follow_up_on" in fields else UNCHANGED,
            notes=self.notes.text() if "notes" in fields else UNCHANGED,
            concerns=self.concerns.concerns() if "concerns" in fields else UNCHANGED,
        )

    def _follow_up_date(self) -> date | None:
        if not self.follow_up.isChecked():
            return None
        return to_date(self.follow_up_on.date())
