"""Checklists beside a session's notes, driven as a supporter would: keys, clicks, names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.checklists import TemplateLibrary, import_template, start_run
from peerdesk.paths import resource_path
from peerdesk.preferences import CHECKLIST_DETAILS, CHECKLIST_PANEL, Preferences
from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import PersonId, Session, SessionId
from peerdesk.ui import dialogs
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.checklist_panel import ChecklistPanel
from peerdesk.ui.person_view import PersonTab
from peerdesk.ui.session_editor import SIDE_BY_SIDE_WIDTH, SessionEditor
from peerdesk.ui.workspace import WorkspaceState

from .driving import find, unlock

Find = Callable[..., QWidget]
PASSPHRASE = "maple river quietly 42"
FIRST = "first-conversation"
FIRST_ITEM = "Find somewhere private and say how much time you have"
SECOND_ITEM = "Say who you are, and what a peer supporter can and cannot do"


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf)
    yield opened
    opened.close()


@pytest.fixture
def session(vault: Vault) -> Session:
    person = vault.people.add("Heron")
    return vault.sessions.add(person.id, started_at=datetime(2026, 3, 12, 14, 30))


@pytest.fixture
def open_editor(qtbot: QtBot, vault: Vault) -> Iterator[Callable[..., SessionEditor]]:
    """Open (and show) an editor on a session, wide enough for the checklists beside it."""
    editors: list[SessionEditor] = []
    dialogs.clear_answers()

    def make(session_id: SessionId, width: int = 1000) -> SessionEditor:
        editor = SessionEditor(vault, session_id)
        editor.resize(width, 700)
        editor.show()
        qtbot.waitExposed(editor)
        editor.activateWindow()
        qtbot.waitUntil(editor.isActiveWindow)  # focus and shortcuts need the active window
        editors.append(editor)
        return editor

    yield make
    for editor in editors:
        editor.hide()
        editor.deleteLater()
    assert dialogs.pending_answers() == 0


def item(root: QWidget, label: str) -> QCheckBox:
    return find(root, QCheckBox, label)


def progress(root: QWidget, title: str) -> str:
    return find(root, QLabel, f"Progress: {title}").text()


def add_from_menu(panel: ChecklistPanel, title: str) -> None:
    """Open "Add a checklist" as a click would, and choose ``title``."""
    panel.add_menu.aboutToShow.emit()
    chosen = [a for a in panel.add_menu.actions() if a.text() == title]
    assert len(chosen) == 1, [a.text() for a in panel.add_menu.actions()]
    chosen[0].trigger()


def stored_ticks(vault: Vault, session_id: SessionId) -> dict[str, str]:
    runs = vault.checklist_runs.list_for_session(session_id)
    return {tick.item_id: tick.note for run in runs for tick in run.ticks}


# -- picking and ticking ------------------------------------------------------------------


def test_a_new_session_offers_checklists_and_shows_none_yet(
    open_editor: Callable[..., SessionEditor], session: Session
) -> None:
    editor = open_editor(session.id)
    assert find(editor, QPushButton, "Checklists").isChecked()  # shown beside the notes
    assert find(editor, QPushButton, "Add a checklist").isVisible()
    assert editor.checklists.empty_hint.isVisible()
    titles = {t.title for t in TemplateLibrary.from_vault(editor._vault).current()}
    editor.checklists.add_menu.aboutToShow.emit()
    assert {a.text() for a in editor.checklists.add_menu.actions()} == titles


def test_space_ticks_an_item_and_progress_counts_it(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    editor = open_editor(session.id)
    add_from_menu(editor.checklists, "First conversation")
    assert progress(editor, "First conversation") == "0 of 17"
    box = item(editor, FIRST_ITEM)
    assert box.hasFocus()  # adding a checklist puts the keyboard on its first item

    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    assert progress(editor, "First conversation") == "1 of 17"
    assert find(editor, QLabel, "Progress: First conversation").accessibleDescription() == (
        "1 of 17 items done"
    )
    assert len(stored_ticks(vault, session.id)) == 1  # stored at once, no Save

    qtbot.keyClick(box, Qt.Key.Key_Down)
    second = item(editor, SECOND_ITEM)
    assert second.hasFocus()
    qtbot.keyClick(second, Qt.Key.Key_Space)
    assert progress(editor, "First conversation") == "2 of 17"
    qtbot.keyClick(second, Qt.Key.Key_Space)  # again: unticked
    assert not second.isChecked()
    assert progress(editor, "First conversation") == "1 of 17"
    assert len(stored_ticks(vault, session.id)) == 1


def test_a_click_on_the_words_ticks_too(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session
) -> None:
    editor = open_editor(session.id)
    editor.checklists.add_checklist(FIRST)
    words = [w for w in editor.findChildren(QLabel) if w.text() == FIRST_ITEM]
    assert len(words) == 1
    qtbot.mouseClick(words[0], Qt.MouseButton.LeftButton)
    assert item(editor, FIRST_ITEM).isChecked()
    assert progress(editor, "First conversation") == "1 of 17"


def test_n_opens_a_one_line_note_that_is_saved_with_the_tick(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    editor = open_editor(session.id)
    editor.checklists.add_checklist(FIRST)
    box = item(editor, FIRST_ITEM)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_N)
    note = find(editor, QLineEdit, f"Note for: {FIRST_ITEM}")
    assert note.hasFocus()
    qtbot.keyClicks(note, "Met in the quiet room")
    qtbot.keyClick(note, Qt.Key.Key_Return)

    assert box.hasFocus()  # back on the item, ready for the next
    assert box.isChecked()  # a note is kept with a tick
    assert list(stored_ticks(vault, session.id).values()) == ["Met in the quiet room"]

    # Escape while changing it puts back what is stored.
    qtbot.keyClick(box, Qt.Key.Key_N)
    note.selectAll()
    qtbot.keyClicks(note, "not this")
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    assert note.text() == "Met in the quiet room"
    assert list(stored_ticks(vault, session.id).values()) == ["Met in the quiet room"]


def test_a_note_being_typed_is_saved_when_the_editor_is_flushed(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    editor = open_editor(session.id)
    editor.checklists.add_checklist(FIRST)
    box = item(editor, FIRST_ITEM)
    qtbot.keyClick(box, Qt.Key.Key_N)
    qtbot.keyClicks(find(editor, QLineEdit, f"Note for: {FIRST_ITEM}"), "half typed")
    editor.flush()  # what lock and quit do
    assert list(stored_ticks(vault, session.id).values()) == ["half typed"]


def test_unticking_by_mistake_and_ticking_again_keeps_the_note(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    editor = open_editor(session.id)
    editor.checklists.add_checklist(FIRST)
    box = item(editor, FIRST_ITEM)
    qtbot.keyClick(box, Qt.Key.Key_N)
    note = find(editor, QLineEdit, f"Note for: {FIRST_ITEM}")
    qtbot.keyClicks(note, "keep me")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert stored_ticks(vault, session.id) == {}
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert list(stored_ticks(vault, session.id).values()) == ["keep me"]


def test_several_checklists_each_count_their_own_progress(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session
) -> None:
    editor = open_editor(session.id)
    add_from_menu(editor.checklists, "First conversation")
    add_from_menu(editor.checklists, "Active listening reminders (OARS)")
    assert progress(editor, "Active listening reminders (OARS)") == "0 of 14"
    qtbot.keyClick(item(editor, FIRST_ITEM), Qt.Key.Key_Space)
    assert progress(editor, "First conversation") == "1 of 17"
    assert progress(editor, "Active listening reminders (OARS)") == "0 of 14"
    # A checklist already in this session is greyed in the menu, not added twice.
    editor.checklists.add_menu.aboutToShow.emit()
    used = [a for a in editor.checklists.add_menu.actions() if a.text() == "First conversation"]
    assert not used[0].isEnabled()


# -- guidance and examples -----------------------------------------------------------------


def example_phrases(root: QWidget) -> list[QLabel]:
    return [w for w in root.findChildren(QLabel) if w.accessibleName() == "Example phrase"]


def test_examples_show_and_hide_and_the_choice_is_remembered(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    editor = open_editor(session.id)
    editor.checklists.add_checklist(FIRST)
    toggle = find(editor, QCheckBox, "Show guidance and examples")
    assert not toggle.isChecked()  # quiet by default
    assert example_phrases(editor)
    assert not any(label.isVisibleTo(editor) for label in example_phrases(editor))

    # On the box itself, whatever the width of its words.
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton, pos=QPoint(6, toggle.height() // 2))
    assert toggle.isChecked()
    shown = [label for label in example_phrases(editor) if label.isVisibleTo(editor)]
    assert any("forty-five minutes" in label.text() for label in shown)
    assert Preferences(vault.settings).get(CHECKLIST_DETAILS)

    again = open_editor(session.id)  # the next session editor remembers
    assert find(again, QCheckBox, "Show guidance and examples").isChecked()
    assert any(label.isVisibleTo(again) for label in example_phrases(again))


# -- the side: shown, hidden, narrow -------------------------------------------------------


def test_the_checklists_button_and_its_key_hide_and_show_them_and_it_is_remembered(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    editor = open_editor(session.id)
    button = find(editor, QPushButton, "Checklists")
    panel = editor.checklists
    assert panel.isVisibleTo(editor)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not panel.isVisibleTo(editor)
    assert editor.notes.isVisibleTo(editor)  # the notes stay
    assert not Preferences(vault.settings).get(CHECKLIST_PANEL)

    editor.notes.setFocus()
    both = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(editor.notes, Qt.Key.Key_K, both)
    assert panel.isVisibleTo(editor)
    assert Preferences(vault.settings).get(CHECKLIST_PANEL)


def test_a_narrow_editor_shows_the_checklists_in_place_of_the_notes(
    qtbot: QtBot, open_editor: Callable[..., SessionEditor], session: Session
) -> None:
    editor = open_editor(session.id, width=SIDE_BY_SIDE_WIDTH - 100)
    qtbot.waitUntil(lambda: not editor.checklists.isVisibleTo(editor))
    assert editor.notes.isVisibleTo(editor)  # opening shows the notes first

    qtbot.mouseClick(find(editor, QPushButton, "Checklists"), Qt.MouseButton.LeftButton)
    assert editor.checklists.isVisibleTo(editor)
    assert not editor.notes.isVisibleTo(editor)
    qtbot.mouseClick(find(editor, QPushButton, "Back to the notes"), Qt.MouseButton.LeftButton)
    assert editor.notes.isVisibleTo(editor)
    assert editor.notes.hasFocus()


# -- the exact version, and persistence ----------------------------------------------------


def newer_first_conversation() -> bytes:
    """The built-in file as version 2, with its first item reworded."""
    source = (resource_path("checklists") / "first-conversation.toml").read_bytes()
    source = source.replace(b"version = 1", b"version = 2", 1)
    return source.replace(FIRST_ITEM.encode(), b"Find a private place to talk", 1)


def test_a_past_run_shows_the_version_it_followed_and_new_runs_the_newest(
    open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    library = TemplateLibrary.from_vault(vault)
    old = next(t for t in library.current() if t.id == FIRST)
    run = start_run(vault, session.id, old)
    import_template(vault, newer_first_conversation(), "first-conversation-v2.toml")

    past = open_editor(session.id)
    assert item(past, FIRST_ITEM)  # the words it had then
    texts = [label.text() for label in past.findChildren(QLabel)]
    assert "Version 1, as used in this session (now version 2)." in texts
    assert past.checklists.run_view(FIRST) is not None
    assert past.checklists.run_view(FIRST).run.id == run.id  # type: ignore[union-attr]

    later = vault.sessions.add(session.person_id)
    new = open_editor(later.id)
    add_from_menu(new.checklists, "First conversation")
    assert item(new, "Find a private place to talk")
    (new_run,) = vault.checklist_runs.list_for_session(later.id)
    assert new_run.template_version == 2


def test_ticks_and_notes_survive_lock_and_unlock(
    qtbot: QtBot, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    directory = tmp_path / "data" / "vault"
    vault, _code = Vault.create(directory, PASSPHRASE, kdf=fast_kdf)
    person = vault.people.add("Heron")
    session = vault.sessions.add(person.id)
    vault.close()

    window = AppWindow(directory, kdf=fast_kdf)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    try:
        open_in_window(qtbot, window, person.id, session.id)
        editor = the_editor(window)
        add_from_menu(editor.checklists, "First conversation")
        box = item(editor, FIRST_ITEM)
        qtbot.keyClick(box, Qt.Key.Key_Space)
        qtbot.keyClick(box, Qt.Key.Key_N)
        qtbot.keyClicks(find(editor, QLineEdit, f"Note for: {FIRST_ITEM}"), "quiet room")
        # Locked with the note still being typed: the lock saves it.
        with qtbot.waitSignal(window.locked):
            assert window.lock()

        with qtbot.waitSignal(window.unlocked):
            unlock(qtbot, window, find, PASSPHRASE)
        editor = the_editor(window)  # the lock put the supporter back where they were
        assert item(editor, FIRST_ITEM).isChecked()
        assert find(editor, QLineEdit, f"Note for: {FIRST_ITEM}").text() == "quiet room"
        assert progress(editor, "First conversation") == "1 of 17"
    finally:
        window.shutdown()


def open_in_window(qtbot: QtBot, window: AppWindow, person: PersonId, session: SessionId) -> None:
    with qtbot.waitSignal(window.unlocked):
        unlock(qtbot, window, find, PASSPHRASE)
    workspace = window.workspace
    assert workspace is not None
    workspace.restore(WorkspaceState(person_id=person, tab=PersonTab.SESSIONS, session_id=session))


def the_editor(window: AppWindow) -> SessionEditor:
    workspace = window.workspace
    assert workspace is not None
    editors = workspace.findChildren(SessionEditor)
    assert len(editors) == 1
    return editors[0]


def test_imported_labels_are_shown_as_plain_text(
    open_editor: Callable[..., SessionEditor], session: Session, vault: Vault
) -> None:
    source = newer_first_conversation().replace(
        b"Find a private place to talk", b"<b>Bold</b> <img src='x'> & more", 1
    )
    import_template(vault, source, "odd.toml")
    editor = open_editor(session.id)
    editor.checklists.add_checklist(FIRST)
    box = item(editor, "<b>Bold</b> <img src='x'> & more")
    words = [w for w in editor.findChildren(QLabel) if w.text() == box.accessibleName()]
    assert words
    assert words[0].textFormat() == Qt.TextFormat.PlainText
