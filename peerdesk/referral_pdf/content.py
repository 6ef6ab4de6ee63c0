"""What a referral says, in reading order: the one source of the PDF body and the preview. No Qt.

:func:`sections` turns a :class:`ReferralDocument` into a list of
:class:`Section` values. Each section has a title, a :class:`SectionKind`
(how it is set apart) and a tuple of blocks; a block is one of:

==================  =========================================================
``Field``           a label and a short value, on one line ("Safe times: …")
``Note``            free text; a newline starts a new paragraph
``Bullets``         a list of short items
``Subheading``      a heading inside a section ("Session, 3 March 2026")
``AsWritten``       the supporter's notes or a diary entry exactly as written,
                    under its label, set apart from the supporter's summary
``Choices``         tick boxes to mark by hand ("Accepted", "Not proceeding")
``FillIn``          a label with a blank line to write on by hand
==================  =========================================================

All text is plain text as the supporter typed it (nothing is markup); the
renderer and the preview each make it safe for their own medium.

Rules for empty values, the same everywhere: what the form always asks about
(situation, assessment, recommendation, the colleague's contact preferences)
says "Not given"; optional extras (the overall background, the recipient's
contact, each line of the supporter's own contact) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..i18n import _
from ..store.models import (
    ConsentCategory,
    ConsentMethod,
    RecipientType,
    ReferralItemKind,
    SafetyCheck,
    Urgency,
)
from ..vocabulary import category_words, service_name
from .document import ConsentGiven, ReferralDocument


class SectionKind(StrEnum):
    """How a section is set apart on the page (and in the preview)."""

    SUMMARY = "summary"  # the top box: who, to whom, how urgent
    STANDARD = "standard"
    URGENT = "urgent"  # the urgency section of an urgent referral: marked, not alarming
    DUTY_OF_CARE = "duty_of_care"  # shared without consent: boxed, reason printed
    SLIP = "slip"  # the acknowledgement slip, after a cut line, to return


@dataclass(frozen=True, slots=True)
class Field:
    """A label and a short value, shown on one line."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """Free text; a newline starts a new paragraph."""

    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    """A list of short items, one bullet each."""

    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Subheading:
    """A heading inside a section, such as one background entry's kind and date."""

    text: str


@dataclass(frozen=True, slots=True)
class AsWritten:
    """Notes or a diary entry exactly as written, under ``label``, set apart from a summary."""

    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Choices:
    """Tick boxes for the service to mark by hand."""

    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FillIn:
    """A label followed by a blank line for the service to write on."""

    label: str


Block = Field | Note | Bullets | Subheading | AsWritten | Choices | FillIn


@dataclass(frozen=True, slots=True)
class Section:
    """One titled part of the referral, in reading order."""

    title: str
    blocks: tuple[Block, ...]
    kind: SectionKind = SectionKind.STANDARD


# --- human words ----------------------------------------------------------------


def long_date(day: date) -> str:
    """``24 November 2026``: the month in words, so 03/04 can never be misread."""
    months = (
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    )
    return _("{day} {month} {year}").format(day=day.day, month=months[day.month - 1], year=day.year)


def recipient_words(kind: RecipientType) -> str:
    return service_name(kind)


def urgency_words(urgency: Urgency) -> str:
    return {
        Urgency.ROUTINE: _("Routine"),
        Urgency.SOON: _("Soon"),
        Urgency.URGENT: _("Urgent"),
    }[urgency]


def _urgency_request(urgency: Urgency) -> str:
    return {
        Urgency.ROUTINE: _("Routine: please respond within your usual time."),
        Urgency.SOON: _("Soon: please respond within a few working days."),
        Urgency.URGENT: _("Urgent: please respond as soon as you can, today if possible."),
    }[urgency]


def _safety_check_words(check: SafetyCheck) -> str:
    return {
        SafetyCheck.DONE: _("Done"),
        SafetyCheck.NOT_DONE: _("Not done"),
        SafetyCheck.NOT_RECORDED: _("Not recorded"),
    }[check]


def _consent_method_words(method: ConsentMethod, on: date) -> str:
    return {
        ConsentMethod.VERBAL: _("Verbally, on {date}"),
        ConsentMethod.WRITTEN: _("In writing, on {date}"),
    }[method].format(date=long_date(on))


def recipient_line(doc: ReferralDocument) -> str:
    """``Employee assistance programme (EAP) — Harbour EAP``, or the type alone."""
    kind = recipient_words(doc.recipient_type)
    name = doc.recipient_name.strip()
    return f"{kind} \u2014 {name}" if name else kind


def _or_not_given(text: str) -> str:
    return text if text.strip() else _("Not given")


def _entry_heading(kind: ReferralItemKind, on: date) -> str:
    template = {
        ReferralItemKind.SESSION: _("Session, {date}"),
        ReferralItemKind.INCIDENT: _("Diary entry, {date}"),
    }[kind]
    return template.format(date=long_date(on))


def _as_written_label(kind: ReferralItemKind) -> str:
    return {
        ReferralItemKind.SESSION: _("The supporter's notes, as written"),
        ReferralItemKind.INCIDENT: _("The diary entry, as written"),
    }[kind]


# --- the sections ---------------------------------------------------------------


def sections(doc: ReferralDocument) -> list[Section]:
    """The referral's content in reading order; the PDF body and the preview are built from it."""
    return [
        _summary(doc),
        Section(_("Situation"), (Note(_or_not_given(doc.situation)),)),
        _background(doc),
        _assessment(doc),
        Section(_("Recommendation"), (Note(_or_not_given(doc.recommendation)),)),
        Section(
            _("Urgency"),
            (Note(_urgency_request(doc.urgency)),),
            SectionKind.URGENT if doc.urgency is Urgency.URGENT else SectionKind.STANDARD,
        ),
        Section(
            _("Contacting the colleague"),
            (
                Field(_("Safe way to contact"), _or_not_given(doc.contact_safe_way)),
                Field(_("Safe times"), _or_not_given(doc.contact_safe_times)),
                Field(_("Language needs"), _or_not_given(doc.language_needs)),
            ),
        ),
        _consent(doc),
        _supporter(doc),
        _slip(doc),
    ]


def colleague_words(doc: ReferralDocument) -> str:
    return doc.colleague_name if doc.colleague_name.strip() else _("Not named in this referral")


def _summary(doc: ReferralDocument) -> Section:
    blocks: list[Block] = [
        Field(_("Colleague"), colleague_words(doc)),
        Field(_("Urgency"), urgency_words(doc.urgency)),
        Field(_("Referred to"), recipient_line(doc)),
    ]
    if doc.recipient_contact.strip():
        blocks.append(Field(_("Service contact"), doc.recipient_contact))
    blocks.append(Field(_("Date of referral"), long_date(doc.created_on)))
    return Section(_("Referral"), tuple(blocks), SectionKind.SUMMARY)


def _background(doc: ReferralDocument) -> Section:
    blocks: list[Block] = []
    if doc.background.strip():
        blocks.append(Note(doc.background))
    for entry in doc.entries:
        blocks.append(Subheading(_entry_heading(entry.kind, entry.on)))
        blocks.append(Note(_or_not_given(entry.summary)))
        if entry.raw_text is not None:
            blocks.append(AsWritten(_as_written_label(entry.kind), entry.raw_text))
    if not blocks:
        blocks.append(Note(_("Not given")))
    return Section(_("Background"), tuple(blocks))


def _assessment(doc: ReferralDocument) -> Section:
    flags = tuple(flag for flag in doc.risk_flags if flag.strip())
    blocks: list[Block] = [Subheading(_("Risk indicators"))]
    blocks.append(Bullets(flags) if flags else Note(_("None recorded")))
    blocks.append(Field(_("Safety check"), _safety_check_words(doc.safety_check)))
    blocks.append(Subheading(_("The supporter's assessment")))
    blocks.append(Note(_or_not_given(doc.assessment)))
    return Section(_("Assessment"), tuple(blocks))


def _consent(doc: ReferralDocument) -> Section:
    consent = doc.consent
    if not isinstance(consent, ConsentGiven):
        return Section(
            _("Shared without the colleague's consent, for duty of care"),
            (
                Field(_("Reason"), _or_not_given(consent.reason)),
                Note(
                    _(
                        "The colleague may not know about this referral. Please speak "
                        "to the supporter before contacting them."
                    )
                ),
            ),
            SectionKind.DUTY_OF_CARE,
        )
    # Enum order, not set order: the same consent always reads the same.
    categories = [category_words(c) for c in ConsentCategory if c in consent.categories]
    to_whom = recipient_words(consent.recipient_type)
    if consent.recipient_name.strip():
        to_whom = f"{to_whom} \u2014 {consent.recipient_name}"
    return Section(
        _("The colleague's consent"),
        (
            Field(
                _("Agreed to share"),
                ", ".join(categories) if categories else _("Not given"),
            ),
            Field(_("With"), to_whom),
            Field(_("Purpose"), _or_not_given(consent.purpose)),
            Field(_("Until"), long_date(consent.expires_on)),
            Field(
                _("How consent was given"),
                _consent_method_words(consent.given_how, consent.given_on),
            ),
        ),
    )


def _supporter(doc: ReferralDocument) -> Section:
    lines = (
        (_("Name"), doc.supporter_name),
        (_("Role"), doc.supporter_role),
        (_("Contact"), doc.supporter_contact),
    )
    blocks: tuple[Block, ...] = tuple(Field(label, text) for label, text in lines if text.strip())
    if not blocks:
        blocks = (Note(_("The supporter did not give contact details.")),)
    return Section(_("Referred by (peer supporter)"), blocks)


def _slip(doc: ReferralDocument) -> Section:
    return Section(
        _("Acknowledgement slip"),
        (
            Note(
                _(
                    "Please fill in this slip and return it to the peer supporter named "
                    "above, so they know the referral arrived. Referral of {date} to {to}."
                ).format(date=long_date(doc.created_on), to=recipient_words(doc.recipient_type))
            ),
            Choices((_("Accepted"), _("Not proceeding"))),
            FillIn(_("Reason, if not proceeding")),
            FillIn(_("Name of service contact")),
            FillIn(_("Date")),
        ),
        SectionKind.SLIP,
    )
