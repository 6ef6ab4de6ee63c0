"""The referral wizard's writing steps: recipient, situation, recommendation, urgency
and the colleague's contact preferences (the background and the assessment have
modules of their own).

Each page loads from the referral as saved, and hands back the fields it edits
as the keyword arguments of ``vault.referrals.update`` (:meth:`ReferralPage.values`);
the wizard writes them when the supporter moves on or closes it. A page never
writes to the vault itself. Typed text is plain text everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..referral_builder import (
    SITUATION_MAX_CHARS,
    UNCHOSEN_RECIPIENT_NAME,
    recipient_chosen,
)
from ..store import Vault
from ..store.models import PersonId, RecipientType, Referral, Urgency
from ..vocabulary import service_names
from .note_edit import NoteField
from .widgets import message_label, plain_label


@dataclass(frozen=True, slots=True)
class WizardContext:
    """What every page may read: the vault, whose referral it is, and what day it is."""

    vault: Vault
    person_id: PersonId
    today: date


def recipient_labels() -> dict[RecipientType, str]:
    """The kinds of service, in the order offered."""
    return service_names()


def urgency_labels() -> dict[Urgency, str]:
    return {Urgency.ROUTINE: _("Routine"), Urgency.SOON: _("Soon"), Urgency.URGENT: _("Urgent")}


def line_field(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    return field


def labelled(text: str, field: QWidget, hint: str = "") -> QWidget:
    """A field under its label (and a quieter hint), as one block."""
    block = QWidget()
    column = QVBoxLayout(block)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    label = QLabel(text)
    label.setObjectName("fieldLabel")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setBuddy(field)
    column.addWidget(label)
    if hint:
        column.addWidget(plain_label(hint, "fieldHint"))
        field.setAccessibleDescription(hint)
    column.addWidget(field)
    return block


class ReferralPage(QWidget):
    """One step. Subclasses set ``title`` and ``intro`` and build their fields in a column."""

    # Source strings, translated when shown (as peerdesk.preferences does for labels).
    title_text = ""
    intro_text = ""

    @property
    def title(self) -> str:
        return _(self.title_text)

    @property
    def intro(self) -> str:
        return _(self.intro_text)

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralPage")
        self.context = context
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(14)

    def load(self, referral: Referral | None) -> None:
        """Show what ``referral`` holds (None: a referral not saved yet)."""

    def values(self) -> dict[str, object]:
        """The fields this page edits, as ``vault.referrals.update`` keyword arguments."""
        return {}

    def problem(self) -> str | None:
        """Why the supporter cannot move on from this page yet, or None."""
        return None

    def entered(self, referral: Referral | None) -> None:
        """The page is about to show (after the previous page was saved)."""

    def focus_first(self) -> None:
        """Put the keyboard on the page's first field (a new page starts at the top)."""
        widget: QWidget | None = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (
                self.isAncestorOf(widget)
                and widget.isVisibleTo(self)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()


class RecipientPage(ReferralPage):
    title_text = "Who it goes to"
    intro_text = "The service you are referring them to, and the name the service should use."

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.service_type = QComboBox()
        self.service_type.setAccessibleName(_("Kind of service"))
        for kind, text in recipient_labels().items():
            self.service_type.addItem(text, kind.value)
        self.service_name = line_field(_("Service name"), _("For example: CareFirst EAP"))
        contact = NoteField(
            _("How to reach the service"),
            _("A phone number, an email address or a referral form, as the service asks."),
            field="recipient's contact details",
            lines=2,
        )
        self.service_contact = contact.edit
        self.colleague_name = line_field(_("Colleague's name for the service"))
        self.problem_label = message_label(_("Problem"))
        self.column.addWidget(labelled(_("Kind of service"), self.service_type))
        self.column.addWidget(labelled(_("Service name"), self.service_name))
        self.column.addWidget(contact)
        self.column.addWidget(
            labelled(
                _("Colleague's name for the service"),
                self.colleague_name,
                _(
                    "The name the service should know them by. The alias you use here stays "
                    "private and never leaves peerdesk. Leave it empty to refer without a name."
                ),
            )
        )
        self.column.addStretch(1)

    def load(self, referral: Referral | None) -> None:
        kind = RecipientType.EAP if referral is None else referral.recipient_type
        self.service_type.setCurrentIndex(max(0, self.service_type.findData(kind.value)))
        chosen = referral is not None and recipient_chosen(referral)
        self.service_name.setText(referral.recipient_name if referral and chosen else "")
        self.service_contact.set_text("" if referral is None else referral.recipient_contact)
        if referral is None or _untouched(referral):
            person = self.context.vault.people.get(self.context.person_id)
            self.colleague_name.setText(person.real_name or "")
        else:
            self.colleague_name.setText(referral.colleague_name)

    def values(self) -> dict[str, object]:
        name = self.service_name.text().strip()
        return {
            "recipient_type": RecipientType(str(self.service_type.currentData())),
            # A draft always has a name; until one is chosen it says so.
            "recipient_name": name or _(UNCHOSEN_RECIPIENT_NAME),
            "recipient_contact": self.service_contact.text(),
            "colleague_name": self.colleague_name.text().strip(),
        }


def _untouched(referral: Referral) -> bool:
    """A draft nobody has written in yet (a fresh urgent one from the escalation panel)."""
    return not (
        recipient_chosen(referral)
        or referral.situation
        or referral.background
        or referral.assessment
        or referral.recommendation
        or referral.colleague_name
        or referral.items
    )


class SituationPage(ReferralPage):
    title_text = "Situation"
    intro_text = "Why you are referring, in a line or two. The details go in the next step."

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.field = NoteField(
            _("Situation"),
            _(
                "For example: “Repeated belittling by a manager in team meetings is affecting "
                "their sleep and work. They would like to talk to a counsellor.”"
            ),
            field="situation",
            lines=3,
            max_lines=5,
        )
        self.situation = self.field.edit
        self.count = plain_label("", "fieldHint")
        self.count.setAccessibleName(_("Situation length"))
        self.too_long = message_label(_("Situation too long"))
        self.situation.textChanged.connect(self._count)
        self.column.addWidget(self.field)
        self.column.addWidget(self.count)
        self.column.addWidget(self.too_long)
        self.column.addStretch(1)
        self._count()

    def load(self, referral: Referral | None) -> None:
        self.situation.set_text("" if referral is None else referral.situation)
        self._count()

    def values(self) -> dict[str, object]:
        return {"situation": self.situation.text()}

    def _count(self) -> None:
        # Counting a 10 MB paste with len() is instant; the field keeps all of it.
        length = self.situation.document().characterCount() - 1
        self.count.setText(
            _("{count} of about {limit} characters").format(count=length, limit=SITUATION_MAX_CHARS)
        )
        over = length > SITUATION_MAX_CHARS
        if over:
            self.too_long.setText(
                _(
                    "This is longer than a situation needs ({count} characters). It is kept "
                    "in the draft, but the PDF cannot be made until it is a line or two: move "
                    "the rest to the background."
                ).format(count=length)
            )
        self.too_long.setVisible(over)


class RecommendationPage(ReferralPage):
    title_text = "Recommendation"
    intro_text = "What you are asking the service to do."

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.field = NoteField(
            _("Recommendation"),
            _(
                "For example: “Please offer an assessment for counselling, and contact them "
                "in the way described below.”"
            ),
            field="recommendation",
            min_lines=5,
        )
        self.recommendation = self.field.edit
        self.column.addWidget(self.field, 1)

    def load(self, referral: Referral | None) -> None:
        self.recommendation.set_text("" if referral is None else referral.recommendation)

    def values(self) -> dict[str, object]:
        return {"recommendation": self.recommendation.text()}


class UrgencyPage(ReferralPage):
    title_text = "Urgency"
    intro_text = "How soon the service should act."

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[Urgency, QRadioButton] = {}
        explanations = {
            Urgency.ROUTINE: _("Within the service's usual waiting time."),
            Urgency.SOON: _("Within a few working days."),
            Urgency.URGENT: _(
                "Today. If they are in immediate danger, call emergency services first."
            ),
        }
        for urgency, text in urgency_labels().items():
            radio = QRadioButton(text)
            radio.setAccessibleName(text)
            radio.setAccessibleDescription(explanations[urgency])
            self.group.addButton(radio)
            self.buttons[urgency] = radio
            self.column.addWidget(radio)
            hint = plain_label(explanations[urgency], "fieldHint")
            hint.setContentsMargins(26, 0, 0, 4)
            self.column.addWidget(hint)
        self.column.addStretch(1)

    def load(self, referral: Referral | None) -> None:
        self.buttons[Urgency.ROUTINE if referral is None else referral.urgency].setChecked(True)

    def values(self) -> dict[str, object]:
        return {"urgency": next(u for u, radio in self.buttons.items() if radio.isChecked())}


class ContactPage(ReferralPage):
    title_text = "Reaching them"
    intro_text = (
        "How the service can contact the colleague safely, so nobody at work finds out by accident."
    )

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        way = NoteField(
            _("Safe way to reach them"),
            _("For example: personal mobile, text first; not their work email."),
            field="safe way to reach them",
            lines=2,
        )
        times = NoteField(
            _("Safe times"),
            _("For example: weekdays after 6 pm."),
            field="safe times",
            lines=1,
        )
        language = NoteField(
            _("Language or access needs"),
            _("For example: prefers Polish; needs captions on video calls."),
            field="language needs",
            lines=1,
        )
        self.safe_way, self.safe_times, self.language = way.edit, times.edit, language.edit
        for field in (way, times, language):
            self.column.addWidget(field)
        self.column.addStretch(1)

    def load(self, referral: Referral | None) -> None:
        self.safe_way.set_text("" if referral is None else referral.contact_safe_way)
        self.safe_times.set_text("" if referral is None else referral.contact_safe_times)
        self.language.set_text("" if referral is None else referral.language_needs)

    def values(self) -> dict[str, object]:
        return {
            "contact_safe_way": self.safe_way.text(),
            "contact_safe_times": self.safe_times.text(),
            "language_needs": self.language.text(),
        }
