"""Every main flow works with network sockets made impossible, and none is even tried.

"A network socket" here is any socket that is not AF_UNIX. AF_UNIX stays allowed:
it never leaves the machine, and Qt, asyncio and the desktop (D-Bus for the
keychain and the screen saver) use socketpairs and local sockets for wake-ups.
Every AF_UNIX socket is still recorded, so a change there shows in a failure.

Attempts are caught with a Python audit hook (``socket.__new__``,
``socket.connect``, ``socket.getaddrinfo`` and friends), not only by replacing
``socket.socket``: the hook also sees code that imported ``socket.socket`` or
``_socket`` before the test started. It cannot see sockets that Qt's C++ makes
without Python; peerdesk loads no Qt network module (checked below).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from peerdesk.ui.app_window import AppWindow

from .test_no_plaintext_anywhere import Markers, drive_every_main_flow
from .test_no_plaintext_anywhere import window as window  # noqa: F401 - the fixture

NETWORK_EVENTS = {
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "http.client.connect",
    "urllib.Request",
    "ftplib.connect",
    "smtplib.connect",
}


class Recorder:
    def __init__(self) -> None:
        self.active = False
        self.refused: list[str] = []
        self.local: list[str] = []

    def hook(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active:
            return
        if event == "socket.__new__":
            family = args[1]
            if family == socket.AF_UNIX:
                self.local.append(f"AF_UNIX type {args[2]}")
                return
            self.refused.append(f"socket family {family}")
            raise OSError("network sockets are refused in this test")
        if event in NETWORK_EVENTS:
            sock = args[0] if args else None
            if isinstance(sock, socket.socket) and sock.family == socket.AF_UNIX:
                self.local.append(f"{event} AF_UNIX")
                return
            self.refused.append(f"{event} {args[1:] if len(args) > 1 else args}")
            raise OSError("network access is refused in this test")


_RECORDER = Recorder()
sys.addaudithook(_RECORDER.hook)  # cannot be removed: it does nothing unless active


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    def refuse(*args: object, **_kwargs: object) -> socket.socket:
        _RECORDER.refused.append(f"create_connection {args[:1]}")
        raise OSError("network access is refused in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    _RECORDER.refused.clear()
    _RECORDER.local.clear()
    _RECORDER.active = True
    try:
        yield _RECORDER
    finally:
        _RECORDER.active = False


def test_the_recorder_catches_and_refuses_a_network_socket(no_network: Recorder) -> None:
    with pytest.raises(OSError, match="refused"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(OSError, match="refused"):
        socket.getaddrinfo("example.org", 443)
    assert len(no_network.refused) == 2
    left, right = socket.socketpair()  # local wake-ups still work
    left.close()
    right.close()
    no_network.refused.clear()


def test_every_main_flow_works_without_a_network_and_tries_none(
    qtbot: QtBot,
    window: AppWindow,  # noqa: F811 - the shared fixture
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_network: Recorder,
) -> None:
    outputs = drive_every_main_flow(qtbot, window, Markers.fresh(), tmp_path / "out", monkeypatch)
    window.close()
    assert outputs.pdf.stat().st_size > 0
    assert outputs.backup.stat().st_size > 0
    assert no_network.refused == []
    # Nothing loaded a network stack that could open sockets outside Python.
    network_modules = ("PySide6.QtNetwork", "PySide6.QtWebEngine")
    assert not [m for m in sys.modules if m.startswith(network_modules)]
