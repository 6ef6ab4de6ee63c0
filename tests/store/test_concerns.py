"""Concern categories on sessions: stored from the fixed taxonomy only, read back as given."""

from __future__ import annotations

from datetime import datetime

import pytest

from peerdesk.store.db import Database
from peerdesk.store.models import ConcernCategory
from peerdesk.store.people import PeopleRepository
from peerdesk.store.sessions import SessionsRepository


@pytest.fixture
def person_id(people: PeopleRepository) -> int:
    return people.add(alias="Wren").id


def test_a_session_has_no_concerns_until_some_are_chosen(
    sessions: SessionsRepository, person_id: int
) -> None:
    session = sessions.add(person_id)  # type: ignore[arg-type]
    assert session.concerns == frozenset()
    assert sessions.get(session.id).concerns == frozenset()


def test_concerns_are_stored_listed_and_replaced(
    sessions: SessionsRepository, person_id: int, db: Database
) -> None:
    session = sessions.add(
        person_id,  # type: ignore[arg-type]
        started_at=datetime(2025, 3, 4, 10),
        concerns=[ConcernCategory.THREATS, ConcernCategory.VERBAL_ABUSE, ConcernCategory.THREATS],
    )
    assert session.concerns == {ConcernCategory.THREATS, ConcernCategory.VERBAL_ABUSE}
    # Stored once each, in taxonomy order, as the schema's JSON array.
    assert db.scalar("SELECT concerns FROM sessions WHERE id = ?", (session.id,)) == (
        '["verbal_abuse", "threats"]'
    )
    listed = sessions.list_for_person(person_id)  # type: ignore[arg-type]
    assert listed[0].concerns == session.concerns
    updated = sessions.update(session.id, concerns={ConcernCategory.OTHER})
    assert updated.concerns == {ConcernCategory.OTHER}
    # Updating something else leaves them alone; an empty collection clears them.
    assert sessions.update(session.id, notes="n").concerns == {ConcernCategory.OTHER}
    assert sessions.update(session.id, concerns=()).concerns == frozenset()


@pytest.mark.parametrize("bad", ["threats", ["threats"], [1], [None]])
def test_only_taxonomy_members_go_in(
    sessions: SessionsRepository, person_id: int, bad: object
) -> None:
    with pytest.raises(TypeError):
        sessions.add(person_id, concerns=bad)  # type: ignore[arg-type]
    session = sessions.add(person_id)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sessions.update(session.id, concerns=bad)  # type: ignore[arg-type]
    assert sessions.get(session.id).concerns == frozenset()
