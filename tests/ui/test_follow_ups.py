"""Follow-ups due: who to get back to, in overdue order, and Enter opens the session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListView, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import Vault
from peerdesk.store.models import RecipientType, ReferralStatus
from peerdesk.ui.person_view import PersonTab
from peerdesk.ui.row_list import RowListView
from peerdesk.ui.workspace import View, Workspace

Find = Callable[..., QWidget]
TODAY = date.today()
NOW = datetime.now().replace(microsecond=0)


def follow_up_list(ws: Workspace, by_name: Find) -> RowListView:
    view = by_name(ws, QListView, "Follow-ups due")
    assert isinstance(view, RowListView)
    return view


def test_due_follow_ups_list_alias_and_how_overdue_most_overdue_first(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(
        sam.id,
        "grievance letter",
        started_at=NOW - timedelta(days=10),
        follow_up_on=TODAY - timedelta(days=3),
    )
    jo = vault.people.add("Jo")
    vault.sessions.add(jo.id, "", started_at=NOW - timedelta(days=1), follow_up_on=TODAY)
    later = vault.people.add("Kim")
    vault.sessions.add(later.id, "", follow_up_on=TODAY + timedelta(days=2))
    closed = vault.people.add("Alex")
    vault.sessions.add(closed.id, "", follow_up_on=TODAY - timedelta(days=5))
    vault.people.close(closed.id)

    workspace.show_follow_ups()

    assert workspace.view() is View.FOLLOW_UPS
    rows = follow_up_list(workspace, by_name).row_model().rows()
    assert [(row.title, row.badge) for row in rows] == [
        ("Sam", "Follow-up overdue (3 days)"),
        ("Jo", "Follow-up due today"),
    ]
    assert rows[0].detail.startswith("Planned at the session on ")
    assert "grievance letter" in rows[0].detail
    assert QApplication.focusWidget() is follow_up_list(workspace, by_name)


def test_enter_opens_the_session_to_follow_up(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(sam.id, "older", started_at=NOW - timedelta(days=30))
    due = vault.sessions.add(
        sam.id,
        "plan to talk again",
        started_at=NOW - timedelta(days=8),
        follow_up_on=TODAY - timedelta(days=1),
    )
    workspace.show_follow_ups()
    view = follow_up_list(workspace, by_name)
    qtbot.waitUntil(view.hasFocus)

    qtbot.keyClick(view, Qt.Key.Key_Return)

    person = workspace.person_view
    assert person is not None
    assert person.alias_label.text() == "Sam"
    assert person.tab() is PersonTab.SESSIONS
    assert person.sessions.open_id == due.id
    assert workspace.view() is View.PERSON


def test_a_newer_session_is_the_follow_up(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(
        sam.id, "", started_at=NOW - timedelta(days=8), follow_up_on=TODAY - timedelta(days=1)
    )
    workspace.show_follow_ups()
    assert len(follow_up_list(workspace, by_name).row_model().rows()) == 1

    workspace.people.refresh()
    workspace.people.select(sam.id)
    workspace.new_session()
    workspace.show_follow_ups()

    assert not workspace.follow_ups.view.isVisibleTo(workspace)
    texts = [label.text() for label in workspace.follow_ups.findChildren(QLabel)]
    assert any(text.startswith("No follow-ups are due.") for text in texts)


def test_nothing_due_says_so(workspace: Workspace, by_name: Find) -> None:
    workspace.show_follow_ups()
    page = workspace.follow_ups
    visible = [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page)]
    assert any(text.startswith("No follow-ups are due.") for text in visible)


def test_referral_follow_ups_sit_with_session_ones_by_due_day(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(
        sam.id, "", started_at=NOW - timedelta(days=9), follow_up_on=TODAY - timedelta(days=1)
    )
    jo = vault.people.add("Jo")
    referral = vault.referrals.add(
        jo.id,
        recipient_type=RecipientType.EAP,
        recipient_name="Acme Assist",
        follow_up_on=TODAY - timedelta(days=4),
    )
    finished = vault.referrals.add(
        sam.id,
        recipient_type=RecipientType.HR,
        recipient_name="People team",
        follow_up_on=TODAY - timedelta(days=6),
    )
    for status in (ReferralStatus.CREATED, ReferralStatus.SENT, ReferralStatus.CONNECTED):
        vault.referrals.update_status(finished.id, status)

    workspace.show_follow_ups()

    rows = follow_up_list(workspace, by_name).row_model().rows()
    assert [(row.title, row.badge) for row in rows] == [
        ("Jo", "Follow-up overdue (4 days)"),
        ("Sam", "Follow-up overdue (1 day)"),
    ]
    # The connected referral is done with, so only Jo's open one is listed.
    assert "Employee assistance" in rows[0].detail
    assert rows[0].key == f"referral:{referral.id}"


def test_enter_on_a_referral_follow_up_opens_the_referral(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    jo = vault.people.add("Jo")
    referral = vault.referrals.add(
        jo.id,
        recipient_type=RecipientType.COUNSELLING,
        recipient_name="Riverside counselling",
        follow_up_on=TODAY,
    )
    workspace.show_follow_ups()
    view = follow_up_list(workspace, by_name)
    qtbot.waitUntil(view.hasFocus)

    qtbot.keyClick(view, Qt.Key.Key_Return)

    person = workspace.person_view
    assert person is not None
    assert person.alias_label.text() == "Jo"
    assert person.tab() is PersonTab.REFERRALS
    chosen = person.referrals.selected()
    assert chosen is not None
    assert chosen.id == referral.id
