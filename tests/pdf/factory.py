"""Referral documents for tests: fictional people, services and events only."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from peerdesk.referral_pdf import (
    BackgroundEntry,
    ConsentGiven,
    ConsentOverride,
    ReferralDocument,
)
from peerdesk.store.models import (
    ConsentCategory,
    ConsentMethod,
    RecipientType,
    ReferralItemKind,
    SafetyCheck,
    Urgency,
)

CREATED = date(2026, 11, 24)

SESSION_RAW = (
    "Met in the small meeting room on floor 3. Talked about the team meeting "
    "where her work was mocked in front of everyone. She asked me not to tell "
    "her manager yet."
)
DIARY_RAW = (
    "Tuesday, 10:15, open-plan office. Was told my report was 'useless, like "
    "you'. Two colleagues saw it. Could not sleep that night."
)


def consent_given(**changes: Any) -> ConsentGiven:
    consent = ConsentGiven(
        categories=frozenset(
            {
                ConsentCategory.CONTACT_DETAILS,
                ConsentCategory.CONCERNS_SUMMARY,
                ConsentCategory.INCIDENT_ENTRIES,
                ConsentCategory.SESSION_SUMMARIES,
            }
        ),
        recipient_type=RecipientType.EAP,
        recipient_name="Harbourside Wellbeing EAP",
        purpose="Short-term counselling about the impact of bullying at work",
        given_how=ConsentMethod.WRITTEN,
        given_on=date(2026, 11, 20),
        expires_on=date(2027, 5, 20),
    )
    return dataclasses.replace(consent, **changes)


def full_document(**changes: Any) -> ReferralDocument:
    """A referral with every field filled in, and distinct words in each."""
    doc = ReferralDocument(
        created_on=CREATED,
        recipient_type=RecipientType.EAP,
        recipient_name="Harbourside Wellbeing EAP",
        recipient_contact="intake@harbourside-eap.example, 0161 496 0000",
        colleague_name="Morwenna Tregarthen",
        situation=(
            "Morwenna has described repeated belittling comments from a team lead "
            "over four months and is finding it hard to come to work."
        ),
        background=(
            "Morwenna first came to peer support in September. She has kept an "
            "incident diary since October."
        ),
        entries=(
            BackgroundEntry(
                kind=ReferralItemKind.SESSION,
                on=date(2026, 3, 3),
                summary="First conversation: listened, explained options, agreed to meet again.",
                raw_text=SESSION_RAW,
            ),
            BackgroundEntry(
                kind=ReferralItemKind.INCIDENT,
                on=date(2026, 10, 14),
                summary="Public criticism of her report in front of two colleagues.",
                raw_text=DIARY_RAW,
            ),
            BackgroundEntry(
                kind=ReferralItemKind.SESSION,
                on=date(2026, 11, 18),
                summary="Talked through what counselling could offer; she wants to go ahead.",
                raw_text=None,
            ),
        ),
        risk_flags=("Poor sleep for several weeks", "Withdrawing from friends"),
        safety_check=SafetyCheck.DONE,
        assessment=(
            "No immediate risk. Stress is affecting her sleep and confidence; "
            "she would benefit from professional support."
        ),
        recommendation="Offer an initial counselling appointment within two weeks.",
        urgency=Urgency.SOON,
        contact_safe_way="Personal mobile, text first",
        contact_safe_times="Weekdays after 17:30",
        language_needs="None; prefers plain written summaries",
        consent=consent_given(),
        supporter_name="Tobias Quennell",
        supporter_role="Peer supporter, Finance department",
        supporter_contact="t.quennell.peer@example.org",
    )
    return dataclasses.replace(doc, **changes)


def override_document(**changes: Any) -> ReferralDocument:
    """An urgent referral made without consent, for duty of care."""
    changes.setdefault("urgency", Urgency.URGENT)
    changes.setdefault("recipient_type", RecipientType.CRISIS)
    changes.setdefault("recipient_name", "Northgate Crisis Line")
    changes.setdefault(
        "consent",
        ConsentOverride(
            reason=(
                "Morwenna said she had a plan to harm herself tonight and would not "
                "agree to anyone being told."
            )
        ),
    )
    changes.setdefault("safety_check", SafetyCheck.NOT_DONE)
    return full_document(**changes)


def minimal_document(**changes: Any) -> ReferralDocument:
    """Only what must be there: every optional text empty."""
    doc = full_document(
        recipient_name="",
        recipient_contact="",
        colleague_name="",
        situation="",
        background="",
        entries=(),
        risk_flags=(),
        safety_check=SafetyCheck.NOT_RECORDED,
        assessment="",
        recommendation="",
        urgency=Urgency.ROUTINE,
        contact_safe_way="",
        contact_safe_times="",
        language_needs="",
        supporter_name="",
        supporter_role="",
        supporter_contact="",
    )
    return dataclasses.replace(doc, **changes)


def long_document(paragraph_count: int = 160) -> ReferralDocument:
    """A referral of well over ten pages, made of ordinary paragraphs."""
    note = "\n".join(
        f"Paragraph {n}: the colleague described another difficult week, with meetings "
        "rescheduled without notice and comments about her accent made in front of "
        "visitors. She kept notes and asked for them to be included as written."
        for n in range(1, paragraph_count + 1)
    )
    entry = BackgroundEntry(
        kind=ReferralItemKind.INCIDENT,
        on=date(2026, 9, 1),
        summary="A long diary entry.",
        raw_text=note,
    )
    return full_document(entries=(entry,))


# Fictional names, one per script the PDF must print as real glyphs.
NAMES = {
    "Cyrillic": "Ольга Кузнецова",
    "Greek": "Ελένη Παπαδοπούλου",
    "Arabic": "ليلى حسن",
    "Hebrew": "דנה כהן",
    "Devanagari": "अनन्या शर्मा",
    "Chinese": "王小明",
    "Japanese": "山田 花子",
}


def non_latin_document() -> ReferralDocument:
    """Names and text in every script we promise, in the places a name can appear."""
    return full_document(
        colleague_name=NAMES["Arabic"],
        recipient_name=NAMES["Hebrew"],
        supporter_name=NAMES["Cyrillic"],
        supporter_role=NAMES["Greek"],
        supporter_contact=NAMES["Devanagari"],
        contact_safe_way=NAMES["Chinese"],
        contact_safe_times=NAMES["Japanese"],
        language_needs="Arabic interpreter: " + NAMES["Arabic"] + " (العربية)",
        situation=(
            "She wrote in Arabic: مرحبا، أنا بخير لكنني متعبة جدا من العمل هذا الأسبوع. "
            "Her Hindi note: मैं ठीक हूँ, लेकिन काम पर बहुत तनाव है।"
        ),
        background="שלום, זה מבחן של טקסט בעברית שנמשך על פני יותר משורה אחת כדי לבדוק "
        "את סדר המילים בשורות ואת היישור לימין בעמוד המודפס.",
    )
