"""A list of records beside the editor of the one selected (a person's sessions or diary).

The Sessions and Incident diary tabs of :class:`peerdesk.ui.person_view.PersonView`
are master and detail: the list on the left, the selected record's editor on the
right. Moving through the list with the arrows shows each record; Enter moves the
focus into its editor. An editor is flushed before it is replaced, so switching
records never loses a word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from ..store import NotFound
from ..timeline import Row
from . import dialogs
from .incident_editor import IncidentEditor
from .row_list import KEY_ROLE, RowListView
from .session_editor import SessionEditor
from .widgets import plain_label

Editor: TypeAlias = SessionEditor | IncidentEditor


class RecordPane(QWidget):
    """A list of records beside the editor of the one selected; empty until refresh()."""

    saved = Signal(bool)
    """The open editor saved its record. Emits True if that changed only its own row."""

    def __init__(
        self,
        list_name: str,
        empty_text: str,
        placeholder: str,
        load_rows: Callable[[], Sequence[Row]],
        load_row: Callable[[int], Row],
        make_editor: Callable[[int], Editor],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._load_rows = load_rows
        self._load_row = load_row
        self._make_editor = make_editor
        self._editor: Editor | None = None

        self.view = RowListView(list_name)
        self.view.row_chosen.connect(self._chosen)
        self.view.activated.connect(self._activated)
        self.empty_hint = plain_label(empty_text, "muted")
        self._list_column = left = QWidget()
        # Room for "Follow-up overdue (12 days)" and a date; the editor takes the rest.
        left.setMinimumWidth(240)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view, 1)
        column.addWidget(self.empty_hint)

        self._editor_area = QStackedWidget()
        self._editor_area.setObjectName("editorArea")
        hint = plain_label(placeholder, "muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._editor_area.addWidget(hint)

        self._splitter = splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self._editor_area)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 7)
        splitter.setSizes([5000, 7000])  # proportions until the window has a size
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter)
        # Not filled here: the owner calls refresh() once the pane is in its window.
        # Each step of putting a list into a styled window lays out all of its rows
        # again, 2,000 row sizes a step for a person with 1,000 sessions (benchmark
        # issue 7).

    @property
    def editor(self) -> Editor | None:
        return self._editor

    @property
    def open_id(self) -> int | None:
        return None if self._editor is None else int(self._editor.record_id)

    def refresh(self) -> None:
        rows = self._load_rows()
        model = self.view.row_model()
        before = self.view.current_key()
        model.set_rows(rows)
        self.empty_hint.setVisible(not rows)
        # A reset (a record added, or a date edited into another place) loses the
        # current row; put it back (the editor showing it is kept, see _show_editor).
        if before is not None and self.view.current_key() != before:
            self.view.select_key(before)

    def open(self, record_id: int, *, focus: bool = False) -> bool:
        """Select the record and show it in the editor; False if it is not in this list."""
        if not self.view.select_key(record_id):
            return False
        self._show_editor(record_id)
        if focus:
            self.focus_editor()
        return True

    def focus_editor(self) -> None:
        """Put the cursor where typing belongs (the notes, or what happened)."""
        if self._editor is not None:
            self._editor.focus_main_text()

    def flush(self) -> None:
        if self._editor is not None:
            self._editor.flush()

    def _chosen(self, key: object) -> None:
        if isinstance(key, int):
            self._show_editor(key)

    def _activated(self, index: QModelIndex) -> None:
        key = index.data(KEY_ROLE)
        if isinstance(key, int):
            self._show_editor(key)
            self.focus_editor()

    def _show_editor(self, record_id: int) -> None:
        if self.open_id == record_id:
            return
        self._close_editor()
        try:
            editor = self._make_editor(record_id)
        except NotFound as problem:
            dialogs.inform(self, str(problem), problem=True)
            self.refresh()
            return
        editor.saved.connect(self._editor_saved)
        if isinstance(editor, SessionEditor):
            editor.side_toggled.connect(self._make_room)
            self._make_room(editor.side_shown)
        self._editor = editor
        self._editor_area.addWidget(editor)
        self._editor_area.setCurrentWidget(editor)

    def _make_room(self, wide: bool) -> None:
        """A session showing its checklists takes all but the list's narrowest width."""
        total, narrowest = sum(self._splitter.sizes()), self._list_column.minimumWidth()
        if total <= 2 * narrowest:
            total = 12_000  # no size yet: proportions, as in __init__
            narrowest = total * 2 // 10
        self._splitter.setSizes(
            [narrowest, total - narrowest] if wide else [total * 5 // 12, total * 7 // 12]
        )

    def _close_editor(self) -> None:
        editor, self._editor = self._editor, None
        if editor is None:
            return
        editor.flush()
        self._editor_area.removeWidget(editor)
        editor.hide()
        editor.deleteLater()

    def _editor_saved(self, fields: frozenset[str]) -> None:
        editor = self._editor  # None while it saves on closing
        row_only = editor is not None and bool(fields) and fields <= editor.ROW_ONLY_FIELDS
        if not row_only or editor is None:
            self.refresh()
        elif not self.view.row_model().replace_row(self._load_row(int(editor.record_id))):
            self.refresh()  # its height changed after all
        self.saved.emit(row_only)
