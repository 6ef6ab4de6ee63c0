"""The referral document holds what the referral chose, and nothing else from the vault.

A real vault and the real renderer: each check that something is (or is not)
in the PDF reads the PDF's text back with pypdf.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from peerdesk import referral_pdf
from peerdesk.checklists import load_builtin_templates, start_run, tick
from peerdesk.preferences import SUPPORTER_CONTACT, SUPPORTER_NAME, SUPPORTER_ROLE, Preferences
from peerdesk.referral_builder import (
    SITUATION_MAX_CHARS,
    UNCHOSEN_RECIPIENT_NAME,
    build_document,
    export_problems,
    risk_flags_found,
    suggested_file_name,
    summary_start,
)
from peerdesk.referral_pdf.document import ConsentGiven, ConsentOverride
from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import (
    ConsentCategory,
    ConsentMethod,
    PersonId,
    RecipientType,
    Referral,
    ReferralItem,
    ReferralItemKind,
    SafetyCheck,
    Urgency,
)

TODAY = date.today()


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", "pass phrase here", kdf=fast_kdf)
    yield opened
    opened.close()


def add_consent(vault: Vault, person_id: PersonId, **changes: object) -> None:
    values: dict[str, object] = {
        "recipient_type": RecipientType.EAP,
        "recipient_name": "Harbour EAP",
        "purpose": "Counselling referral",
        "categories": set(ConsentCategory),
        "given_how": ConsentMethod.VERBAL,
        "given_on": TODAY - timedelta(days=1),
        "expires_on": TODAY + timedelta(days=90),
    }
    values.update(changes)
    vault.consents.add(person_id, **values)  # type: ignore[arg-type]


def full_referral(vault: Vault, person_id: PersonId, **changes: object) -> Referral:
    """A complete referral to Harbour EAP, with every field filled in with a marker."""
    values: dict[str, object] = {
        "recipient_type": RecipientType.EAP,
        "recipient_name": "Harbour EAP",
        "recipient_contact": "referrals at harbour example ZQRECIPCONTACT",
        "situation": "Bullied by a manager ZQSITUATION",
        "background": "Started in spring ZQBACKGROUND",
        "assessment": "Tired and anxious ZQASSESSMENT",
        "recommendation": "Please offer counselling ZQRECOMMEND",
        "urgency": Urgency.SOON,
        "colleague_name": "Alex Morgan ZQCOLLEAGUE",
        "contact_safe_way": "Personal mobile ZQSAFEWAY",
        "contact_safe_times": "After six ZQSAFETIMES",
        "language_needs": "Prefers Welsh ZQLANGUAGE",
        "risk_flags": ("Spoke of not coping ZQRISKFLAG",),
        "safety_check": SafetyCheck.DONE,
    }
    values.update(changes)
    return vault.referrals.add(person_id, **values)  # type: ignore[arg-type]


def pdf_text(document_bytes: bytes) -> str:
    reader = PdfReader(io.BytesIO(document_bytes))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def person(vault: Vault) -> PersonId:
    return vault.people.add("Blue heron", real_name="Alex Morgan").id


def test_every_chosen_field_is_in_the_document_and_the_pdf(vault: Vault, person: PersonId) -> None:
    prefs = Preferences(vault.settings)
    prefs.set(SUPPORTER_NAME, "Sam Peer ZQSUPNAME")
    prefs.set(SUPPORTER_ROLE, "Peer supporter ZQSUPROLE")
    prefs.set(SUPPORTER_CONTACT, "sam at example ZQSUPCONTACT")
    session = vault.sessions.add(
        person, notes="First meeting notes", started_at=datetime(2026, 3, 3, 9, 30)
    )
    incident = vault.incidents.add(
        person, occurred_at=datetime(2026, 3, 1, 14, 0), what_happened="Shouted at"
    )
    items = (
        ReferralItem(
            ReferralItemKind.INCIDENT, int(incident.id), "Shouted at in a meeting ZQITEMONE"
        ),
        ReferralItem(
            ReferralItemKind.SESSION, int(session.id), "We talked about options ZQITEMTWO"
        ),
    )
    add_consent(vault, person)
    referral = full_referral(vault, person, items=items)

    document = build_document(vault, referral, today=TODAY)

    assert isinstance(document.consent, ConsentGiven)
    assert document.consent.recipient_name == "Harbour EAP"
    assert [e.summary for e in document.entries] == [i.summary for i in items]
    assert [e.on for e in document.entries] == [date(2026, 3, 1), date(2026, 3, 3)]
    assert all(e.raw_text is None for e in document.entries)
    assert (document.supporter_name, document.supporter_role, document.supporter_contact) == (
        "Sam Peer ZQSUPNAME",
        "Peer supporter ZQSUPROLE",
        "sam at example ZQSUPCONTACT",
    )
    text = pdf_text(referral_pdf.render(document))
    for marker in (
        "ZQRECIPCONTACT",
        "ZQSITUATION",
        "ZQBACKGROUND",
        "ZQASSESSMENT",
        "ZQRECOMMEND",
        "ZQCOLLEAGUE",
        "ZQSAFEWAY",
        "ZQSAFETIMES",
        "ZQLANGUAGE",
        "ZQRISKFLAG",
        "ZQITEMONE",
        "ZQITEMTWO",
        "ZQSUPNAME",
        "ZQSUPROLE",
        "ZQSUPCONTACT",
        "Harbour EAP",
    ):
        assert marker in text, marker
    # The alias is the supporter's private name for them: it never leaves.
    assert "Blue heron" not in text
    assert "First meeting notes" not in text


def test_only_chosen_records_and_only_ticked_notes_reach_the_pdf(
    vault: Vault, person: PersonId
) -> None:
    chosen = vault.sessions.add(person, notes="Chosen session ZQCHOSENRAW said a lot")
    vault.sessions.add(person, notes="Unchosen session ZQUNCHOSEN private")
    incident = vault.incidents.add(
        person, what_happened="Diary ZQDIARYRAW words", witnesses="Jo ZQWITNESS"
    )
    add_consent(vault, person)
    summaries = (
        ReferralItem(ReferralItemKind.SESSION, int(chosen.id), "Summary of the session"),
        ReferralItem(ReferralItemKind.INCIDENT, int(incident.id), "Summary of the entry"),
    )
    referral = full_referral(vault, person, items=summaries)

    text = pdf_text(referral_pdf.render(build_document(vault, referral, today=TODAY)))
    for marker in ("ZQUNCHOSEN", "ZQCHOSENRAW", "ZQDIARYRAW", "ZQWITNESS"):
        assert marker not in text
    assert "Summary of the session" in text

    ticked = tuple(
        ReferralItem(item.kind, item.record_id, item.summary, include_raw=True)
        for item in summaries
    )
    referral = vault.referrals.update(referral.id, items=ticked)
    document = build_document(vault, referral, today=TODAY)
    assert document.entries[0].raw_text == "Chosen session ZQCHOSENRAW said a lot"
    text = pdf_text(referral_pdf.render(document))
    assert "ZQCHOSENRAW" in text
    assert "ZQDIARYRAW" in text
    assert "ZQWITNESS" in text  # the diary entry's fields, as written
    assert "ZQUNCHOSEN" not in text


def test_an_override_is_printed_when_no_consent_covers_it(vault: Vault, person: PersonId) -> None:
    referral = full_referral(vault, person)
    with pytest.raises(ValueError, match="No consent"):
        build_document(vault, referral, today=TODAY)
    referral = vault.referrals.update(
        referral.id, override_reason="Said they would end their life tonight ZQOVERRIDE"
    )
    document = build_document(vault, referral, today=TODAY)
    assert document.consent == ConsentOverride("Said they would end their life tonight ZQOVERRIDE")
    assert "ZQOVERRIDE" in pdf_text(referral_pdf.render(document))


def test_a_consent_that_lacks_risk_information_does_not_cover_risk_flags(
    vault: Vault, person: PersonId
) -> None:
    add_consent(vault, person, categories=set(ConsentCategory) - {ConsentCategory.RISK_INFORMATION})
    referral = full_referral(vault, person)
    problems = export_problems(vault, referral, today=TODAY)
    assert len(problems) == 1
    assert "risk information" in problems[0]
    assert "Consents tab" in problems[0]


def test_a_complete_covered_referral_has_no_problems(vault: Vault, person: PersonId) -> None:
    add_consent(vault, person)
    assert export_problems(vault, full_referral(vault, person), today=TODAY) == []


def test_export_problems_say_what_is_missing_in_plain_words(vault: Vault, person: PersonId) -> None:
    session = vault.sessions.add(person, notes="notes")
    referral = vault.referrals.add(
        person,
        recipient_type=RecipientType.CRISIS,
        recipient_name=UNCHOSEN_RECIPIENT_NAME,
        urgency=Urgency.URGENT,
        items=(ReferralItem(ReferralItemKind.SESSION, int(session.id), "  "),),
    )
    problems = export_problems(vault, referral, today=TODAY)
    assert problems[0] == "Choose the service this referral goes to, and enter its name."
    assert any(p.startswith("Write the situation") for p in problems)
    assert any(p.startswith("Write a summary for the session of") for p in problems)
    assert any(p.startswith("Write the recommendation") for p in problems)
    assert any("No consent is recorded" in p for p in problems)

    long = vault.referrals.update(referral.id, situation="x" * (SITUATION_MAX_CHARS + 1))
    assert any("longer than" in p for p in export_problems(vault, long, today=TODAY))


def test_the_unchosen_name_is_the_one_the_escalation_panel_uses() -> None:
    from peerdesk.ui.escalation_panel import URGENT_RECIPIENT_NAME

    assert UNCHOSEN_RECIPIENT_NAME == URGENT_RECIPIENT_NAME


def test_risk_flags_are_the_ticked_risk_items_by_title(vault: Vault, person: PersonId) -> None:
    template = next(t for t in load_builtin_templates() if t.risk_items())
    item = template.risk_items()[0]
    other = next(i for i in template.items() if not i.risk)
    session = vault.sessions.add(person)
    run = start_run(vault, session.id, template)
    tick(vault, run.id, other.id, True)
    assert risk_flags_found(vault, person) == []
    tick(vault, run.id, item.id, True, "a note that must not travel")
    assert risk_flags_found(vault, person) == [item.label]


def test_summary_start_offers_the_first_lines_only(vault: Vault, person: PersonId) -> None:
    notes = "\n".join(f"Line {n}" for n in range(1, 10))
    session = vault.sessions.add(person, notes=notes)
    assert (
        summary_start(vault, ReferralItemKind.SESSION, int(session.id)) == "Line 1\nLine 2\nLine 3"
    )


def test_the_file_name_is_a_date_only() -> None:
    assert suggested_file_name(date(2026, 11, 29)) == "referral-2026-11-29.pdf"
