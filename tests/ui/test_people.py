"""The people list: add, rename, close, delete, and what each row tells the supporter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QListView, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import Vault
from peerdesk.timeline import FSI, PDI, DateStyle, Row, due_text, last_contact_text
from peerdesk.ui import dialogs
from peerdesk.ui.row_list import RowListView
from peerdesk.ui.workspace import Workspace
from tests.conftest import HOSTILE_TEXTS

from .driving import search

Find = Callable[..., QWidget]
PASSPHRASE = "pass phrase here"


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What ``dialogs.inform`` said to the supporter (recorded instead of shown)."""
    messages: list[str] = []
    monkeypatch.setattr(
        dialogs, "inform", lambda _parent, text, problem=False: messages.append(text)
    )
    return messages


def people_rows(ws: Workspace, by_name: Find) -> list[Row]:
    view = by_name(ws, QListView, "People")
    assert isinstance(view, RowListView)
    return view.row_model().rows()


def titles(ws: Workspace, by_name: Find) -> list[str]:
    return [row.title for row in people_rows(ws, by_name)]


def visible_text(ws: Workspace) -> str:
    return " ".join(label.text() for label in ws.findChildren(QLabel) if label.isVisibleTo(ws))


def shown_alias(ws: Workspace, by_name: Find) -> str:
    return by_name(ws, QLabel, "Alias").text()


def test_adding_a_person_lists_them_and_opens_their_page(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    dialogs.answer_next("Sam")
    qtbot.mouseClick(by_name(workspace, QPushButton, "Add person…"), Qt.MouseButton.LeftButton)

    rows = people_rows(workspace, by_name)
    assert [row.title for row in rows] == ["Sam"]
    assert rows[0].detail == "No sessions yet"
    assert rows[0].badge == ""
    assert shown_alias(workspace, by_name) == "Sam"
    assert [p.alias for p in vault.people.list()] == ["Sam"]


def test_cancelling_add_changes_nothing(workspace: Workspace, vault: Vault, by_name: Find) -> None:
    dialogs.answer_next(None)
    workspace.add_person()
    assert titles(workspace, by_name) == []
    assert vault.people.list() == []
    assert "No one here yet" in visible_text(workspace)


def test_an_invalid_alias_is_explained_plainly_and_can_be_fixed(
    workspace: Workspace, vault: Vault, by_name: Find, told: list[str]
) -> None:
    dialogs.answer_next("Sam\tFrom Stores", "Sam from stores")
    workspace.add_person()

    assert len(told) == 1
    assert "single line" in told[0]
    assert "Sam" not in told[0]  # the message names the field, never the text
    assert titles(workspace, by_name) == ["Sam from stores"]
    assert [p.alias for p in vault.people.list()] == ["Sam from stores"]


def test_an_empty_alias_is_refused_with_a_message(
    workspace: Workspace, vault: Vault, told: list[str]
) -> None:
    dialogs.answer_next("   ", None)
    workspace.add_person()
    assert told
    assert "cannot be left empty" in told[0]
    assert vault.people.list() == []


def test_rename_changes_the_list_and_the_heading(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    workspace.people.refresh()
    workspace.people.select(sam.id)

    dialogs.answer_next("Sam (stores)")
    workspace.rename_person()

    assert titles(workspace, by_name) == ["Sam (stores)"]
    assert shown_alias(workspace, by_name) == "Sam (stores)"
    assert vault.people.get(sam.id).alias == "Sam (stores)"


def test_close_hides_the_person_until_show_closed_and_reopen_brings_them_back(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    vault.people.add("Jo")
    workspace.people.refresh()
    workspace.people.select(sam.id)

    choose_person_action(workspace, by_name, "Close (support ended)")

    assert titles(workspace, by_name) == ["Jo"]
    assert "Support closed" in by_name(workspace, QLabel, "Support status").text()

    by_name(workspace, QCheckBox, "Show closed").setChecked(True)
    rows = people_rows(workspace, by_name)
    assert [row.title for row in rows] == ["Jo", "Sam"]
    assert rows[1].detail.startswith("Closed")  # in words, not only greyed out
    assert rows[1].muted

    choose_person_action(workspace, by_name, "Reopen support")
    by_name(workspace, QCheckBox, "Show closed").setChecked(False)
    assert titles(workspace, by_name) == ["Jo", "Sam"]
    assert not vault.people.get(sam.id).closed


def choose_person_action(ws: Workspace, by_name: Find, text: str) -> None:
    """Pick ``text`` from the "Person actions" menu in the person's header."""
    menu = by_name(ws, QPushButton, "Person actions").menu()
    assert menu is not None
    (action,) = [a for a in menu.actions() if a.text() == text]
    action.trigger()


def add_sam_with_history(vault: Vault) -> int:
    sam = vault.people.add("Sam Quinlan")
    vault.sessions.add(sam.id, "Talked about the rota grievance", duration_minutes=30)
    vault.incidents.add(sam.id, place="Loading bay", what_happened="Shouted at in stand-up")
    return sam.id


def test_delete_key_asks_first_and_cancel_keeps_everything(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam_id = add_sam_with_history(vault)
    workspace.people.refresh()
    view = by_name(workspace, QListView, "People")
    view.setFocus()
    workspace.people.select(sam_id)

    dialogs.answer_next(False)  # the safe default: Cancel
    qtbot.keyClick(view, Qt.Key.Key_Delete)

    assert dialogs.pending_answers() == 0, "Delete did not ask"
    assert titles(workspace, by_name) == ["Sam Quinlan"]
    assert len(vault.sessions.list_for_person(sam_id)) == 1
    assert vault.search("grievance")
    assert vault.audit.list() == []


def test_confirmed_delete_erases_everything_and_logs_only_the_fact(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam_id = add_sam_with_history(vault)
    vault.people.add("Jo")
    workspace.people.refresh()
    workspace.people.select(sam_id)
    assert shown_alias(workspace, by_name) == "Sam Quinlan"

    dialogs.answer_next(True)
    choose_person_action(workspace, by_name, "Delete person…")
    assert workspace.erasing  # the file is overwritten off the GUI thread
    qtbot.waitUntil(lambda: not workspace.erasing, timeout=10_000)

    assert titles(workspace, by_name) == ["Jo"]
    assert workspace.person_view is None  # nothing of Sam left on screen
    for words in ("Sam", "Quinlan", "grievance", "rota", "Loading", "Shouted"):
        assert vault.search(words) == [], words
    events = vault.audit.list()
    assert [event.action for event in events] == ["person_deleted"]
    assert "Sam" not in repr(events)
    assert "Sam" not in visible_text(workspace)


def test_rows_show_last_contact_and_a_worded_follow_up_marker(
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    three_days_ago = datetime.now().replace(microsecond=0) - timedelta(days=3)
    vault.sessions.add(
        sam.id, "", started_at=three_days_ago, follow_up_on=date.today() - timedelta(days=1)
    )
    jo = vault.people.add("Jo")
    vault.sessions.add(jo.id, "", follow_up_on=date.today() + timedelta(days=5))
    workspace.people.refresh()

    jo_row, sam_row = people_rows(workspace, by_name)
    assert sam_row.detail == "Last contact 3 days ago"
    assert sam_row.badge == "Follow-up overdue (1 day)"
    assert sam_row.alert
    assert jo_row.detail == "Last contact today"
    assert jo_row.badge == ""  # planned for later: nothing due yet


def test_keyboard_arrows_show_a_person_and_enter_moves_into_their_sessions(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    for alias in ("Ash", "Bo"):
        vault.sessions.add(vault.people.add(alias).id, "hello")
    workspace.people.refresh()
    view = by_name(workspace, QListView, "People")
    workspace.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    assert workspace.person_view is None  # focus alone opens no one's record

    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert shown_alias(workspace, by_name) == "Ash"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert shown_alias(workspace, by_name) == "Bo"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    sessions = by_name(workspace, QListView, "Sessions")
    qtbot.waitUntil(sessions.hasFocus)


@pytest.mark.parametrize(
    "alias",
    [
        HOSTILE_TEXTS["right-to-left marks"],
        HOSTILE_TEXTS["emoji"],
        HOSTILE_TEXTS["combining and zero width"],
        "<b>Sam</b> &amp; <img src=x>",
    ],
    ids=["rtl", "emoji", "combining", "markup"],
)
def test_hostile_aliases_show_exactly_as_typed(
    qtbot: QtBot,
    workspace: Workspace, vault: Vault, by_name: Find, alias: str
) -> None:
    person = vault.people.add(alias)
    vault.sessions.add(person.id, "met in the canteen about the rota")
    workspace.people.refresh()
    workspace.people.select(person.id)

    assert titles(workspace, by_name) == [alias.strip()]
    heading = by_name(workspace, QLabel, "Alias")
    assert heading.textFormat() == Qt.TextFormat.PlainText
    assert heading.text() == alias.strip()
    # In longer lines the alias is fenced in isolates, so its marks cannot spill over.
    search(qtbot, workspace, "canteen")
    result = workspace.search_panel.view.row_model().rows()[0]
    assert FSI + alias.strip() + PDI in result.title
    assert not workspace.grab().isNull()  # painting it does not fail


def test_the_focused_list_is_the_people_list_after_showing(
    qtbot: QtBot, workspace: Workspace, by_name: Find
) -> None:
    workspace.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is by_name(workspace, QListView, "People"))


DAYS = DateStyle(today=date(2025, 3, 20))


@pytest.mark.parametrize(
    ("last", "text"),
    [
        (None, "No sessions yet"),
        (datetime(2025, 3, 20, 9, 0), "Last contact today"),
        (datetime(2025, 3, 19, 23, 0), "Last contact yesterday"),
        (datetime(2025, 3, 17, 9, 0), "Last contact 3 days ago"),
        (datetime(2025, 2, 1, 9, 0), "Last contact 2025-02-01"),
        (datetime(2025, 3, 25, 9, 0), "Next session 2025-03-25"),
    ],
)
def test_last_contact_reads_in_days_then_as_a_date(last: datetime | None, text: str) -> None:
    assert last_contact_text(last, DAYS) == text


def test_follow_up_wording_says_due_or_how_overdue() -> None:
    assert due_text(date(2025, 3, 20), DAYS) == "Follow-up due today"
    assert due_text(date(2025, 3, 19), DAYS) == "Follow-up overdue (1 day)"
    assert due_text(date(2025, 3, 10), DAYS) == "Follow-up overdue (10 days)"
