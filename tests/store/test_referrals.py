"""Referral handoffs: what a supporter writes is what the PDF is built from, step by step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from peerdesk.store.audit import AuditLog
from peerdesk.store.db import Database
from peerdesk.store.errors import InvalidText, NotFound
from peerdesk.store.incidents import IncidentsRepository
from peerdesk.store.models import (
    Incident,
    Person,
    RecipientType,
    Referral,
    ReferralId,
    ReferralItem,
    ReferralItemKind,
    ReferralStatus,
    SafetyCheck,
    Session,
    Urgency,
)
from peerdesk.store.people import PeopleRepository
from peerdesk.store.referrals import MAX_RISK_FLAGS, ReferralsRepository
from peerdesk.store.sessions import SessionsRepository
from peerdesk.timeline import DateStyle, referral_row

TODAY = date.today()
SECRET = "Manager shouted about the overtime"


@pytest.fixture
def talk(sessions: SessionsRepository, robin: Person) -> Session:
    return sessions.add(robin.id, notes=SECRET, started_at=datetime(2024, 5, 2, 10, 0))


@pytest.fixture
def diary(incidents: IncidentsRepository, robin: Person) -> Incident:
    return incidents.add(robin.id, what_happened=SECRET, occurred_at=datetime(2024, 4, 29, 9, 0))


def _session_item(session: Session, summary: str = "First talk", **kw: Any) -> ReferralItem:
    return ReferralItem(ReferralItemKind.SESSION, session.id, summary, **kw)


def _incident_item(incident: Incident, summary: str = "The meeting", **kw: Any) -> ReferralItem:
    return ReferralItem(ReferralItemKind.INCIDENT, incident.id, summary, **kw)


def _draft(referrals: ReferralsRepository, person: Person, **fields: Any) -> Referral:
    given: dict[str, Any] = {"recipient_type": RecipientType.EAP, "recipient_name": "Acme Assist"}
    given.update(fields)
    return referrals.add(person.id, **given)


def _backdate(db: Database, referral_id: ReferralId, days: int) -> None:
    """Pretend the referral was started (and exported, if it was) ``days`` ago."""
    then = (datetime.now(UTC) - timedelta(days=days)).isoformat()
    db.execute(
        """UPDATE referrals SET created_at = ?,
            exported_at = CASE WHEN exported_at IS NULL THEN NULL ELSE ? END WHERE id = ?""",
        (then, then, referral_id),
    )


@pytest.fixture
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the connection runs while the test does."""
    seen: list[str] = []
    db.connection.set_trace_callback(seen.append)
    yield seen
    db.connection.set_trace_callback(None)


# -- writing a draft ------------------------------------------------------------------------


def test_a_draft_keeps_everything_written_for_the_service(
    referrals: ReferralsRepository, robin: Person, talk: Session, diary: Incident
) -> None:
    draft = _draft(
        referrals,
        robin,
        situation="Repeated public criticism",
        assessment="Low mood, not sleeping",
        urgency=Urgency.SOON,
        colleague_name="  Jo Doe  ",
        contact_safe_way="Personal mobile, text first",
        contact_safe_times="Weekday evenings",
        language_needs="Prefers Polish for phone calls",
        risk_flags=["Mentioned not sleeping", "  ", "Isolated at work"],
        safety_check=SafetyCheck.DONE,
        items=[_incident_item(diary), _session_item(talk, include_raw=True)],
        follow_up_on=TODAY + timedelta(days=7),
    )
    assert draft.status is ReferralStatus.DRAFT
    assert draft.colleague_name == "Jo Doe"
    assert draft.contact_safe_way == "Personal mobile, text first"
    assert (draft.contact_safe_times, draft.language_needs) == (
        "Weekday evenings",
        "Prefers Polish for phone calls",
    )
    # Blank lines left in the list of flags are not flags.
    assert draft.risk_flags == ("Mentioned not sleeping", "Isolated at work")
    assert draft.safety_check is SafetyCheck.DONE
    assert draft.items == (
        ReferralItem(ReferralItemKind.INCIDENT, diary.id, "The meeting", False),
        ReferralItem(ReferralItemKind.SESSION, talk.id, "First talk", True),
    )
    assert (draft.sent_on, draft.acknowledged_on, draft.outcome_on, draft.outcome_note) == (
        None,
        None,
        None,
        "",
    )
    assert referrals.get(draft.id) == draft
    assert referrals.list_for_person(robin.id) == [draft]


def test_a_draft_started_the_old_way_gets_empty_new_fields(
    referrals: ReferralsRepository, robin: Person
) -> None:
    draft = referrals.add(
        robin.id,
        recipient_type=RecipientType.CRISIS,
        recipient_name="Not chosen yet",
        urgency=Urgency.URGENT,
    )
    assert (draft.colleague_name, draft.contact_safe_way, draft.risk_flags, draft.items) == (
        "",
        "",
        (),
        (),
    )
    assert draft.safety_check is SafetyCheck.NOT_RECORDED


def test_items_are_replaced_as_a_whole_in_the_order_given(
    referrals: ReferralsRepository, robin: Person, talk: Session, diary: Incident
) -> None:
    draft = _draft(referrals, robin, items=[_session_item(talk)])
    both = referrals.update(
        draft.id, items=[_incident_item(diary, "Canteen, Monday"), _session_item(talk, "Talk")]
    )
    assert [(i.kind, i.summary) for i in both.items] == [
        (ReferralItemKind.INCIDENT, "Canteen, Monday"),
        (ReferralItemKind.SESSION, "Talk"),
    ]
    swapped = referrals.update(draft.id, items=list(reversed(both.items)))
    assert [i.kind for i in swapped.items] == [ReferralItemKind.SESSION, ReferralItemKind.INCIDENT]
    # Changing something else leaves the items alone.
    assert referrals.update(draft.id, situation="New words").items == swapped.items
    assert referrals.update(draft.id, items=[]).items == ()


def test_a_draft_can_change_every_new_field(referrals: ReferralsRepository, robin: Person) -> None:
    draft = _draft(referrals, robin, risk_flags=["Old flag"])
    changed = referrals.update(
        draft.id,
        colleague_name="Jo",
        contact_safe_way="Work email only",
        contact_safe_times="Mornings",
        language_needs="",
        risk_flags=["Talked of leaving"],
        safety_check=SafetyCheck.NOT_DONE,
    )
    assert changed.colleague_name == "Jo"
    assert (changed.contact_safe_way, changed.contact_safe_times) == ("Work email only", "Mornings")
    assert changed.risk_flags == ("Talked of leaving",)
    assert changed.safety_check is SafetyCheck.NOT_DONE
    assert referrals.get(draft.id) == changed


def test_another_persons_records_cannot_go_into_a_referral(
    people: PeopleRepository,
    sessions: SessionsRepository,
    incidents: IncidentsRepository,
    referrals: ReferralsRepository,
    robin: Person,
    talk: Session,
) -> None:
    sam = people.add(alias="Sam")
    theirs = sessions.add(sam.id, notes="Sam's own story")
    their_entry = incidents.add(sam.id, what_happened="Sam's diary")
    draft = _draft(referrals, robin, items=[_session_item(talk)])
    for stray in (_session_item(theirs), _incident_item(their_entry)):
        with pytest.raises(ValueError, match="this person's own sessions and diary entries"):
            referrals.update(draft.id, items=[_session_item(talk), stray])
        with pytest.raises(ValueError, match="this person's own"):
            _draft(referrals, robin, items=[stray])
    assert referrals.get(draft.id) == draft
    assert referrals.list_for_person(robin.id) == [draft]


def test_a_deleted_or_repeated_record_is_refused_in_plain_words(
    sessions: SessionsRepository,
    incidents: IncidentsRepository,
    referrals: ReferralsRepository,
    robin: Person,
    talk: Session,
    diary: Incident,
) -> None:
    draft = _draft(referrals, robin)
    gone = sessions.add(robin.id, notes="Deleted later")
    gone_entry = incidents.add(robin.id)
    sessions.delete(gone.id)
    incidents.delete(gone_entry.id)
    with pytest.raises(ValueError, match="session chosen for this referral no longer exists"):
        referrals.update(draft.id, items=[_session_item(gone)])
    with pytest.raises(ValueError, match="diary entry chosen for this referral no longer exists"):
        referrals.update(draft.id, items=[_incident_item(gone_entry)])
    with pytest.raises(ValueError, match="chosen twice"):
        referrals.update(draft.id, items=[_session_item(talk), _session_item(talk, "again")])
    # A session and a diary entry may share a number: they are different records.
    both = referrals.update(
        draft.id,
        items=[_session_item(talk), ReferralItem(ReferralItemKind.INCIDENT, diary.id, "x")],
    )
    assert len(both.items) == 2
    assert referrals.get(draft.id).items == both.items


def test_bad_text_is_refused_by_field_without_repeating_what_was_typed(
    referrals: ReferralsRepository, robin: Person, talk: Session
) -> None:
    draft = _draft(referrals, robin, colleague_name="Jo")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"colleague_name": f"Jo\n{SECRET}"}, "name the service should use must be a single line"),
        ({"risk_flags": [f"one\n{SECRET}"]}, "risk flag must be a single line"),
        ({"risk_flags": [SECRET] * (MAX_RISK_FLAGS + 1)}, "at most 50 risk flags"),
        ({"contact_safe_way": SECRET * 100}, "safe way to contact them is too long"),
        ({"language_needs": SECRET + "\ud800"}, "language or access needs"),
        ({"items": [_session_item(talk, SECRET + "\udfff")]}, "summary of the session"),
    ]
    for change, message in cases:
        with pytest.raises(ValueError, match=message) as refused:
            referrals.update(draft.id, **change)
        assert SECRET not in str(refused.value)
    with pytest.raises(TypeError):
        referrals.update(draft.id, risk_flags="one flag")  # type: ignore[arg-type]
    assert referrals.get(draft.id) == draft


def test_a_lone_surrogate_in_a_new_draft_saves_nothing(
    referrals: ReferralsRepository, robin: Person, talk: Session
) -> None:
    with pytest.raises(InvalidText):
        _draft(referrals, robin, items=[_session_item(talk, "bad \ud800")])
    assert referrals.list_for_person(robin.id) == []


def test_once_exported_nothing_but_the_follow_up_changes(
    referrals: ReferralsRepository, robin: Person, talk: Session
) -> None:
    referral = _draft(referrals, robin, items=[_session_item(talk)], risk_flags=["A"])
    exported = referrals.update_status(referral.id, ReferralStatus.CREATED)
    for change in (
        {"items": []},
        {"risk_flags": []},
        {"colleague_name": "Someone else"},
        {"safety_check": SafetyCheck.DONE},
        {"contact_safe_times": "Any time"},
    ):
        with pytest.raises(ValueError, match="already been exported"):
            referrals.update(referral.id, **change)
    later = referrals.update(referral.id, follow_up_on=TODAY + timedelta(days=3))
    assert later.follow_up_on == TODAY + timedelta(days=3)
    assert later.items == exported.items
    assert later.risk_flags == ("A",)


# -- its steps ------------------------------------------------------------------------------


def test_a_referral_goes_through_every_step_with_its_dates(
    db: Database, referrals: ReferralsRepository, audit: AuditLog, robin: Person
) -> None:
    referral = _draft(referrals, robin)
    exported = referrals.update_status(referral.id, ReferralStatus.CREATED)
    assert exported.exported_at is not None
    _backdate(db, referral.id, 10)
    day = TODAY - timedelta(days=9)
    sent = referrals.update_status(referral.id, ReferralStatus.SENT, on=day)
    assert sent.sent_on == day
    acknowledged = referrals.update_status(referral.id, ReferralStatus.ACKNOWLEDGED, on=day)
    assert acknowledged.acknowledged_on == day
    ended = referrals.update_status(
        referral.id, ReferralStatus.NOT_CONNECTED, on=TODAY - timedelta(days=2), note="Waitlist"
    )
    assert (ended.status, ended.outcome_on, ended.outcome_note) == (
        ReferralStatus.NOT_CONNECTED,
        TODAY - timedelta(days=2),
        "Waitlist",
    )
    # The colleague called after all: the outcome is corrected, its note kept unless given.
    corrected = referrals.update_status(referral.id, ReferralStatus.CONNECTED)
    assert (corrected.status, corrected.outcome_on, corrected.outcome_note) == (
        ReferralStatus.CONNECTED,
        TODAY,
        "Waitlist",
    )
    renoted = referrals.update_status(referral.id, ReferralStatus.CONNECTED, note="")
    assert renoted.outcome_note == ""
    assert (renoted.sent_on, renoted.acknowledged_on) == (day, day)
    assert [e.action for e in audit.list()] == ["referral_exported"]


def test_a_sent_referral_can_end_without_an_acknowledgement(
    referrals: ReferralsRepository, robin: Person
) -> None:
    referral = _draft(referrals, robin)
    referrals.update_status(referral.id, ReferralStatus.CREATED)
    referrals.update_status(referral.id, ReferralStatus.SENT)
    ended = referrals.update_status(referral.id, ReferralStatus.CONNECTED)
    assert (ended.acknowledged_on, ended.outcome_on, ended.outcome_note) == (None, TODAY, "")


def test_exporting_again_is_logged_again_and_keeps_the_first_time(
    referrals: ReferralsRepository, audit: AuditLog, robin: Person
) -> None:
    referral = _draft(referrals, robin, situation=SECRET)
    first = referrals.update_status(referral.id, ReferralStatus.CREATED)
    again = referrals.update_status(referral.id, ReferralStatus.CREATED)
    assert again.exported_at == first.exported_at
    assert again.status is ReferralStatus.CREATED
    assert [(e.action, e.count) for e in audit.list()] == [
        ("referral_exported", None),
        ("referral_exported", None),
    ]


def _at(referrals: ReferralsRepository, person: Person, status: ReferralStatus) -> Referral:
    referral = _draft(referrals, person)
    path = [
        ReferralStatus.CREATED,
        ReferralStatus.SENT,
        ReferralStatus.ACKNOWLEDGED,
        ReferralStatus.CONNECTED,
    ]
    if status is ReferralStatus.NOT_CONNECTED:
        path[-1] = ReferralStatus.NOT_CONNECTED
    for step in path:
        if referral.status is status:
            break
        referral = referrals.update_status(referral.id, step)
    assert referral.status is status
    return referral


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            ReferralStatus.DRAFT,
            ReferralStatus.SENT,
            "A referral that is a draft cannot be marked sent. Export it as a PDF first.",
        ),
        (
            ReferralStatus.DRAFT,
            ReferralStatus.CONNECTED,
            "A referral that is a draft cannot be marked connected. Export it as a PDF first.",
        ),
        (
            ReferralStatus.CREATED,
            ReferralStatus.ACKNOWLEDGED,
            "A referral that is exported as a PDF cannot be marked acknowledged. "
            "Mark it sent first.",
        ),
        (
            ReferralStatus.CREATED,
            ReferralStatus.NOT_CONNECTED,
            "A referral that is exported as a PDF cannot be marked not connected. "
            "Mark it sent first.",
        ),
        (
            ReferralStatus.SENT,
            ReferralStatus.DRAFT,
            "A referral that is sent cannot be marked a draft. Start a new referral instead.",
        ),
        (
            ReferralStatus.SENT,
            ReferralStatus.CREATED,
            "A referral that is sent cannot be marked exported.",
        ),
        (
            ReferralStatus.ACKNOWLEDGED,
            ReferralStatus.SENT,
            "A referral that is acknowledged cannot be marked sent.",
        ),
        (
            ReferralStatus.CONNECTED,
            ReferralStatus.ACKNOWLEDGED,
            "A referral that is connected cannot be marked acknowledged.",
        ),
        (
            ReferralStatus.NOT_CONNECTED,
            ReferralStatus.SENT,
            "A referral that is not connected cannot be marked sent.",
        ),
    ],
)
def test_a_step_out_of_order_is_refused_in_plain_words(
    referrals: ReferralsRepository,
    robin: Person,
    old: ReferralStatus,
    new: ReferralStatus,
    message: str,
) -> None:
    referral = _at(referrals, robin, old)
    with pytest.raises(ValueError, match="A referral that is") as refused:
        referrals.update_status(referral.id, new)
    assert str(refused.value) == message
    assert referrals.get(referral.id) == referral


def test_a_step_dated_in_the_future_or_before_the_one_before_is_refused(
    db: Database, referrals: ReferralsRepository, robin: Person
) -> None:
    referral = _draft(referrals, robin)
    referrals.update_status(referral.id, ReferralStatus.CREATED)
    with pytest.raises(ValueError, match="cannot be marked sent on a day still to come"):
        referrals.update_status(referral.id, ReferralStatus.SENT, on=TODAY + timedelta(days=1))
    with pytest.raises(ValueError, match="cannot be marked sent before .*exported as a PDF"):
        referrals.update_status(referral.id, ReferralStatus.SENT, on=TODAY - timedelta(days=1))
    _backdate(db, referral.id, 30)
    with pytest.raises(ValueError, match="before .*, when it was exported as a PDF"):
        referrals.update_status(referral.id, ReferralStatus.SENT, on=TODAY - timedelta(days=31))
    sent_on = TODAY - timedelta(days=20)
    referrals.update_status(referral.id, ReferralStatus.SENT, on=sent_on)
    with pytest.raises(ValueError, match="when it was sent") as refused:
        referrals.update_status(referral.id, ReferralStatus.ACKNOWLEDGED, on=sent_on - timedelta(1))
    assert str(refused.value) == (
        f"A referral cannot be marked acknowledged before {sent_on.isoformat()}, when it was sent."
    )
    acknowledged_on = TODAY - timedelta(days=10)
    referrals.update_status(referral.id, ReferralStatus.ACKNOWLEDGED, on=acknowledged_on)
    with pytest.raises(ValueError, match="when it was acknowledged"):
        referrals.update_status(referral.id, ReferralStatus.CONNECTED, on=TODAY - timedelta(11))
    with pytest.raises(TypeError):
        referrals.update_status(
            referral.id,
            ReferralStatus.CONNECTED,
            on=datetime.now(),  # a moment is not a day
        )
    kept = referrals.get(referral.id)
    assert (kept.status, kept.sent_on, kept.acknowledged_on) == (
        ReferralStatus.ACKNOWLEDGED,
        sent_on,
        acknowledged_on,
    )


def test_a_note_or_date_where_it_does_not_belong_is_refused(
    referrals: ReferralsRepository, robin: Person
) -> None:
    referral = _draft(referrals, robin)
    with pytest.raises(ValueError, match="not on a date"):
        referrals.update_status(referral.id, ReferralStatus.CREATED, on=TODAY)
    referrals.update_status(referral.id, ReferralStatus.CREATED)
    with pytest.raises(ValueError, match="note can only be kept with how a referral ended"):
        referrals.update_status(referral.id, ReferralStatus.SENT, note="Emailed")
    assert referrals.get(referral.id).status is ReferralStatus.CREATED


# -- discarding a draft ---------------------------------------------------------------------


def test_discarding_a_draft_erases_it_and_its_items_and_logs_without_content(
    db: Database,
    referrals: ReferralsRepository,
    sessions: SessionsRepository,
    audit: AuditLog,
    robin: Person,
    talk: Session,
) -> None:
    draft = _draft(referrals, robin, situation=SECRET, items=[_session_item(talk, SECRET)])
    referrals.delete_draft(draft.id)
    assert referrals.list_for_person(robin.id) == []
    assert db.scalar("SELECT count(*) FROM referral_items") == 0
    with pytest.raises(NotFound):
        referrals.get(draft.id)
    with pytest.raises(NotFound):
        referrals.delete_draft(draft.id)
    assert [(e.action, e.count) for e in audit.list()] == [("referral_draft_deleted", None)]
    # The session itself stays: only its place in the referral went.
    assert sessions.get(talk.id).notes == SECRET


@pytest.mark.parametrize("status", [s for s in ReferralStatus if s is not ReferralStatus.DRAFT])
def test_only_a_draft_can_be_discarded(
    referrals: ReferralsRepository, audit: AuditLog, robin: Person, status: ReferralStatus
) -> None:
    referral = _at(referrals, robin, status)
    with pytest.raises(ValueError, match="Only a draft referral can be discarded"):
        referrals.delete_draft(referral.id)
    assert referrals.get(referral.id) == referral
    assert "referral_draft_deleted" not in [e.action for e in audit.list()]


# -- records that go away -------------------------------------------------------------------


def test_deleting_a_session_or_entry_takes_it_out_of_the_referral(
    db: Database,
    referrals: ReferralsRepository,
    sessions: SessionsRepository,
    incidents: IncidentsRepository,
    robin: Person,
    talk: Session,
    diary: Incident,
) -> None:
    referral = _draft(
        referrals, robin, items=[_session_item(talk, SECRET), _incident_item(diary, SECRET)]
    )
    referrals.update_status(referral.id, ReferralStatus.CREATED)
    sessions.delete(talk.id)
    assert [i.kind for i in referrals.get(referral.id).items] == [ReferralItemKind.INCIDENT]
    incidents.delete(diary.id)
    assert referrals.get(referral.id).items == ()
    assert db.scalar("SELECT count(*) FROM referral_items") == 0
    # Deletion does not scan every item: an index serves each foreign key.
    for column in ("session_id", "incident_id"):
        plan = " ".join(
            str(row[3])
            for row in db.all(
                f"EXPLAIN QUERY PLAN SELECT 1 FROM referral_items WHERE {column} = ?",  # noqa: S608
                (1,),
            )
        )
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan


def test_deleting_the_person_takes_their_referrals_and_items(
    db: Database,
    people: PeopleRepository,
    referrals: ReferralsRepository,
    robin: Person,
    talk: Session,
    diary: Incident,
) -> None:
    _draft(referrals, robin, items=[_session_item(talk), _incident_item(diary)])
    people.delete(robin.id)
    assert db.scalar("SELECT count(*) FROM referrals") == 0
    assert db.scalar("SELECT count(*) FROM referral_items") == 0


# -- reading --------------------------------------------------------------------------------


def test_listing_reads_referrals_and_items_in_two_queries(
    referrals: ReferralsRepository,
    robin: Person,
    talk: Session,
    diary: Incident,
    statements: list[str],
) -> None:
    made = [
        _draft(referrals, robin, items=[_session_item(talk), _incident_item(diary)])
        for _ in range(5)
    ]
    statements.clear()
    listed = referrals.list_for_person(robin.id)
    assert [r.id for r in listed] == [r.id for r in reversed(made)]
    assert all(len(r.items) == 2 for r in listed)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_follow_ups_due_are_the_open_ones_earliest_first(
    people: PeopleRepository, referrals: ReferralsRepository, robin: Person
) -> None:
    later = _draft(referrals, robin, follow_up_on=TODAY)
    earlier = _draft(referrals, robin, follow_up_on=TODAY - timedelta(days=3))
    _draft(referrals, robin, follow_up_on=TODAY + timedelta(days=1))  # not yet
    _draft(referrals, robin)  # none planned
    concluded = _at(referrals, robin, ReferralStatus.CONNECTED)
    referrals.update(concluded.id, follow_up_on=TODAY - timedelta(days=5))
    sent = _at(referrals, robin, ReferralStatus.SENT)
    sent = referrals.update(sent.id, follow_up_on=TODAY - timedelta(days=1))
    closed = people.add(alias="Closed")
    _draft(referrals, closed, follow_up_on=TODAY - timedelta(days=9))
    people.close(closed.id)

    due = referrals.follow_ups_due(TODAY)
    assert [r.id for r in due] == [earlier.id, sent.id, later.id]
    assert referrals.follow_ups_due(TODAY - timedelta(days=10)) == []


# -- how it reads in the person's list ------------------------------------------------------


def _dates() -> DateStyle:
    return DateStyle(today=TODAY, day=lambda d: f"{d.day} {d:%b}")


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        (ReferralStatus.DRAFT, "Draft"),
        (ReferralStatus.CREATED, "PDF made"),
        (ReferralStatus.SENT, "Sent"),
        (ReferralStatus.ACKNOWLEDGED, "Acknowledged"),
        (ReferralStatus.CONNECTED, "Connected"),
        (ReferralStatus.NOT_CONNECTED, "Not connected"),
    ],
)
def test_each_status_reads_as_words_in_the_list(
    referrals: ReferralsRepository, robin: Person, status: ReferralStatus, badge: str
) -> None:
    row = referral_row(_at(referrals, robin, status), _dates())
    assert row.badge == badge
    assert row.alert is False
    assert row.title == "Employee assistance programme (EAP) · \u2068Acme Assist\u2069"


def test_the_follow_up_shows_while_open_and_alerts_once_due(
    referrals: ReferralsRepository, robin: Person
) -> None:
    soon = TODAY + timedelta(days=2)
    referral = _at(referrals, robin, ReferralStatus.SENT)
    planned = referral_row(referrals.update(referral.id, follow_up_on=soon), _dates())
    assert planned.detail.endswith(f" · follow up {soon.day} {soon:%b}")
    assert (planned.badge, planned.alert) == ("Sent", False)

    overdue = referral_row(
        referrals.update(referral.id, follow_up_on=TODAY - timedelta(days=3)), _dates()
    )
    assert overdue.alert is True
    assert overdue.badge == "Sent · Follow-up overdue (3 days)"

    ended = referrals.update_status(referral.id, ReferralStatus.CONNECTED)
    row = referral_row(ended, _dates())
    assert "follow up" not in row.detail
    assert (row.badge, row.alert) == ("Connected", False)
