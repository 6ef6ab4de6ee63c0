"""The vault thread: one thread, in order, errors delivered, and a clean stop."""

from __future__ import annotations

import sys
import threading
from types import TracebackType

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from peerdesk.store import VaultError
from peerdesk.ui.vault_thread import VaultThread


def test_work_runs_in_order_on_one_thread_that_is_not_the_gui_thread(
    qtbot: QtBot, vault_thread: VaultThread
) -> None:
    results: list[tuple[int, int]] = []
    for n in range(20):
        vault_thread.submit(lambda n=n: (n, threading.get_ident()), on_result=results.append)
    assert vault_thread.busy
    qtbot.waitUntil(lambda: not vault_thread.busy)
    assert [n for n, _ in results] == list(range(20))
    threads = {ident for _, ident in results}
    assert len(threads) == 1  # a SQLCipher connection must stay on its thread
    assert threads != {threading.get_ident()}


def test_an_error_goes_to_on_error_on_the_gui_thread(
    qtbot: QtBot, vault_thread: VaultThread
) -> None:
    seen: list[tuple[Exception, int]] = []

    def fail() -> None:
        raise VaultError("The disk is full.")

    vault_thread.submit(
        fail,
        on_result=lambda _: pytest.fail("no result expected"),
        on_error=lambda exc: seen.append((exc, threading.get_ident())),
    )
    qtbot.waitUntil(lambda: bool(seen))
    error, ident = seen[0]
    assert isinstance(error, VaultError)
    assert str(error) == "The disk is full."
    assert ident == threading.get_ident()


def test_an_unhandled_error_is_reported_not_swallowed(
    qtbot: QtBot, vault_thread: VaultThread, monkeypatch: pytest.MonkeyPatch
) -> None:
    reported: list[type[BaseException]] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        reported.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)
    vault_thread.submit(lambda: 1 / 0)
    qtbot.waitUntil(lambda: not vault_thread.busy)
    assert reported == [ZeroDivisionError]


def test_stop_runs_the_final_step_after_queued_work_then_refuses_more() -> None:
    thread = VaultThread()
    order: list[str] = []
    release = threading.Event()
    thread.submit(lambda: (release.wait(5), order.append("queued work")))
    release.set()
    thread.stop(final=lambda: order.append("final"))
    assert order == ["queued work", "final"]
    assert not thread.busy
    with pytest.raises(RuntimeError):
        thread.submit(lambda: None)
    thread.stop()  # a second stop is harmless


class _Emitter(QObject):
    ping = Signal()


def test_emitting_a_signal_keeps_reference_counts(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to ``True`` on every emit().

    After a few thousand emits the interpreter aborts ("Fatal Python error:
    bool_dealloc"). peerdesk emits from Python on every vault operation, and the
    full UI will emit far more. From CPython 3.12 ``True`` is immortal and its
    count never moves, so this passes there whatever PySide does.
    """
    emitter = _Emitter()
    received: list[int] = []
    emitter.ping.connect(lambda: received.append(1))
    before = sys.getrefcount(True)
    for _ in range(300):  # few enough not to crash a broken build, enough to show it
        emitter.ping.emit()
    drift = sys.getrefcount(True) - before
    assert len(received) == 300
    assert abs(drift) < 50, (
        f"Signal.emit() changed the reference count of True by {drift} over 300 emits: "
        "this PySide6 build will crash a long session. Use a release without the bug."
    )
