"""The session editor and its notes field, driven as a supporter would, against a real vault."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QDate, QMimeData, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.store import DiskFull, InvalidText, Vault, VaultClosed, VaultWriteError
from peerdesk.store.models import Session, SessionMode
from peerdesk.store.values import MAX_TEXT_CHARS, check_free_text
from peerdesk.ui.autosave import SAVE_DELAY_MS, problem_text
from peerdesk.ui.note_edit import NoteEdit
from peerdesk.ui.session_editor import SessionEditor
from tests.conftest import LONE_SURROGATE, TEN_MB_NOTE

Find = Callable[..., QWidget]
DISK_FULL = (
    "Not saved: the disk is full. Your text is still here; free some space and it will be saved."
)


@pytest.fixture
def session(vault: Vault) -> Session:
    person = vault.people.add("Heron")
    return vault.sessions.add(person.id, started_at=datetime(2026, 3, 12, 14, 30))


@pytest.fixture
def open_editor(qtbot: QtBot, vault: Vault) -> Iterator[Callable[[Session], SessionEditor]]:
    """Open (and show) an editor on a session; all are closed before the vault is."""
    editors: list[SessionEditor] = []

    def make(session: Session) -> SessionEditor:
        editor = SessionEditor(vault, session.id)
        editor.resize(900, 640)
        editor.show()
        qtbot.waitExposed(editor)
        editors.append(editor)
        return editor

    yield make
    for editor in editors:
        editor.hide()
        editor.deleteLater()


@pytest.fixture
def editor(open_editor: Callable[[Session], SessionEditor], session: Session) -> SessionEditor:
    return open_editor(session)


def stored(vault: Vault, session: Session) -> Session:
    return vault.sessions.get(session.id)


def status(editor: SessionEditor, by_name: Find) -> str:
    label = by_name(editor, QLabel, "Save status")
    assert isinstance(label, QLabel)
    return label.text()


def notes_field(editor: SessionEditor, by_name: Find) -> NoteEdit:
    field = by_name(editor, QPlainTextEdit, "Notes")
    assert isinstance(field, NoteEdit)
    return field


def paste(qtbot: QtBot, field: QPlainTextEdit, text: str) -> None:
    """Put ``text`` on the clipboard and press Ctrl+V in ``field``."""
    QApplication.clipboard().setText(text)
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def focus(qtbot: QtBot, widget: QWidget) -> None:
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def fill_disk(vault: Vault) -> None:
    """Make the database unable to grow, as a full disk would."""
    pages = vault._db.scalar("PRAGMA page_count")
    vault._db.execute(f"PRAGMA max_page_count = {int(pages)}")


def free_disk(vault: Vault) -> None:
    vault._db.execute("PRAGMA max_page_count = 4294967294")


# -- autosave ------------------------------------------------------------------------


def test_typed_notes_are_saved_about_a_second_after_typing_stops(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    qtbot.keyClicks(notes, "Talked about the stand-up.")

    assert stored(vault, session).notes == ""  # not between two words
    assert status(editor, by_name) == "Saving…"
    started = time.monotonic()
    with qtbot.waitSignal(editor.saved, timeout=3000):
        pass
    waited = time.monotonic() - started

    assert stored(vault, session).notes == "Talked about the stand-up."
    assert status(editor, by_name).startswith("Saved")
    assert 0.5 < waited < 2.0, waited
    assert SAVE_DELAY_MS in range(800, 1001)


def test_typing_again_before_the_pause_ends_postpones_the_save(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    saves: list[None] = []
    editor.saved.connect(lambda: saves.append(None))
    for word in ("one ", "two ", "three"):
        qtbot.keyClicks(notes, word)
        qtbot.wait(SAVE_DELAY_MS // 3)
    qtbot.waitUntil(lambda: stored(vault, session).notes == "one two three", timeout=3000)
    assert len(saves) == 1


def test_losing_focus_saves_at_once(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    focus(qtbot, notes)
    qtbot.keyClicks(notes, "Said she felt sick on Sunday evenings.")

    by_name(editor, QSpinBox, "Duration").setFocus()

    assert stored(vault, session).notes == "Said she felt sick on Sunday evenings."
    assert status(editor, by_name).startswith("Saved")


def test_flush_saves_at_once_and_is_safe_to_repeat(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    saves: list[None] = []
    editor.saved.connect(lambda: saves.append(None))
    qtbot.keyClicks(notes_field(editor, by_name), "Locking now.")

    editor.flush()
    assert stored(vault, session).notes == "Locking now."
    updated = stored(vault, session).updated_at
    editor.flush()
    editor.flush()

    assert saves == [None]
    assert stored(vault, session).updated_at == updated  # nothing written again
    assert not editor.has_unsaved_changes


def test_hiding_the_editor_saves(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    qtbot.keyClicks(notes_field(editor, by_name), "Switching to another person.")
    editor.hide()
    assert stored(vault, session).notes == "Switching to another person."


def test_deleting_the_editor_or_its_parent_saves(
    qtbot: QtBot, vault: Vault, session: Session, by_name: Find
) -> None:
    for delete_parent in (False, True):
        session = vault.sessions.add(session.person_id)
        parent = QWidget()
        parent.resize(900, 640)
        editor = SessionEditor(vault, session.id, parent)
        parent.show()
        qtbot.waitExposed(parent)
        text = f"Deleted with its parent: {delete_parent}."
        qtbot.keyClicks(notes_field(editor, by_name), text)

        with qtbot.waitSignal(editor.destroyed, timeout=2000):
            (parent if delete_parent else editor).deleteLater()

        assert stored(vault, session).notes == text
        if not delete_parent:
            parent.close()
            parent.deleteLater()


def test_every_field_is_saved_and_shown_again(
    qtbot: QtBot,
    vault: Vault,
    session: Session,
    open_editor: Callable[[Session], SessionEditor],
    by_name: Find,
) -> None:
    editor = open_editor(session)
    when = by_name(editor, QDateTimeEdit, "Date and time")
    assert isinstance(when, QDateTimeEdit)
    assert when.calendarPopup()
    assert when.date() == QDate(2026, 3, 12)
    when.setDate(QDate(2026, 3, 11))
    duration = by_name(editor, QSpinBox, "Duration")
    assert isinstance(duration, QSpinBox)
    assert (duration.minimum(), duration.maximum()) == (0, 1440)
    duration.selectAll()  # as Tab into it does
    qtbot.keyClicks(duration, "50")
    mode = by_name(editor, QComboBox, "Mode")
    assert isinstance(mode, QComboBox)
    assert [mode.itemText(i) for i in range(mode.count())] == [
        "In person",
        "Phone",
        "Video",
        "Chat",
    ]
    mode.setCurrentIndex(mode.findText("Video"))
    follow_up = by_name(editor, QCheckBox, "Follow up on")
    follow_up_date = by_name(editor, QDateEdit, "Follow up on")
    assert isinstance(follow_up_date, QDateEdit)
    assert not follow_up_date.isEnabled()
    qtbot.mouseClick(follow_up, Qt.MouseButton.LeftButton)
    assert follow_up_date.isEnabled()
    follow_up_date.setDate(QDate(2026, 3, 20))
    qtbot.keyClicks(notes_field(editor, by_name), "Agreed to meet again.")

    editor.flush()
    saved = stored(vault, session)
    assert saved.started_at == datetime(2026, 3, 11, 14, 30)
    assert saved.duration_minutes == 50
    assert saved.mode is SessionMode.VIDEO
    assert saved.follow_up_on == date(2026, 3, 20)
    assert saved.notes == "Agreed to meet again."

    editor.hide()
    again = open_editor(session)
    assert by_name(again, QDateTimeEdit, "Date and time").date() == QDate(2026, 3, 11)
    assert by_name(again, QSpinBox, "Duration").value() == 50
    assert by_name(again, QComboBox, "Mode").currentText() == "Video"
    assert by_name(again, QCheckBox, "Follow up on").isChecked()
    assert by_name(again, QDateEdit, "Follow up on").date() == QDate(2026, 3, 20)
    assert notes_field(again, by_name).text() == "Agreed to meet again."
    assert status(again, by_name) == ""  # opening an editor writes nothing

    by_name(again, QCheckBox, "Follow up on").click()
    again.flush()
    assert stored(vault, session).follow_up_on is None


# -- text exactly as typed, whatever it is ---------------------------------------------


def test_hostile_text_round_trips_exactly(
    qtbot: QtBot,
    vault: Vault,
    session: Session,
    open_editor: Callable[[Session], SessionEditor],
    by_name: Find,
    hostile_text: str,
) -> None:
    editor = open_editor(session)
    paste(qtbot, notes_field(editor, by_name), hostile_text)
    editor.flush()
    assert stored(vault, session).notes == hostile_text

    # Loaded, edited at the end, saved: everything before the edit is unchanged.
    editor.hide()
    again = open_editor(session)
    notes = notes_field(again, by_name)
    assert notes.text() == hostile_text
    notes.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(notes, "!")
    again.flush()
    assert stored(vault, session).notes == hostile_text + "!"


# What Qt's text document treats specially (breaks, separators, object and frame
# markers, no-break space), mixed with any other character but a lone surrogate.
_TRICKY = st.sampled_from("\r\n\u2028\u2029\ufdd0\ufdd1\ufffc\xa0\x00\t")
_ANY = st.one_of(_TRICKY, st.characters(exclude_categories=("Cs",)))


@settings(max_examples=150, deadline=None)
@given(text=st.text(_ANY), inserted=st.text(_ANY, max_size=20), at=st.integers(min_value=0))
def test_note_edit_keeps_any_text_and_any_paste_exactly(
    qapp: QApplication, text: str, inserted: str, at: int
) -> None:
    edit = NoteEdit("Notes")
    edit.set_text(text)
    assert edit.text() == text
    # Paste anywhere that is between two characters Qt keeps apart.
    cut = at % (len(text) + 1)
    if text[:cut].endswith("\r") and text[cut:].startswith("\n"):
        cut -= 1
    cursor = edit.textCursor()
    cursor.setPosition(len(text[:cut].encode("utf-16-le")) // 2 - text[:cut].count("\r\n"))
    edit.setTextCursor(cursor)
    mime = QMimeData()
    mime.setText(inserted)
    edit.insertFromMimeData(mime)
    assert edit.text() == text[:cut] + inserted + text[cut:]
    edit.deleteLater()


def test_a_ten_megabyte_paste_is_saved(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    started = time.perf_counter()
    paste(qtbot, notes, TEN_MB_NOTE)
    qtbot.wait(0)  # let it paint once
    pasted = time.perf_counter() - started
    editor.flush()
    total = time.perf_counter() - started

    assert stored(vault, session).notes == TEN_MB_NOTE
    assert status(editor, by_name).startswith("Saved")
    print(f"10 MB paste: {pasted:.2f} s on screen, {total:.2f} s saved")  # noqa: T201
    assert total < 30


def test_a_paste_past_the_limit_is_refused_and_nothing_is_lost(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    qtbot.keyClicks(notes, "Keep this.")
    editor.flush()

    paste(qtbot, notes, "x" * (MAX_TEXT_CHARS - len("Keep this.") + 1))

    message = by_name(editor, QLabel, "Problem with Notes")
    assert isinstance(message, QLabel)
    assert "was not pasted" in message.text()
    assert "Your text is unchanged" in message.text()
    assert notes.text() == "Keep this."
    assert stored(vault, session).notes == "Keep this."
    qtbot.keyClicks(notes, " More.")
    assert not message.isVisible()  # gone once typing goes on


def test_the_limit_counts_what_a_paste_replaces(qapp: QApplication) -> None:
    edit = NoteEdit("Notes", max_chars=10)
    problems: list[str] = []
    edit.refused.connect(problems.append)
    edit.set_text("abcdefgh")
    edit.selectAll()
    mime = QMimeData()
    mime.setText("0123456789")
    edit.insertFromMimeData(mime)
    assert edit.text() == "0123456789"
    edit.insertFromMimeData(mime)  # no selection now: 20 characters
    assert edit.text() == "0123456789"
    assert len(problems) == 1
    edit.deleteLater()


class _BrokenClipboardText(QMimeData):
    """Clipboard text holding an unpaired surrogate, as a broken copy can leave.

    PySide drops lone surrogates when a Python string becomes a QString, so
    ``setText`` cannot build such a paste; overriding ``text`` can.
    """

    def hasText(self) -> bool:
        return True

    def text(self) -> str:
        return LONE_SURROGATE


def test_a_paste_with_a_lone_surrogate_is_refused_with_the_vaults_message(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    qtbot.keyClicks(notes, "Keep this.")
    editor.flush()
    with pytest.raises(InvalidText) as expected:
        check_free_text(LONE_SURROGATE, "notes")

    notes.insertFromMimeData(_BrokenClipboardText())

    assert by_name(editor, QLabel, "Problem with Notes").text() == str(expected.value)
    assert notes.text() == "Keep this."
    assert stored(vault, session).notes == "Keep this."


# -- failed saves ----------------------------------------------------------------------


def test_a_full_disk_keeps_the_text_says_so_and_saves_once_there_is_room(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    saves: list[None] = []
    editor.saved.connect(lambda: saves.append(None))
    fill_disk(vault)
    text = "A long account of the meeting. " * 4000  # needs new pages
    paste(qtbot, notes, text)

    editor.flush()

    assert status(editor, by_name) == DISK_FULL
    assert notes.text() == text
    assert stored(vault, session).notes == ""
    assert editor.has_unsaved_changes
    assert saves == []

    free_disk(vault)
    editor.flush()
    assert stored(vault, session).notes == text
    assert status(editor, by_name).startswith("Saved")
    assert saves == [None]


def test_after_a_failed_save_the_next_change_tries_again(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    fill_disk(vault)
    paste(qtbot, notes, "Long. " * 20000)
    editor.flush()
    assert status(editor, by_name) == DISK_FULL
    free_disk(vault)

    qtbot.keyClicks(notes, "!")
    qtbot.waitUntil(lambda: stored(vault, session).notes.endswith("Long. !"), timeout=3000)


def test_save_problems_are_told_plainly() -> None:
    full = DiskFull("Could not save: the disk is full. Free some space and try again.")
    assert problem_text(full) == DISK_FULL
    read_only = problem_text(VaultWriteError("Could not read or write the vault's database"))
    assert read_only.startswith("Not saved:")
    assert "Your text is still here" in read_only
    invalid = InvalidText("The text in “notes” is too long to save.")
    assert problem_text(invalid) == str(invalid)
    assert problem_text(VaultClosed("The vault is locked.")).startswith("Not saved.")


# -- clipboard, history, and a screen reader's view ---------------------------------


def test_copies_from_notes_carry_the_concealed_hints(
    qtbot: QtBot, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    qtbot.keyClicks(notes, "Private words")
    notes.selectAll()
    qtbot.keyClick(notes, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    mime = QApplication.clipboard().mimeData()
    assert mime is not None
    assert mime.text() == "Private words"
    assert mime.hasFormat("x-kde-passwordManagerHint")


def test_rich_text_and_images_paste_as_plain_text_only(
    qtbot: QtBot, editor: SessionEditor, by_name: Find
) -> None:
    notes = notes_field(editor, by_name)
    mime = QMimeData()
    mime.setHtml("<b>bold</b> <img src='https://example.invalid/t.png'>")
    mime.setText("bold")
    notes.insertFromMimeData(mime)
    image_only = QMimeData()
    image_only.setImageData(notes.grab().toImage())
    assert not notes.canInsertFromMimeData(image_only)
    notes.insertFromMimeData(image_only)
    assert notes.text() == "bold"
    assert notes.document().toHtml().count("<img") == 0


def test_clear_history_forgets_undo(qtbot: QtBot, editor: SessionEditor, by_name: Find) -> None:
    notes = notes_field(editor, by_name)
    qtbot.keyClicks(notes, "Earlier wording")
    assert notes.document().isUndoAvailable()
    editor.clear_history()
    assert not notes.document().isUndoAvailable()
    assert not notes.document().isRedoAvailable()
    assert notes.text() == "Earlier wording"


def test_every_field_has_a_visible_label_equal_to_its_accessible_name(
    editor: SessionEditor, by_name: Find
) -> None:
    labelled = {
        label.buddy().accessibleName(): label.text()
        for label in editor.findChildren(QLabel)
        if label.buddy() is not None and label.isVisible()
    }
    assert labelled == {
        "Date and time": "Date and time",
        "Duration": "Duration",
        "Mode": "Mode",
        "Concerns": "Concerns",
        "Notes": "Notes",
    }
    # The follow-up date's label is the checkbox beside it, which reads the same.
    assert by_name(editor, QCheckBox, "Follow up on").text() == "Follow up on"
    assert by_name(editor, QDateEdit, "Follow up on").calendarPopup()


def test_tab_moves_through_the_fields_in_reading_order(
    editor: SessionEditor, by_name: Find
) -> None:
    expected = [
        by_name(editor, QDateTimeEdit, "Date and time"),
        by_name(editor, QSpinBox, "Duration"),
        by_name(editor, QComboBox, "Mode"),
        by_name(editor, QCheckBox, "Follow up on"),
        by_name(editor, QDateEdit, "Follow up on"),
        by_name(editor, QPlainTextEdit, "Notes"),
    ]
    chain: list[QWidget] = []
    widget = expected[0]
    for _ in range(200):
        if widget in expected and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == expected


def test_focus_main_text_puts_the_cursor_in_the_notes(
    qtbot: QtBot, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    editor.activateWindow()
    editor.focus_main_text()
    qtbot.waitUntil(notes_field(editor, by_name).hasFocus)
    assert editor.record_id == session.id


def test_on_a_narrow_pane_the_fields_wrap_instead_of_being_cut_off(
    qtbot: QtBot, editor: SessionEditor, by_name: Find
) -> None:
    editor.resize(460, 600)
    fields = [
        by_name(editor, QDateTimeEdit, "Date and time"),
        by_name(editor, QSpinBox, "Duration"),
        by_name(editor, QComboBox, "Mode"),
        by_name(editor, QDateEdit, "Follow up on"),
        by_name(editor, QPlainTextEdit, "Notes"),
    ]

    def all_inside() -> bool:
        inside = editor.rect()
        return all(
            inside.contains(field.mapTo(editor, field.rect().bottomRight())) for field in fields
        )

    qtbot.waitUntil(all_inside)
    assert editor.width() == 460


# -- concern categories ------------------------------------------------------------------


def chip(editor: SessionEditor, by_name: Find, name: str) -> QWidget:
    from PySide6.QtWidgets import QPushButton

    return by_name(editor, QPushButton, name)


def test_concern_chips_save_by_themselves_and_show_again(
    qtbot: QtBot,
    vault: Vault,
    session: Session,
    open_editor: Callable[[Session], SessionEditor],
    by_name: Find,
) -> None:
    from peerdesk.store.models import ConcernCategory

    editor = open_editor(session)
    threats = chip(editor, by_name, "Threats")
    qtbot.mouseClick(threats, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stored(vault, session).concerns == {ConcernCategory.THREATS})
    assert threats.text().startswith("\u2713")  # said in words, not only colour
    editor.hide()
    again = open_editor(session)
    assert chip(again, by_name, "Threats").isChecked()
    assert not chip(again, by_name, "Harassment").isChecked()
    assert not again.has_unsaved_changes  # showing them again is not an edit


def test_concern_chips_work_from_the_keyboard(
    qtbot: QtBot, vault: Vault, session: Session, editor: SessionEditor, by_name: Find
) -> None:
    from peerdesk.store.models import ConcernCategory

    editor.activateWindow()
    first = chip(editor, by_name, "Verbal abuse")
    # Tab reaches the chips after the notes, and the checklists' switch after the chips.
    chain: list[QWidget] = []
    widget: QWidget = editor.notes
    while widget is not editor.checklists_toggle and len(chain) < 200:
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible():
            chain.append(widget)
    chips = [w for w in chain if w.objectName() == "concernChip"]
    assert chain[0] is first  # straight from the notes
    assert chain[-1] is editor.checklists_toggle
    assert chain.index(chips[-1]) == len(chain) - 2  # nothing between the chips and the switch
    assert [w.accessibleName() for w in chips] == [
        "Verbal abuse",
        "Exclusion or isolation",
        "Undermining of work",
        "Cyberbullying",
        "Discrimination",
        "Harassment",
        "Threats",
        "Other",
    ]
    focus(qtbot, first)
    qtbot.keyClick(first, Qt.Key.Key_Space)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    second = chip(editor, by_name, "Exclusion or isolation")
    qtbot.waitUntil(second.hasFocus)
    qtbot.keyClick(second, Qt.Key.Key_Space)
    editor.flush()
    assert stored(vault, session).concerns == {
        ConcernCategory.VERBAL_ABUSE,
        ConcernCategory.EXCLUSION,
    }


def test_render_the_session_editor_with_concerns(
    qtbot: QtBot, editor: SessionEditor, by_name: Find
) -> None:
    """Not an assertion of looks: writes a PNG to look at (/tmp/stats_png when it exists)."""
    from pathlib import Path

    qtbot.mouseClick(chip(editor, by_name, "Threats"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(chip(editor, by_name, "Discrimination"), Qt.MouseButton.LeftButton)
    editor.flush()
    folder = Path("/tmp/stats_png")
    image = editor.grab()
    assert not image.isNull()
    if folder.is_dir():
        image.save(str(folder / "session_editor.png"))
        editor.resize(460, 640)
        qtbot.wait(50)
        editor.grab().save(str(folder / "session_editor_narrow.png"))
