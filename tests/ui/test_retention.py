"""Retention review, erasure and the subject-access export, driven as a supporter would."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTreeWidget
from pytestqt.qtbot import QtBot

from peerdesk.preferences import RETENTION_DAYS, Preferences
from peerdesk.store import Vault
from peerdesk.store.audit import PEOPLE_PURGED, PERSON_KEPT_LONGER, SUBJECT_ACCESS_EXPORTED
from peerdesk.store.models import PersonId
from peerdesk.ui import dialogs, file_dialogs, retention_review, subject_access_export
from peerdesk.ui.people_list import person_menu
from peerdesk.ui.retention_review import RetentionReview, purge_due_text, review_retention
from peerdesk.ui.subject_access_export import SubjectAccessQuestion
from peerdesk.ui.workspace import Workspace
from tests.pdf.reading import reader
from tests.store.test_retention import (
    closed_at,
    decrypted_disk_bytes,
    person_with_everything,
    traces,
)

Find = Callable[..., object]
TODAY = date.today()


def close_days_ago(vault: Vault, alias: str, days: int) -> PersonId:
    person = vault.people.add(alias)
    vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=days)))
    return person.id


@pytest.fixture(autouse=True)
def nothing_left_queued() -> None:
    yield
    assert retention_review.pending_reviews() == 0
    assert subject_access_export.pending_answers() == 0


# -- the banner's words ---------------------------------------------------------------------


def test_the_banner_speaks_only_when_cases_are_due(vault: Vault) -> None:
    assert purge_due_text(vault) is None
    close_days_ago(vault, "Recent", 20)
    vault.people.add("Open")
    assert purge_due_text(vault) is None
    close_days_ago(vault, "Long ago", 400)
    close_days_ago(vault, "Longer ago", 800)
    text = purge_due_text(vault)
    assert text is not None
    assert "2 closed cases are past your retention period of 365 days." in text
    assert "Tools → Review closed cases" in text
    assert "Long ago" not in text  # the banner names no one
    Preferences(vault.settings).set(RETENTION_DAYS, 3650)
    assert purge_due_text(vault) is None


# -- the review -----------------------------------------------------------------------------


def test_nothing_due_says_so_and_opens_nothing(vault: Vault) -> None:
    close_days_ago(vault, "Recent", 20)
    dialogs.answer_next(None)  # "No closed cases are past your retention period"
    assert review_retention(None, vault) == 0
    assert dialogs.pending_answers() == 0


def test_the_review_lists_who_would_go_and_when_support_ended(
    qtbot: QtBot, vault: Vault, by_name: Find
) -> None:
    close_days_ago(vault, "Harbour", 400)
    close_days_ago(vault, "Oldest", 900)
    close_days_ago(vault, "Recent", 10)
    vault.people.add("Open")
    review = RetentionReview(vault, TODAY, 365)
    qtbot.addWidget(review)
    review.show()

    cases = by_name(review, QTreeWidget, "Cases due for deletion")
    assert isinstance(cases, QTreeWidget)
    rows = [
        [cases.topLevelItem(i).text(c) for c in range(3)] for i in range(cases.topLevelItemCount())
    ]
    assert [row[0] for row in rows] == ["Oldest", "Harbour"]
    ended = (TODAY - timedelta(days=400)).strftime("%-d %b %Y")
    assert rows[1][1] == ended
    delete = by_name(review, QPushButton, "Delete 2 cases…")
    not_now = by_name(review, QPushButton, "Not now")
    assert isinstance(not_now, QPushButton)
    assert not_now.isDefault()
    assert isinstance(delete, QPushButton)
    assert not delete.isDefault()
    assert not delete.autoDefault()


def test_keeping_a_case_longer_needs_a_reason_and_takes_it_off_the_list(
    qtbot: QtBot, vault: Vault, by_name: Find
) -> None:
    held = close_days_ago(vault, "Tribunal", 400)
    close_days_ago(vault, "Other", 500)
    review = RetentionReview(vault, TODAY, 365)
    qtbot.addWidget(review)
    review.show()
    review.select("Tribunal")

    keep = by_name(review, QPushButton, "Keep longer")
    assert isinstance(keep, QPushButton)
    assert not keep.isEnabled()  # no reason yet
    reason = by_name(review, QPlainTextEdit, "Why keep it longer")
    qtbot.keyClicks(reason, "   ")
    assert not keep.isEnabled()  # blank is not a reason
    qtbot.keyClicks(reason, "Tribunal hearing in March")
    assert keep.isEnabled()
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)

    assert review.aliases() == ["Other"]
    person = vault.people.get(held)
    assert person.keep_reason == "Tribunal hearing in March"
    assert person.keep_until == TODAY + timedelta(days=90)
    assert [e.action for e in vault.audit.list()] == [PERSON_KEPT_LONGER]
    assert by_name(review, QPushButton, "Delete 1 case…") is not None


def test_not_now_and_a_cancelled_confirmation_delete_nothing(vault: Vault) -> None:
    close_days_ago(vault, "Stays", 400)

    def press_delete_then_cancel(review: RetentionReview) -> None:
        dialogs.answer_next(False)  # the confirmation's safe default
        review.delete_all()
        review.reject()

    retention_review.review_next(lambda review: review.reject(), press_delete_then_cancel)
    assert review_retention(None, vault) == 0
    assert review_retention(None, vault) == 0
    assert [p.alias for p in vault.people.list(include_closed=True)] == ["Stays"]
    assert vault.audit.list() == []


def test_deleting_from_the_review_erases_them_everywhere(
    qtbot: QtBot, workspace: Workspace, vault: Vault
) -> None:
    doomed, markers = person_with_everything(vault, "reviewed")
    vault.people.close(doomed.id, at=closed_at(TODAY - timedelta(days=400)))
    survivor = close_days_ago(vault, "Survivor", 5)
    workspace.people.show_closed.setChecked(True)
    workspace.people.select(doomed.id)
    assert workspace.person_view is not None
    assert workspace.person_view.person_id == doomed.id

    def confirm_delete(review: RetentionReview) -> None:
        assert review.aliases() == [doomed.alias]
        dialogs.answer_next(True)
        review.delete_all()
        qtbot.waitUntil(lambda: review.erasing is None, timeout=10_000)

    retention_review.review_next(confirm_delete)
    assert workspace.review_retention() == 1

    assert workspace.person_view is None  # nothing of them left on screen
    assert [p.id for p in vault.people.list(include_closed=True)] == [survivor]
    assert workspace.people.person(doomed.id) is None
    assert (vault.audit.list()[0].action, vault.audit.list()[0].count) == (PEOPLE_PURGED, 1)
    assert traces(decrypted_disk_bytes(vault), markers) == []


# -- erasure from the person menu -------------------------------------------------------------


def test_deleting_a_person_names_what_goes_and_leaves_no_trace_on_disk(
    qtbot: QtBot, workspace: Workspace, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed, markers = person_with_everything(vault, "menudelete")
    workspace.people.refresh()
    asked: list[tuple[str, str, str]] = []

    def confirm(_parent: object, question: str, detail: str, action: str) -> bool:
        asked.append((question, detail, action))
        return True

    monkeypatch.setattr(dialogs, "confirm_destructive", confirm)
    workspace.people.delete_requested.emit(doomed.id)

    ((question, detail, action),) = asked
    assert question == "Delete this person and everything about them?"
    assert "sessions, diary, consents and referrals" in detail
    assert action == "Delete everything"
    assert doomed.alias not in question + detail  # a question never quotes an alias
    qtbot.waitUntil(lambda: not workspace.erasing, timeout=10_000)
    assert workspace.people.person(doomed.id) is None
    assert traces(decrypted_disk_bytes(vault), markers) == []


# -- the person menu ----------------------------------------------------------------------------


def test_the_person_menu_offers_the_export_above_delete(qtbot: QtBot, workspace: Workspace) -> None:
    menu = person_menu(workspace, closed=False, subject_access=True)
    entries = [(a.text(), a.data()) for a in menu.actions() if not a.isSeparator()]
    assert entries == [
        ("Rename…", "rename"),
        ("Close (support ended)", "close"),
        ("Export everything held about them (subject access)…", "subject_access"),
        ("Delete person…", "delete"),
    ]
    without = person_menu(workspace, closed=True)
    assert [a.data() for a in without.actions() if not a.isSeparator()] == [
        "rename",
        "reopen",
        "delete",
    ]


# -- the subject-access export ------------------------------------------------------------------


def test_different_passwords_keep_the_export_from_going_on(qtbot: QtBot, by_name: Find) -> None:
    question = SubjectAccessQuestion("2 sessions, 0 diary entries, 0 consents, 0 referrals")
    qtbot.addWidget(question)
    question.show()
    go = by_name(question, QPushButton, "Choose where to save…")
    cancel = by_name(question, QPushButton, "Cancel")
    assert isinstance(go, QPushButton)
    assert isinstance(cancel, QPushButton)
    assert cancel.isDefault()
    qtbot.keyClicks(by_name(question, QLineEdit, "Password for the PDF"), "one")
    qtbot.keyClicks(by_name(question, QLineEdit, "Confirm the password"), "two")
    assert not go.isEnabled()
    problem = by_name(question, QLabel, "Why the PDF cannot be made yet")
    assert isinstance(problem, QLabel)
    assert problem.text() == "The two passwords are not the same."
    confirm = by_name(question, QLineEdit, "Confirm the password")
    for _typed in "two":
        qtbot.keyClick(confirm, Qt.Key.Key_Backspace)
    qtbot.keyClicks(confirm, "one")
    assert go.isEnabled()
    assert not problem.isVisible()


def test_exporting_from_the_list_writes_an_encrypted_private_pdf_and_logs_it(
    workspace: Workspace,
    vault: Vault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    by_name: Find,
) -> None:
    person, _markers = person_with_everything(vault, "exported")
    other, _other_markers = person_with_everything(vault, "notexported")
    workspace.people.refresh()
    target = tmp_path / "chosen" / "copy"
    target.parent.mkdir()
    suggested: list[str] = []

    def save_path(_parent: object, _caption: str, name: str, _filter: str) -> Path:
        suggested.append(name)
        return target

    monkeypatch.setattr(file_dialogs, "get_save_path", save_path)
    shown: list[str] = []

    def answer(question: SubjectAccessQuestion) -> None:
        what = by_name(question, QLabel, "What will be exported")
        assert isinstance(what, QLabel)
        shown.append(what.text())
        question.password.setText("tide pool 9")
        question.confirm.setText("tide pool 9")
        question.go.click()

    subject_access_export.answer_next(answer)
    dialogs.answer_next(None)  # "The PDF is saved…"
    workspace.people.subject_access_requested.emit(person.id)

    written = target.with_suffix(".pdf")
    assert suggested == [f"subject-access-{TODAY.isoformat()}.pdf"]
    assert "1 session, 1 diary entry, 1 consent, 1 referral" in shown[-1]
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    data = written.read_bytes()
    assert reader(data).is_encrypted
    opened = reader(data)
    assert opened.decrypt("tide pool 9")
    text = " ".join(page.extract_text() for page in opened.pages)
    assert person.alias in text
    assert other.alias not in text
    assert [e.action for e in vault.audit.list()][0] == SUBJECT_ACCESS_EXPORTED


def test_cancelling_the_export_writes_nothing_and_logs_nothing(
    workspace: Workspace, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = vault.people.add("Cancelled")

    def never(*_args: object) -> Path:
        raise AssertionError("no file is asked for after Cancel")

    monkeypatch.setattr(file_dialogs, "get_save_path", never)
    subject_access_export.answer_next(lambda question: question.cancel.click())
    workspace.people.subject_access_requested.emit(person.id)
    assert vault.audit.list() == []
    assert list(tmp_path.rglob("*.pdf")) == []
