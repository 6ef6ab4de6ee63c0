"""Contact-log-only mode: chosen at first run, said on screen, with nowhere to write a name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import ConcernCategory, SessionMode, VaultMode
from peerdesk.ui import dialogs
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.concern_picker import ConcernPicker
from peerdesk.ui.contact_log_view import ContactLogView
from peerdesk.ui.workspace import Workspace

from .conftest import EXISTING_PASSPHRASE
from .driving import confirm_code, create_through_first_run, unlock

Find = Callable[..., QWidget]
NEW_PASSPHRASE = "quiet harbour lanterns at noon"
TODAY = date.today()
PEOPLE_ACTIONS = (
    "Add person…",
    "Rename person…",
    "New session",
    "New incident diary entry",
    "Search",
    "People",
    "Follow-ups due",
)


@pytest.fixture
def contact_vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(
        tmp_path / "v", "pass phrase here", kdf=fast_kdf, mode=VaultMode.CONTACT_LOG
    )
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot: QtBot, contact_vault: Vault) -> Iterator[ContactLogView]:
    dialogs.clear_answers()
    shown = ContactLogView(contact_vault)
    qtbot.addWidget(shown)
    shown.resize(1100, 700)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    assert dialogs.pending_answers() == 0


@pytest.fixture
def contact_log_shell(
    qtbot: QtBot, vault_directory: Path, fast_kdf: KdfParams
) -> Iterator[AppWindow]:
    """The window over a closed contact-log-only vault that already holds two contacts."""
    vault, _code = Vault.create(
        vault_directory, EXISTING_PASSPHRASE, kdf=fast_kdf, mode=VaultMode.CONTACT_LOG
    )
    vault.contacts.add(TODAY - timedelta(days=3), 40, SessionMode.PHONE, [], True)
    vault.contacts.add(TODAY, 25, SessionMode.CHAT, [ConcernCategory.THREATS], False)
    vault.close()
    window = AppWindow(vault_directory, kdf=fast_kdf)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    dialogs.clear_answers()
    window.shutdown()


def _unlock(qtbot: QtBot, window: AppWindow, by_name: Find) -> ContactLogView:
    with qtbot.waitSignal(window.unlocked):
        unlock(qtbot, window, by_name, EXISTING_PASSPHRASE)
    assert window.contact_log is not None
    return window.contact_log


def _text_fields(root: QWidget, *, shown_only: bool = False) -> list[QWidget]:
    """Every widget a person could type words into (a spin box's digits do not count)."""
    fields: list[QWidget] = [*root.findChildren(QPlainTextEdit), *root.findChildren(QTextEdit)]
    fields += [
        line
        for line in root.findChildren(QLineEdit)
        if not isinstance(line.parentWidget(), QAbstractSpinBox)
    ]
    fields += [box for box in root.findChildren(QComboBox) if box.isEditable()]
    return [field for field in fields if field.isVisibleTo(root) or not shown_only]


def _visible_action_texts(window: AppWindow) -> set[str]:
    return {a.text() for a in window.actions() if a.isVisible()}


# -- the workspace --------------------------------------------------------------------


def test_the_contact_log_has_no_field_for_a_name_a_note_or_a_search(
    view: ContactLogView, by_name: Find
) -> None:
    assert _text_fields(view) == []
    names = {w.accessibleName().casefold() for w in view.findChildren(QWidget)}
    for word in ("alias", "notes", "search", "real name", "incident", "follow"):
        assert not any(word in name for name in names), word
    # What it does ask for, each by the name a screen reader reads.
    by_name(view, QAbstractSpinBox, "Date")
    by_name(view, QSpinBox, "Duration")
    by_name(view, QComboBox, "How")
    by_name(view, QCheckBox, "Referral made")
    by_name(view, QPushButton, "Log contact")
    for concern in ConcernCategory:
        assert view.form.concerns.chips[concern].isCheckable()
    banner = by_name(view, QLabel, "Contact log only")
    assert "no names and no notes" in banner.text()


def test_logging_a_contact_through_the_form_saves_it_and_lists_it_first(
    qtbot: QtBot, view: ContactLogView, contact_vault: Vault, by_name: Find
) -> None:
    contact_vault.contacts.add(TODAY - timedelta(days=10), 30, SessionMode.VIDEO, [], False)
    view.refresh()
    form = view.form
    assert form.fields().occurred_on == TODAY  # today unless changed
    assert form.fields().duration_minutes == 0

    form.day.setDate(QDate(TODAY.year, TODAY.month, TODAY.day).addDays(-1))
    duration = by_name(view, QSpinBox, "Duration")
    duration.selectAll()
    qtbot.keyClicks(duration, "45")
    how = by_name(view, QComboBox, "How")
    how.setCurrentIndex(how.findData(SessionMode.PHONE.value))
    for concern in (ConcernCategory.EXCLUSION, ConcernCategory.VERBAL_ABUSE):
        qtbot.mouseClick(form.concerns.chips[concern], Qt.MouseButton.LeftButton)
    chip = form.concerns.chips[ConcernCategory.EXCLUSION]
    assert chip.isChecked()
    assert chip.text().startswith("✓")  # chosen says so in words, not colour alone
    assert chip.accessibleName() == "Exclusion or isolation"
    by_name(view, QCheckBox, "Referral made").setChecked(True)
    qtbot.mouseClick(by_name(view, QPushButton, "Log contact"), Qt.MouseButton.LeftButton)

    newest = contact_vault.contacts.list()[0]
    assert newest.occurred_on == TODAY - timedelta(days=1)
    assert newest.duration_minutes == 45
    assert newest.mode is SessionMode.PHONE
    assert newest.concerns == {ConcernCategory.EXCLUSION, ConcernCategory.VERBAL_ABUSE}
    assert newest.referral_made
    rows = view.list_view.row_model().rows()
    assert len(rows) == 2
    assert rows[0].key == newest.id
    assert rows[0].detail == "Phone · 45 min · Verbal abuse, Exclusion or isolation"
    assert rows[0].badge == "Referral made"
    assert rows[1].badge == ""
    assert "2 contacts" in view.count.text()
    # The form is ready for the next one, and says the last one was kept.
    assert form.fields().duration_minutes == 0
    assert form.concerns.concerns() == frozenset()
    assert not form.referral_made.isChecked()
    assert "logged" in by_name(view, QLabel, "Note").text()


def test_a_contact_can_be_changed_and_cancel_leaves_it_alone(
    qtbot: QtBot, view: ContactLogView, contact_vault: Vault, by_name: Find
) -> None:
    logged = contact_vault.contacts.add(TODAY, 20, SessionMode.CHAT, [], False)
    view.refresh()
    change = by_name(view, QPushButton, "Change")
    assert not change.isEnabled()  # nothing chosen yet
    view.list_view.select_key(logged.id)
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    assert view.form.editing == logged.id
    assert view.form.fields().duration_minutes == 20
    view.form.duration.setValue(55)
    qtbot.mouseClick(by_name(view, QPushButton, "Cancel"), Qt.MouseButton.LeftButton)
    assert contact_vault.contacts.get(logged.id).duration_minutes == 20
    assert view.form.editing is None

    view.list_view.select_key(logged.id)
    view.change_selected()
    view.form.duration.setValue(55)
    qtbot.mouseClick(view.form.concerns.chips[ConcernCategory.OTHER], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(by_name(view, QPushButton, "Save changes"), Qt.MouseButton.LeftButton)
    changed = contact_vault.contacts.get(logged.id)
    assert changed.duration_minutes == 55
    assert changed.concerns == {ConcernCategory.OTHER}
    assert len(contact_vault.contacts.list()) == 1  # changed, not logged twice
    assert view.form.editing is None
    assert by_name(view, QPushButton, "Log contact").isVisible()


def test_deleting_asks_first_and_cancel_keeps_the_contact(
    qtbot: QtBot, view: ContactLogView, contact_vault: Vault
) -> None:
    logged = contact_vault.contacts.add(TODAY, 20, SessionMode.CHAT, [], False)
    view.refresh()
    view.list_view.select_key(logged.id)
    view.list_view.setFocus()
    dialogs.answer_next(False)
    qtbot.keyClick(view.list_view, Qt.Key.Key_Delete)
    assert contact_vault.contacts.list() == [logged]

    dialogs.answer_next(True)
    view.delete_selected()
    assert contact_vault.contacts.list() == []
    assert view.empty_hint.isVisible()
    assert not view.list_view.isVisible()
    assert [e.action for e in contact_vault.audit.list()][0] == "contact_deleted"


def test_a_contact_deleted_while_being_changed_is_said_plainly(
    view: ContactLogView, contact_vault: Vault, by_name: Find
) -> None:
    logged = contact_vault.contacts.add(TODAY, 20, SessionMode.CHAT, [], False)
    view.refresh()
    view.list_view.select_key(logged.id)
    view.change_selected()
    contact_vault.contacts.delete(logged.id)
    view.form.duration.setValue(30)
    view.submit()
    assert "no longer exists" in by_name(view, QLabel, "Problem").text()
    assert view.form.editing is None  # back to logging a new one
    assert contact_vault.contacts.list() == []


def test_the_concern_picker_reports_choices_not_loading(qtbot: QtBot) -> None:
    row = QHBoxLayout()
    picker = ConcernPicker("Concerns", layout=row)
    qtbot.addWidget(picker)
    assert row.count() == len(ConcernCategory)  # the caller's layout holds every chip
    picker.set_concerns([ConcernCategory.THREATS])  # loading a record is not a choice
    assert picker.concerns() == {ConcernCategory.THREATS}
    assert picker.chips[ConcernCategory.THREATS].text() == "✓ Threats"
    with qtbot.waitSignal(picker.changed):
        qtbot.mouseClick(picker.chips[ConcernCategory.OTHER], Qt.MouseButton.LeftButton)
    assert picker.concerns() == {ConcernCategory.THREATS, ConcernCategory.OTHER}
    with qtbot.assertNotEmitted(picker.changed):
        picker.clear()
    assert picker.concerns() == frozenset()
    assert picker.chips[ConcernCategory.THREATS].text() == "Threats"


def test_the_form_offers_no_day_after_today(view: ContactLogView) -> None:
    tomorrow = QDate(TODAY.year, TODAY.month, TODAY.day).addDays(1)
    view.form.day.setDate(tomorrow)
    assert view.form.fields().occurred_on == TODAY


# -- the window -----------------------------------------------------------------------


def test_a_contact_log_vault_opens_the_contact_log_with_only_the_menus_that_apply(
    qtbot: QtBot, contact_log_shell: AppWindow, by_name: Find
) -> None:
    window = contact_log_shell
    view = _unlock(qtbot, window, by_name)
    assert window.mode is VaultMode.CONTACT_LOG
    assert window.workspace is None
    assert window.search_field is None
    assert view.isVisible()
    assert _text_fields(window, shown_only=True) == []  # the lock screen's are hidden
    assert [r.detail.split(" · ")[0] for r in view.list_view.row_model().rows()] == [
        "Chat",
        "Phone",
    ]
    assert window.windowTitle() == "peerdesk"  # the mode is on screen, never in the title
    assert by_name(window, QLabel, "Contact log only").isVisible()

    visible = _visible_action_texts(window)
    assert visible.isdisjoint(PEOPLE_ACTIONS)
    assert {"Lock", "Lock and minimise", "Settings…", "Quit"} <= visible
    menus = {a.text(): a.isVisible() for a in window.menuBar().actions()}
    assert menus == {
        "&peerdesk": True,
        "&People": False,
        "&View": False,
        "&Tools": True,
        "&Help": True,
    }
    for action in window.actions():
        if action.text() in PEOPLE_ACTIONS:
            assert not action.isEnabled(), action.text()
    assert "Contact log only" in window.about_text()


def test_lock_and_unlock_in_contact_log_mode(
    qtbot: QtBot, contact_log_shell: AppWindow, by_name: Find
) -> None:
    window = contact_log_shell
    view = _unlock(qtbot, window, by_name)
    view.form.duration.setValue(35)  # typed, not logged: a lock drops it, nothing is kept
    with qtbot.waitSignal(window.locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.contact_log is None
    assert not shiboken6.isValid(view)
    assert not any(isinstance(w, ContactLogView) for w in QApplication.allWidgets())
    assert window.vault is None
    assert "Contact log only" not in window.about_text()
    # The menus keep the contact log's shape while locked.
    assert _visible_action_texts(window).isdisjoint(PEOPLE_ACTIONS)
    assert not window.lock_action.isEnabled()

    view = _unlock(qtbot, window, by_name)
    assert len(view.list_view.row_model().rows()) == 2
    assert view.form.fields().duration_minutes == 0
    assert window.lock_action.isEnabled()


def test_first_run_with_the_contact_log_choice_makes_a_contact_log_vault(
    qtbot: QtBot, shell: AppWindow, by_name: Find, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    screen = shell.lock_screen
    full = by_name(screen, QRadioButton, "Full records")
    contact_log = by_name(screen, QRadioButton, "Contact log only")
    assert full.isChecked()  # the default
    assert "no identifying records" in contact_log.accessibleDescription()
    page_text = " ".join(label.text() for label in screen.findChildren(QLabel))
    assert "cannot change this later" in page_text
    qtbot.mouseClick(contact_log, Qt.MouseButton.LeftButton)
    assert contact_log.isChecked()

    shown = create_through_first_run(qtbot, shell, by_name, NEW_PASSPHRASE)
    with qtbot.waitSignal(shell.unlocked):
        confirm_code(qtbot, screen, by_name, shown)
    assert shell.vault is not None
    assert shell.vault.mode is VaultMode.CONTACT_LOG
    assert shell.contact_log is not None
    assert shell.workspace is None
    assert shell.contact_log.isVisible()

    with qtbot.waitSignal(shell.locked):
        shell.lock()
    with Vault.open(vault_directory, NEW_PASSPHRASE, kdf=fast_kdf) as reopened:
        assert reopened.mode is VaultMode.CONTACT_LOG


def test_a_records_vault_still_opens_the_records_workspace(
    qtbot: QtBot, shell: AppWindow, by_name: Find, existing_vault: str
) -> None:
    shell.lock_screen.reset()
    with qtbot.waitSignal(shell.unlocked):
        unlock(qtbot, shell, by_name, existing_vault)
    assert shell.mode is VaultMode.RECORDS
    assert isinstance(shell.workspace, Workspace)
    assert shell.contact_log is None
    field = shell.search_field
    assert field is not None
    qtbot.waitUntil(field.isVisible)  # the toolbar lays itself out on the next pass
    assert set(PEOPLE_ACTIONS) <= _visible_action_texts(shell)
    assert all(a.isVisible() for a in shell.menuBar().actions())
    assert "Contact log only" not in shell.about_text()
    assert not shell.findChildren(QLabel, "contactLogBanner")
