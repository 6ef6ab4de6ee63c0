"""The incident diary editor, driven as a supporter would, against a real vault."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QLabel, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import Vault
from peerdesk.store.models import Incident
from peerdesk.ui.incident_editor import IncidentEditor
from peerdesk.ui.note_edit import NoteEdit

Find = Callable[..., QWidget]

# Visible label, and the Incident attribute it is stored in, in reading order.
TEXT_FIELDS = {
    "Place": "place",
    "What was said or done": "what_happened",
    "Who was involved": "who_involved",
    "Witnesses": "witnesses",
    "Impact": "impact",
    "Where evidence is kept": "evidence_location",
}


@pytest.fixture
def incident(vault: Vault) -> Incident:
    person = vault.people.add("Wren")
    return vault.incidents.add(person.id, occurred_at=datetime(2026, 3, 10, 9, 15))


@pytest.fixture
def open_editor(qtbot: QtBot, vault: Vault) -> Iterator[Callable[[Incident], IncidentEditor]]:
    editors: list[IncidentEditor] = []

    def make(incident: Incident) -> IncidentEditor:
        editor = IncidentEditor(vault, incident.id)
        editor.resize(1000, 760)
        editor.show()
        qtbot.waitExposed(editor)
        editors.append(editor)
        return editor

    yield make
    for editor in editors:
        editor.hide()
        editor.deleteLater()


@pytest.fixture
def editor(open_editor: Callable[[Incident], IncidentEditor], incident: Incident) -> IncidentEditor:
    return open_editor(incident)


def stored(vault: Vault, incident: Incident) -> Incident:
    return vault.incidents.get(incident.id)


def text_field(editor: IncidentEditor, by_name: Find, label: str) -> NoteEdit:
    field = by_name(editor, QPlainTextEdit, label)
    assert isinstance(field, NoteEdit)
    return field


def status(editor: IncidentEditor, by_name: Find) -> str:
    label = by_name(editor, QLabel, "Save status")
    assert isinstance(label, QLabel)
    return label.text()


def test_what_happened_is_saved_about_a_second_after_typing_stops(
    qtbot: QtBot, vault: Vault, incident: Incident, editor: IncidentEditor, by_name: Find
) -> None:
    what = text_field(editor, by_name, "What was said or done")
    qtbot.keyClicks(what, 'He said "try to keep up" in front of the team.')
    assert stored(vault, incident).what_happened == ""
    assert status(editor, by_name) == "Saving…"

    qtbot.waitUntil(
        lambda: stored(vault, incident).what_happened.endswith("in front of the team."),
        timeout=3000,
    )
    qtbot.waitUntil(lambda: status(editor, by_name).startswith("Saved"))


def test_every_field_is_saved_and_shown_again(
    qtbot: QtBot,
    vault: Vault,
    incident: Incident,
    open_editor: Callable[[Incident], IncidentEditor],
    by_name: Find,
) -> None:
    editor = open_editor(incident)
    when = by_name(editor, QDateTimeEdit, "Date and time")
    assert isinstance(when, QDateTimeEdit)
    assert when.calendarPopup()
    utc = QTimeZone(QTimeZone.Initialization.UTC)
    when.setDateTime(QDateTime(QDate(2026, 3, 9), QTime(16, 45), utc))
    for label, attribute in TEXT_FIELDS.items():
        qtbot.keyClicks(text_field(editor, by_name, label), f"{attribute} text")

    editor.flush()
    saved = stored(vault, incident)
    assert saved.occurred_at == datetime(2026, 3, 9, 16, 45)
    for attribute in TEXT_FIELDS.values():
        assert getattr(saved, attribute) == f"{attribute} text"

    editor.hide()
    again = open_editor(incident)
    shown = by_name(again, QDateTimeEdit, "Date and time")
    assert isinstance(shown, QDateTimeEdit)
    assert (shown.date(), shown.time()) == (QDate(2026, 3, 9), QTime(16, 45))
    for label, attribute in TEXT_FIELDS.items():
        assert text_field(again, by_name, label).text() == f"{attribute} text"


def test_hostile_text_round_trips_exactly_in_every_field(
    qtbot: QtBot, vault: Vault, incident: Incident, editor: IncidentEditor, hostile_text: str
) -> None:
    for field in TEXT_FIELDS:
        edit = next(w for w in editor.findChildren(NoteEdit) if w.accessibleName() == field)
        QApplication.clipboard().setText(hostile_text)
        qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    editor.flush()
    saved = stored(vault, incident)
    for attribute in TEXT_FIELDS.values():
        assert getattr(saved, attribute) == hostile_text


def test_losing_focus_saves_at_once(
    qtbot: QtBot, vault: Vault, incident: Incident, editor: IncidentEditor, by_name: Find
) -> None:
    impact = text_field(editor, by_name, "Impact")
    impact.activateWindow()
    impact.setFocus()
    qtbot.waitUntil(impact.hasFocus)
    qtbot.keyClicks(impact, "Could not sleep.")

    qtbot.keyClick(impact, Qt.Key.Key_Tab)

    assert text_field(editor, by_name, "Where evidence is kept").hasFocus()
    assert stored(vault, incident).impact == "Could not sleep."


def test_flush_saves_at_once(
    qtbot: QtBot, vault: Vault, incident: Incident, editor: IncidentEditor, by_name: Find
) -> None:
    qtbot.keyClicks(text_field(editor, by_name, "Witnesses"), "M. from QA")
    with qtbot.waitSignal(editor.saved, timeout=0):
        editor.flush()
    assert stored(vault, incident).witnesses == "M. from QA"
    assert status(editor, by_name).startswith("Saved")


def test_fields_have_labels_and_plain_hints(editor: IncidentEditor, by_name: Find) -> None:
    labelled = {
        label.buddy().accessibleName(): label.text()
        for label in editor.findChildren(QLabel)
        if label.buddy() is not None
    }
    assert labelled == {name: name for name in ["Date and time", *TEXT_FIELDS]}
    what = text_field(editor, by_name, "What was said or done")
    assert what.accessibleDescription() == (
        "Write what was said or done, in their words if you can. Facts, not judgements."
    )
    visible = [label.text() for label in editor.findChildren(QLabel) if label.isVisible()]
    assert what.accessibleDescription() in visible
    for name in TEXT_FIELDS:
        assert text_field(editor, by_name, name).accessibleDescription()


def test_tab_moves_through_the_fields_in_reading_order(
    editor: IncidentEditor, by_name: Find
) -> None:
    expected = [by_name(editor, QDateTimeEdit, "Date and time")]
    expected += [text_field(editor, by_name, name) for name in TEXT_FIELDS]
    chain: list[QWidget] = []
    widget: QWidget = expected[0]
    for _ in range(200):
        if widget in expected and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == expected


def test_focus_main_text_puts_the_cursor_in_what_happened(
    qtbot: QtBot, incident: Incident, editor: IncidentEditor, by_name: Find
) -> None:
    editor.activateWindow()
    editor.focus_main_text()
    qtbot.waitUntil(text_field(editor, by_name, "What was said or done").hasFocus)
    assert editor.record_id == incident.id


def test_clear_history_forgets_undo_in_every_field(
    qtbot: QtBot, editor: IncidentEditor, by_name: Find
) -> None:
    for name in TEXT_FIELDS:
        qtbot.keyClicks(text_field(editor, by_name, name), "draft")
    editor.clear_history()
    for name in TEXT_FIELDS:
        assert not text_field(editor, by_name, name).document().isUndoAvailable()


def test_a_short_answer_grows_to_show_every_line_pasted(
    qtbot: QtBot, editor: IncidentEditor, by_name: Find
) -> None:
    place = text_field(editor, by_name, "Place")
    one_line = place.height()
    QApplication.clipboard().setText("Level 2 kitchen\nthen the corridor\nthen by the lifts")
    qtbot.keyClick(place, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: place.height() >= one_line + 2 * place.fontMetrics().lineSpacing())
    assert not place.verticalScrollBar().isVisible()
