"""From a referral in the vault to what its PDF says, and what still stops the export. No Qt.

:func:`build_document` is the one place where vault content becomes referral
content, and it takes only what the referral itself carries: the fields the
supporter wrote, the sessions and diary entries they picked (each with its
summary, and its raw text only where "include the notes as written" is
ticked), the consent that covers it (or the duty-of-care override and its
reason), and the supporter's own name, role and contact from Settings.
Nothing else is read from the vault, so nothing else can leave.

:func:`export_problems` lists, in plain sentences, what must be done before
the PDF may be made. The wizard also uses the small helpers below to offer
choices (:func:`background_choices`, :func:`risk_flags_found`,
:func:`summary_start`); those only *offer*, and never fill a field by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .checklists import template_for_run
from .consent_rules import consent_problem, covering_consent
from .i18n import _
from .preferences import SUPPORTER_CONTACT, SUPPORTER_NAME, SUPPORTER_ROLE, Preferences
from .referral_pdf.document import (
    BackgroundEntry,
    ConsentGiven,
    ConsentOverride,
    ReferralDocument,
)
from .store import NotFound, Vault
from .store.models import (
    Incident,
    IncidentId,
    PersonId,
    Referral,
    ReferralItem,
    ReferralItemKind,
    Session,
    SessionId,
)
from .timeline import preview

# The name a draft carries until the supporter chooses a service. The same
# source string as peerdesk.ui.escalation_panel.URGENT_RECIPIENT_NAME (a test
# checks they agree); stored translated, so both forms are recognised.
UNCHOSEN_RECIPIENT_NAME = "Not chosen yet"

# "One or two lines": long enough for a real reason, short enough to read at a glance.
SITUATION_MAX_CHARS = 400

# What "start from the notes" offers: the first few lines, never the whole text.
SUMMARY_START_LINES = 3
SUMMARY_START_CHARS = 300


@dataclass(frozen=True, slots=True)
class BackgroundChoice:
    """A session or diary entry that could go into a referral's background."""

    kind: ReferralItemKind
    record_id: int
    when: datetime  # wall-clock time of the session or the incident
    first_words: str  # one line, already safe to show; empty if nothing is written


def recipient_chosen(referral: Referral) -> bool:
    """Whether the supporter has named the service (a fresh or urgent draft has not)."""
    name = referral.recipient_name.strip()
    return bool(name) and name not in (UNCHOSEN_RECIPIENT_NAME, _(UNCHOSEN_RECIPIENT_NAME))


def suggested_file_name(today: date) -> str:
    """``referral-2026-11-29.pdf``: a date, never an alias or a name."""
    return f"referral-{today.isoformat()}.pdf"


# -- what the wizard offers -------------------------------------------------------------


def background_choices(vault: Vault, person_id: PersonId) -> list[BackgroundChoice]:
    """The person's sessions and diary entries, newest first, to pick from."""
    choices = [
        BackgroundChoice(ReferralItemKind.SESSION, int(s.id), s.started_at, preview(s.notes, 80))
        for s in vault.sessions.list_for_person(person_id)
    ]
    choices += [
        BackgroundChoice(
            ReferralItemKind.INCIDENT, int(i.id), i.occurred_at, preview(i.what_happened, 80)
        )
        for i in vault.incidents.list_for_person(person_id)
    ]
    choices.sort(key=lambda c: (c.when, c.kind == ReferralItemKind.SESSION, c.record_id))
    choices.reverse()
    return choices


def risk_flags_found(vault: Vault, person_id: PersonId) -> list[str]:
    """The risk items ticked in this person's checklists, by title, newest session first.

    A run whose template is known nowhere any more is skipped: without the
    template there is no title to show, and an item id means nothing to a service.
    """
    found: list[str] = []
    for session in vault.sessions.list_for_person(person_id):
        for run in vault.checklist_runs.list_for_session(session.id):
            template = template_for_run(vault, run)
            if template is None:
                continue
            for tick in run.ticks:
                item = template.item(tick.item_id)
                if item is not None and item.risk and item.label not in found:
                    found.append(item.label)
    return found


def summary_start(vault: Vault, kind: ReferralItemKind, record_id: int) -> str:
    """The first lines of a session's notes (or what happened), for a summary to start from."""
    if kind is ReferralItemKind.SESSION:
        text = vault.sessions.get(SessionId(record_id)).notes
    else:
        text = vault.incidents.get(IncidentId(record_id)).what_happened
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = "\n".join(lines[:SUMMARY_START_LINES])
    if len(start) > SUMMARY_START_CHARS:
        start = start[: SUMMARY_START_CHARS - 1].rstrip() + "…"
    return start


# -- the document ------------------------------------------------------------------------


def build_document(vault: Vault, referral: Referral, *, today: date) -> ReferralDocument:
    """Exactly what the referral's PDF will say.

    Raises ``ValueError`` (a plain sentence) if no consent covers the referral
    and no override reason is recorded, and :class:`NotFound` if a chosen
    session or diary entry was deleted meanwhile: :func:`export_problems`
    reports both first, so the wizard never gets here with either.
    """
    preferences = Preferences(vault.settings)
    return ReferralDocument(
        created_on=today,
        recipient_type=referral.recipient_type,
        recipient_name=referral.recipient_name,
        recipient_contact=referral.recipient_contact,
        colleague_name=referral.colleague_name,
        situation=referral.situation,
        background=referral.background,
        entries=tuple(_entry(vault, referral, item) for item in referral.items),
        risk_flags=tuple(referral.risk_flags),
        safety_check=referral.safety_check,
        assessment=referral.assessment,
        recommendation=referral.recommendation,
        urgency=referral.urgency,
        contact_safe_way=referral.contact_safe_way,
        contact_safe_times=referral.contact_safe_times,
        language_needs=referral.language_needs,
        consent=_consent_block(vault, referral, today),
        supporter_name=preferences.get(SUPPORTER_NAME),
        supporter_role=preferences.get(SUPPORTER_ROLE),
        supporter_contact=preferences.get(SUPPORTER_CONTACT),
    )


def _consent_block(vault: Vault, referral: Referral, today: date) -> ConsentGiven | ConsentOverride:
    consents = vault.consents.list_for_person(referral.person_id)
    consent = covering_consent(consents, referral, today)
    if consent is not None:
        return ConsentGiven(
            categories=consent.categories,
            recipient_type=consent.recipient_type,
            recipient_name=consent.recipient_name,
            purpose=consent.purpose,
            given_how=consent.given_how,
            given_on=consent.given_on,
            expires_on=consent.expires_on,
        )
    reason = (referral.override_reason or "").strip()
    if not reason:
        raise ValueError(
            consent_problem(consents, referral, today)
            or _("This referral is not covered by the colleague's consent.")
        )
    return ConsentOverride(reason)


def _entry(vault: Vault, referral: Referral, item: ReferralItem) -> BackgroundEntry:
    record = _record(vault, referral, item)
    if isinstance(record, Session):
        on, raw = record.started_at.date(), record.notes
    else:
        on, raw = record.occurred_at.date(), incident_text(record)
    return BackgroundEntry(
        kind=item.kind,
        on=on,
        summary=item.summary,
        raw_text=raw if item.include_raw else None,
    )


def _record(vault: Vault, referral: Referral, item: ReferralItem) -> Session | Incident:
    """The chosen record, only if it is this person's (a stray id must not leak another's)."""
    record: Session | Incident
    if item.kind is ReferralItemKind.SESSION:
        record = vault.sessions.get(SessionId(item.record_id))
    else:
        record = vault.incidents.get(IncidentId(item.record_id))
    if record.person_id != referral.person_id:
        raise NotFound(_("A session or diary entry chosen for this referral no longer exists."))
    return record


def incident_text(incident: Incident) -> str:
    """A diary entry's fields as written, each under its name; empty fields left out."""
    fields = (
        (_("Place"), incident.place),
        (_("What was said or done"), incident.what_happened),
        (_("Who was involved"), incident.who_involved),
        (_("Witnesses"), incident.witnesses),
        (_("Impact"), incident.impact),
        (_("Where evidence is kept"), incident.evidence_location),
    )
    return "\n".join(f"{label}: {text}" for label, text in fields if text.strip())


# -- what stops the export -----------------------------------------------------------------


def export_problems(vault: Vault, referral: Referral, *, today: date) -> list[str]:
    """Plain sentences, one per thing that must be done before the PDF may be made."""
    problems: list[str] = []
    if not recipient_chosen(referral):
        problems.append(_("Choose the service this referral goes to, and enter its name."))
    if not referral.situation.strip():
        problems.append(_("Write the situation: in a line or two, why you are referring."))
    elif len(referral.situation) > SITUATION_MAX_CHARS:
        problems.append(
            _(
                "The situation is longer than {limit} characters. Keep it to a line or two "
                "and move the rest to the background."
            ).format(limit=SITUATION_MAX_CHARS)
        )
    for item in referral.items:
        try:
            record = _record(vault, referral, item)
        except NotFound:
            problems.append(
                _(
                    "A session or diary entry chosen for the background no longer exists. "
                    "Open the background step again to update the choice."
                )
            )
            continue
        if not item.summary.strip():
            problems.append(
                _("Write a summary for the {what} of {day}, or leave it out.").format(
                    what=_("session") if isinstance(record, Session) else _("diary entry"),
                    day=_day_text(
                        record.started_at if isinstance(record, Session) else record.occurred_at
                    ),
                )
            )
    if not referral.recommendation.strip():
        problems.append(_("Write the recommendation: what you are asking the service to do."))
    consents = vault.consents.list_for_person(referral.person_id)
    problem = consent_problem(consents, referral, today)
    if problem is not None and not (referral.override_reason or "").strip():
        problems.append(
            _(
                "{problem} Record the colleague's consent in the Consents tab, or share "
                "without consent for their safety and write down why."
            ).format(problem=problem.rstrip())
        )
    return problems


def _day_text(moment: datetime) -> str:
    # Day, month name and year: "3/4/25" reads differently from one country to the next.
    return f"{moment.day} {moment:%b %Y}"
