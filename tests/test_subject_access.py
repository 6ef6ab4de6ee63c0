"""The subject-access PDF, from a real vault, read back as the colleague would read it."""

from __future__ import annotations

import dataclasses
import os
import stat
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf.errors import FileNotDecryptedError

from peerdesk import subject_access
from peerdesk.checklists import load_builtin_templates, start_run, tick
from peerdesk.store import KdfParams, Vault
from peerdesk.store.audit import SUBJECT_ACCESS_EXPORTED
from peerdesk.store.models import (
    ConcernCategory,
    ConsentCategory,
    ConsentMethod,
    PersonId,
    RecipientType,
    ReferralItem,
    ReferralItemKind,
    ReferralStatus,
    SafetyCheck,
    SessionMode,
    Urgency,
)

from .pdf.reading import all_text, flat, reader

TODAY = date.today()
PASSWORD = "lantern quay 17"


def _m(kind: str) -> str:
    return f"{kind}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", "pass phrase here", kdf=fast_kdf)
    yield opened
    opened.close()


@dataclasses.dataclass
class Filled:
    person_id: PersonId
    expected: list[str]  # every value the PDF must show, as typed or as worded
    other: str  # a marker belonging to someone else


@pytest.fixture
def filled(vault: Vault) -> Filled:
    """One person with every kind of record and every field filled; and someone else."""
    expected: list[str] = []

    def mark(kind: str) -> str:
        value = _m(kind)
        expected.append(value)
        return value

    person = vault.people.add(mark("alias"), real_name=mark("realname"))
    session = vault.sessions.add(
        person.id,
        notes=f"First paragraph {mark('note')}.\n\nSecond paragraph {mark('notetwo')}.",
        started_at=datetime(2026, 3, 3, 14, 30),
        duration_minutes=45,
        mode=SessionMode.PHONE,
        follow_up_on=date(2026, 3, 17),
    )
    vault.sessions.set_risk_flag(session.id, True)
    template = load_builtin_templates()[0]
    run = start_run(vault, session.id, template)
    item = template.items()[0]
    tick(vault, run.id, item.id, True, mark("ticknote"))
    expected += [
        "Session, 3 March 2026, 14:30",
        "45 min",
        "Phone",
        "Flagged for risk Yes",
        "17 March 2026",
        f"{template.title}, version {template.version}",
        item.label,
    ]
    incident = vault.incidents.add(
        person.id,
        occurred_at=datetime(2026, 2, 10, 9, 15),
        place=mark("place"),
        what_happened=mark("what"),
        who_involved=mark("who"),
        witnesses=mark("witness"),
        impact=mark("impact"),
        evidence_location=mark("evidence"),
    )
    expected.append("Diary entry, 10 February 2026, 09:15")
    consent = vault.consents.add(
        person.id,
        recipient_type=RecipientType.COUNSELLING,
        recipient_name=mark("consentname"),
        purpose=mark("purpose"),
        categories=[ConsentCategory.INCIDENT_ENTRIES, ConsentCategory.RISK_INFORMATION],
        given_how=ConsentMethod.WRITTEN,
        given_on=date(2026, 1, 5),
        expires_on=date(2026, 12, 31),
    )
    vault.consents.withdraw(consent.id, date(2026, 2, 1))
    expected += [
        "Consent given on 5 January 2026",
        "Withdrawn on 1 February 2026",
        "Counselling",
        "Incident diary entries, Risk information",
        "In writing",
        "31 December 2026",
    ]
    referral = vault.referrals.add(
        person.id,
        recipient_type=RecipientType.EAP,
        recipient_name=mark("service"),
        recipient_contact=mark("servicecontact"),
        situation=mark("situation"),
        background=mark("background"),
        assessment=mark("assessment"),
        recommendation=mark("recommendation"),
        urgency=Urgency.URGENT,
        override_reason=mark("override"),
        follow_up_on=date(2026, 4, 1),
        colleague_name=mark("colleague"),
        contact_safe_way=mark("safeway"),
        contact_safe_times=mark("safetimes"),
        language_needs=mark("language"),
        risk_flags=[mark("riskflag")],
        safety_check=SafetyCheck.DONE,
        items=[
            ReferralItem(ReferralItemKind.SESSION, int(session.id), mark("sessionsummary"), True),
            ReferralItem(ReferralItemKind.INCIDENT, int(incident.id), mark("diarysummary")),
        ],
    )
    for status in (
        ReferralStatus.CREATED,
        ReferralStatus.SENT,
        ReferralStatus.ACKNOWLEDGED,
    ):
        vault.referrals.update_status(referral.id, status)
    vault.referrals.update_status(referral.id, ReferralStatus.CONNECTED, note=mark("outcome"))
    expected += [
        "Urgent",
        "1 April 2026",
        "Done",
        "Connected",
        "PDF made on",
        f"Sent on {_long(TODAY)}",
        f"Acknowledged on {_long(TODAY)}",
        f"Connected on {_long(TODAY)}",
        "Session, 3 March 2026, 14:30, summarised and as written",
        "Diary entry, 10 February 2026, 09:15, summarised",
    ]
    vault.people.close(person.id)
    keep = TODAY + timedelta(days=90)
    vault.retention.keep_longer(person.id, keep, mark("keepreason"), today=TODAY)
    expected += [_long(keep), f"Prepared on {_long(TODAY)}", f"Support ended {_long(TODAY)}"]

    someone_else = _m("otherperson")
    other = vault.people.add(someone_else)
    vault.sessions.add(other.id, notes=f"Not theirs: {someone_else}note")
    return Filled(person.id, expected, someone_else)


def _long(day: date) -> str:
    from peerdesk.referral_pdf import long_date

    return long_date(day)


def test_every_field_of_every_record_is_in_the_pdf_and_nobody_elses(
    vault: Vault, filled: Filled
) -> None:
    pdf = subject_access.render(vault, filled.person_id, today=TODAY)
    text = all_text(pdf)
    missing = [value for value in filled.expected if flat(value) not in text]
    assert missing == []
    assert filled.other not in text
    assert "Confidential \u2014 subject access" in text
    pages = len(reader(pdf).pages)
    assert f"Page {pages} of {pages}" in text


def test_the_metadata_says_what_it_is_and_never_whose(vault: Vault, filled: Filled) -> None:
    pdf = subject_access.render(vault, filled.person_id, today=TODAY)
    metadata = reader(pdf).metadata
    assert metadata is not None
    assert metadata.get("/Title") == "Subject access"
    assert not metadata.get("/Author")
    assert not metadata.get("/Subject")
    assert not metadata.get("/Keywords")
    every_value = " ".join(str(value) for value in metadata.values())
    assert [v for v in filled.expected if v in every_value] == []


def test_a_password_encrypts_it(vault: Vault, filled: Filled) -> None:
    pdf = subject_access.render(vault, filled.person_id, today=TODAY, password=PASSWORD)
    locked = reader(pdf)
    assert locked.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        locked.pages[0].extract_text()
    opened = reader(pdf)
    assert opened.decrypt(PASSWORD)
    text = flat(" ".join(page.extract_text() for page in opened.pages))
    assert filled.expected[0] in text


def test_export_writes_a_private_file_and_logs_it_without_content(
    tmp_path: Path, vault: Vault, filled: Filled
) -> None:
    target = tmp_path / "out" / subject_access.suggested_file_name(TODAY)
    target.parent.mkdir()
    subject_access.export(vault, filled.person_id, target, today=TODAY)
    assert target.name == f"subject-access-{TODAY.isoformat()}.pdf"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert filled.expected[0] in all_text(target.read_bytes())
    event = vault.audit.list()[0]
    assert (event.action, event.count) == (SUBJECT_ACCESS_EXPORTED, None)
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_an_empty_record_says_so_rather_than_leaving_gaps(vault: Vault) -> None:
    person = vault.people.add("Just met")
    text = all_text(subject_access.render(vault, person.id, today=TODAY))
    for words in (
        "Just met",
        "Still supported",
        "No sessions are recorded.",
        "No diary entries are recorded.",
        "No consents are recorded.",
        "No referrals are recorded.",
    ):
        assert words in text
    assert subject_access.summary_words(vault, person.id) == (
        "0 sessions, 0 diary entries, 0 consents, 0 referrals"
    )


def test_concern_categories_are_printed_when_a_session_has_them(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = vault.people.add("Concerns")
    session = vault.sessions.add(person.id, notes="About the rota")
    with_concerns = dataclasses.replace(
        session, concerns=frozenset({ConcernCategory.THREATS, ConcernCategory.EXCLUSION})
    )
    monkeypatch.setattr(vault.sessions, "list_for_person", lambda _pid: [with_concerns])
    text = all_text(subject_access.render(vault, person.id, today=TODAY))
    assert "Exclusion or isolation, Threats" in text


def test_hostile_text_goes_in_as_typed(vault: Vault, hostile_text: str) -> None:
    person = vault.people.add("Hostile")
    vault.sessions.add(person.id, notes=hostile_text)
    pdf = subject_access.render(vault, person.id, today=TODAY)
    assert len(reader(pdf).pages) >= 1
