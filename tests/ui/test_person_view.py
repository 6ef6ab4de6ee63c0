"""A person's page: timeline and diary order, new records, editors, and coming back after a lock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QListView, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import ConsentCategory, ConsentMethod, RecipientType, SessionMode
from peerdesk.timeline import FSI, PDI
from peerdesk.ui import dialogs
from peerdesk.ui.person_view import PersonTab, PersonView
from peerdesk.ui.row_list import RowListView
from peerdesk.ui.workspace import View, Workspace, WorkspaceState

Find = Callable[..., QWidget]
PASSPHRASE = "pass phrase here"
T0 = datetime(2025, 3, 3, 9, 30)


@pytest.fixture(autouse=True)
def british_dates() -> Iterator[None]:
    """Dates as asserted below ("Mon 3 Mar 2025, 09:30"), whatever the machine's locale."""
    before = QLocale()
    QLocale.setDefault(QLocale("en_GB"))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "v"


@pytest.fixture
def vault(vault_dir: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    yield opened
    opened.close()


def make_workspace(qtbot: QtBot, vault: Vault) -> Workspace:
    ws = Workspace(vault)
    qtbot.addWidget(ws)
    ws.resize(1280, 800)
    ws.show()
    qtbot.waitExposed(ws)
    ws.activateWindow()
    return ws


@pytest.fixture
def workspace(qtbot: QtBot, vault: Vault) -> Iterator[Workspace]:
    dialogs.clear_answers()
    ws = make_workspace(qtbot, vault)
    yield ws
    ws.flush()
    assert dialogs.pending_answers() == 0


def rows_of(ws: Workspace, by_name: Find, name: str) -> list[str]:
    view = by_name(ws, QListView, name)
    assert isinstance(view, RowListView)
    return [row.title + " | " + row.detail for row in view.row_model().rows()]


def shown(ws: Workspace) -> PersonView:
    view = ws.person_view
    assert view is not None, "no person is shown"
    return view


def open_person(ws: Workspace, person_id: int) -> PersonView:
    ws.people.refresh()
    ws.people.select(person_id)  # type: ignore[arg-type]
    return shown(ws)


def test_sessions_read_newest_first_and_the_diary_oldest_first(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    # Recorded out of order, as happens when notes are written up later.
    vault.sessions.add(
        sam.id,
        "second talk\nmore",
        started_at=T0 + timedelta(days=7),
        mode=SessionMode.PHONE,
        duration_minutes=20,
    )
    vault.sessions.add(sam.id, "first talk", started_at=T0, duration_minutes=45)
    vault.sessions.add(sam.id, "", started_at=T0 + timedelta(days=14))
    vault.incidents.add(
        sam.id, occurred_at=T0 + timedelta(days=2), place="Canteen", what_happened="Mocked at lunch"
    )
    vault.incidents.add(
        sam.id,
        occurred_at=T0 - timedelta(days=30),
        place="Email",
        what_happened="Left off the rota",
    )
    open_person(workspace, sam.id)

    sessions = rows_of(workspace, by_name, "Sessions")
    assert [row.split(",")[0] for row in sessions] == [
        "Mon 17 Mar 2025",
        "Mon 10 Mar 2025",
        "Mon 3 Mar 2025",
    ]
    assert sessions[0].endswith("No notes yet")
    assert "Phone · 20 min" in sessions[1]
    assert sessions[1].endswith("second talk\u2069")
    assert "In person · 45 min" in sessions[2]

    shown(workspace).set_tab(PersonTab.INCIDENTS)
    diary = rows_of(workspace, by_name, "Incident diary")
    assert [row.replace(FSI, "").replace(PDI, "") for row in diary] == [
        "Sat 1 Feb 2025, 09:30 | Email · Left off the rota",
        "Wed 5 Mar 2025, 09:30 | Canteen · Mocked at lunch",
    ]


def test_new_session_starts_now_and_puts_the_cursor_in_its_notes(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    open_person(workspace, sam.id)
    before = datetime.now().replace(microsecond=0)

    workspace.new_session()

    (session,) = vault.sessions.list_for_person(sam.id)
    assert session.started_at >= before
    assert (session.duration_minutes, session.mode, session.notes) == (0, SessionMode.IN_PERSON, "")
    editor = shown(workspace).sessions.editor
    assert editor is not None
    assert editor.record_id == session.id
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    notes = QApplication.focusWidget()
    assert notes is not None
    assert notes.accessibleName() == "Notes"

    qtbot.keyClicks(notes, "Worried about Monday")
    workspace.flush()
    assert vault.sessions.get(session.id).notes == "Worried about Monday"
    # The timeline row follows what was saved.
    qtbot.waitUntil(
        lambda: rows_of(workspace, by_name, "Sessions")[0].endswith("Worried about Monday\u2069")
    )
    # And the people list now says when they last talked.
    assert workspace.people.view.row_model().rows()[0].detail == "Last contact today"


def test_new_incident_opens_the_diary_with_the_cursor_in_it(
    qtbot: QtBot, workspace: Workspace, vault: Vault
) -> None:
    sam = vault.people.add("Sam")
    open_person(workspace, sam.id)

    workspace.new_incident()

    (incident,) = vault.incidents.list_for_person(sam.id)
    view = shown(workspace)
    assert view.tab() is PersonTab.INCIDENTS
    assert view.incidents.editor is not None
    assert view.incidents.editor.record_id == incident.id
    focused = QApplication.focusWidget()
    assert focused is not None
    assert view.incidents.editor.isAncestorOf(focused)


def test_new_session_without_a_person_asks_to_choose_one(
    workspace: Workspace, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(dialogs, "inform", lambda _p, text, problem=False: told.append(text))
    workspace.new_session()
    assert told == ["Choose a person in the list first, or add one."]
    assert vault.people.list() == []


def test_moving_to_another_session_saves_the_one_being_typed(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    older = vault.sessions.add(sam.id, "", started_at=T0)
    newer = vault.sessions.add(sam.id, "", started_at=T0 + timedelta(days=1))
    view = open_person(workspace, sam.id)
    assert view.sessions.open(newer.id, focus=True)
    notes = QApplication.focusWidget()
    assert notes is not None
    qtbot.keyClicks(notes, "typed just before moving on")

    timeline = by_name(workspace, QListView, "Sessions")
    timeline.setFocus()
    qtbot.keyClick(timeline, Qt.Key.Key_Down)

    assert view.sessions.open_id == older.id
    assert vault.sessions.get(newer.id).notes == "typed just before moving on"


def test_consents_and_referrals_have_their_own_tabs_that_talk_to_each_other(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    vault.consents.add(
        sam.id,
        recipient_type=RecipientType.EAP,
        recipient_name="CareFirst EAP",
        purpose="Counselling referral",
        categories=[ConsentCategory.CONTACT_DETAILS],
        given_how=ConsentMethod.VERBAL,
        given_on=date.today(),
        expires_on=date.today() + timedelta(days=90),
    )
    referral = vault.referrals.add(
        sam.id, recipient_type=RecipientType.EAP, recipient_name="CareFirst EAP"
    )
    view = open_person(workspace, sam.id)

    view.set_tab(PersonTab.CONSENTS)
    consents = rows_of(workspace, by_name, "Consents")
    assert len(consents) == 1
    assert "CareFirst EAP" in consents[0]

    assert view.open_referral(referral.id)
    assert view.tab() is PersonTab.REFERRALS
    chosen = view.referrals.selected()
    assert chosen is not None
    assert chosen.id == referral.id
    referrals = rows_of(workspace, by_name, "Referrals")
    assert len(referrals) == 1
    assert "CareFirst EAP" in referrals[0]
    tabs = by_name(workspace, QTabWidget, "Record of this person")
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "Sessions",
        "Incident diary",
        "Consents",
        "Referrals",
    ]


def test_state_holds_ids_only_and_restores_on_a_reopened_vault(
    qtbot: QtBot, vault_dir: Path, vault: Vault, workspace: Workspace
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(sam.id, "a session", started_at=T0)
    first = vault.incidents.add(sam.id, occurred_at=T0, what_happened="first")
    second = vault.incidents.add(
        sam.id, occurred_at=T0 + timedelta(hours=1), what_happened="second"
    )
    view = open_person(workspace, sam.id)
    assert view.open_incident(second.id)

    state = workspace.state()
    assert state == WorkspaceState(
        view=View.PERSON, person_id=sam.id, tab=PersonTab.INCIDENTS, incident_id=second.id
    )
    for field in dataclasses.fields(state):
        assert not isinstance(getattr(state, field.name), str) or field.name in ("view", "tab")

    # Lock: save, destroy the workspace, close the vault. Unlock: a new one on a new vault.
    workspace.flush()
    workspace.close()
    vault.close()
    reopened = Vault.open(vault_dir, PASSPHRASE)
    try:
        fresh = make_workspace(qtbot, reopened)
        fresh.restore(state)
        view = shown(fresh)
        assert view.alias_label.text() == "Sam"
        assert view.tab() is PersonTab.INCIDENTS
        assert view.incidents.open_id == second.id
        assert fresh.people.current_person() == sam.id
        assert fresh.state() == state
        assert first.id != second.id
        fresh.flush()
        fresh.close()
    finally:
        reopened.close()


def test_restore_skips_records_deleted_since(workspace: Workspace, vault: Vault) -> None:
    sam = vault.people.add("Sam")
    state = WorkspaceState(person_id=sam.id, tab=PersonTab.SESSIONS, session_id=999)  # type: ignore[arg-type]
    workspace.restore(state)
    assert shown(workspace).sessions.open_id is None
    workspace.restore(WorkspaceState(person_id=12345))  # type: ignore[arg-type]
    assert workspace.person_view is not None  # still on Sam: nothing broke


def test_restore_into_follow_ups(workspace: Workspace) -> None:
    workspace.restore(WorkspaceState(view=View.FOLLOW_UPS))
    assert workspace.view() is View.FOLLOW_UPS


def test_timeline_rows_are_as_tall_as_their_badges(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    """Timeline rows are made when shown and measured before: each measure must fit."""
    from peerdesk.timeline import row_shape
    from peerdesk.ui.row_list import SHAPE_ROLE

    sam = vault.people.add("Sam")
    planned = vault.sessions.add(sam.id, "planned", started_at=T0, follow_up_on=date(2030, 1, 1))
    flagged = vault.sessions.add(sam.id, "flagged", started_at=T0 + timedelta(days=1))
    vault.sessions.set_risk_flag(flagged.id, True)
    vault.sessions.add(sam.id, "plain", started_at=T0 + timedelta(days=2))
    vault.sessions.add(
        sam.id, "due", started_at=T0 + timedelta(days=3), follow_up_on=date.today()
    )
    open_person(workspace, sam.id)

    view = by_name(workspace, QListView, "Sessions")
    assert isinstance(view, RowListView)
    model = view.row_model()
    rows = model.rows()
    assert [bool(row.badge) for row in rows] == [True, False, True, True]
    assert rows[0].badge.startswith("Follow-up due")
    assert rows[-1].key == planned.id
    for n, row in enumerate(rows):
        assert model.index(n).data(SHAPE_ROLE) == row_shape(row)


def test_saving_notes_redraws_their_row_and_a_new_date_reorders_the_timeline(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    older = vault.sessions.add(sam.id, "First talk", started_at=T0)
    newer = vault.sessions.add(sam.id, "Second talk", started_at=T0 + timedelta(days=1))
    view = open_person(workspace, sam.id)
    people_reloads: list[object] = []
    people_model = workspace.people.view.row_model()
    for signal in (people_model.dataChanged, people_model.modelReset):
        signal.connect(lambda *_args: people_reloads.append(None))
    assert view.sessions.open(newer.id)
    editor = view.sessions.editor
    assert editor is not None
    assert hasattr(editor, "notes")

    # Notes: only this session's own row changes; the people list is not reloaded.
    timeline = view.sessions.view
    before = timeline.grab().toImage()
    editor.notes.set_text("Talked about the rota\nand more")
    editor._field_changed("notes")  # noqa: SLF001 - what typing does
    editor.flush()
    qtbot.waitUntil(lambda: timeline.grab().toImage() != before)  # the row is drawn anew
    assert rows_of(workspace, by_name, "Sessions") == [
        f"Tue 4 Mar 2025, 09:30 | In person · {FSI}Talked about the rota{PDI}",
        f"Mon 3 Mar 2025, 09:30 | In person · {FSI}First talk{PDI}",
    ]
    assert view.sessions.view.current_key() == newer.id
    assert people_reloads == []

    # A date earlier than the other session's: the timeline is read again, in order.
    editor.started_at.set_wall_time(T0 - timedelta(days=1))
    editor.flush()
    assert [row.split(" | ")[0] for row in rows_of(workspace, by_name, "Sessions")] == [
        "Mon 3 Mar 2025, 09:30",
        "Sun 2 Mar 2025, 09:30",
    ]
    assert view.sessions.view.current_key() == newer.id
    assert people_reloads  # last contact may have changed
    assert vault.sessions.get(older.id).notes == "First talk"
