"""Locking on its own: idle time, minimising, a clock jump (suspend), screen saver and sleep."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from PySide6.QtWidgets import QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot

from peerdesk.preferences import AUTO_LOCK_MINUTES, LOCK_ON_MINIMISE, MemorySettings, Preferences
from peerdesk.ui.lock_guard import LockGuard, suspend_aware_clock


class FakeClock:
    """A suspend-aware clock the test moves by hand (a laptop asleep in a bag)."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def prefs() -> Preferences:
    return Preferences(MemorySettings())


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(QLineEdit())
    window.centralWidget().setAccessibleName("Notes")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def make_guard(window: QMainWindow, prefs: Preferences) -> Iterator[Callable[..., LockGuard]]:
    guards: list[LockGuard] = []

    def make(**kwargs: object) -> LockGuard:
        kwargs.setdefault("connect_dbus", False)
        source = kwargs.pop("preferences", prefs)
        guard = LockGuard(window, source, **kwargs)  # type: ignore[arg-type]
        guards.append(guard)
        return guard

    yield make
    for guard in guards:
        guard.stop()  # removes the application-wide event filter


# -- idle ------------------------------------------------------------------------------


def test_idle_auto_lock_fires_with_a_tiny_timeout(
    qtbot: QtBot, make_guard: Callable[..., LockGuard]
) -> None:
    guard = make_guard(idle_ms=50)
    with qtbot.waitSignal(guard.lock_requested, timeout=3000) as blocker:
        guard.start()
    assert blocker.args == ["idle"]
    assert not guard.running


@pytest.mark.parametrize("kind", ["key", "click", "wheel", "mouse move"])
def test_input_anywhere_restarts_the_idle_time(
    qtbot: QtBot, window: QMainWindow, make_guard: Callable[..., LockGuard], kind: str
) -> None:
    guard = make_guard(idle_ms=400)
    field = window.centralWidget()
    started = time.monotonic()
    guard.start()
    qtbot.wait(250)
    assert guard.running, "locked before the idle time was up"
    if kind == "key":
        qtbot.keyClick(field, Qt.Key.Key_A)
    elif kind == "click":
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    elif kind == "wheel":
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QWheelEvent
        from PySide6.QtWidgets import QApplication

        event = QWheelEvent(
            QPointF(5, 5),
            QPointF(field.mapToGlobal(QPoint(5, 5))),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(field, event)
    else:
        qtbot.mouseMove(field, QPoint(3, 3))
        qtbot.mouseMove(field, QPoint(9, 9))
    qtbot.wait(250)
    assert guard.running, "input did not restart the idle time"
    with qtbot.waitSignal(guard.lock_requested, timeout=3000) as blocker:
        pass
    assert blocker.args == ["idle"]
    assert time.monotonic() - started >= 0.6


def test_the_idle_time_comes_from_the_auto_lock_setting(
    prefs: Preferences, make_guard: Callable[..., LockGuard]
) -> None:
    guard = make_guard()
    guard.start()
    assert guard.idle_limit_ms() == 5 * 60_000
    prefs.set(AUTO_LOCK_MINUTES, 2)
    guard.reload_settings()
    assert guard.idle_limit_ms() == 2 * 60_000


def test_preferences_may_come_from_a_callable_that_gives_none_while_locked(
    window: QMainWindow, prefs: Preferences, make_guard: Callable[..., LockGuard]
) -> None:
    current: list[Preferences | None] = [prefs]
    prefs.set(AUTO_LOCK_MINUTES, 3)
    guard = make_guard(preferences=lambda: current[0])
    guard.start()
    assert guard.idle_limit_ms() == 3 * 60_000
    current[0] = None
    guard.reload_settings()
    assert guard.idle_limit_ms() == 5 * 60_000


def test_stopped_guard_never_asks_to_lock(
    qtbot: QtBot, make_guard: Callable[..., LockGuard]
) -> None:
    guard = make_guard(idle_ms=30, tick_ms=10)
    guard.start()
    guard.stop()
    with qtbot.assertNotEmitted(guard.lock_requested, wait=150):
        guard.screensaver_active_changed(True)
        guard.prepare_for_sleep(True)
        guard.check_clock()


def test_several_reasons_at_once_lock_once(
    qtbot: QtBot, make_guard: Callable[..., LockGuard]
) -> None:
    guard = make_guard()
    guard.start()
    reasons: list[str] = []
    guard.lock_requested.connect(reasons.append)
    guard.screensaver_active_changed(True)
    guard.prepare_for_sleep(True)
    assert reasons == ["screensaver"]
    guard.start()  # unlocked again: watching again
    guard.prepare_for_sleep(True)
    assert reasons == ["screensaver", "sleep"]


# -- minimise ------------------------------------------------------------------------------


def test_minimising_locks_when_the_setting_is_on(
    qtbot: QtBot, window: QMainWindow, prefs: Preferences, make_guard: Callable[..., LockGuard]
) -> None:
    prefs.set(LOCK_ON_MINIMISE, True)
    guard = make_guard()
    guard.start()
    with qtbot.waitSignal(guard.lock_requested, timeout=3000) as blocker:
        window.showMinimized()
    assert blocker.args == ["minimised"]


def test_minimising_does_not_lock_when_the_setting_is_off(
    qtbot: QtBot, window: QMainWindow, make_guard: Callable[..., LockGuard]
) -> None:
    guard = make_guard()
    guard.start()
    with qtbot.assertNotEmitted(guard.lock_requested, wait=100):
        window.showMinimized()
    assert window.isMinimized()
    assert guard.running


# -- time asleep ---------------------------------------------------------------------------


def test_a_clock_jump_from_a_suspend_locks_on_the_next_tick(
    qtbot: QtBot, make_guard: Callable[..., LockGuard]
) -> None:
    clock = FakeClock()
    guard = make_guard(idle_ms=60_000, clock=clock, tick_ms=20)
    guard.start()
    qtbot.wait(60)
    assert guard.running
    with qtbot.waitSignal(guard.lock_requested, timeout=3000) as blocker:
        clock.now += 61  # a minute asleep: QTimer did not count it
    assert blocker.args == ["clock"]


def test_input_straight_after_resume_locks_instead_of_counting_as_use(
    qtbot: QtBot, window: QMainWindow, make_guard: Callable[..., LockGuard]
) -> None:
    clock = FakeClock()
    guard = make_guard(idle_ms=60_000, clock=clock, tick_ms=60_000)
    guard.start()
    clock.now += 3600
    with qtbot.waitSignal(guard.lock_requested, timeout=1000) as blocker:
        qtbot.keyClick(window.centralWidget(), Qt.Key.Key_A)
    assert blocker.args == ["clock"]


def test_resume_from_sleep_checks_the_clock(
    qtbot: QtBot, make_guard: Callable[..., LockGuard]
) -> None:
    clock = FakeClock()
    guard = make_guard(idle_ms=60_000, clock=clock, tick_ms=60_000)
    guard.start()
    clock.now += 30  # a short nap: still within the idle time
    with qtbot.assertNotEmitted(guard.lock_requested, wait=0):
        guard.prepare_for_sleep(False)
    clock.now += 31
    with qtbot.waitSignal(guard.lock_requested, timeout=1000) as blocker:
        guard.prepare_for_sleep(False)
    assert blocker.args == ["clock"]


def test_the_default_clock_counts_forward() -> None:
    first = suspend_aware_clock()
    assert suspend_aware_clock() >= first > 0


# -- D-Bus ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handler", "value", "reason"),
    [
        ("screensaver_active_changed", True, "screensaver"),
        ("prepare_for_sleep", True, "sleep"),
    ],
)
def test_dbus_handlers_lock_when_called_with_true(
    qtbot: QtBot, make_guard: Callable[..., LockGuard], handler: str, value: bool, reason: str
) -> None:
    guard = make_guard()
    guard.start()
    with qtbot.assertNotEmitted(guard.lock_requested, wait=0):
        getattr(guard, handler)(False)
    with qtbot.waitSignal(guard.lock_requested, timeout=1000) as blocker:
        getattr(guard, handler)(value)
    assert blocker.args == [reason]


def test_missing_buses_are_quietly_skipped(
    make_guard: Callable[..., LockGuard], capfd: pytest.CaptureFixture[str]
) -> None:
    guard = make_guard(connect_dbus=True)  # whatever this machine has, or nothing
    guard.watch_dbus(None, None)
    nowhere = QDBusConnection.connectToBus("unix:path=/nonexistent/peerdesk-test", "peerdesk-none")
    try:
        assert not nowhere.isConnected()
        before = list(guard.dbus_watching)
        guard.watch_dbus(nowhere, nowhere)
        assert guard.dbus_watching == before
    finally:
        QDBusConnection.disconnectFromBus("peerdesk-none")
    guard.start()
    assert guard.running
    assert capfd.readouterr().err == ""  # nothing on the terminal either


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A throwaway D-Bus daemon, standing in for both the session and the system bus."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed")
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        if not address:
            pytest.skip("dbus-daemon did not start")
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_real_dbus_signals_lock(
    qtbot: QtBot, make_guard: Callable[..., LockGuard], private_bus: str
) -> None:
    listen = QDBusConnection.connectToBus(private_bus, "peerdesk-listen")
    talk = QDBusConnection.connectToBus(private_bus, "peerdesk-talk")
    try:
        guard = make_guard()
        guard.watch_dbus(listen, listen)
        assert guard.dbus_watching == [
            "org.freedesktop.ScreenSaver",
            "org.gnome.ScreenSaver",
            "org.freedesktop.login1.Manager",
        ]
        for path, interface in (
            ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
            ("/ScreenSaver", "org.freedesktop.ScreenSaver"),  # KDE
            ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
        ):
            guard.start()
            signal = QDBusMessage.createSignal(path, interface, "ActiveChanged")
            signal.setArguments([True])
            with qtbot.waitSignal(guard.lock_requested, timeout=5000) as blocker:
                assert talk.send(signal)
            assert blocker.args == ["screensaver"]

        # Only logind may announce sleep: the guard listens to that name alone.
        assert talk.registerService("org.freedesktop.login1")
        guard.start()
        signal = QDBusMessage.createSignal(
            "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep"
        )
        signal.setArguments([True])
        with qtbot.waitSignal(guard.lock_requested, timeout=5000) as blocker:
            assert talk.send(signal)
        assert blocker.args == ["sleep"]
    finally:
        QDBusConnection.disconnectFromBus("peerdesk-listen")
        QDBusConnection.disconnectFromBus("peerdesk-talk")
