"""Whole-app flows through the real window, driven the way a supporter would drive them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
)
from pytestqt.qtbot import QtBot

from peerdesk.app import build_main_window
from peerdesk.paths import vault_dir
from peerdesk.store import KdfParams
from peerdesk.ui import dialogs
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.person_view import PersonTab
from peerdesk.ui.row_list import ROW_ROLE

from ..ui.driving import confirm_code, create_through_first_run, find, unlock

PASSPHRASE = "lantern orchard seventeen quietly"
NOTE = "Said the team lead mocked their accent in the Monday stand-up, again."


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, fast_kdf: KdfParams) -> Iterator[AppWindow]:
    built = build_main_window(tmp_path / "data", kdf=fast_kdf)
    assert isinstance(built, AppWindow)
    qtbot.addWidget(built)
    built.show()
    qtbot.waitExposed(built)
    yield built
    dialogs.clear_answers()
    built.shutdown()


def _model_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts: list[str] = []

    flat = isinstance(model, QAbstractListModel)  # its columnCount is private in PySide6

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            for column in range(1 if flat else max(1, model.columnCount(parent))):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ROW_ROLE):
                    value = index.data(role)
                    if value is not None:
                        texts.append(repr(value))
                if not flat:
                    walk(index)

    walk(QModelIndex())
    return texts


def every_text_on_screen() -> str:
    """All text any live widget holds: fields, labels, buttons, list rows, titles, tooltips."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if not shiboken6.isValid(widget):
            continue
        texts += [widget.windowTitle(), widget.toolTip(), widget.accessibleName()]
        texts.append(widget.accessibleDescription())
        if isinstance(widget, QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractItemView):
            texts += _model_texts(widget)
    return "\n".join(texts)


def _start_vault(qtbot: QtBot, window: AppWindow) -> None:
    shown = create_through_first_run(qtbot, window, find, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked):
        confirm_code(qtbot, window.lock_screen, find, shown)


def _add_person_with_note(qtbot: QtBot, window: AppWindow, alias: str, note: str) -> None:
    dialogs.answer_next(alias)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert dialogs.pending_answers() == 0
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    notes = find(window, QPlainTextEdit, "Notes")
    qtbot.waitUntil(notes.hasFocus)
    qtbot.keyClicks(notes, note)
    status = find(window, QLabel, "Save status")
    qtbot.waitUntil(lambda: status.text().startswith("Saved"), timeout=5000)


def test_first_run_note_lock_leaves_nothing_on_screen_and_unlock_brings_it_back(
    qtbot: QtBot, window: AppWindow, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    _start_vault(qtbot, window)
    _add_person_with_note(qtbot, window, "Robin (night shift)", NOTE)
    assert NOTE in every_text_on_screen()  # the scan can see the note while unlocked

    with qtbot.waitSignal(window.locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    on_screen = every_text_on_screen()
    assert NOTE not in on_screen
    assert "Robin (night shift)" not in on_screen
    assert window.windowTitle() == "peerdesk"
    assert window.workspace is None

    with qtbot.waitSignal(window.unlocked):
        unlock(qtbot, window, find, PASSPHRASE)
    # Back where they were: the same session open, with the note in its editor.
    notes = find(window, QPlainTextEdit, "Notes")
    assert notes.toPlainText() == NOTE
    assert notes.document().isUndoAvailable() is False  # undo history did not survive


def test_idle_auto_lock_fires(qtbot: QtBot, tmp_path: Path, fast_kdf: KdfParams) -> None:
    window = AppWindow(vault_dir(tmp_path / "data"), kdf=fast_kdf, idle_ms=300)
    qtbot.addWidget(window)
    window.show()
    try:
        _start_vault(qtbot, window)
        with qtbot.waitSignal(window.locked, timeout=5000):
            pass  # nobody touches anything
        assert window.vault is None
        assert window.lock_screen.current_page == "unlock"
    finally:
        window.shutdown()


def test_deleting_a_person_leaves_nothing_to_find(
    qtbot: QtBot, window: AppWindow, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    _start_vault(qtbot, window)
    _add_person_with_note(qtbot, window, "Alex Deleteme", "Unique marker zebracrossing here.")
    vault = window.vault
    assert vault is not None
    assert vault.search("zebracrossing")

    people = find(window, QAbstractItemView, "People")
    people.setFocus()
    dialogs.answer_next(True)  # "Delete everything"
    qtbot.keyClick(people, Qt.Key.Key_Delete)
    assert dialogs.pending_answers() == 0
    workspace = window.workspace
    assert workspace is not None
    qtbot.waitUntil(lambda: not workspace.erasing, timeout=10_000)

    assert vault.search("zebracrossing") == []
    assert vault.search("Deleteme") == []
    assert [e.action for e in vault.audit.list()] == ["person_deleted"]
    search = window.search_field
    assert search is not None
    qtbot.keyClicks(search, "zebracrossing")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not workspace.search_panel.searching, timeout=5000)
    assert workspace.search_panel.hits == []
    # Their view is destroyed as soon as control returns to the event loop.
    qtbot.waitUntil(lambda: "Deleteme" not in every_text_on_screen(), timeout=2000)
    assert "zebracrossing" not in every_text_on_screen().replace(search.text(), "")


def test_a_second_window_on_the_same_vault_is_refused_clearly(
    qtbot: QtBot, window: AppWindow, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    _start_vault(qtbot, window)
    second = build_main_window(tmp_path / "data", kdf=fast_kdf)
    assert isinstance(second, AppWindow)
    qtbot.addWidget(second)
    second.show()
    try:
        unlock(qtbot, second, find, PASSPHRASE)
        qtbot.waitUntil(lambda: "already open" in every_text_on_screen())
        assert second.vault is None
    finally:
        second.shutdown()




def test_locking_with_a_referral_open_saves_the_draft_and_closes_its_window(
    qtbot: QtBot, window: AppWindow
) -> None:
    situation = "Shouted at in front of customers SITUATIONMARK"
    _start_vault(qtbot, window)
    _add_person_with_note(qtbot, window, "Robin (night shift)", NOTE)
    workspace = window.workspace
    assert workspace is not None
    person = workspace.person_view
    assert person is not None
    person.set_tab(PersonTab.REFERRALS)
    qtbot.mouseClick(find(person, QPushButton, "New referral…"), Qt.MouseButton.LeftButton)
    wizard = person.referrals.wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    find(wizard, QLineEdit, "Service name").setFocus()
    qtbot.keyClicks(find(wizard, QLineEdit, "Service name"), "Harbour EAP")
    qtbot.mouseClick(find(wizard, QPushButton, "Next"), Qt.MouseButton.LeftButton)
    field = find(wizard, QPlainTextEdit, "Situation")
    field.setFocus()
    qtbot.keyClicks(field, situation)  # typed, and not yet moved on from

    with qtbot.waitSignal(window.locked):
        window.lock()
    assert not shiboken6.isValid(wizard)  # its window went with the workspace
    assert situation not in every_text_on_screen()

    with qtbot.waitSignal(window.unlocked):
        unlock(qtbot, window, find, PASSPHRASE)
    vault = window.vault
    assert vault is not None
    (robin,) = vault.people.list()
    (draft,) = vault.referrals.list_for_person(robin.id)
    assert (draft.recipient_name, draft.situation) == ("Harbour EAP", situation)
