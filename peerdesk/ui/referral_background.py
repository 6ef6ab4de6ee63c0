"""The background step: an overall background, and the sessions and diary entries to include.

Each picked record gets a summary the supporter writes for the service. The
summary can *start* from the first lines of the notes, but only when the
supporter presses the button: nothing is ever copied in by itself. The notes
as written go into the PDF only if "Include the notes as written" is ticked
for that record, and a warning says so while it is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QVBoxLayout, QWidget

from ..i18n import _
from ..referral_builder import BackgroundChoice, background_choices, summary_start
from ..store import VaultError
from ..store.models import Referral, ReferralItem, ReferralItemKind
from ..timeline import SEPARATOR, isolate
from .note_edit import NoteField
from .referral_pages import ReferralPage, WizardContext
from .row_list import date_style
from .widgets import button, error_text, message_label, plain_label

Key = tuple[ReferralItemKind, int]


def choice_name(choice: BackgroundChoice) -> str:
    """What the pick box is called: "Session, Tue 4 Mar 2025, 09:30"."""
    what = _("Session") if choice.kind is ReferralItemKind.SESSION else _("Diary entry")
    return what + ", " + date_style().moment(choice.when)


class ChoiceRow(QFrame):
    """One session or diary entry: a box to pick it and, once picked, its summary."""

    def __init__(self, context: WizardContext, choice: BackgroundChoice) -> None:
        super().__init__()
        self.setObjectName("referralChoice")
        self._context = context
        self.choice = choice
        name = choice_name(choice)
        words = isolate(choice.first_words) if choice.first_words else _("Nothing written yet")
        # QCheckBox text is plain text: typed words can never be read as markup.
        self.pick = QCheckBox(name + SEPARATOR + words)
        self.pick.setAccessibleName(_("Include {record}").format(record=name))
        self.pick.toggled.connect(self._picked)

        self.editor = QWidget()
        column = QVBoxLayout(self.editor)
        column.setContentsMargins(26, 4, 0, 4)
        column.setSpacing(6)
        self.summary_field = NoteField(
            _("Summary for the service"),
            _("What the service needs to know from this, in your words."),
            field="summary",
            lines=3,
            max_lines=6,
        )
        self.summary_field.edit.setAccessibleName(_("Summary of {record}").format(record=name))
        self.summary = self.summary_field.edit
        self.start_button = button(_("Start from the first lines of the notes"), link=True)
        self.start_button.clicked.connect(self.start_from_notes)
        self.summary.textChanged.connect(self._update_start)
        self.raw = QCheckBox(_("Include the notes as written"))
        self.raw.setAccessibleName(
            _("Include the notes of {record} as written").format(record=name)
        )
        self.raw.toggled.connect(self._raw_toggled)
        self.raw_warning = plain_label(
            _(
                "Everything written in this record, word for word, will be in the PDF. "
                "Include it only if the colleague has heard it read back and agreed."
            ),
            "caution",
        )
        self.raw_warning.setAccessibleName(_("Warning"))
        self.problem = message_label(_("Problem"))
        column.addWidget(self.summary_field)
        column.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.raw)
        column.addWidget(self.raw_warning)
        column.addWidget(self.problem)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.pick)
        layout.addWidget(self.editor)
        self.editor.hide()
        self.raw_warning.hide()

    @property
    def key(self) -> Key:
        return (self.choice.kind, self.choice.record_id)

    def set_item(self, item: ReferralItem | None) -> None:
        self.pick.setChecked(item is not None)
        self.summary.set_text("" if item is None else item.summary)
        self.raw.setChecked(item is not None and item.include_raw)
        self._update_start()

    def item(self) -> ReferralItem | None:
        if not self.pick.isChecked():
            return None
        return ReferralItem(
            kind=self.choice.kind,
            record_id=self.choice.record_id,
            summary=self.summary.text(),
            include_raw=self.raw.isChecked(),
        )

    def start_from_notes(self) -> None:
        """Put the first lines of the notes in the summary, to be edited (only when empty)."""
        if self.summary.text().strip():
            return
        try:
            start = summary_start(self._context.vault, self.choice.kind, self.choice.record_id)
        except VaultError as problem:
            self.problem.setText(error_text(problem))
            self.problem.show()
            return
        self.summary.setPlainText(start)  # undoable by Ctrl+Z, unlike set_text
        self.summary.setFocus()

    def _picked(self, picked: bool) -> None:
        self.editor.setVisible(picked)
        # A dynamic property frames a picked row in peerdesk.qss; re-polish to apply it.
        self.setProperty("picked", picked)
        self.style().unpolish(self)
        self.style().polish(self)
        if picked:
            self._update_start()

    def _update_start(self) -> None:
        has_notes = bool(self.choice.first_words)
        self.start_button.setEnabled(has_notes and not self.summary.text().strip())

    def _raw_toggled(self, on: bool) -> None:
        self.raw_warning.setVisible(on)


class BackgroundPage(ReferralPage):
    title_text = "Background"
    intro_text = (
        "What led here. Pick the sessions and diary entries the service should know about, "
        "and write a short summary of each."
    )

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.field = NoteField(
            _("Background"),
            _("Optional: the story so far, in a few lines."),
            field="background",
            lines=3,
            max_lines=6,
        )
        self.background = self.field.edit
        heading = plain_label(_("Sessions and diary entries"), "fieldLabel")
        hint = plain_label(_("Newest first. Nothing is included unless you tick it."), "fieldHint")
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(6)
        self.empty = plain_label(_("No sessions or diary entries yet."), "muted")
        self.rows: dict[Key, ChoiceRow] = {}
        self.column.addWidget(self.field)
        self.column.addWidget(heading)
        self.column.addWidget(hint)
        self.column.addLayout(self._rows_box)
        self.column.addWidget(self.empty)
        self.column.addStretch(1)

    def load(self, referral: Referral | None) -> None:
        self.background.set_text("" if referral is None else referral.background)
        for row in self.rows.values():
            row.hide()
            row.deleteLater()
        self.rows = {}
        chosen = {} if referral is None else {(i.kind, i.record_id): i for i in referral.items}
        for choice in background_choices(self.context.vault, self.context.person_id):
            row = ChoiceRow(self.context, choice)
            row.set_item(chosen.pop(row.key, None))
            self._rows_box.addWidget(row)
            self.rows[row.key] = row
        # An item whose record was deleted meanwhile is left out on the next save
        # (export_problems reports it until then).
        self.empty.setVisible(not self.rows)

    def values(self) -> dict[str, object]:
        picked = [row for row in self.rows.values() if row.pick.isChecked()]
        # The background reads as a story: oldest first in the referral.
        picked.sort(key=lambda row: row.choice.when)
        return {
            "background": self.background.text(),
            "items": tuple(item for row in picked if (item := row.item()) is not None),
        }

    def row(self, kind: ReferralItemKind, record_id: int) -> ChoiceRow:
        return self.rows[(kind, record_id)]
