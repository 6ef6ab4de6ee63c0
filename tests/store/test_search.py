"""Search: ranked, marked snippets, consistent after edits, and deleted words really gone."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerdesk.store.db import Database
from peerdesk.store.incidents import TEXT_FIELDS, IncidentsRepository
from peerdesk.store.models import Person, SearchHitKind
from peerdesk.store.people import PeopleRepository
from peerdesk.store.schema import secure_delete_enabled
from peerdesk.store.search import search, snippet_parts
from peerdesk.store.sessions import SessionsRepository

from .conftest import plaintext_copy

FILLER = [
    "Talked about the rota and annual leave.",
    "Discussed the move to the new building.",
    "Colleague wants to think about options before the next talk.",
    "Planned how to raise it at the team meeting.",
    "Went through the grievance policy together.",
    "Mostly about workload and the new software.",
    "Agreed to keep a diary for two weeks.",
    "Short check-in by phone, feeling a bit better.",
]


@pytest.fixture
def robin(people: PeopleRepository, sessions: SessionsRepository) -> Person:
    """Robin, with some ordinary sessions, so that word rarity means something."""
    person = people.add(alias="Robin")
    for note in FILLER:
        sessions.add(person.id, notes=note)
    return person


def _marked(snippet: str) -> list[str]:
    return [text for text, matched in snippet_parts(snippet) if matched]


def test_the_best_match_comes_first_with_the_words_marked(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    passing = sessions.add(
        robin.id,
        notes="A long talk about the car park, the canteen, parking permits, the lifts, "
        "the new desks and the coffee machine; the manager shouted once, last year.",
    )
    central = sessions.add(robin.id, notes="The manager shouted at her, then shouted again.")
    hits = search(db, "shouted")
    assert [h.session_id for h in hits] == [central.id, passing.id]
    assert hits[0].rank > hits[1].rank
    assert all(h.kind is SearchHitKind.SESSION and h.person_id == robin.id for h in hits)
    assert _marked(hits[0].snippet) == ["shouted", "shouted"]
    assert "".join(text for text, _ in snippet_parts(hits[0].snippet)) == central.notes


def test_an_alias_outranks_a_passing_mention(
    db: Database, people: PeopleRepository, sessions: SessionsRepository, robin: Person
) -> None:
    jordan = people.add(alias="Jordan")
    sessions.add(robin.id, notes="Robin said Jordan from accounts saw it happen at the desk.")
    hits = search(db, "jordan")
    assert [(h.kind, h.person_id) for h in hits] == [
        (SearchHitKind.PERSON, jordan.id),
        (SearchHitKind.SESSION, robin.id),
    ]
    assert hits[0].session_id is None
    assert hits[0].incident_id is None


def test_search_ignores_case_and_accents_and_completes_the_last_word(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    cafe = sessions.add(robin.id, notes="Met at the Café Noir; she was shaking.")
    hindi = sessions.add(robin.id, notes="उसने कहा नमस्ते और चली गई")
    assert [h.session_id for h in search(db, "cafe")] == [cafe.id]
    assert [h.session_id for h in search(db, "SHAK")] == [cafe.id]
    assert [h.session_id for h in search(db, "noir cafe")] == [cafe.id]
    assert search(db, "noir shouted") == []  # every word must match
    # Vowel signs are part of the word, so the whole word is found and marked.
    (hit,) = search(db, "नमस्ते")
    assert (hit.session_id, _marked(hit.snippet)) == (hindi.id, ["नमस्ते"])


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_every_incident_field_is_searchable(
    db: Database, incidents: IncidentsRepository, robin: Person, field: str
) -> None:
    fields: dict[str, Any] = {field: "Xylophone rehearsal room"}
    incident = incidents.add(robin.id, **fields)
    hits = search(db, "xylophone")
    assert [(h.kind, h.incident_id, h.session_id) for h in hits] == [
        (SearchHitKind.INCIDENT, incident.id, None)
    ]
    assert _marked(hits[0].snippet) == ["Xylophone"]


def test_results_follow_edits_and_deletions(
    db: Database,
    people: PeopleRepository,
    sessions: SessionsRepository,
    incidents: IncidentsRepository,
    robin: Person,
) -> None:
    session = sessions.add(robin.id, notes="He slammed the door.")
    incident = incidents.add(robin.id, what_happened="Locked out of the shared drive")
    sessions.update(session.id, notes="He kicked the bin.")
    incidents.update(incident.id, what_happened="Removed from the rota")
    people.rename(robin.id, "Robyn")
    assert search(db, "slammed") == []
    assert [h.session_id for h in search(db, "kicked")] == [session.id]
    assert search(db, "locked") == []
    assert [h.incident_id for h in search(db, "removed")] == [incident.id]
    assert search(db, "robin") == []
    assert [h.person_id for h in search(db, "robyn")] == [robin.id]

    sessions.delete(session.id)
    incidents.delete(incident.id)
    assert search(db, "kicked") == []
    assert search(db, "removed") == []
    people.delete(robin.id)
    assert search(db, "robyn") == []
    assert search(db, "rota") == []  # the filler sessions went with Robin


def test_real_names_are_not_searchable(db: Database, people: PeopleRepository) -> None:
    people.add(alias="R", real_name="Rosalind Franklin")
    assert search(db, "Rosalind") == []


def test_the_number_of_results_is_limited(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    for n in range(12):
        sessions.add(robin.id, notes=f"Meeting number {n} went badly.")
    assert len(search(db, "meeting")) == 13  # twelve plus one filler note
    assert len(search(db, "meeting", limit=5)) == 5


def test_markers_inside_notes_do_not_fake_a_match(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    sessions.add(robin.id, notes="Pasted \x02fake\x03 markers, «quotes» and a real word")
    (hit,) = search(db, "real")
    assert _marked(hit.snippet) == ["real"]
    assert "«quotes»" in hit.snippet


def test_a_very_long_note_gets_a_snippet_at_the_match(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    long_note = "Routine words about the week. " * 5_000 + "Then he threatened her. " + "x " * 10
    session = sessions.add(robin.id, notes=long_note)
    (hit,) = search(db, "threatened")
    assert hit.session_id == session.id
    assert _marked(hit.snippet) == ["threatened"]
    assert hit.snippet.startswith("…")
    assert "Then" in hit.snippet


def test_a_note_with_nul_characters_gets_a_whole_snippet(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    sessions.add(robin.id, notes="before\x00the break came the shove")
    (hit,) = search(db, "shove")
    assert hit.snippet == "before the break came the \x02shove\x03"


HOSTILE_QUERIES = [
    "",
    "   ",
    '"',
    '""',
    '"unbalanced',
    "NEAR(",
    "NEAR(a b",
    "*",
    "-",
    "-rota",
    "a OR",
    "AND",
    "NOT rota",
    "^rota",
    "notes:rota",
    "{notes}: rota",
    "(rota",
    "rota)",
    "\x00",
    "rota\x00leave",
    "\ud800",
    "😀",
    "rota 😀",
    "\u202eatoR",
    "'; DROP TABLE people; --",
    "word " * 5_000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_raise(db: Database, robin: Person, query: str) -> None:
    hits = search(db, query)
    assert all(h.person_id == robin.id for h in hits)
    assert PeopleRepository(db).get(robin.id).alias == "Robin"


def test_syntax_is_searched_as_words(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    session = sessions.add(robin.id, notes="She said NOT now, near the OR theatre.")
    assert [h.session_id for h in search(db, "NOT near OR")] == [session.id]
    assert [h.session_id for h in search(db, '"theatre"')] == [session.id]


def test_any_typed_text_is_a_valid_query(db: Database, robin: Person) -> None:
    @settings(max_examples=300, deadline=None)
    @given(query=st.text())
    def check(query: str) -> None:
        hits = search(db, query)
        assert all(h.person_id == robin.id for h in hits)

    check()


# -- erasure -----------------------------------------------------------------


def test_a_deleted_note_leaves_no_trace_in_the_vault(
    tmp_path: Path, db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    assert secure_delete_enabled(db)
    marker = f"zqxmarker{uuid.uuid4().hex}"
    doomed = sessions.add(robin.id, notes=f"She told me {marker} about the manager")
    for note in FILLER:
        sessions.add(robin.id, notes=note)
    export = tmp_path / "plain.db"
    # The scan sees the marker while the note exists (in the table and the index)...
    before = plaintext_copy(db, export)
    assert before.count(marker.encode("utf-8")) >= 2

    sessions.delete(doomed.id)

    # ...and nowhere once it is deleted, index pages included.
    after = plaintext_copy(db, export)
    assert marker.encode("utf-8") not in after
    assert marker[3:].encode("utf-8") not in after
    assert b"grievance" in after  # the copy is readable: other notes are still there
    assert search(db, marker) == []
