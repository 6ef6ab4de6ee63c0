"""What a referral PDF says, as plain values: the one input of the renderer and the preview.

The wizard builds a :class:`ReferralDocument` from the vault (only what the
supporter chose, and only what the consent allows), the preview shows it, and
the renderer prints it. Nothing else reaches the PDF, so the preview cannot
show less than leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..store.models import (
    ConsentCategory,
    ConsentMethod,
    RecipientType,
    ReferralItemKind,
    SafetyCheck,
    Urgency,
)


@dataclass(frozen=True, slots=True)
class BackgroundEntry:
    """One chosen session or diary entry: its date, the supporter's summary, raw text if ticked."""

    kind: ReferralItemKind
    on: date
    summary: str
    raw_text: str | None = None  # the notes or diary entry as written; None unless ticked


@dataclass(frozen=True, slots=True)
class ConsentGiven:
    """The consent the referral relies on."""

    categories: frozenset[ConsentCategory]
    recipient_type: RecipientType
    recipient_name: str
    purpose: str
    given_how: ConsentMethod
    given_on: date
    expires_on: date


@dataclass(frozen=True, slots=True)
class ConsentOverride:
    """Shared without covering consent, for duty of care; the reason is printed."""

    reason: str


@dataclass(frozen=True, slots=True)
class ReferralDocument:
    created_on: date
    recipient_type: RecipientType
    recipient_name: str
    recipient_contact: str
    colleague_name: str  # empty: the referral names no one
    situation: str
    background: str  # the supporter's overall background, may be empty
    entries: tuple[BackgroundEntry, ...]
    risk_flags: tuple[str, ...]
    safety_check: SafetyCheck
    assessment: str
    recommendation: str
    urgency: Urgency
    contact_safe_way: str
    contact_safe_times: str
    language_needs: str
    consent: ConsentGiven | ConsentOverride
    supporter_name: str
    supporter_role: str
    supporter_contact: str
