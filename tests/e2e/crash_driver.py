"""Run peerdesk for real, unlock, type a note, and say when it has been autosaved.

Started as a subprocess by test_crash_safety.py, which then kills it with SIGKILL.
Arguments: DATA_DIR PASSPHRASE NOTE
"""

from __future__ import annotations

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path  # noqa: E402

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QPushButton  # noqa: E402

from peerdesk.app import build_main_window  # noqa: E402
from peerdesk.store import KdfParams  # noqa: E402


def named(root: object, kind: type, name: str) -> object:
    for widget in root.findChildren(kind):  # type: ignore[attr-defined]
        if widget.accessibleName() == name and widget.isVisibleTo(root):
            return widget
    return None


def main() -> None:
    data_dir, passphrase, note = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    window = build_main_window(data_dir, kdf=KdfParams(time_cost=1, memory_kib=8192, parallelism=1))
    window.show()
    app = QApplication.instance()
    steps = iter(["unlock", "session", "type", "wait"])
    state = {"step": next(steps)}

    def tick() -> None:
        step = state["step"]
        if step == "unlock":
            field = named(window, QLineEdit, "Passphrase")
            if field is None:
                return
            QTest.keyClicks(field, passphrase)
            QTest.mouseClick(named(window, QPushButton, "Unlock"), Qt.MouseButton.LeftButton)  # type: ignore[call-overload]
            state["step"] = next(steps)
        elif step == "session" and window.workspace is not None:  # type: ignore[attr-defined]
            people = window.workspace.people.view  # type: ignore[attr-defined]
            people.setCurrentIndex(people.model().index(0, 0))  # the one person there is
            window.workspace.new_session()  # type: ignore[attr-defined]
            state["step"] = next(steps)
        elif step == "type":
            notes = named(window, QPlainTextEdit, "Notes")
            if notes is None:
                return
            QTest.keyClicks(notes, note)
            state["step"] = next(steps)
        elif step == "wait":
            status = named(window, QLabel, "Save status")
            if status is not None and status.text().startswith("Saved"):  # type: ignore[attr-defined]
                print("SAVED", flush=True)
                state["step"] = "idle"

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    sys.exit(app.exec())  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
