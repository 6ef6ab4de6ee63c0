"""When a risk item is marked: the contacts and emergency guidance, the flag, an urgent referral."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk import crisis_contacts
from peerdesk.crisis_contacts import PLACEHOLDERS, CrisisContact
from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import ReferralStatus, Session, Urgency
from peerdesk.timeline import Row
from peerdesk.ui import dialogs
from peerdesk.ui.escalation_panel import EscalationPanel
from peerdesk.ui.person_view import PersonTab, PersonView
from peerdesk.ui.row_list import RowListView
from peerdesk.ui.session_editor import SessionEditor
from peerdesk.ui.settings_dialog import SettingsDialog
from peerdesk.ui.vault_thread import VaultThread
from peerdesk.ui.workspace import Workspace, WorkspaceState

from .driving import find

SAFETY = "safety-check"
RISK_ITEM = "Ask directly whether they are having thoughts of suicide"
PLAIN_ITEM = "Stay calm and give them your full attention"


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", "pass phrase here", kdf=fast_kdf)
    yield opened
    opened.close()


@pytest.fixture
def session(vault: Vault) -> Session:
    person = vault.people.add("Heron")
    return vault.sessions.add(person.id, started_at=datetime(2026, 3, 12, 14, 30))


@pytest.fixture
def workspace(qtbot: QtBot, vault: Vault, session: Session) -> Iterator[Workspace]:
    """The workspace with the session open, its safety check started."""
    dialogs.clear_answers()
    ws = Workspace(vault)
    qtbot.addWidget(ws)
    ws.resize(1400, 860)
    ws.show()
    qtbot.waitExposed(ws)
    ws.activateWindow()
    qtbot.waitUntil(ws.isActiveWindow)
    ws.restore(
        WorkspaceState(person_id=session.person_id, tab=PersonTab.SESSIONS, session_id=session.id)
    )
    editor(ws).checklists.add_checklist(SAFETY)
    yield ws
    ws.flush()
    assert dialogs.pending_answers() == 0


def editor(ws: Workspace) -> SessionEditor:
    (found,) = ws.findChildren(SessionEditor)
    return found


def person_view(ws: Workspace) -> PersonView:
    view = ws.person_view
    assert view is not None
    return view


def rows(root: QWidget, name: str) -> list[Row]:
    view = find(root, RowListView, name)
    return view.row_model().rows()


def mark(qtbot: QtBot, ws: Workspace, label: str) -> None:
    box = find(editor(ws), QCheckBox, label)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def panel_text(panel: QWidget) -> str:
    return "\n".join(
        label.text() for label in panel.findChildren(QLabel) if label.isVisibleTo(panel)
    )


def test_a_plain_item_brings_up_nothing(qtbot: QtBot, workspace: Workspace, vault: Vault) -> None:
    mark(qtbot, workspace, PLAIN_ITEM)
    assert not editor(workspace).escalation.isVisibleTo(workspace)
    assert not vault.sessions.list_for_person(person_view(workspace).person_id)[0].risk_flag


def test_a_risk_item_opens_the_contacts_with_placeholders_and_emergency_guidance(
    qtbot: QtBot, workspace: Workspace
) -> None:
    mark(qtbot, workspace, RISK_ITEM)
    panel = find(workspace, EscalationPanel, "Crisis and escalation contacts")
    assert panel.isVisible()
    text = panel_text(panel)
    assert "[Your EAP phone number — set this in Settings]" in text
    guidance = find(panel, QLabel, "Emergency guidance").text()
    assert "your local emergency number" in guidance
    for number in ("999", "112", "911"):
        assert number in guidance
    assert f"You marked: {RISK_ITEM}" in text
    # Each unfilled contact says so in words, not only by its frame.
    placeholders = [card for card in panel.contact_cards if card.contact.is_placeholder]
    assert len(placeholders) == len(PLACEHOLDERS)
    assert all("set this in Settings" in card.how_label.text() for card in placeholders)

    # The checklist is one step away, and the tick is still there.
    qtbot.mouseClick(find(panel, QPushButton, "Back to checklists"), Qt.MouseButton.LeftButton)
    assert find(editor(workspace), QCheckBox, RISK_ITEM).isChecked()


def test_a_risk_item_flags_the_session_in_the_timeline_and_the_people_list(
    qtbot: QtBot, workspace: Workspace, vault: Vault, session: Session
) -> None:
    assert "Risk flagged" not in rows(workspace.people, "People")[0].badge
    mark(qtbot, workspace, RISK_ITEM)

    assert vault.sessions.get(session.id).risk_flag
    assert vault.people.get(session.person_id).risk_flagged
    (timeline_row,) = rows(person_view(workspace), "Sessions")
    assert "Risk flagged" in timeline_row.badge
    assert "Risk flagged" in timeline_row.spoken  # what a screen reader hears
    (person_row,) = rows(workspace.people, "People")
    assert "Risk flagged" in person_row.badge
    flag_note = find(editor(workspace).escalation, QLabel, "Session flag")
    assert "Risk flagged" in flag_note.text()


def test_changing_the_note_of_a_ticked_risk_item_does_not_bring_the_panel_back(
    qtbot: QtBot, workspace: Workspace
) -> None:
    mark(qtbot, workspace, RISK_ITEM)
    side = editor(workspace).side
    side.show_checklists()
    box = find(editor(workspace), QCheckBox, RISK_ITEM)
    qtbot.keyClick(box, Qt.Key.Key_N)
    note = find(editor(workspace), QLineEdit, f"Note for: {RISK_ITEM}")
    qtbot.keyClicks(note, "said no, and agreed to call me tonight")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    assert not side.showing_escalation()


def test_the_urgent_referral_offer_creates_a_draft_and_says_what_comes_next(
    qtbot: QtBot, workspace: Workspace, vault: Vault, session: Session
) -> None:
    mark(qtbot, workspace, RISK_ITEM)
    panel = editor(workspace).escalation
    assert vault.referrals.list_for_person(session.person_id) == []  # only offered

    qtbot.mouseClick(
        find(panel, QPushButton, "Start an urgent referral"), Qt.MouseButton.LeftButton
    )
    (referral,) = vault.referrals.list_for_person(session.person_id)
    assert referral.urgency is Urgency.URGENT
    assert referral.status is ReferralStatus.DRAFT
    note = find(panel, QLabel, "Urgent referral").text()
    assert "Referrals tab" in note
    assert "Continue…" in note
    assert "check consent" in note
    assert not find(panel, QPushButton, "Start an urgent referral").isEnabled()  # once
    # The person's Referrals tab lists it straight away.
    person_view(workspace).set_tab(PersonTab.REFERRALS)
    (listed,) = rows(person_view(workspace), "Referrals")
    assert listed.badge == "Draft"
    assert "Urgent" in listed.detail


def test_the_programmes_own_contacts_replace_the_placeholders(
    qtbot: QtBot, workspace: Workspace, vault: Vault
) -> None:
    crisis_contacts.save(
        vault.settings,
        [CrisisContact("EAP (Health Assured)", "0800 030 5182", "24 hours"), PLACEHOLDERS[2]],
    )
    mark(qtbot, workspace, RISK_ITEM)
    text = panel_text(editor(workspace).escalation)
    assert "0800 030 5182" in text
    assert "[Your EAP phone number — set this in Settings]" not in text
    assert "set this in Settings]" in text  # the one still unfilled says so


def test_the_contacts_can_be_opened_without_marking_anything(
    qtbot: QtBot, workspace: Workspace, vault: Vault, session: Session
) -> None:
    checklists = editor(workspace).checklists
    link = find(checklists, QPushButton, "Crisis and escalation contacts")
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert editor(workspace).side.showing_escalation()
    assert not vault.sessions.get(session.id).risk_flag
    flag = [
        label
        for label in editor(workspace).escalation.findChildren(QLabel)
        if label.accessibleName() == "Session flag"
    ]
    assert len(flag) == 1
    assert not flag[0].isVisible()  # nothing was flagged, and it does not say so


# -- the contacts in Settings ---------------------------------------------------------------


@pytest.fixture
def settings(qtbot: QtBot, vault: Vault) -> Iterator[SettingsDialog]:
    worker = VaultThread()
    dialog = SettingsDialog(vault, worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    worker.stop()


def test_settings_show_the_placeholders_to_fill_in_and_save_what_is_typed(
    qtbot: QtBot, settings: SettingsDialog, vault: Vault
) -> None:
    how = find(settings, QLineEdit, "How to reach them, contact 1")
    assert how.text() == ""
    assert how.placeholderText() == "Your EAP phone number"
    qtbot.keyClicks(how, "0800 030 5182")
    assert settings.save()
    saved = crisis_contacts.load(vault.settings)
    assert saved[0] == CrisisContact("Employee assistance programme (EAP)", "0800 030 5182")
    assert [c.is_placeholder for c in saved[1:]] == [True] * (len(PLACEHOLDERS) - 1)


def test_a_contact_is_added_and_removed_by_name(
    qtbot: QtBot, settings: SettingsDialog, vault: Vault
) -> None:
    count = len(PLACEHOLDERS)
    qtbot.mouseClick(find(settings, QPushButton, "Add a contact"), Qt.MouseButton.LeftButton)
    added = find(settings, QLineEdit, f"Who, contact {count + 1}")
    assert added.hasFocus()
    qtbot.keyClicks(added, "Union rep")
    qtbot.mouseClick(find(settings, QPushButton, "Remove contact 1"), Qt.MouseButton.LeftButton)
    assert settings.save()
    names = [c.name for c in crisis_contacts.load(vault.settings)]
    assert names[0] == "Your peer support coordinator"
    assert names[-1] == "Union rep"
    assert len(names) == count


def test_a_bad_contact_is_explained_and_nothing_is_saved(
    qtbot: QtBot, settings: SettingsDialog, vault: Vault
) -> None:
    find(settings, QLineEdit, "Who, contact 2").clear()
    find(settings, QLineEdit, "How to reach them, contact 2").setText("ext 4417")
    assert not settings.save()
    problem = find(settings, QLabel, "Problem").text()
    assert "Contact 2" in problem
    assert vault.settings.get(crisis_contacts.SETTINGS_KEY) is None
