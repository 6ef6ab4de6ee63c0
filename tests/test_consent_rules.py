"""Consent rules: a referral goes out only with a consent that covers all it shares."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from peerdesk.consent_rules import (
    consent_problem,
    covering_consent,
    recipient_matches,
    shared_categories,
)
from peerdesk.store.models import (
    Consent,
    ConsentCategory,
    ConsentId,
    ConsentMethod,
    PersonId,
    RecipientType,
    Referral,
    ReferralId,
    ReferralItem,
    ReferralItemKind,
    ReferralStatus,
    SafetyCheck,
    Urgency,
)

TODAY = date(2024, 6, 10)
ROBIN = PersonId(1)
ALL = frozenset(ConsentCategory)


def _referral(**fields: Any) -> Referral:
    """A draft to Acme Assist (an EAP) with nothing in it: factories fill in what a test needs."""
    values: dict[str, Any] = {
        "id": ReferralId(1),
        "person_id": ROBIN,
        "consent_id": None,
        "recipient_type": RecipientType.EAP,
        "recipient_name": "Acme Assist",
        "recipient_contact": "",
        "situation": "",
        "background": "",
        "assessment": "",
        "recommendation": "",
        "urgency": Urgency.ROUTINE,
        "override_reason": None,
        "status": ReferralStatus.DRAFT,
        "created_at": datetime(2024, 6, 1, tzinfo=UTC),
        "exported_at": None,
        "follow_up_on": None,
    }
    values.update(fields)
    return Referral(**values)


_next_id = iter(range(1, 10_000))


def _consent(**fields: Any) -> Consent:
    values: dict[str, Any] = {
        "id": ConsentId(next(_next_id)),
        "person_id": ROBIN,
        "recipient_type": RecipientType.EAP,
        "recipient_name": "Acme Assist",
        "purpose": "Short-term counselling",
        "categories": ALL,
        "given_how": ConsentMethod.VERBAL,
        "given_on": date(2024, 6, 1),
        "expires_on": date(2024, 12, 1),
        "withdrawn_on": None,
        "created_at": datetime(2024, 6, 1, tzinfo=UTC),
    }
    values.update(fields)
    return Consent(**values)


def _session(summary: str = "First talk") -> ReferralItem:
    return ReferralItem(ReferralItemKind.SESSION, 7, summary)


def _incident(summary: str = "The canteen") -> ReferralItem:
    return ReferralItem(ReferralItemKind.INCIDENT, 7, summary)


# -- what a referral shares -----------------------------------------------------------------


def test_a_referral_with_only_a_situation_needs_only_the_concerns_summary() -> None:
    assert shared_categories(_referral(situation="Shouted at in meetings")) == {
        ConsentCategory.CONCERNS_SUMMARY
    }


def test_an_empty_referral_shares_nothing_and_blank_text_is_not_content() -> None:
    assert shared_categories(_referral()) == frozenset()
    blank = _referral(situation="  \n", colleague_name=" ", assessment="\t", risk_flags=(" ",))
    assert shared_categories(blank) == frozenset()


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"colleague_name": "Jo Doe"}, ConsentCategory.CONTACT_DETAILS),
        ({"contact_safe_way": "Text first"}, ConsentCategory.CONTACT_DETAILS),
        ({"contact_safe_times": "Evenings"}, ConsentCategory.CONTACT_DETAILS),
        ({"language_needs": "Polish"}, ConsentCategory.CONTACT_DETAILS),
        ({"situation": "S"}, ConsentCategory.CONCERNS_SUMMARY),
        ({"background": "B"}, ConsentCategory.CONCERNS_SUMMARY),
        ({"recommendation": "R"}, ConsentCategory.CONCERNS_SUMMARY),
        ({"items": (_incident(),)}, ConsentCategory.INCIDENT_ENTRIES),
        ({"items": (_session(),)}, ConsentCategory.SESSION_SUMMARIES),
        ({"assessment": "Low mood"}, ConsentCategory.RISK_INFORMATION),
        ({"risk_flags": ("Not sleeping",)}, ConsentCategory.RISK_INFORMATION),
        ({"safety_check": SafetyCheck.DONE}, ConsentCategory.RISK_INFORMATION),
        ({"safety_check": SafetyCheck.NOT_DONE}, ConsentCategory.RISK_INFORMATION),
    ],
)
def test_each_part_of_a_referral_needs_its_kind_of_consent(
    fields: dict[str, Any], category: ConsentCategory
) -> None:
    assert shared_categories(_referral(**fields)) == {category}


def test_the_services_own_contact_details_need_no_consent() -> None:
    assert shared_categories(_referral(recipient_contact="0800 000 000")) == frozenset()


def test_a_full_referral_shares_every_kind() -> None:
    full = _referral(
        colleague_name="Jo",
        situation="S",
        assessment="A",
        items=(_session(), _incident()),
    )
    assert shared_categories(full) == ALL


# -- whose consent it is --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent_name", "referral_name", "matches"),
    [
        ("Acme Assist", "Acme Assist", True),
        ("acme   ASSIST ", "Acme Assist", True),
        ("ＡＣＭＥ Assist", "acme assist", True),  # full-width letters, as some keyboards type
        ("Straße Services", "STRASSE SERVICES", True),
        ("Acme Assist", "Beta Care", False),
        ("", "Beta Care", True),  # "any EAP"
        ("   ", "Beta Care", True),
    ],
)
def test_a_named_consent_covers_only_that_service(
    consent_name: str, referral_name: str, matches: bool
) -> None:
    consent = _consent(recipient_name=consent_name)
    assert recipient_matches(consent, _referral(recipient_name=referral_name)) is matches


def test_a_consent_for_another_kind_of_service_never_matches() -> None:
    anyone_in_hr = _consent(recipient_type=RecipientType.HR, recipient_name="")
    assert recipient_matches(anyone_in_hr, _referral()) is False


# -- which consent covers it ----------------------------------------------------------------


def test_an_active_matching_consent_with_every_category_covers_the_referral() -> None:
    referral = _referral(situation="S", items=(_incident(),))
    consent = _consent(
        categories=frozenset({ConsentCategory.CONCERNS_SUMMARY, ConsentCategory.INCIDENT_ENTRIES})
    )
    assert covering_consent([consent], referral, TODAY) == consent
    assert consent_problem([consent], referral, TODAY) is None


def test_the_consent_lasting_longest_is_preferred() -> None:
    short = _consent(expires_on=date(2024, 7, 1))
    long = _consent(expires_on=date(2025, 1, 1))
    anyone = _consent(recipient_name="", expires_on=date(2024, 9, 1))
    assert covering_consent([short, long, anyone], _referral(situation="S"), TODAY) == long


@pytest.mark.parametrize(
    "consent",
    [
        _consent(expires_on=date(2024, 6, 9)),
        _consent(withdrawn_on=date(2024, 6, 5)),
        _consent(withdrawn_on=date(2024, 7, 1)),  # recorded now, dated later: already stops
        _consent(recipient_type=RecipientType.COUNSELLING),
        _consent(recipient_name="Beta Care"),
        _consent(person_id=PersonId(2)),
        _consent(categories=frozenset({ConsentCategory.CONTACT_DETAILS})),
    ],
    ids=[
        "expired",
        "withdrawn",
        "withdrawal-dated-later",
        "other-type",
        "other-name",
        "other-person",
        "missing-category",
    ],
)
def test_a_consent_that_does_not_fit_covers_nothing(consent: Consent) -> None:
    referral = _referral(situation="S")
    assert covering_consent([consent], referral, TODAY) is None
    assert consent_problem([consent], referral, TODAY)


def test_a_consent_holds_on_its_last_day() -> None:
    consent = _consent(expires_on=TODAY)
    assert covering_consent([consent], _referral(situation="S"), TODAY) == consent


def test_an_empty_name_consent_covers_any_service_of_that_kind() -> None:
    any_eap = _consent(recipient_name="")
    assert covering_consent([any_eap], _referral(recipient_name="Beta Care"), TODAY) == any_eap


# -- what the supporter is told -------------------------------------------------------------


def test_no_consent_at_all_names_the_service() -> None:
    referral = _referral(recipient_type=RecipientType.HR, recipient_name="", situation="S")
    assert consent_problem([], referral, TODAY) == "No consent is recorded for HR."
    named = _referral(situation="S")
    other_service = _consent(recipient_name="Beta Care")
    assert (
        consent_problem([other_service], named, TODAY)
        == "No consent is recorded for EAP (Acme Assist)."
    )


def test_an_expired_consent_says_when_it_ended() -> None:
    expired = _consent(expires_on=date(2024, 6, 3))
    assert consent_problem([expired], _referral(situation="S"), TODAY) == (
        "The consent for EAP (Acme Assist) expired on 3 Jun 2024."
    )
    assert consent_problem([expired], _referral(situation="S"), TODAY, day_text=date.isoformat) == (
        "The consent for EAP (Acme Assist) expired on 2024-06-03."
    )


def test_a_withdrawn_consent_says_so() -> None:
    withdrawn = _consent(
        recipient_type=RecipientType.HR, recipient_name="", withdrawn_on=date(2024, 6, 2)
    )
    referral = _referral(recipient_type=RecipientType.HR, recipient_name="People team")
    assert consent_problem([withdrawn], referral, TODAY) == "The consent for HR was withdrawn."


def test_missing_categories_are_named_in_words() -> None:
    consent = _consent(
        recipient_type=RecipientType.COUNSELLING,
        recipient_name="",
        categories=frozenset({ConsentCategory.CONCERNS_SUMMARY}),
    )
    referral = _referral(
        recipient_type=RecipientType.COUNSELLING,
        situation="S",
        assessment="Low mood",
        items=(_incident(),),
    )
    assert consent_problem([consent], referral, TODAY) == (
        "The consent for Counselling does not cover incident diary entries or risk information."
    )
    three = replace(referral, colleague_name="Jo")
    assert consent_problem([consent], three, TODAY) == (
        "The consent for Counselling does not cover contact details, incident diary entries "
        "or risk information."
    )


def test_an_active_consent_is_explained_before_an_old_one() -> None:
    """The supporter is told about the consent closest to covering, not an old expired one."""
    old = _consent(given_on=date(2023, 1, 1), expires_on=date(2023, 6, 1))
    newer_but_narrow = _consent(
        given_on=date(2024, 5, 1), categories=frozenset({ConsentCategory.CONTACT_DETAILS})
    )
    referral = _referral(situation="S")
    assert consent_problem([old, newer_but_narrow], referral, TODAY) == (
        "The consent for EAP (Acme Assist) does not cover a summary of the concerns."
    )
    withdrawn = _consent(given_on=date(2024, 5, 20), withdrawn_on=date(2024, 6, 1))
    assert consent_problem([old, withdrawn], referral, TODAY) == (
        "The consent for EAP (Acme Assist) was withdrawn."
    )
