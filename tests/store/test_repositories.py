"""The repositories: what a supporter saves is what they get back, and deletion is complete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from peerdesk.store.audit import AuditLog
from peerdesk.store.checklist_runs import ChecklistRunsRepository
from peerdesk.store.consents import ConsentsRepository
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, VaultWriteError
from peerdesk.store.incidents import IncidentsRepository
from peerdesk.store.models import (
    Consent,
    ConsentCategory,
    ConsentMethod,
    ConsentStatus,
    Person,
    PersonId,
    RecipientType,
    ReferralItem,
    ReferralItemKind,
    ReferralStatus,
    SessionId,
    SessionMode,
    Tick,
    Urgency,
)
from peerdesk.store.people import PeopleRepository
from peerdesk.store.referrals import ReferralsRepository
from peerdesk.store.search import search
from peerdesk.store.sessions import SessionsRepository
from peerdesk.store.settings import SettingsStore
from peerdesk.timeline import DateStyle, consent_row

TODAY = date(2024, 5, 15)


@pytest.fixture
def consents(db: Database) -> ConsentsRepository:
    return ConsentsRepository(db)


@pytest.fixture
def runs(db: Database) -> ChecklistRunsRepository:
    return ChecklistRunsRepository(db)


def _consent_for(consents: ConsentsRepository, person_id: PersonId, **overrides: Any) -> Consent:
    fields: dict[str, Any] = {
        "recipient_type": RecipientType.EAP,
        "recipient_name": "Acme EAP",
        "purpose": "Arrange short-term counselling",
        "categories": {ConsentCategory.CONTACT_DETAILS, ConsentCategory.CONCERNS_SUMMARY},
        "given_how": ConsentMethod.VERBAL,
        "given_on": date(2024, 5, 1),
        "expires_on": date(2024, 10, 31),
    }
    fields.update(overrides)
    return consents.add(person_id, **fields)


# -- people -------------------------------------------------------------------


def test_a_person_is_saved_listed_renamed_closed_and_reopened(people: PeopleRepository) -> None:
    kit = people.add(alias="  Kit  ", real_name="Kit Marlowe")
    ash = people.add(alias="ash")
    assert (kit.alias, kit.real_name, kit.closed) == ("Kit", "Kit Marlowe", False)
    assert kit.created_at.tzinfo is not None
    assert people.get(kit.id) == kit
    # By alias, ignoring case.
    assert [p.alias for p in people.list()] == ["ash", "Kit"]

    renamed = people.rename(kit.id, "Kit B")
    assert people.get(kit.id).alias == renamed.alias == "Kit B"
    assert people.set_real_name(kit.id, "  ").real_name is None

    closed = people.close(ash.id)
    assert closed.closed
    assert [p.alias for p in people.list()] == ["Kit B"]
    assert [p.alias for p in people.list(include_closed=True)] == ["ash", "Kit B"]
    assert not people.reopen(ash.id).closed
    assert [p.alias for p in people.list()] == ["ash", "Kit B"]


def test_asking_for_a_missing_person_says_it_may_have_been_deleted(
    people: PeopleRepository,
) -> None:
    with pytest.raises(NotFound, match="may have been deleted"):
        people.get(PersonId(999))
    with pytest.raises(NotFound):
        people.rename(PersonId(999), "Nobody")


def test_a_person_shows_their_last_contact_and_a_due_follow_up(
    people: PeopleRepository, sessions: SessionsRepository, robin: Person
) -> None:
    assert (robin.last_contact, robin.follow_up_due) == (None, None)
    sessions.add(robin.id, started_at=datetime(2024, 5, 2, 10, 0), follow_up_on=date(2024, 5, 9))
    sessions.add(robin.id, started_at=datetime(2024, 5, 6, 14, 30), follow_up_on=date(2024, 5, 20))

    before_due = people.get(robin.id, today=TODAY)
    assert before_due.last_contact == datetime(2024, 5, 6, 14, 30)
    # The follow-up planned on 2 May was overtaken by the talk on 6 May.
    assert before_due.follow_up_due is None
    assert people.get(robin.id, today=date(2024, 5, 20)).follow_up_due == date(2024, 5, 20)
    people.close(robin.id)
    assert people.get(robin.id, today=date(2024, 5, 20)).follow_up_due is None


# -- sessions -----------------------------------------------------------------


def test_a_session_round_trips_and_defaults_to_now(
    sessions: SessionsRepository, robin: Person
) -> None:
    before = datetime.now().replace(microsecond=0)
    session = sessions.add(robin.id, notes="First talk.", duration_minutes=40)
    after = datetime.now()
    assert session.started_at.tzinfo is None
    assert before <= session.started_at <= after
    assert (session.notes, session.duration_minutes, session.mode) == (
        "First talk.",
        40,
        SessionMode.IN_PERSON,
    )
    assert sessions.get(session.id) == session


@pytest.mark.parametrize("mode", list(SessionMode))
def test_every_session_mode_can_be_saved(
    sessions: SessionsRepository, robin: Person, mode: SessionMode
) -> None:
    assert sessions.get(sessions.add(robin.id, mode=mode).id).mode is mode


def test_a_persons_timeline_is_newest_first(sessions: SessionsRepository, robin: Person) -> None:
    middle = sessions.add(robin.id, started_at=datetime(2024, 5, 2, 9, 0))
    newest = sessions.add(robin.id, started_at=datetime(2024, 5, 9, 9, 0))
    oldest = sessions.add(robin.id, started_at=datetime(2024, 4, 25, 16, 0))
    timeline = sessions.list_for_person(robin.id)
    assert [s.id for s in timeline] == [newest.id, middle.id, oldest.id]
    assert [s.id for s in sessions.list_for_person(robin.id, limit=1)] == [newest.id]


def test_updating_a_session_changes_only_what_was_given(
    sessions: SessionsRepository, robin: Person
) -> None:
    session = sessions.add(
        robin.id,
        notes="Before",
        started_at=datetime(2024, 5, 2, 9, 0),
        duration_minutes=30,
        follow_up_on=date(2024, 5, 9),
    )
    edited = sessions.update(session.id, notes="After", mode=SessionMode.PHONE)
    assert (edited.notes, edited.mode, edited.duration_minutes) == ("After", SessionMode.PHONE, 30)
    assert edited.follow_up_on == date(2024, 5, 9)
    assert edited.updated_at >= session.updated_at
    assert sessions.update(session.id, follow_up_on=None).follow_up_on is None
    assert sessions.get(session.id).notes == "After"


def test_a_session_longer_than_a_day_is_refused(
    sessions: SessionsRepository, robin: Person
) -> None:
    with pytest.raises(ValueError, match="24 hours"):
        sessions.add(robin.id, duration_minutes=24 * 60 + 1)
    assert sessions.list_for_person(robin.id) == []


def test_a_session_for_a_deleted_person_is_refused(
    people: PeopleRepository, sessions: SessionsRepository, robin: Person
) -> None:
    people.delete(robin.id)
    with pytest.raises(NotFound):
        sessions.add(robin.id, notes="Too late")


def test_deleting_a_session_removes_it_and_its_checklists_and_is_logged(
    sessions: SessionsRepository, runs: ChecklistRunsRepository, audit: AuditLog, robin: Person
) -> None:
    keep = sessions.add(robin.id, notes="Keep")
    gone = sessions.add(robin.id, notes="Gone")
    runs.add(gone.id, "oars", 1)
    sessions.delete(gone.id)
    assert [s.id for s in sessions.list_for_person(robin.id)] == [keep.id]
    assert runs.list_for_session(gone.id) == []
    with pytest.raises(NotFound):
        sessions.get(gone.id)
    assert [e.action for e in audit.list()] == ["session_deleted"]


def test_follow_ups_due_lists_only_open_people_not_yet_followed_up(
    people: PeopleRepository, sessions: SessionsRepository
) -> None:
    ash, kit, lee, mo = (people.add(alias=a) for a in ("Ash", "Kit", "Lee", "Mo"))
    due_ash = sessions.add(
        ash.id, started_at=datetime(2024, 5, 1, 9), follow_up_on=date(2024, 5, 8)
    )
    due_kit = sessions.add(kit.id, started_at=datetime(2024, 5, 3, 9), follow_up_on=TODAY)
    # Lee's follow-up was done: there has been a later conversation.
    sessions.add(lee.id, started_at=datetime(2024, 5, 1, 9), follow_up_on=date(2024, 5, 8))
    sessions.add(lee.id, started_at=datetime(2024, 5, 10, 9))
    # Mo's is not due yet.
    sessions.add(mo.id, started_at=datetime(2024, 5, 1, 9), follow_up_on=date(2024, 6, 1))
    assert [s.id for s in sessions.follow_ups_due(TODAY)] == [due_ash.id, due_kit.id]
    people.close(ash.id)
    assert [s.id for s in sessions.follow_ups_due(TODAY)] == [due_kit.id]


# -- incidents ----------------------------------------------------------------


def test_the_incident_diary_reads_in_the_order_things_happened(
    incidents: IncidentsRepository, robin: Person
) -> None:
    later = incidents.add(robin.id, occurred_at=datetime(2024, 3, 5, 11, 0), place="Office")
    earlier = incidents.add(
        robin.id,
        occurred_at=datetime(2024, 2, 20, 15, 45),
        place="Canteen",
        what_happened="Mocked in front of the team",
        who_involved="Team lead",
        witnesses="Two colleagues",
        impact="Could not sleep",
        evidence_location="Screenshots on my phone",
    )
    latest = incidents.add(robin.id, occurred_at=datetime(2024, 4, 1, 8, 30), place="Car park")
    diary = incidents.list_for_person(robin.id)
    assert [i.id for i in diary] == [earlier.id, later.id, latest.id]
    assert diary[0] == incidents.get(earlier.id)
    assert (diary[0].witnesses, diary[0].evidence_location) == (
        "Two colleagues",
        "Screenshots on my phone",
    )


def test_an_incident_is_updated_and_deleted(
    incidents: IncidentsRepository, audit: AuditLog, robin: Person
) -> None:
    incident = incidents.add(robin.id, what_happened="Shouted at", place="Office")
    edited = incidents.update(incident.id, impact="Took a day off", place="Meeting room 2")
    assert (edited.what_happened, edited.place, edited.impact) == (
        "Shouted at",
        "Meeting room 2",
        "Took a day off",
    )
    incidents.delete(incident.id)
    assert incidents.list_for_person(robin.id) == []
    with pytest.raises(NotFound):
        incidents.update(incident.id, impact="x")
    assert [e.action for e in audit.list()] == ["incident_deleted"]


# -- consents -----------------------------------------------------------------


def test_consent_is_active_until_it_expires(consents: ConsentsRepository, robin: Person) -> None:
    consent = _consent_for(consents, robin.id)
    assert consents.get(consent.id) == consent
    assert consent.categories == {ConsentCategory.CONTACT_DETAILS, ConsentCategory.CONCERNS_SUMMARY}
    assert consent.status(date(2024, 10, 31)) is ConsentStatus.ACTIVE
    assert consent.status(date(2024, 11, 1)) is ConsentStatus.EXPIRED


def test_withdrawing_consent_keeps_it_as_history(
    consents: ConsentsRepository, robin: Person
) -> None:
    old = _consent_for(consents, robin.id, given_on=date(2024, 1, 5), expires_on=date(2024, 3, 1))
    current = _consent_for(consents, robin.id)
    withdrawn = consents.withdraw(current.id, on=date(2024, 5, 10))
    assert withdrawn.withdrawn_on == date(2024, 5, 10)
    assert withdrawn.status(TODAY) is ConsentStatus.WITHDRAWN
    # Withdrawing again does not move the recorded date.
    assert consents.withdraw(current.id, on=TODAY).withdrawn_on == date(2024, 5, 10)
    history = consents.list_for_person(robin.id)
    assert [c.id for c in history] == [current.id, old.id]
    assert [c.status(TODAY) for c in history] == [ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED]


@pytest.mark.parametrize("recipient", list(RecipientType))
def test_consent_can_name_every_kind_of_service(
    consents: ConsentsRepository, robin: Person, recipient: RecipientType
) -> None:
    consent = _consent_for(
        consents, robin.id, recipient_type=recipient, categories=set(ConsentCategory)
    )
    stored = consents.get(consent.id)
    assert stored.recipient_type is recipient
    assert stored.categories == frozenset(ConsentCategory)


def test_a_consent_can_cover_any_service_of_a_kind(
    consents: ConsentsRepository, robin: Person
) -> None:
    any_eap = _consent_for(consents, robin.id, recipient_name="   ")
    assert consents.get(any_eap.id).recipient_name == ""
    row = consent_row(any_eap, DateStyle(today=TODAY))
    assert row.title == "Employee assistance programme (EAP) · any"
    with pytest.raises(ValueError, match="single line"):
        _consent_for(consents, robin.id, recipient_name="Acme\nEAP")
    assert consents.list_for_person(robin.id) == [any_eap]


def test_consent_that_expires_before_it_was_given_is_refused(
    consents: ConsentsRepository, robin: Person
) -> None:
    with pytest.raises(ValueError, match="expire before"):
        _consent_for(consents, robin.id, expires_on=date(2024, 4, 30))
    with pytest.raises(ValueError, match="at least one"):
        _consent_for(consents, robin.id, categories=set())
    assert consents.list_for_person(robin.id) == []


# -- referrals ----------------------------------------------------------------


def test_a_referral_goes_from_draft_to_pdf_to_sent_to_connected(
    consents: ConsentsRepository, referrals: ReferralsRepository, audit: AuditLog, robin: Person
) -> None:
    consent = _consent_for(consents, robin.id)
    draft = referrals.add(
        robin.id,
        recipient_type=RecipientType.EAP,
        recipient_name="Acme EAP",
        situation="Repeated public criticism",
        urgency=Urgency.SOON,
        consent_id=consent.id,
    )
    assert (draft.status, draft.exported_at, draft.consent_id) == (
        ReferralStatus.DRAFT,
        None,
        consent.id,
    )
    draft = referrals.update(draft.id, recommendation="Six counselling sessions")
    exported = referrals.update_status(draft.id, ReferralStatus.CREATED)
    assert exported.status is ReferralStatus.CREATED
    assert exported.exported_at is not None
    assert exported.recommendation == "Six counselling sessions"
    assert [e.action for e in audit.list()] == ["referral_exported"]
    sent = referrals.update_status(draft.id, ReferralStatus.SENT)
    assert sent.sent_on == date.today()
    connected = referrals.update_status(
        draft.id, ReferralStatus.CONNECTED, note="First call booked"
    )
    assert (connected.outcome_on, connected.outcome_note) == (date.today(), "First call booked")
    assert referrals.list_for_person(robin.id) == [connected]


def test_an_exported_referral_cannot_be_rewritten_or_sent_back_to_draft(
    referrals: ReferralsRepository, robin: Person
) -> None:
    referral = referrals.add(
        robin.id,
        recipient_type=RecipientType.CRISIS,
        recipient_name="Crisis line",
        urgency=Urgency.URGENT,
        override_reason="Risk to life; no time to ask",
    )
    referrals.update_status(referral.id, ReferralStatus.CREATED)
    with pytest.raises(ValueError, match="already been exported"):
        referrals.update(referral.id, situation="Changed afterwards")
    with pytest.raises(ValueError, match="cannot be marked a draft"):
        referrals.update_status(referral.id, ReferralStatus.DRAFT)
    later = referrals.update(referral.id, follow_up_on=date(2024, 5, 20))
    assert later.follow_up_on == date(2024, 5, 20)
    assert later.override_reason == "Risk to life; no time to ask"
    assert later.situation == ""


def test_a_referral_cannot_rely_on_someone_elses_consent(
    people: PeopleRepository,
    consents: ConsentsRepository,
    referrals: ReferralsRepository,
    robin: Person,
) -> None:
    other = people.add(alias="Sam")
    theirs = _consent_for(consents, other.id)
    with pytest.raises(ValueError, match="same person"):
        referrals.add(
            robin.id, recipient_type=RecipientType.HR, recipient_name="HR", consent_id=theirs.id
        )
    assert referrals.list_for_person(robin.id) == []


# -- checklist runs -----------------------------------------------------------


def test_a_checklist_run_keeps_its_ticks(
    sessions: SessionsRepository, runs: ChecklistRunsRepository, robin: Person
) -> None:
    session = sessions.add(robin.id)
    at = datetime(2024, 5, 2, 9, 5, tzinfo=UTC)
    run = runs.add(session.id, "oars", 2, ticks=[Tick("open_questions", at, "asked twice")])
    assert runs.get(run.id) == run
    assert (run.template_id, run.template_version) == ("oars", 2)
    ticks = (
        Tick("open_questions", at, "asked twice"),
        Tick("reflections", at + timedelta(minutes=3), "«it felt unfair»\nnext line"),
    )
    updated = runs.update_ticks(run.id, ticks)
    assert updated.ticks == ticks
    second = runs.add(session.id, "algee", 1)
    assert [r.id for r in runs.list_for_session(session.id)] == [run.id, second.id]
    with pytest.raises(ValueError, match="only once"):
        runs.update_ticks(run.id, [ticks[0], ticks[0]])
    assert runs.get(run.id).ticks == ticks


def test_a_checklist_run_needs_an_existing_session(runs: ChecklistRunsRepository) -> None:
    with pytest.raises(NotFound):
        runs.add(SessionId(404), "oars", 1)


# -- audit and settings -------------------------------------------------------


def test_the_audit_log_lists_newest_first_and_takes_only_plain_action_words(
    audit: AuditLog,
) -> None:
    audit.record("backup_created")
    audit.record("retention_purge", count=3)
    assert [(e.action, e.count) for e in audit.list()] == [
        ("retention_purge", 3),
        ("backup_created", None),
    ]
    assert [e.action for e in audit.list(limit=1)] == ["retention_purge"]
    with pytest.raises(ValueError, match="snake_case"):
        audit.record("deleted Robin's notes")
    assert len(audit.list()) == 2


def test_settings_keep_json_values_inside_the_vault(db: Database) -> None:
    settings = SettingsStore(db)
    assert settings.get("lock_after_minutes", 5) == 5
    settings.set("lock_after_minutes", 10)
    settings.set("crisis_contacts", [{"name": "Samaritans", "phone": "116 123"}])
    settings.set("lock_after_minutes", 15)
    assert settings.get("lock_after_minutes") == 15
    assert settings.get("crisis_contacts") == [{"name": "Samaritans", "phone": "116 123"}]
    settings.delete("lock_after_minutes")
    assert settings.get("lock_after_minutes", 5) == 5
    with pytest.raises(ValueError, match="JSON"):
        settings.set("ratio", float("nan"))
    assert settings.get("ratio") is None


# -- deleting a person --------------------------------------------------------

_PERSON_TABLES = {
    "sessions": "SELECT count(*) FROM sessions WHERE person_id = ?",
    "incidents": "SELECT count(*) FROM incidents WHERE person_id = ?",
    "consents": "SELECT count(*) FROM consents WHERE person_id = ?",
    "referrals": "SELECT count(*) FROM referrals WHERE person_id = ?",
    # Not through a join: an orphaned item must be counted too.
    "referral_items": "SELECT count(*) FROM referral_items WHERE summary = 'Summary for ' || ?",
    "checklist_runs": """SELECT count(*) FROM checklist_runs r
        JOIN sessions s ON s.id = r.session_id WHERE s.person_id = ?""",
    "search_index": "SELECT count(*) FROM search_index WHERE person_id = ?",
}


def _counts(db: Database, person_id: PersonId) -> dict[str, int]:
    return {table: db.scalar(sql, (person_id,)) for table, sql in _PERSON_TABLES.items()}


def test_deleting_a_person_erases_everything_about_them_and_logs_it_without_content(
    db: Database,
    people: PeopleRepository,
    sessions: SessionsRepository,
    incidents: IncidentsRepository,
    consents: ConsentsRepository,
    referrals: ReferralsRepository,
    runs: ChecklistRunsRepository,
    audit: AuditLog,
) -> None:
    robin = people.add(alias="Robin Quill", real_name="Robin Q. Realname")
    other = people.add(alias="Sam")
    for person in (robin, other):
        session = sessions.add(person.id, notes=f"Notes about {person.alias}")
        runs.add(session.id, "oars", 1, ticks=[Tick("open_questions", datetime.now(UTC))])
        incident = incidents.add(person.id, what_happened=f"Incident for {person.alias}")
        consent = _consent_for(consents, person.id)
        referrals.add(
            person.id,
            recipient_type=RecipientType.EAP,
            recipient_name="Acme EAP",
            consent_id=consent.id,
            items=[
                ReferralItem(ReferralItemKind.SESSION, session.id, f"Summary for {person.id}"),
                ReferralItem(ReferralItemKind.INCIDENT, incident.id, f"Summary for {person.id}"),
            ],
        )
    assert all(_counts(db, robin.id).values())

    people.delete(robin.id)

    assert _counts(db, robin.id) == dict.fromkeys(_PERSON_TABLES, 0)
    assert [p.alias for p in people.list(include_closed=True)] == ["Sam"]
    assert search(db, "Quill") == []
    assert all(_counts(db, other.id).values())
    (event,) = audit.list()
    assert (event.action, event.count) == ("person_deleted", None)
    (row,) = db.all("SELECT * FROM audit_events")
    # Nowhere to put a name or an id: only when, what, and an optional count.
    assert row.keys() == ["id", "occurred_at", "action", "count"]
    assert "Robin" not in repr(row[:])
    with pytest.raises(NotFound):
        people.get(robin.id)


def test_deleting_a_missing_person_changes_nothing(
    people: PeopleRepository, audit: AuditLog, robin: Person
) -> None:
    with pytest.raises(NotFound):
        people.delete(PersonId(robin.id + 100))
    assert audit.list() == []
    assert people.get(robin.id) == robin


# -- a full disk --------------------------------------------------------------


def test_a_full_disk_is_reported_and_earlier_notes_are_kept(
    db: Database, sessions: SessionsRepository, robin: Person
) -> None:
    first = sessions.add(robin.id, notes="Saved before the disk filled up.")
    pages = db.scalar("PRAGMA page_count")
    db.scalar(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(VaultWriteError, match="disk is full"):
        sessions.add(robin.id, notes="A long note. " * 50_000)
    assert [s.id for s in sessions.list_for_person(robin.id)] == [first.id]
    assert sessions.get(first.id).notes == "Saved before the disk filled up."
    assert [h.session_id for h in search(db, "filled")] == [first.id]
