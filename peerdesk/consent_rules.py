"""Whether a colleague's consent covers a referral, and if not, why, in plain words. No Qt.

A referral shares some kinds of information (:class:`ConsentCategory`) with one
service. A consent covers it when, today, it is active, it is for that kind of
service (and that service by name, if the consent names one), and it includes
every kind of information the PDF would contain.

These rules read only what is on the referral: a field left blank or a record
not chosen is not shared, so it needs no consent. The PDF must follow the
same reading (it leaves out what is blank).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from datetime import date

from .i18n import _
from .store.models import (
    Consent,
    ConsentCategory,
    ConsentStatus,
    RecipientType,
    Referral,
    ReferralItemKind,
    SafetyCheck,
)

DayText = Callable[[date], str]


def default_day_text(day: date) -> str:
    """ "3 Dec 2024": a day that reads the same in every country."""
    return f"{day.day} {day:%b %Y}"


def category_text(category: ConsentCategory) -> str:
    """A kind of information in words that fit "does not cover ..."."""
    return {
        ConsentCategory.CONTACT_DETAILS: _("contact details"),
        ConsentCategory.CONCERNS_SUMMARY: _("a summary of the concerns"),
        ConsentCategory.INCIDENT_ENTRIES: _("incident diary entries"),
        ConsentCategory.SESSION_SUMMARIES: _("session summaries"),
        ConsentCategory.RISK_INFORMATION: _("risk information"),
    }[ConsentCategory(category)]


def service_text(kind: RecipientType) -> str:
    """A kind of service, short, as in "the consent for HR"."""
    return {
        RecipientType.EAP: _("EAP"),
        RecipientType.COUNSELLING: _("Counselling"),
        RecipientType.HR: _("HR"),
        RecipientType.UNION: _("the union"),
        RecipientType.OCCUPATIONAL_HEALTH: _("Occupational health"),
        RecipientType.CRISIS: _("a crisis service"),
        RecipientType.OTHER: _("another service"),
    }[RecipientType(kind)]


def recipient_text(kind: RecipientType, name: str) -> str:
    """ "EAP (Acme Assist)", or just "HR" when no name is given."""
    name = " ".join(name.split())
    if not name:
        return service_text(kind)
    return _("{service} ({name})").format(service=service_text(kind), name=name)


def _has_text(*texts: str) -> bool:
    return any(text.strip() for text in texts)


def shared_categories(referral: Referral) -> frozenset[ConsentCategory]:
    """The kinds of information the referral's PDF would contain."""
    shared: set[ConsentCategory] = set()
    # Only the colleague's own details; the service's contact is not theirs.
    if _has_text(
        referral.colleague_name,
        referral.contact_safe_way,
        referral.contact_safe_times,
        referral.language_needs,
    ):
        shared.add(ConsentCategory.CONTACT_DETAILS)
    if _has_text(referral.situation, referral.background, referral.recommendation):
        shared.add(ConsentCategory.CONCERNS_SUMMARY)
    kinds = {item.kind for item in referral.items}
    if ReferralItemKind.INCIDENT in kinds:
        shared.add(ConsentCategory.INCIDENT_ENTRIES)
    if ReferralItemKind.SESSION in kinds:
        shared.add(ConsentCategory.SESSION_SUMMARIES)
    if (
        _has_text(referral.assessment, *referral.risk_flags)
        or referral.safety_check is not SafetyCheck.NOT_RECORDED
    ):
        shared.add(ConsentCategory.RISK_INFORMATION)
    return frozenset(shared)


def same_name(a: str, b: str) -> bool:
    """Whether two service names are the same, ignoring case, width and spacing."""
    return _folded(a) == _folded(b)


def _folded(name: str) -> str:
    # NFKC, casefold, NFKC again (casefolding can un-normalise): "ＡＣＭＥ  eap" == "Acme EAP".
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def recipient_matches(consent: Consent, referral: Referral) -> bool:
    """Same kind of service, and the same service if the consent names one.

    A consent without a name covers any service of its kind ("any EAP").
    """
    if consent.recipient_type is not referral.recipient_type:
        return False
    if not _folded(consent.recipient_name):
        return True
    return same_name(consent.recipient_name, referral.recipient_name)


def _candidates(consents: Iterable[Consent], referral: Referral) -> list[Consent]:
    return [
        consent
        for consent in consents
        if consent.person_id == referral.person_id and recipient_matches(consent, referral)
    ]


def covering_consent(
    consents: Iterable[Consent], referral: Referral, today: date
) -> Consent | None:
    """The active consent that covers the referral, the one that lasts longest; else None."""
    needed = shared_categories(referral)
    covering = [
        consent
        for consent in _candidates(consents, referral)
        if consent.status(today) is ConsentStatus.ACTIVE and needed <= consent.categories
    ]
    if not covering:
        return None
    return max(covering, key=lambda c: (c.expires_on, c.given_on, c.id))


def _or_list(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("{items} or {last}").format(items=", ".join(words[:-1]), last=words[-1])


def consent_problem(
    consents: Iterable[Consent],
    referral: Referral,
    today: date,
    *,
    day_text: DayText = default_day_text,
) -> str | None:
    """None when a consent covers the referral; else one sentence saying what is wrong.

    The sentence describes the consent closest to covering it: an active one
    missing some kinds of information, else the latest expired or withdrawn one.
    """
    if covering_consent(consents, referral, today) is not None:
        return None
    candidates = _candidates(consents, referral)
    if not candidates:
        return _("No consent is recorded for {recipient}.").format(
            recipient=recipient_text(referral.recipient_type, referral.recipient_name)
        )
    needed = shared_categories(referral)
    active = [c for c in candidates if c.status(today) is ConsentStatus.ACTIVE]
    if active:
        closest = min(
            active, key=lambda c: (len(needed - c.categories), -c.expires_on.toordinal(), -c.id)
        )
        missing = [
            category for category in ConsentCategory if category in needed - closest.categories
        ]
        return _("The consent for {recipient} does not cover {missing}.").format(
            recipient=recipient_text(closest.recipient_type, closest.recipient_name),
            missing=_or_list([category_text(category) for category in missing]),
        )
    latest = max(candidates, key=lambda c: (c.given_on, c.id))
    recipient = recipient_text(latest.recipient_type, latest.recipient_name)
    if latest.status(today) is ConsentStatus.WITHDRAWN:
        return _("The consent for {recipient} was withdrawn.").format(recipient=recipient)
    return _("The consent for {recipient} expired on {day}.").format(
        recipient=recipient, day=day_text(latest.expires_on)
    )
