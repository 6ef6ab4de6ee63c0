"""The Referrals tab: the list, the selected referral's history, and the next step's buttons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QDateEdit, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.paths import APP_NAME
from peerdesk.store import Vault
from peerdesk.store.models import (
    ConsentCategory,
    ConsentMethod,
    PersonId,
    RecipientType,
    Referral,
    ReferralStatus,
    Urgency,
)
from peerdesk.ui import dialogs
from peerdesk.ui.referrals_tab import ReferralsTab
from peerdesk.ui.row_list import date_style

from .driving import find

TODAY = date.today()
ACTIONS = (
    "Continue…",
    "Discard draft",
    "Mark as sent",
    "Export again…",
    "Mark as acknowledged",
    "Connected",
    "Not connected…",
)


@pytest.fixture
def person(vault: Vault) -> PersonId:
    return vault.people.add("Blue heron").id


def exported_referral(vault: Vault, person: PersonId) -> Referral:
    vault.consents.add(
        person,
        recipient_type=RecipientType.HR,
        recipient_name="",
        purpose="Raise a grievance",
        categories=set(ConsentCategory),
        given_how=ConsentMethod.WRITTEN,
        given_on=TODAY,
        expires_on=TODAY + timedelta(days=30),
    )
    referral = vault.referrals.add(
        person,
        recipient_type=RecipientType.HR,
        recipient_name="People team",
        situation="Needs a grievance process",
        recommendation="Please start one",
        urgency=Urgency.SOON,
    )
    return vault.referrals.update_status(referral.id, ReferralStatus.CREATED)


def click(qtbot: QtBot, widget: QWidget) -> None:
    if isinstance(widget, QCheckBox):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def shown_actions(tab: ReferralsTab) -> list[str]:
    return [
        b.text()
        for b in tab.findChildren(QPushButton)
        if b.text() in ACTIONS and b.isVisibleTo(tab)
    ]


def step_date(tab: ReferralsTab, step: str) -> str:
    return find(tab, QLabel, step).text()


def test_empty_tab_offers_a_new_referral(qtbot: QtBot, tab: ReferralsTab) -> None:
    assert "No referrals yet" in tab.empty.text()
    assert tab.empty.isVisible()
    new = find(tab, QPushButton, "New referral…")
    assert new.property("primary") is True
    click(qtbot, new)
    assert tab.wizard is not None
    assert tab.wizard.isVisible()
    assert tab.wizard.windowTitle() == APP_NAME


def test_status_moves_from_pdf_made_to_connected_with_dates(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    referral = exported_referral(vault, person)
    tab.refresh()
    assert tab.select(referral.id)
    day = date_style(TODAY).day(TODAY)
    assert shown_actions(tab) == ["Mark as sent", "Export again…"]
    assert step_date(tab, "PDF made") == day

    with qtbot.waitSignal(tab.changed):
        click(qtbot, find(tab, QPushButton, "Mark as sent"))
    assert vault.referrals.get(referral.id).sent_on == TODAY
    assert step_date(tab, "Sent") == day
    assert shown_actions(tab) == ["Mark as acknowledged", "Connected", "Not connected…"]

    click(qtbot, find(tab, QPushButton, "Mark as acknowledged"))
    assert vault.referrals.get(referral.id).status is ReferralStatus.ACKNOWLEDGED
    assert step_date(tab, "Acknowledged") == day
    assert shown_actions(tab) == ["Connected", "Not connected…"]

    click(qtbot, find(tab, QPushButton, "Connected"))
    stored = vault.referrals.get(referral.id)
    assert (stored.status, stored.outcome_on) == (ReferralStatus.CONNECTED, TODAY)
    assert step_date(tab, "Connected") == day
    assert "Connected" in find(tab, QLabel, "Urgency").text()
    # An outcome can still be corrected.
    assert shown_actions(tab) == ["Not connected…"]


def test_not_connected_asks_why_and_shows_it(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    referral = exported_referral(vault, person)
    vault.referrals.update_status(referral.id, ReferralStatus.SENT)
    tab.refresh()
    tab.select(referral.id)
    dialogs.answer_next(None)  # cancelled: nothing changes
    click(qtbot, find(tab, QPushButton, "Not connected…"))
    assert vault.referrals.get(referral.id).status is ReferralStatus.SENT

    dialogs.answer_next("Waiting list too long")
    click(qtbot, find(tab, QPushButton, "Not connected…"))
    stored = vault.referrals.get(referral.id)
    assert (stored.status, stored.outcome_note) == (
        ReferralStatus.NOT_CONNECTED,
        "Waiting list too long",
    )
    assert "Waiting list too long" in step_date(tab, "Not connected")


def test_a_step_can_be_dated_earlier_but_not_in_the_future(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    referral = exported_referral(vault, person)
    vault.referrals.update_status(referral.id, ReferralStatus.SENT)
    tab.refresh()
    tab.select(referral.id)
    day = find(tab, QDateEdit, "Happened on")
    assert day.date() == QDate(TODAY.year, TODAY.month, TODAY.day)
    assert day.maximumDate() == day.date()
    # Earlier than the PDF was made: the vault refuses, and the tab says why.
    earlier = TODAY - timedelta(days=3)
    day.setDate(QDate(earlier.year, earlier.month, earlier.day))
    click(qtbot, find(tab, QPushButton, "Mark as acknowledged"))
    assert "cannot be marked acknowledged before" in find(tab, QLabel, "Problem").text()
    assert vault.referrals.get(referral.id).status is ReferralStatus.SENT


def test_a_draft_is_continued_or_discarded_after_asking(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    draft = vault.referrals.add(
        person, recipient_type=RecipientType.EAP, recipient_name="Harbour EAP"
    )
    tab.refresh()
    tab.select(draft.id)
    assert shown_actions(tab) == ["Continue…", "Discard draft"]
    click(qtbot, find(tab, QPushButton, "Continue…"))
    assert tab.wizard is not None
    assert tab.wizard.referral is not None
    assert tab.wizard.referral.id == draft.id
    tab.wizard.close()

    dialogs.answer_next(False)
    click(qtbot, find(tab, QPushButton, "Discard draft"))
    assert [r.id for r in vault.referrals.list_for_person(person)] == [draft.id]
    dialogs.answer_next(True)
    with qtbot.waitSignal(tab.changed):
        click(qtbot, find(tab, QPushButton, "Discard draft"))
    assert vault.referrals.list_for_person(person) == []
    assert tab.empty.isVisible()


def test_the_follow_up_date_can_change_at_any_time(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    referral = exported_referral(vault, person)
    tab.refresh()
    tab.select(referral.id)
    box = find(tab, QCheckBox, "Follow up on")
    assert not box.isChecked()
    click(qtbot, box)
    assert vault.referrals.get(referral.id).follow_up_on == TODAY
    later = TODAY + timedelta(days=10)
    find(tab, QDateEdit, "Follow-up date").setDate(QDate(later.year, later.month, later.day))
    assert vault.referrals.get(referral.id).follow_up_on == later
    click(qtbot, box)
    assert vault.referrals.get(referral.id).follow_up_on is None


def test_export_again_opens_the_preview_of_the_fixed_content(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    referral = exported_referral(vault, person)
    tab.refresh()
    tab.select(referral.id)
    click(qtbot, find(tab, QPushButton, "Export again…"))
    wizard = tab.wizard
    assert wizard is not None
    assert wizard.current_page is wizard.preview_page
    assert not find(wizard, QPushButton, "Back").isEnabled()
    assert "Needs a grievance process" in wizard.preview_page.preview_text()


def test_the_list_is_keyboard_usable(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    first = vault.referrals.add(person, recipient_type=RecipientType.EAP, recipient_name="One")
    second = vault.referrals.add(person, recipient_type=RecipientType.HR, recipient_name="Two")
    tab.refresh()
    view = tab.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    # Newest first.
    assert tab.selected() is not None
    assert tab.selected().id == second.id  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert tab.selected().id == first.id  # type: ignore[union-attr]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert tab.wizard is not None
    assert tab.wizard.referral is not None
    assert tab.wizard.referral.id == first.id
