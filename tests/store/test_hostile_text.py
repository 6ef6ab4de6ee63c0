"""Whatever a supporter types or pastes is kept exactly, or refused with a clear message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from peerdesk.store.checklist_runs import ChecklistRunsRepository
from peerdesk.store.consents import ConsentsRepository
from peerdesk.store.db import Database
from peerdesk.store.errors import InvalidText
from peerdesk.store.incidents import TEXT_FIELDS, IncidentsRepository
from peerdesk.store.models import (
    ConsentCategory,
    ConsentMethod,
    Person,
    RecipientType,
    SessionMode,
    Tick,
)
from peerdesk.store.people import PeopleRepository
from peerdesk.store.referrals import ReferralsRepository
from peerdesk.store.search import search
from peerdesk.store.sessions import SessionsRepository
from peerdesk.store.values import MAX_TEXT_CHARS
from tests.conftest import LONE_SURROGATE, TEN_MB_NOTE


@pytest.fixture
def robin(people: PeopleRepository) -> Person:
    return people.add(alias="Robin")


# -- kept exactly -------------------------------------------------------------


def test_a_note_keeps_hostile_text_exactly(
    sessions: SessionsRepository, robin: Person, hostile_text: str
) -> None:
    session = sessions.add(robin.id, notes=hostile_text)
    assert sessions.get(session.id).notes == hostile_text
    edited = sessions.update(session.id, notes=hostile_text + "\n" + hostile_text)
    assert sessions.get(session.id).notes == edited.notes == hostile_text + "\n" + hostile_text


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_every_incident_field_keeps_hostile_text_exactly(
    incidents: IncidentsRepository, robin: Person, hostile_text: str, field: str
) -> None:
    fields: dict[str, Any] = {field: hostile_text}
    incident = incidents.add(robin.id, **fields)
    assert getattr(incidents.get(incident.id), field) == hostile_text


def test_consents_referrals_and_checklist_notes_keep_hostile_text_exactly(
    db: Database, sessions: SessionsRepository, robin: Person, hostile_text: str
) -> None:
    consent = ConsentsRepository(db).add(
        robin.id,
        recipient_type=RecipientType.UNION,
        recipient_name="Branch rep",
        purpose=hostile_text,
        categories={ConsentCategory.INCIDENT_ENTRIES},
        given_how=ConsentMethod.WRITTEN,
        given_on=date(2024, 5, 1),
        expires_on=date(2024, 6, 1),
    )
    assert ConsentsRepository(db).get(consent.id).purpose == hostile_text
    referrals = ReferralsRepository(db)
    referral = referrals.add(
        robin.id,
        recipient_type=RecipientType.UNION,
        recipient_name="Branch rep",
        situation=hostile_text,
        override_reason=hostile_text,
    )
    assert referrals.get(referral.id).situation == hostile_text
    assert referrals.get(referral.id).override_reason == hostile_text
    runs = ChecklistRunsRepository(db)
    session = sessions.add(robin.id)
    run = runs.add(session.id, "oars", 1, ticks=[Tick("open", datetime.now(UTC), hostile_text)])
    assert runs.get(run.id).ticks[0].note == hostile_text


def test_an_alias_in_any_script_with_direction_marks_and_emoji_is_kept(
    people: PeopleRepository,
) -> None:
    alias = "\u200fשלום\u200e مرحبا 👩🏽‍💻 e\u0301"
    assert people.get(people.add(alias=alias).id).alias == alias


def test_a_ten_megabyte_paste_is_saved_found_and_read_back_whole(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    session = sessions.add(robin.id, notes=TEN_MB_NOTE, duration_minutes=20)
    sessions.update(session.id, mode=SessionMode.VIDEO)
    assert sessions.get(session.id).notes == TEN_MB_NOTE
    (hit,) = search(db, "pasted")
    assert hit.session_id == session.id
    assert len(hit.snippet) < 400


# -- refused clearly ----------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["\t", "\n", "\r\n", "\x00", "\x1b[31m", "\u2028", "\x7f"], ids=repr
)
def test_an_alias_with_control_characters_is_refused_clearly(
    people: PeopleRepository, bad: str
) -> None:
    with pytest.raises(InvalidText) as refused:
        people.add(alias=f"Quill{bad}Zed")
    message = str(refused.value)
    assert "single line" in message
    assert "Quill" not in message
    assert "Zed" not in message
    assert people.list(include_closed=True) == []


@pytest.mark.parametrize(
    ("alias", "expected"),
    [("", "cannot be left empty"), ("   ", "cannot be left empty"), ("x" * 201, "at most 200")],
)
def test_an_empty_or_overlong_alias_is_refused(
    people: PeopleRepository, alias: str, expected: str
) -> None:
    with pytest.raises(InvalidText, match=expected):
        people.add(alias=alias)
    assert people.add(alias="x" * 200).alias == "x" * 200


def test_spaces_and_a_line_break_around_an_alias_are_trimmed(people: PeopleRepository) -> None:
    assert people.add(alias=" Robin\r\n").alias == "Robin"


def test_renaming_to_an_invalid_alias_keeps_the_old_one(
    people: PeopleRepository, robin: Person
) -> None:
    with pytest.raises(InvalidText):
        people.rename(robin.id, "Two\nlines")
    assert people.get(robin.id).alias == "Robin"


def _refused_without_echo(error: pytest.ExceptionInfo[InvalidText]) -> None:
    message = str(error.value)
    assert "cannot be stored" in message
    assert "before" not in message
    assert "after" not in message
    assert "\ud800" not in message


def test_a_lone_surrogate_is_refused_without_echoing_the_text(
    people: PeopleRepository,
    sessions: SessionsRepository,
    incidents: IncidentsRepository,
    robin: Person,
) -> None:
    with pytest.raises(InvalidText) as in_notes:
        sessions.add(robin.id, notes=LONE_SURROGATE)
    _refused_without_echo(in_notes)
    assert "notes" in str(in_notes.value)
    with pytest.raises(InvalidText) as in_incident:
        incidents.add(robin.id, witnesses=LONE_SURROGATE)
    _refused_without_echo(in_incident)
    assert "witnesses" in str(in_incident.value)
    with pytest.raises(InvalidText) as in_alias:
        people.add(alias=LONE_SURROGATE)
    _refused_without_echo(in_alias)
    assert sessions.list_for_person(robin.id) == []
    assert incidents.list_for_person(robin.id) == []
    assert [p.alias for p in people.list()] == ["Robin"]


def test_a_note_over_the_size_limit_is_refused_and_nothing_is_saved(
    sessions: SessionsRepository, robin: Person
) -> None:
    with pytest.raises(InvalidText, match="too long to save"):
        sessions.add(robin.id, notes="x" * (MAX_TEXT_CHARS + 1))
    assert sessions.list_for_person(robin.id) == []
