"""When to lock on its own: idle time, minimising, the screen saver, sleep, a clock jump.

The guard only decides; it emits :attr:`LockGuard.lock_requested` and the
owner locks (the app window closes the vault and destroys the workspace). It emits at
most once per :meth:`LockGuard.start`, so five reasons arriving together
(screen saver, then sleep, then the clock on resume) lock once.

Why a clock as well as a timer: QTimer runs on the monotonic clock, which
stops while the laptop is suspended, so "5 minutes idle" could otherwise mean
5 minutes of awake time after a night in a bag. The guard also reads a clock
that counts suspended time (``CLOCK_BOOTTIME`` on Linux, else the wall clock)
on a periodic tick, on resume (``PrepareForSleep(false)``) and whenever the
application becomes active again, and locks if the idle limit has passed by
that clock.

D-Bus (Linux desktops): ``ActiveChanged(true)`` from the screen saver
(``org.freedesktop.ScreenSaver`` and ``org.gnome.ScreenSaver``) on the session
bus, and logind's ``PrepareForSleep(true)`` on the system bus. Without a bus,
or on other systems, those reasons are simply never reported; nothing is shown
or logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from ..preferences import AUTO_LOCK_MINUTES, LOCK_ON_MINIMISE, PreferencesSource, read

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection

IDLE = "idle"
MINIMISED = "minimised"
SCREENSAVER = "screensaver"
SLEEP = "sleep"
CLOCK = "clock"

# How often the suspend-aware clock is read while unlocked. Cheap: one subtraction.
TICK_MS = 10_000

_USER_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.InputMethod,
        QEvent.Type.ShortcutOverride,
    }
)

# (service, path, interface): "" matches any sender or path. KDE emits the
# freedesktop signal on /ScreenSaver and /org/freedesktop/ScreenSaver, GNOME on
# /org/gnome/ScreenSaver and (newer) /org/freedesktop/ScreenSaver.
SCREENSAVER_SIGNALS = (
    ("", "", "org.freedesktop.ScreenSaver"),
    ("", "", "org.gnome.ScreenSaver"),
)
LOGIN1 = ("org.freedesktop.login1", "/org/freedesktop/login1", "org.freedesktop.login1.Manager")


def suspend_aware_clock() -> float:
    """Seconds on a clock that keeps counting while the computer sleeps."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    # macOS and Windows: the wall clock, which also counts sleep (and may be
    # adjusted; a jump forward locks early, which is the safe direction).
    return time.time()


class LockGuard(QObject):
    """Watches for the moments peerdesk should lock itself, while it is unlocked."""

    lock_requested = Signal(str)
    """Lock now. Emits the reason: "idle", "minimised", "screensaver", "sleep" or "clock"
    (no content). Emitted at most once between :meth:`start` and the next start."""

    def __init__(
        self,
        window: QWidget,
        preferences: PreferencesSource,
        *,
        idle_ms: int | None = None,
        clock: Callable[[], float] = suspend_aware_clock,
        tick_ms: int = TICK_MS,
        connect_dbus: bool = True,
        parent: QObject | None = None,
    ) -> None:
        """Watch ``window`` (minimising) and the whole application (input).

        ``preferences``: a :class:`Preferences`, or a callable giving the current
        one (None while locked). ``idle_ms`` and ``clock`` are for tests: they
        replace the auto-lock setting and the suspend-aware clock.
        ``connect_dbus=False`` skips D-Bus. The guard is a child of ``window``
        unless ``parent`` says otherwise.
        """
        super().__init__(parent if parent is not None else window)
        self._window = window
        self._preferences = preferences
        self._idle_ms_override = idle_ms
        self._clock = clock
        self._running = False
        self._last_input = 0.0
        self._idle_limit_ms = 0
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._idle_timeout)
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self.check_clock)
        self.dbus_watching: list[str] = []
        """The D-Bus interfaces whose signals are being watched (for diagnostics)."""
        if connect_dbus:
            self._watch_user_buses()

    # -- public ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    def idle_limit_ms(self) -> int:
        """The idle time after which peerdesk locks (read from the settings on start)."""
        return self._idle_limit_ms

    def start(self) -> None:
        """Begin watching (after unlock). Idle time counts from now."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            raise RuntimeError("LockGuard needs a QApplication")
        if not self._running:
            # Application-wide: typing in a dialog or a child widget is use too.
            app.installEventFilter(self)
            app.applicationStateChanged.connect(self._application_state_changed)
        self._running = True
        self.reload_settings()
        self._tick.start()

    def stop(self) -> None:
        """Stop watching (on lock). Safe to call more than once."""
        if self._running:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                app.removeEventFilter(self)
                app.applicationStateChanged.disconnect(self._application_state_changed)
        self._running = False
        self._idle_timer.stop()
        self._tick.stop()

    def reload_settings(self) -> None:
        """Re-read the auto-lock minutes (after the settings dialog saved) and count
        idle time from now. Read here, not on every mouse move: it is a vault query."""
        if self._idle_ms_override is not None:
            self._idle_limit_ms = self._idle_ms_override
        else:
            self._idle_limit_ms = read(self._preferences, AUTO_LOCK_MINUTES) * 60_000
        if self._running:
            self._last_input = self._clock()
            self._idle_timer.start(self._idle_limit_ms)

    @Slot()
    def check_clock(self) -> None:
        """Lock if more than the idle limit has passed since the last input, by a clock
        that counts suspended time. Called on a tick, on resume and on reactivation."""
        if not self._running:
            return
        if (self._clock() - self._last_input) * 1000 >= self._idle_limit_ms:
            self._request(CLOCK)

    def window_state_changed(self, event: QEvent) -> None:
        """Lock if the window has just been minimised and the setting asks for it.

        The guard already sees the window's events through its filter; calling
        this from ``changeEvent`` as well is harmless (it locks once).
        """
        if (
            event.type() == QEvent.Type.WindowStateChange
            and self._running
            and self._window.isMinimized()
            and read(self._preferences, LOCK_ON_MINIMISE)
        ):
            self._request(MINIMISED)

    # -- D-Bus handlers (public so tests can call them as the bus would) -------------------

    @Slot(bool)
    def screensaver_active_changed(self, active: bool) -> None:
        if active:
            self._request(SCREENSAVER)

    @Slot(bool)
    def prepare_for_sleep(self, sleeping: bool) -> None:
        if sleeping:
            self._request(SLEEP)
        else:
            self.check_clock()  # resumed: the idle timer did not count the sleep

    # -- internals ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in _USER_INPUT:
            self._record_input()
        elif kind == QEvent.Type.WindowStateChange and watched is self._window:
            self.window_state_changed(event)
        return False  # only watching: every event goes on to its widget

    def _record_input(self) -> None:
        # Check first: input right after a resume must not hide the time asleep.
        self.check_clock()
        if self._running:
            self._last_input = self._clock()
            self._idle_timer.start(self._idle_limit_ms)

    @Slot()
    def _idle_timeout(self) -> None:
        self._request(IDLE)

    @Slot(Qt.ApplicationState)
    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_clock()

    def _request(self, reason: str) -> None:
        if not self._running:
            return
        self.stop()
        self.lock_requested.emit(reason)

    def watch_dbus(self, session: QDBusConnection | None, system: QDBusConnection | None) -> None:
        """Listen for the screen saver on ``session`` and for sleep on ``system``.

        The constructor does this with the user's buses; tests pass private ones.
        A bus that is missing or not connected is skipped without a word.
        """
        from PySide6.QtCore import SLOT

        # PySide6's stubs say the slot is bytes, but only the str from SLOT() is
        # accepted at run time (6.11: bytes raise ValueError), hence the ignores.
        if session is not None and session.isConnected():
            for service, path, interface in SCREENSAVER_SIGNALS:
                slot = SLOT("screensaver_active_changed(bool)")
                if session.connect(service, path, interface, "ActiveChanged", self, slot):  # type: ignore[call-overload]
                    self.dbus_watching.append(interface)
        if system is not None and system.isConnected():
            service, path, interface = LOGIN1
            slot = SLOT("prepare_for_sleep(bool)")
            if system.connect(service, path, interface, "PrepareForSleep", self, slot):  # type: ignore[call-overload]
                self.dbus_watching.append(interface)

    def _watch_user_buses(self) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # a PySide6 build without QtDBus
            return
        # Neither call raises or prints when there is no bus; each is just not connected.
        self.watch_dbus(QDBusConnection.sessionBus(), QDBusConnection.systemBus())
