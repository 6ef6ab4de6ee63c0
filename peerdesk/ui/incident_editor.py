"""The incident diary editor: one entry of what happened, when, where, and who saw it.

Workplace-bullying guidance asks for a diary written soon after each event:
dated, factual, in the words used, with witnesses and where any evidence is.
The hints say that in plain words. Like the session editor it saves by itself
(see :mod:`peerdesk.ui.autosave`); there is no Save button to forget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store import Vault
from ..store.incidents import TEXT_FIELDS
from ..store.models import Incident, IncidentId
from ..store.values import UNCHANGED
from .autosave import AutosaveEditor, WallTimeEdit, field_label
from .note_edit import NoteEdit, NoteField
from .widgets import plain_label


class IncidentEditor(AutosaveEditor):
    """Edits one incident diary entry; every change is saved without a Save button."""

    ROW_ONLY_FIELDS = frozenset(TEXT_FIELDS)  # the date moves the row; the texts do not

    def __init__(
        self, vault: Vault, incident_id: IncidentId, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self._incident_id = incident_id
        incident = vault.incidents.get(incident_id)

        self.occurred_at = WallTimeEdit(_("Date and time"))
        fields = {
            "place": NoteField(
                _("Place"),
                _("A room, a meeting, a call, a chat or an email."),
                field=TEXT_FIELDS["place"],
                lines=1,
            ),
            "what_happened": NoteField(
                _("What was said or done"),
                _("Write what was said or done, in their words if you can. Facts, not judgements."),
                field=TEXT_FIELDS["what_happened"],
                min_lines=4,
            ),
            "who_involved": NoteField(
                _("Who was involved"),
                _("Who said or did it: names or roles."),
                field=TEXT_FIELDS["who_involved"],
                lines=2,
            ),
            "witnesses": NoteField(
                _("Witnesses"),
                _("Anyone who saw or heard it."),
                field=TEXT_FIELDS["witnesses"],
                lines=2,
            ),
            "impact": NoteField(
                _("Impact"),
                _("How it affected them: feelings, health, sleep, work, time off."),
                field=TEXT_FIELDS["impact"],
                min_lines=2,
            ),
            "evidence_location": NoteField(
                _("Where evidence is kept"),
                _("Where emails, messages, photos or notes are kept. Not the evidence itself."),
                field=TEXT_FIELDS["evidence_location"],
                lines=2,
            ),
        }
        self._fields = fields
        self.place = fields["place"].edit
        self.what_happened = fields["what_happened"].edit
        self.who_involved = fields["who_involved"].edit
        self.witnesses = fields["witnesses"].edit
        self.impact = fields["impact"].edit
        self.evidence_location = fields["evidence_location"].edit

        self._load(incident)
        self._lay_out()
        self._watch("occurred_at", self.occurred_at, self.occurred_at.dateTimeChanged)
        for name, note_field in fields.items():
            self._watch(name, note_field.edit, note_field.edit.textChanged)

    @property
    def record_id(self) -> IncidentId:
        return self._incident_id

    def focus_main_text(self) -> None:
        self.what_happened.setFocus(Qt.FocusReason.OtherFocusReason)

    def _text_edits(self) -> dict[str, NoteEdit]:
        return {name: note_field.edit for name, note_field in self._fields.items()}

    def _load(self, incident: Incident) -> None:
        self._loading = True
        try:
            self.occurred_at.set_wall_time(incident.occurred_at)
            for name, edit in self._text_edits().items():
                edit.set_text(getattr(incident, name))
        finally:
            self._loading = False

    def _lay_out(self) -> None:
        fields = self._fields
        # Label, hint and field in the same rows as the place beside it.
        when = QVBoxLayout()
        when.setSpacing(4)
        when.addWidget(field_label(_("Date and time"), self.occurred_at))
        when.addWidget(plain_label(_("As near as they remember."), "fieldHint"))
        when.addWidget(self.occurred_at)
        when.addStretch(1)
        when_where = QHBoxLayout()
        when_where.setSpacing(20)
        when_where.addLayout(when)
        when_where.addWidget(fields["place"], 1)

        people = QHBoxLayout()
        people.setSpacing(20)
        people.addWidget(fields["who_involved"], 1)
        people.addWidget(fields["witnesses"], 1)

        form = QWidget()
        form.setObjectName("incidentForm")
        column = QVBoxLayout(form)
        column.setContentsMargins(24, 16, 24, 8)
        column.setSpacing(12)
        column.addLayout(when_where)
        column.addWidget(fields["what_happened"], 3)
        column.addLayout(people)
        column.addWidget(fields["impact"], 2)
        column.addWidget(fields["evidence_location"])

        # On a small screen at 150% the fields keep a usable height and scroll instead.
        scroller = QScrollArea()
        scroller.setObjectName("incidentScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(form)

        status_row = QVBoxLayout()
        status_row.setContentsMargins(24, 0, 24, 16)
        status_row.addWidget(self.save_status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(scroller, 1)
        layout.addLayout(status_row)

        order = [
            self.occurred_at,
            self.place,
            self.what_happened,
            self.who_involved,
            self.witnesses,
            self.impact,
            self.evidence_location,
        ]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _write(self, fields: set[str]) -> None:
        texts = {
            name: edit.text() if name in fields else UNCHANGED
            for name, edit in self._text_edits().items()
        }
        self._vault.incidents.update(
            self._incident_id,
            occurred_at=self.occurred_at.wall_time() if "occurred_at" in fields else UNCHANGED,
            place=texts["place"],
            what_happened=texts["what_happened"],
            who_involved=texts["who_involved"],
            witnesses=texts["witnesses"],
            impact=texts["impact"],
            evidence_location=texts["evidence_location"],
        )
