"""The words for kinds of service and kinds of shared information, said one way everywhere.

The consent form, the referral wizard, the lists, the statistics and the
PDFs all name a service, a kind of shared information or a concern from here,
so a supporter never sees "Union" in one place and "Union representative" in
another.
"""

from __future__ import annotations

from collections.abc import Iterable

from .i18n import _
from .store.models import ConcernCategory, ConsentCategory, RecipientType


def service_names() -> dict[RecipientType, str]:
    """Each kind of service, in the order forms offer them."""
    return {
        RecipientType.EAP: _("Employee assistance programme (EAP)"),
        RecipientType.COUNSELLING: _("Counselling"),
        RecipientType.HR: _("Human resources (HR)"),
        RecipientType.UNION: _("Union representative"),
        RecipientType.OCCUPATIONAL_HEALTH: _("Occupational health"),
        RecipientType.CRISIS: _("Crisis service"),
        RecipientType.OTHER: _("Other service"),
    }


def service_name(kind: RecipientType) -> str:
    return service_names()[RecipientType(kind)]


def category_names() -> dict[ConsentCategory, str]:
    """Each kind of information a consent can cover, capitalised, in the order offered."""
    return {
        ConsentCategory.CONTACT_DETAILS: _("Contact details"),
        ConsentCategory.CONCERNS_SUMMARY: _("Summary of concerns"),
        ConsentCategory.INCIDENT_ENTRIES: _("Incident diary entries"),
        ConsentCategory.SESSION_SUMMARIES: _("Session summaries"),
        ConsentCategory.RISK_INFORMATION: _("Risk information"),
    }


def category_words(category: ConsentCategory) -> str:
    """A kind of information inside a sentence: "contact details, session summaries"."""
    return {
        ConsentCategory.CONTACT_DETAILS: _("contact details"),
        ConsentCategory.CONCERNS_SUMMARY: _("summary of concerns"),
        ConsentCategory.INCIDENT_ENTRIES: _("incident diary entries"),
        ConsentCategory.SESSION_SUMMARIES: _("session summaries"),
        ConsentCategory.RISK_INFORMATION: _("risk information"),
    }[ConsentCategory(category)]


def concern_names() -> dict[ConcernCategory, str]:
    """Each concern category (the statistics' taxonomy), in the order they are offered."""
    return {
        ConcernCategory.VERBAL_ABUSE: _("Verbal abuse"),
        ConcernCategory.EXCLUSION: _("Exclusion or isolation"),
        ConcernCategory.UNDERMINING_WORK: _("Undermining of work"),
        ConcernCategory.CYBERBULLYING: _("Cyberbullying"),
        ConcernCategory.DISCRIMINATION: _("Discrimination"),
        ConcernCategory.HARASSMENT: _("Harassment"),
        ConcernCategory.THREATS: _("Threats"),
        ConcernCategory.OTHER: _("Other"),
    }


def concerns_text(concerns: Iterable[ConcernCategory]) -> str:
    """The chosen concerns in taxonomy order, as one line: "Verbal abuse, Threats"."""
    chosen = set(concerns)
    return ", ".join(text for concern, text in concern_names().items() if concern in chosen)
