"""What shows beside the notes when a risk item is marked: who to call, and an urgent referral.

It is an inline panel, not a dialog: the conversation goes on while it shows,
nothing waits for an answer, and "Back to checklists" returns to the list. It
reads the programme's contacts from :mod:`peerdesk.crisis_contacts` every time
it is shown, so a change in Settings is there the next time. Placeholders that
were never filled in show as placeholders, in brackets and framed, so nobody
mistakes them for a number to dial.

The urgent referral is only *offered*: pressing the button saves a draft,
marked urgent, in the person's Referrals tab. The supporter completes it there
("Continue…" opens the referral wizard): choosing the service, checking
consent and exporting the PDF all happen in the wizard, never here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..crisis_contacts import CrisisContact, emergency_guidance, load, support_guidance
from ..i18n import _
from ..store import Vault, VaultError
from ..store.models import PersonId, RecipientType, Referral, Urgency
from . import shortcuts
from .widgets import button, error_text, message_label, note_label, plain_label

# A draft referral needs a kind of service and a name; the supporter changes both
# while it is a draft. The name is a source string, translated when stored.
URGENT_RECIPIENT = RecipientType.CRISIS
URGENT_RECIPIENT_NAME = "Not chosen yet"


def _keys(sequence: str) -> str:
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


def start_urgent_referral(vault: Vault, person_id: PersonId) -> Referral:
    """Save a draft urgent referral for ``person_id``; nothing is filled in for the supporter."""
    return vault.referrals.add(
        person_id,
        recipient_type=URGENT_RECIPIENT,
        recipient_name=_(URGENT_RECIPIENT_NAME),
        urgency=Urgency.URGENT,
    )


class ContactCard(QFrame):
    """One contact: who, how to reach them (selectable, to copy a number), and when."""

    def __init__(self, contact: CrisisContact, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crisisContact")
        self.contact = contact
        name = plain_label(contact.shown_name, "contactName")
        how = plain_label(contact.shown_how, "contactHow")
        how.setProperty("placeholder", contact.is_placeholder)
        how.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # What a screen reader says is the whole contact, placeholder words included.
        spoken = [contact.shown_name, contact.shown_how]
        if contact.when:
            spoken.append(contact.when)
        self.setAccessibleName(contact.shown_name)
        self.setAccessibleDescription(". ".join(spoken))
        how.setAccessibleName(_("How to reach {name}").format(name=contact.shown_name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(name)
        layout.addWidget(how)
        if contact.when:
            layout.addWidget(plain_label(contact.when, "muted"))
        self.how_label = how


class EscalationPanel(QWidget):
    """The crisis and escalation contacts, the emergency guidance, and an urgent referral offer."""

    back_requested = Signal()
    """The supporter asked to go back to the checklists. Emits nothing."""
    referral_started = Signal(int)
    """A draft urgent referral was saved. Emits its ReferralId."""

    def __init__(self, vault: Vault, person_id: PersonId, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("escalationPanel")
        self.setAccessibleName(_("Crisis and escalation contacts"))
        self._vault = vault
        self._person_id = person_id
        self.referral: Referral | None = None
        self._cards: list[ContactCard] = []

        self.back_button = button(_("Back to checklists"), link=True)
        self.back_button.clicked.connect(self.back_requested)
        self.heading = plain_label(_("If someone may be at risk"), "paneHeading")
        self.heading.setAccessibleName(_("If someone may be at risk"))
        self.emergency = plain_label(emergency_guidance(), "caution")
        self.emergency.setAccessibleName(_("Emergency guidance"))
        self.guidance = plain_label(support_guidance(), "hint")
        self.marked_note = plain_label("", "muted")
        self.marked_note.setAccessibleName(_("Risk item marked"))
        self.marked_note.hide()
        self.flag_note = plain_label("", "muted")
        self.flag_note.setAccessibleName(_("Session flag"))
        self.flag_note.hide()

        self._contacts_box = QVBoxLayout()
        self._contacts_box.setSpacing(6)
        self.settings_hint = plain_label(
            _("Change these in Settings ({keys}), under “Crisis and escalation contacts”.").format(
                keys=_keys(shortcuts.SETTINGS)
            ),
            "muted",
        )

        self.referral_button = button(_("Start an urgent referral"))
        self.referral_button.clicked.connect(self.start_referral)
        referral_hint = plain_label(
            _("Saves a draft referral, marked urgent, in this person's Referrals tab."), "muted"
        )
        self.referral_note = note_label(_("Urgent referral"))
        self.problem = message_label(_("Problem"))

        body = QWidget()
        body.setObjectName("escalationBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(14, 4, 14, 14)
        column.setSpacing(10)
        column.addWidget(self.heading)
        column.addWidget(self.emergency)
        column.addWidget(self.guidance)
        column.addWidget(plain_label(_("Your programme's contacts"), "sideHeading"))
        column.addLayout(self._contacts_box)
        column.addWidget(self.settings_hint)
        column.addSpacing(6)
        column.addWidget(plain_label(_("Urgent referral"), "sideHeading"))
        column.addWidget(referral_hint)
        row = QHBoxLayout()
        row.addWidget(self.referral_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.referral_note)
        column.addWidget(self.problem)
        # What happened, quietly, last: the contacts matter more.
        column.addSpacing(6)
        column.addWidget(self.marked_note)
        column.addWidget(self.flag_note)
        column.addStretch(1)
        scroller = QScrollArea()
        scroller.setObjectName("sideScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(body)

        top = QHBoxLayout()
        top.setContentsMargins(8, 0, 8, 0)
        top.addWidget(self.back_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(scroller, 1)
        self.reload_contacts()

    # -- what the session editor calls ----------------------------------------------------

    @property
    def contact_cards(self) -> list[ContactCard]:
        """The contacts as shown now."""
        return list(self._cards)

    def reload_contacts(self) -> None:
        """Read the contacts again (Settings may have changed them)."""
        while self._contacts_box.count():
            item = self._contacts_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        contacts = load(self._vault.settings)
        self._cards = [ContactCard(contact) for contact in contacts]
        for card in self._cards:
            self._contacts_box.addWidget(card)
        if not contacts:
            empty = plain_label(
                _("No contacts are set. Add your programme's contacts in Settings."), "hint"
            )
            self._contacts_box.addWidget(empty)

    def show_risk(self, item_label: str, *, flagged: bool) -> None:
        """Say which risk item brought the panel up, and whether the session is flagged."""
        # Plain text: an imported template's label is shown exactly as written.
        self.marked_note.setText(_("You marked: {item}").format(item=item_label))
        self.marked_note.setVisible(bool(item_label))
        self.flag_note.setText(
            _("This session is now marked “Risk flagged” in the timeline and the people list.")
        )
        self.flag_note.setVisible(flagged)

    def focus_heading(self) -> None:
        """Put the keyboard where reading starts (a screen reader reads from here)."""
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the urgent referral ---------------------------------------------------------------

    def start_referral(self) -> Referral | None:
        """Save a draft urgent referral (once per showing) and say where it is."""
        if self.referral is not None:
            return self.referral
        self.problem.hide()
        try:
            referral = start_urgent_referral(self._vault, self._person_id)
        except VaultError as problem:
            self.problem.setText(error_text(problem))
            self.problem.show()
            return None
        self.referral = referral
        self.referral_button.setEnabled(False)
        self.referral_note.setText(
            _(
                "A draft urgent referral is saved in this person's Referrals tab. Open it "
                "there with “Continue…” to choose the service, check consent and export "
                "the PDF. If someone is in danger now, use the contacts above first."
            )
        )
        self.referral_note.show()
        self.referral_started.emit(int(referral.id))
        return referral
