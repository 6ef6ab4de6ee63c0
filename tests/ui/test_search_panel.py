"""Search results: ranked, emphasised, safe with any query, and Enter opens the hit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QListView, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import Vault
from peerdesk.timeline import FSI, PDI
from peerdesk.ui.person_view import PersonTab
from peerdesk.ui.row_list import RowListView
from peerdesk.ui.workspace import View, Workspace
from tests.conftest import HOSTILE_TEXTS

from .driving import search

Find = Callable[..., QWidget]
T0 = datetime(2025, 3, 3, 9, 30)


def results(ws: Workspace, by_name: Find) -> RowListView:
    view = by_name(ws, QListView, "Search results")
    assert isinstance(view, RowListView)
    return view


def message(ws: Workspace, by_name: Find) -> str:
    return by_name(ws, QLabel, "Search message").text()


def test_enter_on_a_result_opens_that_session_in_the_editor(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam")
    jo = vault.people.add("Jo")
    vault.sessions.add(sam.id, "Talked about the rota", started_at=T0)
    wanted = vault.sessions.add(jo.id, "Jo brought the grievance letter", started_at=T0)
    vault.sessions.add(jo.id, "Nothing about that today", started_at=T0 + timedelta(days=1))

    search(qtbot, workspace, "grievance")
    assert workspace.view() is View.SEARCH
    view = results(workspace, by_name)
    (row,) = view.row_model().rows()
    assert row.title == f"Session · {FSI}Jo{PDI} · Mon 3 Mar 2025"
    assert (FSI + "grievance" + PDI, True) in row.detail_parts  # emphasised, fenced

    workspace.focus_results()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Return)

    person = workspace.person_view
    assert person is not None
    assert person.alias_label.text() == "Jo"
    assert workspace.view() is View.PERSON
    assert person.tab() is PersonTab.SESSIONS
    assert person.sessions.open_id == wanted.id
    focused = QApplication.focusWidget()
    assert focused is not None
    assert focused.accessibleName() == "Notes"


def test_results_are_ranked_and_an_alias_match_comes_first(
    qtbot: QtBot,
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    robin = vault.people.add("Robin")
    other = vault.people.add("Kim")
    vault.sessions.add(other.id, "Robin from payroll was mentioned once", started_at=T0)
    vault.sessions.add(robin.id, "Weekly check-in", started_at=T0)

    search(qtbot, workspace, "robin")

    titles = [row.title for row in results(workspace, by_name).row_model().rows()]
    assert titles[0] == f"Person · {FSI}Robin{PDI}"
    assert len(titles) == 2
    assert by_name(workspace, QLabel, "Search summary").text() == "2 results, best first"


def test_a_diary_hit_opens_the_entry_and_a_person_hit_opens_the_person(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    sam = vault.people.add("Sam Okafor")
    entry = vault.incidents.add(sam.id, occurred_at=T0, place="Warehouse", what_happened="Pushed")
    vault.people.add("Jo")

    search(qtbot, workspace, "warehouse")
    view = results(workspace, by_name)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    person = workspace.person_view
    assert person is not None
    assert person.tab() is PersonTab.INCIDENTS
    assert person.incidents.open_id == entry.id

    search(qtbot, workspace, "okafor")
    view = results(workspace, by_name)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert workspace.view() is View.PERSON
    assert workspace.person_view is not None
    assert workspace.person_view.alias_label.text() == "Sam Okafor"


def test_nothing_found_is_said_kindly(
    qtbot: QtBot, workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    vault.sessions.add(vault.people.add("Sam").id, "rota")
    search(qtbot, workspace, "zebra crossing")
    assert message(workspace, by_name).startswith("Nothing matches.")
    assert "Try fewer words" in message(workspace, by_name)
    assert not any(
        v.accessibleName() == "Search results" and v.isVisibleTo(workspace)
        for v in workspace.findChildren(QListView)
    )


def test_searching_nothing_goes_back_to_the_person(
    qtbot: QtBot, workspace: Workspace, vault: Vault
) -> None:
    sam = vault.people.add("Sam")
    workspace.people.refresh()
    workspace.people.select(sam.id)
    search(qtbot, workspace, "sam")
    assert workspace.view() is View.SEARCH
    workspace.search("   ")  # no words: nothing to wait for
    assert workspace.view() is View.PERSON
    assert workspace.person_view is not None


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "NEAR(a b",
        "* AND OR NOT -",
        "\x00",
        "before \ud800 after",
        "x" * 100_000,
        "rota" + " rota" * 500,
        "^col:rota",
        *HOSTILE_TEXTS.values(),
    ],
)
def test_hostile_queries_never_crash(
    qtbot: QtBot,
    workspace: Workspace, vault: Vault, by_name: Find, query: str
) -> None:
    vault.sessions.add(vault.people.add("Sam").id, "rota " + HOSTILE_TEXTS["emoji"])
    search(qtbot, workspace, query)
    if workspace.view() is View.SEARCH:
        panel = workspace.search_panel
        # Either results, or a sentence saying there are none: never a blank page.
        assert panel.view.isVisibleTo(panel) or message(workspace, by_name)
    else:
        assert workspace.view() is View.PERSON  # no words at all: back where they were
    assert not workspace.grab().isNull()


def test_words_in_notes_cannot_pose_as_markup(
    qtbot: QtBot,
    workspace: Workspace, vault: Vault, by_name: Find
) -> None:
    vault.sessions.add(vault.people.add("Sam").id, "<b>rota</b> &amp; <img src=x>")
    search(qtbot, workspace, "rota")
    (row,) = results(workspace, by_name).row_model().rows()
    assert "<b>" in row.detail  # shown as the characters typed, never interpreted


def test_a_search_is_not_kept_across_a_lock_but_the_person_under_it_is(
    qtbot: QtBot, workspace: Workspace, vault: Vault
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(sam.id, "rota")
    workspace.people.refresh()
    workspace.people.select(sam.id)
    search(qtbot, workspace, "rota")

    state = workspace.state()
    assert state.view is View.SEARCH
    assert "rota" not in repr(state)  # ids only: the words searched for are content

    fresh = Workspace(vault)
    qtbot.addWidget(fresh)
    fresh.restore(state)
    assert fresh.view() is View.PERSON
    assert fresh.person_view is not None
    assert fresh.person_view.alias_label.text() == "Sam"


def test_typing_on_never_waits_for_a_search_and_only_the_newest_answer_shows(
    qtbot: QtBot, workspace: Workspace, vault: Vault
) -> None:
    sam = vault.people.add("Sam")
    vault.sessions.add(sam.id, "Talked about the rota", started_at=T0)
    letter = vault.sessions.add(sam.id, "Brought the grievance letter", started_at=T0)
    panel = workspace.search_panel
    shown: list[list[int | None]] = []
    panel.results_shown.connect(lambda: shown.append([h.session_id for h in panel.hits]))

    workspace.search("rota")
    assert panel.searching  # the window went straight back to the typing
    with qtbot.waitSignal(panel.results_shown, timeout=10_000):
        workspace.search("grievance")
    qtbot.wait(100)  # an answer to "rota" arriving late changes nothing
    assert shown == [[letter.id]]
    assert not panel.searching


def test_locking_during_a_search_is_safe(qtbot: QtBot, workspace: Workspace, vault: Vault) -> None:
    vault.sessions.add(vault.people.add("Sam").id, "rota")
    workspace.search("rota")
    workspace.close()
    vault.close()  # stops the reader; the answer, if any, is never shown
    qtbot.wait(50)
    assert workspace.search_panel.hits == []
    assert workspace.search_panel.searching  # still showing what it showed before
