"""The compact form that logs one contact, or changes one: day, length, how, concerns, referral.

A view only. It has no text field anywhere, so nothing typed here can name a
colleague; :class:`~peerdesk.ui.contact_log_view.ContactLogView` does the
vault work when :attr:`ContactForm.submitted` fires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..store.models import ConcernCategory, ContactId, ContactLogEntry, SessionMode
from ..timeline import mode_text
from .autosave import date_edit, field_label, to_date, to_qdate
from .concern_picker import ConcernPicker
from .widgets import button, button_row, message_label, note_label, plain_label

MAX_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class ContactFields:
    """What the form holds, ready for ``vault.contacts.add`` or ``update``."""

    occurred_on: date
    duration_minutes: int
    mode: SessionMode
    concerns: frozenset[ConcernCategory]
    referral_made: bool


class ContactForm(QFrame):
    """Log a new contact (the default), or change the one loaded with :meth:`load`."""

    submitted = Signal()
    """"Log contact" or "Save changes" was pressed. Emits nothing: read :meth:`fields`."""
    cancelled = Signal()
    """Changing a contact was abandoned with Cancel. Emits nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactForm")
        self._editing: ContactId | None = None

        self.heading = plain_label(_("Log a contact"), "paneHeading")
        self.day = date_edit(_("Date"))
        self.duration = QSpinBox()
        self.duration.setAccessibleName(_("Duration"))
        self.duration.setRange(0, MAX_MINUTES)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" " + _("min"))
        # 0 is "not recorded", and says so, rather than a guess at a typical length.
        self.duration.setSpecialValueText(_("Not recorded"))
        self.mode = QComboBox()
        self.mode.setAccessibleName(_("How"))
        for mode in SessionMode:
            self.mode.addItem(mode_text(mode), mode.value)
        self.concerns = ConcernPicker(_("Concern categories"))
        self.referral_made = QCheckBox(_("Referral made"))
        self.referral_made.setAccessibleName(_("Referral made"))
        self.message = message_label(_("Problem"))
        self.note = note_label(_("Note"))
        self.cancel_button = button(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancelled)
        self.submit_button = button(_("Log contact"), primary=True)
        self.submit_button.clicked.connect(self.submitted)

        facts = QGridLayout()
        facts.setHorizontalSpacing(10)
        facts.setVerticalSpacing(4)
        for column, field, text in (
            (0, self.day, _("Date")),
            (1, self.duration, _("Duration")),
            (2, self.mode, _("How")),
        ):
            facts.addWidget(field_label(text, field), 0, column)
            facts.addWidget(field, 1, column)
        facts.setColumnStretch(0, 3)
        facts.setColumnStretch(1, 2)
        facts.setColumnStretch(2, 2)
        concerns_label = field_label(_("Concern categories"), self.concerns)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addLayout(facts)
        layout.addWidget(concerns_label)
        layout.addWidget(self.concerns)
        layout.addWidget(self.referral_made)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addLayout(button_row(self.cancel_button, self.submit_button))
        layout.addStretch(1)
        self.reset()

    # -- what the view reads and sets -------------------------------------------------------

    @property
    def editing(self) -> ContactId | None:
        """The contact being changed, or None while the form logs a new one."""
        return self._editing

    def fields(self) -> ContactFields:
        return ContactFields(
            occurred_on=to_date(self.day.date()),
            duration_minutes=self.duration.value(),
            mode=SessionMode(self.mode.currentData()),
            concerns=self.concerns.concerns(),
            referral_made=self.referral_made.isChecked(),
        )

    def reset(self, today: date | None = None) -> None:
        """An empty form for a new contact, dated today. Any note or problem stays hidden."""
        day = today or date.today()
        self._editing = None
        self.day.setMaximumDate(to_qdate(day))  # the vault refuses future days too
        self.day.setDate(to_qdate(day))
        self.duration.setValue(0)
        self.mode.setCurrentIndex(0)
        self.concerns.clear()
        self.referral_made.setChecked(False)
        self.heading.setText(_("Log a contact"))
        self.submit_button.setText(_("Log contact"))
        self.submit_button.setAccessibleName(_("Log contact"))
        self.cancel_button.hide()
        self.message.hide()

    def load(self, entry: ContactLogEntry, day_text: str, today: date | None = None) -> None:
        """Show ``entry`` to be changed; ``day_text`` is its day as the list writes it."""
        self.reset(today)
        self._editing = entry.id
        self.day.setDate(to_qdate(entry.occurred_on))
        self.duration.setValue(entry.duration_minutes)
        self.mode.setCurrentIndex(max(0, self.mode.findData(entry.mode.value)))
        self.concerns.set_concerns(entry.concerns)
        self.referral_made.setChecked(entry.referral_made)
        self.heading.setText(_("Change the contact of {day}").format(day=day_text))
        self.submit_button.setText(_("Save changes"))
        self.submit_button.setAccessibleName(_("Save changes"))
        self.cancel_button.show()
        self.note.hide()

    def show_problem(self, text: str) -> None:
        self.note.hide()
        self.message.setText(text)
        self.message.show()

    def show_note(self, text: str) -> None:
        self.message.hide()
        self.note.setText(text)
        self.note.show()

    def focus(self) -> None:
        self.day.setFocus(Qt.FocusReason.OtherFocusReason)
