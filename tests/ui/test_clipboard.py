"""Copies from peerdesk are concealed, and cleared later, but only while they are still ours."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication
from pytestqt.qtbot import QtBot

from peerdesk.preferences import CLIPBOARD_CLEAR_SECONDS, MemorySettings, Preferences
from peerdesk.ui.clipboard import (
    ClipboardGuard,
    concealed_mime,
    copy_concealed,
    is_own_copy,
)

NOTE = "She said the manager shouted at her in front of the team."


@pytest.fixture(autouse=True)
def empty_clipboard() -> Iterator[QClipboard]:
    clipboard = QGuiApplication.clipboard()
    clipboard.clear()
    yield clipboard
    # PySide6 can crash at exit while the clipboard still owns a QMimeData.
    clipboard.clear()


@pytest.fixture
def prefs() -> Preferences:
    return Preferences(MemorySettings())


@pytest.fixture
def make_guard(prefs: Preferences) -> Iterator[list[ClipboardGuard]]:
    guards: list[ClipboardGuard] = []
    yield guards
    for guard in guards:
        guard.stop()


def guard_with(
    made: list[ClipboardGuard], prefs: Preferences, delay_ms: int | None = None
) -> ClipboardGuard:
    guard = ClipboardGuard(prefs, delay_ms=delay_ms)
    made.append(guard)
    return guard


def test_copies_carry_the_concealed_hints_and_our_marker() -> None:
    mime = concealed_mime(NOTE)
    assert mime.text() == NOTE
    assert bytes(mime.data("x-kde-passwordManagerHint").data()) == b"secret"
    assert mime.hasFormat("org.nspasteboard.ConcealedType")
    assert is_own_copy(mime)
    assert not is_own_copy(None)


def test_our_copy_is_cleared_after_the_delay(
    qtbot: QtBot, empty_clipboard: QClipboard, prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    guard = guard_with(make_guard, prefs, delay_ms=50)
    with qtbot.waitSignal(guard.cleared, timeout=3000) as blocker:
        copy_concealed(NOTE)
        assert empty_clipboard.text() == NOTE
        assert guard.pending
    assert blocker.args == ["timeout"]
    assert empty_clipboard.text() == ""
    assert not is_own_copy(empty_clipboard.mimeData())


def test_something_else_copied_meanwhile_is_not_cleared(
    qtbot: QtBot, empty_clipboard: QClipboard, prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    guard = guard_with(make_guard, prefs, delay_ms=80)
    copy_concealed(NOTE)
    empty_clipboard.setText("a link from the intranet")  # another program's copy
    with qtbot.assertNotEmitted(guard.cleared, wait=250):
        pass
    assert empty_clipboard.text() == "a link from the intranet"
    assert not guard.pending


def test_a_second_copy_restarts_the_delay(
    qtbot: QtBot, empty_clipboard: QClipboard, prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    guard = guard_with(make_guard, prefs, delay_ms=300)
    copy_concealed("first")
    qtbot.wait(200)
    copy_concealed("second")
    qtbot.wait(200)
    assert empty_clipboard.text() == "second"
    with qtbot.waitSignal(guard.cleared, timeout=3000):
        pass
    assert empty_clipboard.text() == ""


def test_lock_clears_our_copy_at_once(
    empty_clipboard: QClipboard, prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    guard = guard_with(make_guard, prefs)  # the real delay: 30 seconds
    copy_concealed(NOTE)
    assert guard.pending
    reasons: list[str] = []
    guard.cleared.connect(reasons.append)
    assert guard.clear_if_ours()
    assert empty_clipboard.text() == ""
    assert reasons == ["lock"]
    assert not guard.pending


def test_lock_leaves_someone_elses_copy(
    empty_clipboard: QClipboard, prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    guard = guard_with(make_guard, prefs)
    empty_clipboard.setText("shopping list")
    assert not guard.clear_if_ours()
    assert empty_clipboard.text() == "shopping list"


def test_a_copy_made_before_the_guard_started_is_still_cleared(
    qtbot: QtBot, empty_clipboard: QClipboard, prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    copy_concealed(NOTE)
    guard = guard_with(make_guard, prefs, delay_ms=30)
    assert guard.pending
    with qtbot.waitSignal(guard.cleared, timeout=3000):
        pass
    assert empty_clipboard.text() == ""


def test_the_delay_comes_from_the_setting(
    prefs: Preferences, make_guard: list[ClipboardGuard]
) -> None:
    guard = guard_with(make_guard, prefs)
    assert guard.delay_ms() == 30_000
    prefs.set(CLIPBOARD_CLEAR_SECONDS, 5)
    assert guard.delay_ms() == 5_000
