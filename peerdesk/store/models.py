"""The records kept in the vault, as immutable values.

Repositories return these and never hand out database rows. Times follow the
rule in :mod:`peerdesk.store.values`: event times (``Session.started_at``,
``Incident.occurred_at``) are naive local wall-clock times; record-keeping
times (``created_at``, ``updated_at``, ``exported_at``, ``ticked_at``, audit
times, ``ChecklistRun.started_at``) are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple, NewType

from .vault_mode import VaultMode as VaultMode  # re-exported: its home before

PersonId = NewType("PersonId", int)
SessionId = NewType("SessionId", int)
IncidentId = NewType("IncidentId", int)
ConsentId = NewType("ConsentId", int)
ReferralId = NewType("ReferralId", int)
ChecklistRunId = NewType("ChecklistRunId", int)
AuditEventId = NewType("AuditEventId", int)

# The values of these enums are written into the vault and checked by its
# schema: renaming one needs a migration.


class SessionMode(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"
    CHAT = "chat"


class RecipientType(StrEnum):
    """The kind of service a consent or a referral is about."""

    EAP = "eap"
    COUNSELLING = "counselling"
    HR = "hr"
    UNION = "union"
    OCCUPATIONAL_HEALTH = "occupational_health"
    CRISIS = "crisis"
    OTHER = "other"


class ConsentCategory(StrEnum):
    """A kind of information the colleague agreed may be shared."""

    CONTACT_DETAILS = "contact_details"
    CONCERNS_SUMMARY = "concerns_summary"
    INCIDENT_ENTRIES = "incident_entries"
    SESSION_SUMMARIES = "session_summaries"
    RISK_INFORMATION = "risk_information"


class ConsentMethod(StrEnum):
    """How consent was given."""

    VERBAL = "verbal"
    WRITTEN = "written"


class ConsentStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


class ReferralStatus(StrEnum):
    """Where a referral is: written, its PDF made, handed over, answered, and how it ended.

    ``draft`` -> ``created`` (the PDF was exported) -> ``sent`` ->
    ``acknowledged`` -> ``connected`` or ``not_connected``.
    """

    DRAFT = "draft"
    CREATED = "created"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    CONNECTED = "connected"
    NOT_CONNECTED = "not_connected"


class SafetyCheck(StrEnum):
    """Whether a safety check was done with the colleague, as the referral reports it."""

    DONE = "done"
    NOT_DONE = "not_done"
    NOT_RECORDED = "not_recorded"


class ReferralItemKind(StrEnum):
    SESSION = "session"
    INCIDENT = "incident"


class ConcernCategory(StrEnum):
    """What a session was about, from a fixed taxonomy, for anonymous statistics."""

    VERBAL_ABUSE = "verbal_abuse"
    EXCLUSION = "exclusion"  # exclusion or isolation
    UNDERMINING_WORK = "undermining_work"
    CYBERBULLYING = "cyberbullying"
    DISCRIMINATION = "discrimination"
    HARASSMENT = "harassment"
    THREATS = "threats"
    OTHER = "other"


class TemplateOrigin(StrEnum):
    """Where a checklist template stored in the vault came from."""

    BUILTIN = "builtin"  # shipped with peerdesk; kept once a run used it
    IMPORTED = "imported"  # a coordinator's own file


class SearchHitKind(StrEnum):
    PERSON = "person"
    SESSION = "session"
    INCIDENT = "incident"


@dataclass(frozen=True, slots=True)
class Person:
    """A colleague being supported, known by an alias.

    ``last_contact`` is when the latest session started. ``follow_up_due`` is the
    follow-up date planned at that latest session, and only once it is due (today
    or earlier) and the person is not closed: a later conversation *is* the
    follow-up, so only the newest session's plan counts.
    """

    id: PersonId
    alias: str
    real_name: str | None
    created_at: datetime
    closed_at: datetime | None = None
    last_contact: datetime | None = None
    follow_up_due: date | None = None
    risk_flagged: bool = False  # any of their sessions is flagged for risk
    keep_until: date | None = None  # kept past the retention period until this day
    keep_reason: str | None = None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True, slots=True)
class Session:
    """One conversation with a person."""

    id: SessionId
    person_id: PersonId
    started_at: datetime
    duration_minutes: int
    mode: SessionMode
    notes: str
    follow_up_on: date | None
    created_at: datetime
    updated_at: datetime
    # Set when a risk item was marked (or by hand); shown in timelines and lists.
    risk_flag: bool = False
    concerns: frozenset[ConcernCategory] = frozenset()


@dataclass(frozen=True, slots=True)
class Incident:
    """One entry in a person's incident diary."""

    id: IncidentId
    person_id: PersonId
    occurred_at: datetime
    place: str
    what_happened: str
    who_involved: str
    witnesses: str
    impact: str
    evidence_location: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Consent:
    """What a person agreed may be shared, with whom, why and until when.

    ``expires_on`` is the last day the consent holds. A withdrawn consent stays
    in the vault as history.
    """

    id: ConsentId
    person_id: PersonId
    recipient_type: RecipientType
    recipient_name: str
    purpose: str
    categories: frozenset[ConsentCategory]
    given_how: ConsentMethod
    given_on: date
    expires_on: date
    withdrawn_on: date | None
    created_at: datetime

    def status(self, today: date) -> ConsentStatus:
        """Withdrawn as soon as a withdrawal is recorded, whatever date it carries.

        Sharing must stop the moment the supporter records that consent was
        withdrawn, so a withdrawal dated in the future still counts now.
        """
        if self.withdrawn_on is not None:
            return ConsentStatus.WITHDRAWN
        if today > self.expires_on:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class ReferralItem:
    """One session or diary entry put into a referral's background.

    ``summary`` is what the supporter wrote for the service. The raw notes (or
    the diary entry as written) go in only when ``include_raw`` is ticked.
    """

    kind: ReferralItemKind
    record_id: int  # a SessionId or an IncidentId, by kind
    summary: str
    include_raw: bool = False


@dataclass(frozen=True, slots=True)
class Referral:
    """A handoff to a service, built in SBAR order.

    ``colleague_name`` is the name the service should know the colleague by
    (often not their alias); empty leaves the referral without a name.
    ``exported_at`` is when its PDF was first made (status ``created``); the
    ``*_on`` dates record the later steps as the supporter reports them.
    """

    id: ReferralId
    person_id: PersonId
    consent_id: ConsentId | None
    recipient_type: RecipientType
    recipient_name: str
    recipient_contact: str
    situation: str
    background: str
    assessment: str
    recommendation: str
    urgency: Urgency
    override_reason: str | None
    status: ReferralStatus
    created_at: datetime
    exported_at: datetime | None
    follow_up_on: date | None
    colleague_name: str = ""
    contact_safe_way: str = ""
    contact_safe_times: str = ""
    language_needs: str = ""
    risk_flags: tuple[str, ...] = ()
    safety_check: SafetyCheck = SafetyCheck.NOT_RECORDED
    items: tuple[ReferralItem, ...] = ()
    sent_on: date | None = None
    acknowledged_on: date | None = None
    outcome_on: date | None = None
    outcome_note: str = ""


class Tick(NamedTuple):
    """One checklist item marked done during a session, with an optional short note."""

    item_id: str
    ticked_at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class ChecklistRun:
    """One checklist template followed in one session."""

    id: ChecklistRunId
    session_id: SessionId
    template_id: str
    template_version: int
    ticks: tuple[Tick, ...]
    started_at: datetime


class StoredTemplate(NamedTuple):
    """A checklist template kept in the vault, without its text."""

    template_id: str
    version: int
    origin: TemplateOrigin


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """A content-free record of a sensitive action, such as ``person_deleted``."""

    id: AuditEventId
    occurred_at: datetime
    action: str
    count: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result.

    ``snippet`` is plain text around the match, on one line, with each matched
    word between :data:`peerdesk.store.search.MATCH_START` and
    :data:`~peerdesk.store.search.MATCH_END` (use
    :func:`peerdesk.store.search.snippet_parts` to split it). ``rank`` is the
    relevance: higher is better.
    """

    kind: SearchHitKind
    person_id: PersonId
    session_id: SessionId | None
    incident_id: IncidentId | None
    snippet: str
    rank: float


ContactId = NewType("ContactId", int)


@dataclass(frozen=True, slots=True)
class ContactLogEntry:
    """One contact in a contact-log-only vault: nothing that could name anyone."""

    id: ContactId
    occurred_on: date
    duration_minutes: int
    mode: SessionMode
    concerns: frozenset[ConcernCategory]
    referral_made: bool
    created_at: datetime
