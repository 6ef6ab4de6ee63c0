"""Schema migrations: every older vault upgrades with its data intact and searchable."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from peerdesk.store import schema
from peerdesk.store.audit import AuditLog
from peerdesk.store.checklist_runs import ChecklistRunsRepository
from peerdesk.store.consents import ConsentsRepository
from peerdesk.store.db import Database
from peerdesk.store.errors import VaultError, VaultTooNew
from peerdesk.store.incidents import IncidentsRepository
from peerdesk.store.models import (
    ConsentCategory,
    ConsentStatus,
    PersonId,
    RecipientType,
    ReferralItem,
    ReferralItemKind,
    ReferralStatus,
    SafetyCheck,
    SearchHitKind,
    SessionMode,
    TemplateOrigin,
    Tick,
)
from peerdesk.store.people import PeopleRepository
from peerdesk.store.referrals import ReferralsRepository
from peerdesk.store.schema import CURRENT_VERSION, migrate, schema_version
from peerdesk.store.search import search
from peerdesk.store.sessions import SessionsRepository
from peerdesk.store.settings import SettingsStore
from peerdesk.store.templates import TemplatesRepository


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


def _open(path: Path, key: bytes) -> Database:
    return Database.open(path, key, create=True)


def _hits(db: Database, text: str) -> list[tuple[SearchHitKind, int | None]]:
    return [
        (hit.kind, hit.session_id or hit.incident_id or hit.person_id) for hit in search(db, text)
    ]


# What each older version could hold, written with that version's own SQL (not
# with today's repositories), and what must be true of it after upgrading.
# A new migration needs a new entry here: the parametrized test fails without it.


def _write_nothing(db: Database) -> None:
    """Version 0 is an empty database: a vault whose creation stopped early."""


def _check_nothing(db: Database) -> None:
    assert PeopleRepository(db).list(include_closed=True) == []


def _write_v1(db: Database, exported: str = "exported") -> None:
    """``exported`` is how the version being seeded spells a referral whose PDF was made."""
    statements = [
        """INSERT INTO people(alias, real_name, created_at)
            VALUES ('Robin', NULL, '2024-01-02T10:00:00+00:00')""",
        """INSERT INTO sessions(person_id, started_at, duration_minutes, mode, notes,
            follow_up_on, created_at, updated_at)
            VALUES (1, '2024-01-03T09:30:00', 45, 'phone',
            'Talked about the rota and the shouting', '2024-01-10',
            '2024-01-03T10:20:00+00:00', '2024-01-03T10:20:00+00:00')""",
        """INSERT INTO incidents(person_id, occurred_at, place, what_happened, who_involved,
            witnesses, impact, evidence_location, created_at, updated_at)
            VALUES (1, '2023-12-18T15:00:00', 'Canteen', 'Laughed at in front of the team',
            'Team lead', 'Two colleagues', 'Could not sleep', 'Screenshots on phone',
            '2024-01-03T10:30:00+00:00', '2024-01-03T10:30:00+00:00')""",
        """INSERT INTO consents(person_id, recipient_type, recipient_name, purpose, categories,
            given_how, given_on, expires_on, withdrawn_on, created_at)
            VALUES (1, 'eap', 'Acme EAP', 'Arrange counselling',
            '["concerns_summary", "contact_details"]', 'verbal', '2024-01-03', '2024-07-03',
            NULL, '2024-01-03T10:40:00+00:00')""",
        f"""INSERT INTO referrals(person_id, consent_id, recipient_type, recipient_name,
            recipient_contact, situation, background, assessment, recommendation, urgency,
            override_reason, status, created_at, exported_at, follow_up_on)
            VALUES (1, 1, 'eap', 'Acme EAP', '0800 000 000', 'S', 'B', 'A', 'R', 'soon', NULL,
            '{exported}', '2024-01-03T10:50:00+00:00', '2024-01-03T11:00:00+00:00', NULL)""",  # noqa: S608 - a fixed word
        """INSERT INTO checklist_runs(session_id, template_id, template_version, ticks, started_at)
            VALUES (1, 'oars', 3, '[{"item_id": "open_questions",
            "ticked_at": "2024-01-03T09:35:00+00:00", "note": "asked"}]',
            '2024-01-03T09:31:00+00:00')""",
        """INSERT INTO audit_events(occurred_at, action, count)
            VALUES ('2024-01-03T11:00:00+00:00', 'referral_exported', NULL)""",
        "INSERT INTO settings(key, value) VALUES ('lock_after_minutes', '5')",
    ]
    with db.transaction():
        for statement in statements:
            db.execute(statement)


def _check_v1(db: Database) -> None:
    (robin,) = PeopleRepository(db).list(today=date(2024, 1, 10))
    assert robin.alias == "Robin"
    assert robin.last_contact == datetime(2024, 1, 3, 9, 30)
    assert robin.follow_up_due == date(2024, 1, 10)
    (session,) = SessionsRepository(db).list_for_person(robin.id)
    assert session.notes == "Talked about the rota and the shouting"
    assert session.mode is SessionMode.PHONE
    (incident,) = IncidentsRepository(db).list_for_person(robin.id)
    assert (incident.place, incident.evidence_location) == ("Canteen", "Screenshots on phone")
    (consent,) = ConsentsRepository(db).list_for_person(robin.id)
    assert consent.categories == {ConsentCategory.CONCERNS_SUMMARY, ConsentCategory.CONTACT_DETAILS}
    assert consent.status(date(2024, 3, 1)) is ConsentStatus.ACTIVE
    (referral,) = ReferralsRepository(db).list_for_person(robin.id)
    # "exported" became "created" (its PDF was made) in version 4.
    assert (referral.status, referral.consent_id) == (ReferralStatus.CREATED, consent.id)
    assert referral.exported_at == datetime(2024, 1, 3, 11, 0, tzinfo=UTC)
    assert (referral.situation, referral.recipient_contact) == ("S", "0800 000 000")
    (run,) = ChecklistRunsRepository(db).list_for_session(session.id)
    assert run.ticks == (Tick("open_questions", datetime(2024, 1, 3, 9, 35, tzinfo=UTC), "asked"),)
    assert [event.action for event in AuditLog(db).list()] == ["referral_exported"]
    assert SettingsStore(db).get("lock_after_minutes") == 5
    # Written before search existed, found after the upgrade.
    assert _hits(db, "shouting") == [(SearchHitKind.SESSION, session.id)]
    assert _hits(db, "canteen") == [(SearchHitKind.INCIDENT, incident.id)]
    assert _hits(db, "sleep") == [(SearchHitKind.INCIDENT, incident.id)]
    assert _hits(db, "robin") == [(SearchHitKind.PERSON, robin.id)]


def _write_v2(db: Database) -> None:
    """Version 2 has the same record tables; its rows are indexed by triggers as written."""
    _write_v1(db)
    found = db.all("SELECT kind, session_id FROM search_index WHERE search_index MATCH 'shouting'")
    assert [tuple(row) for row in found] == [("session", 1)]


def _check_v2(db: Database) -> None:
    _check_v1(db)


def _write_v3(db: Database) -> None:
    """Version 3 adds stored templates and a session risk flag; referrals in every old status."""
    _write_v1(db)
    statements = [
        "UPDATE sessions SET risk_flag = 1 WHERE id = 1",
        """INSERT INTO checklist_templates(template_id, version, source, origin, stored_at)
            VALUES ('oars', 3, x'6964203d20226f61727322', 'builtin',
            '2024-01-03T09:31:00+00:00')""",
    ]
    for status, situation in (
        ("draft", "Still writing"),
        ("accepted", "They called back"),
        ("declined", "Service full"),
    ):
        statements.append(
            f"""INSERT INTO referrals(person_id, consent_id, recipient_type, recipient_name,
                recipient_contact, situation, background, assessment, recommendation, urgency,
                override_reason, status, created_at, exported_at, follow_up_on)
                VALUES (1, NULL, 'hr', 'People team', '', '{situation}', '', '', '', 'routine',
                'Duty of care', '{status}', '2024-01-04T10:00:00+00:00', NULL, '2024-02-01')"""  # noqa: S608
        )
    with db.transaction():
        for statement in statements:
            db.execute(statement)


def _check_v3(db: Database) -> None:
    # Version 3 knows the flag and the stored template; the checks of version 1
    # would see the extra referrals, so look at those first, by situation.
    people = PeopleRepository(db)
    (robin,) = people.list(include_closed=True)
    assert robin.risk_flagged is True
    assert TemplatesRepository(db).get("oars", 3) == b'id = "oars"'
    referrals = {r.situation: r for r in ReferralsRepository(db).list_for_person(robin.id)}
    assert {situation: r.status for situation, r in referrals.items()} == {
        "S": ReferralStatus.CREATED,
        "Still writing": ReferralStatus.DRAFT,
        "They called back": ReferralStatus.ACKNOWLEDGED,
        "Service full": ReferralStatus.NOT_CONNECTED,
    }
    full = referrals["Service full"]
    assert (full.recipient_type, full.recipient_name) == (RecipientType.HR, "People team")
    assert (full.override_reason, full.follow_up_on) == ("Duty of care", date(2024, 2, 1))
    # New fields start empty: nothing is claimed that was never recorded.
    assert (full.colleague_name, full.risk_flags, full.items) == ("", (), ())
    assert full.safety_check is SafetyCheck.NOT_RECORDED
    assert (full.sent_on, full.acknowledged_on, full.outcome_on, full.outcome_note) == (
        None,
        None,
        None,
        "",
    )
    # Everything version 1 could hold is there too, once the extra referrals are set aside.
    db.execute("DELETE FROM referrals WHERE situation <> 'S'")
    _check_v1(db)


def _write_v4(db: Database) -> None:
    """Version 4 has referral items and the colleague's name on a referral."""
    _write_v1(db, exported="created")
    with db.transaction():
        db.execute(
            """INSERT INTO referral_items(referral_id, position, session_id, incident_id,
                summary, include_raw) VALUES (1, 0, 1, NULL, 'First talk', 0)"""
        )
        db.execute("UPDATE referrals SET colleague_name = 'R. Ashby' WHERE id = 1")


def _check_v4(db: Database) -> None:
    # Version 5's additions start empty: no concern, no hold, no contact log.
    people = PeopleRepository(db)
    (robin,) = people.list(include_closed=True)
    assert (robin.keep_until, robin.keep_reason) == (None, None)
    assert all(not s.concerns for s in SessionsRepository(db).list_for_person(robin.id))
    assert db.scalar("SELECT count(*) FROM contact_log") == 0
    (first,) = [r for r in ReferralsRepository(db).list_for_person(robin.id) if r.id == 1]
    assert first.colleague_name == "R. Ashby"
    assert [(item.record_id, item.summary) for item in first.items] == [(1, "First talk")]
    _check_v1(db)


SEEDS: dict[int, tuple[Callable[[Database], None], Callable[[Database], None]]] = {
    0: (_write_nothing, _check_nothing),
    1: (_write_v1, _check_v1),
    2: (_write_v2, _check_v2),
    3: (_write_v3, _check_v3),
    4: (_write_v4, _check_v4),
    5: (_write_v4, _check_v4),  # migration 6 changes only search triggers
    6: (_write_v4, _check_v4),  # migration 7 adds only an index
    7: (_write_v4, _check_v4),  # migration 8 defers re-indexing edits
}


def _check_templates_and_risk(db: Database, version: int) -> None:
    """What migration 3 adds: nothing flagged or stored yet; both work at once."""
    people, sessions = PeopleRepository(db), SessionsRepository(db)
    templates = TemplatesRepository(db)
    if version < 3:
        for person in people.list(include_closed=True):
            assert person.risk_flagged is False
            assert not any(s.risk_flag for s in sessions.list_for_person(person.id))
        assert templates.list() == []
    templates.add("coordinators-own", 2, b'id = "coordinators-own"', TemplateOrigin.IMPORTED)
    assert templates.get("coordinators-own", 2) == b'id = "coordinators-own"'
    person = people.add(alias="Flagged")
    session = sessions.add(person.id)
    sessions.set_risk_flag(session.id, True)
    assert people.get(person.id).risk_flagged is True


@pytest.mark.parametrize("version", range(CURRENT_VERSION))
def test_an_older_vault_upgrades_with_its_data_intact_and_searchable(
    tmp_path: Path, key: bytes, version: int
) -> None:
    write, check = SEEDS[version]
    db = _open(tmp_path / "vault.db", key)
    assert migrate(db, target=version) == version
    write(db)
    db.close()

    db = _open(tmp_path / "vault.db", key)
    assert migrate(db) == CURRENT_VERSION
    assert schema_version(db) == CURRENT_VERSION
    check(db)
    _check_templates_and_risk(db, version)
    _check_referral_handoffs(db)
    # And the upgraded vault keeps working: new records are found too.
    person = PeopleRepository(db).add(alias="Morgan")
    session = SessionsRepository(db).add(person.id, notes="Asked about the grievance process")
    assert _hits(db, "grievance") == [(SearchHitKind.SESSION, session.id)]
    db.close()


def test_migration_3_adds_the_template_store_and_the_risk_flag(tmp_path: Path, key: bytes) -> None:
    db = _open(tmp_path / "vault.db", key)
    migrate(db, target=2)
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'checklist_templates'") == 0
    migrate(db, target=3)
    columns = {row["name"]: row for row in db.all("PRAGMA table_info(checklist_templates)")}
    assert list(columns) == ["template_id", "version", "source", "origin", "stored_at"]
    assert [columns[name]["pk"] for name in ("template_id", "version")] == [1, 2]
    (flag,) = [row for row in db.all("PRAGMA table_info(sessions)") if row["name"] == "risk_flag"]
    assert (flag["type"], flag["notnull"], flag["dflt_value"]) == ("INTEGER", 1, "0")
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'sessions_flagged'") == 1
    db.close()


def _check_referral_handoffs(db: Database) -> None:
    """What migration 4 adds works at once: safe-contact fields, risk flags, items, statuses."""
    person = PeopleRepository(db).add(alias="Handoff")
    session = SessionsRepository(db).add(person.id, notes="Talked it through")
    incident = IncidentsRepository(db).add(person.id, what_happened="Shouted at")
    referrals = ReferralsRepository(db)
    referral = referrals.add(
        person.id,
        recipient_type=RecipientType.EAP,
        recipient_name="Acme Assist",
        colleague_name="J. Doe",
        contact_safe_way="Personal mobile, text first",
        risk_flags=["Mentioned not sleeping"],
        safety_check=SafetyCheck.DONE,
        items=[
            ReferralItem(ReferralItemKind.INCIDENT, incident.id, "The meeting on Monday"),
            ReferralItem(ReferralItemKind.SESSION, session.id, "First talk", include_raw=True),
        ],
    )
    assert referrals.get(referral.id) == referral
    assert [item.kind for item in referral.items] == [
        ReferralItemKind.INCIDENT,
        ReferralItemKind.SESSION,
    ]
    sent = referrals.update_status(referral.id, ReferralStatus.CREATED)
    assert referrals.update_status(sent.id, ReferralStatus.SENT).sent_on == date.today()
    assert schema.secure_delete_enabled(db)


def _referral_v3(db: Database, status: str, situation: str = "") -> None:
    db.execute(
        """INSERT INTO referrals(person_id, consent_id, recipient_type, recipient_name,
            recipient_contact, situation, background, assessment, recommendation, urgency,
            override_reason, status, created_at, exported_at, follow_up_on)
            VALUES (1, NULL, 'eap', 'Acme', '', ?, '', '', '', 'soon', NULL, ?,
            '2024-01-04T10:00:00+00:00', NULL, NULL)""",
        (situation, status),
    )


def test_migration_4_maps_every_old_referral_status_and_keeps_the_rest(
    tmp_path: Path, key: bytes
) -> None:
    db = _open(tmp_path / "vault.db", key)
    migrate(db, target=3)
    db.execute(
        "INSERT INTO people(alias, real_name, created_at) VALUES ('Robin', NULL, '2024-01-02')"
    )
    old = ["draft", "exported", "accepted", "declined"]
    for status in old:
        _referral_v3(db, status, situation=f"Was {status}")
    # A referral deleted before the upgrade: its id must never come back.
    _referral_v3(db, "draft", situation="Deleted")
    db.execute("DELETE FROM referrals WHERE situation = 'Deleted'")

    assert migrate(db, target=4) == 4

    rows = db.all("SELECT id, situation, status, urgency FROM referrals ORDER BY id")
    assert [tuple(row) for row in rows] == [
        (1, "Was draft", "draft", "soon"),
        (2, "Was exported", "created", "soon"),
        (3, "Was accepted", "acknowledged", "soon"),
        (4, "Was declined", "not_connected", "soon"),
    ]
    indexes = {
        row["name"]
        for row in db.all("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }
    assert {
        "referrals_by_person",
        "referrals_by_consent",
        "referrals_by_follow_up",
        "referral_items_by_session",
        "referral_items_by_incident",
    } <= indexes
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name LIKE 'referrals_v%'") == 0
    assert db.all("PRAGMA foreign_key_check") == []
    assert db.scalar("PRAGMA integrity_check") == "ok"
    new = ReferralsRepository(db).add(
        PersonId(1), recipient_type=RecipientType.HR, recipient_name="HR"
    )
    assert new.id == 6
    db.close()


def test_migration_4_refuses_what_the_old_statuses_meant(tmp_path: Path, key: bytes) -> None:
    """The schema itself keeps old words and bad items out, whatever the code does."""
    db = _open(tmp_path / "vault.db", key)
    migrate(db)
    person = PeopleRepository(db).add(alias="Robin")
    session = SessionsRepository(db).add(person.id)
    incident = IncidentsRepository(db).add(person.id)
    referral = ReferralsRepository(db).add(
        person.id, recipient_type=RecipientType.HR, recipient_name="HR"
    )
    bad = [
        ("UPDATE referrals SET status = 'exported' WHERE id = ?", (referral.id,)),
        ("UPDATE referrals SET safety_check = 'maybe' WHERE id = ?", (referral.id,)),
        ("UPDATE referrals SET risk_flags = 'not json' WHERE id = ?", (referral.id,)),
        (
            """INSERT INTO referral_items(referral_id, position, session_id, incident_id,
                summary, include_raw) VALUES (?, 0, ?, ?, '', 0)""",
            (referral.id, session.id, incident.id),
        ),
        (
            """INSERT INTO referral_items(referral_id, position, session_id, incident_id,
                summary, include_raw) VALUES (?, 0, NULL, NULL, '', 0)""",
            (referral.id,),
        ),
        (
            """INSERT INTO referral_items(referral_id, position, session_id, incident_id,
                summary, include_raw) VALUES (?, 0, ?, NULL, '', 2)""",
            (referral.id, session.id),
        ),
    ]
    for sql, params in bad:
        with pytest.raises(VaultError), db.transaction():
            db.execute(sql, params)
    assert ReferralsRepository(db).get(referral.id) == referral
    db.close()


def test_a_migration_4_cut_short_leaves_the_old_referrals_as_they_were(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _open(tmp_path / "vault.db", key)
    migrate(db, target=3)
    _write_v3(db)
    before = [tuple(row) for row in db.all("SELECT * FROM referrals ORDER BY id")]
    rebuild = schema.MIGRATIONS[3]

    def interrupted(db: Database) -> None:
        rebuild(db)
        raise RuntimeError("power cut")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS[:3], interrupted))
    with pytest.raises(RuntimeError):
        migrate(db)
    assert schema_version(db) == 3
    assert [tuple(row) for row in db.all("SELECT * FROM referrals ORDER BY id")] == before
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'referral_items'") == 0

    monkeypatch.undo()
    assert migrate(db) == CURRENT_VERSION
    _check_v3(db)
    db.close()


def test_opening_a_current_vault_again_changes_nothing(tmp_path: Path, key: bytes) -> None:
    db = _open(tmp_path / "vault.db", key)
    migrate(db)
    person = PeopleRepository(db).add(alias="Sam")
    assert migrate(db) == CURRENT_VERSION
    assert [p.id for p in PeopleRepository(db).list()] == [person.id]
    assert _hits(db, "sam") == [(SearchHitKind.PERSON, person.id)]
    db.close()


def test_a_vault_from_a_newer_peerdesk_is_refused_and_left_byte_identical(
    tmp_path: Path, key: bytes
) -> None:
    folder = tmp_path / "vault"
    folder.mkdir()
    db = _open(folder / "vault.db", key)
    migrate(db)
    PeopleRepository(db).add(alias="Robin")
    db.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    db.close()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    db = _open(folder / "vault.db", key)
    with pytest.raises(VaultTooNew) as refused:
        migrate(db)
    db.close()

    assert str(refused.value) == (
        "This vault was written by a newer version of peerdesk. Update peerdesk to open it; "
        "nothing has been changed."
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_migration_that_fails_leaves_the_vault_at_the_previous_version(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(db: Database) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, half_done))
    monkeypatch.setattr(schema, "CURRENT_VERSION", CURRENT_VERSION + 1)
    db = _open(tmp_path / "vault.db", key)
    migrate(db, target=CURRENT_VERSION)
    people = PeopleRepository(db)
    robin = people.add(alias="Robin")

    with pytest.raises(RuntimeError):
        migrate(db, target=CURRENT_VERSION + 1)

    assert schema_version(db) == CURRENT_VERSION
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    assert people.get(robin.id).alias == "Robin"
    db.close()


def test_the_people_list_reads_no_session_row(tmp_path: Path, key: bytes) -> None:
    """Last contact, follow-up and risk come from indexes alone (migration 7): reading each
    person's latest session row made the list of 2,000 people take 60 ms more."""
    from peerdesk.store.people import _SELECT

    db = _open(tmp_path / "vault.db", key)
    migrate(db)
    plan = " | ".join(
        row["detail"] for row in db.all("EXPLAIN QUERY PLAN " + _SELECT, {"today": "2025-01-01"})
    )
    assert "SCAN sessions" not in plan
    assert "sessions_follow_up_by_person" in plan
    assert "SEARCH s USING INDEX" not in plan  # a covering index, never the table
    db.close()
