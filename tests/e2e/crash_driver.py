"""Children for test_crash_safety.py, which kills them with SIGKILL at random moments.

Two ways of writing, both the real code:

``crash_driver.py DATA_DIR PASSPHRASE NOTE``
    Run peerdesk for real, unlock, type a note, and print ``SAVED`` once the UI's
    autosave says so.

``crash_driver.py writes DATA_DIR PASSPHRASE SEED FIRST_SEQ``
    Open the vault through the vault API and write notes and incident diary
    entries for ever: new sessions, edits of earlier notes, new incidents, of
    random sizes chosen by SEED. Before each write it prints ``TRY <what>`` and,
    once the call has returned, ``ACK <what>``; the parent takes an ACK line as
    the promise that the write is on disk. Steps are numbered from FIRST_SEQ,
    so numbers stay unique across the children that write to one vault. Qt is
    never imported in this mode, so a child starts in a fraction of a second.

Every line is written with one ``write`` and flushed at once (a pipe never
splits a line this short), so a line the parent reads whole was printed whole.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

CHEAP_KDF = {"time_cost": 1, "memory_kib": 8192, "parallelism": 1}
WORDS = ["said", "the", "rota", "changed", "again", "isolating", "them", "third", "week"]


def note_text(kind: str, seq: int, rng: random.Random) -> str:
    """The text written at step ``seq``: its identity first, then random words to size.

    The parent rebuilds nothing from the words: it only reads the identity back
    and checks the text is intact through its closing ``END`` tag.
    """
    length = rng.choice((8, 40, 400, 3000, 12000))  # within a page, and across several
    body = " ".join(rng.choice(WORDS) for _ in range(length // 6 + 1))
    return f"{kind}:{seq}: {body} :END:{seq}"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_writes(data_dir: Path, passphrase: str, seed: int, first_seq: int) -> None:
    from peerdesk.store import KdfParams, Vault

    rng = random.Random(seed)  # noqa: S311 - replayable test data, not secrets
    vault = Vault.open(data_dir, passphrase, kdf=KdfParams(**CHEAP_KDF))
    (person,) = vault.people.list()
    sessions = [s.id for s in vault.sessions.list_for_person(person.id)]
    say("READY")
    seq = first_seq
    while True:
        seq += 1
        roll = rng.random()
        if roll < 0.4 or not sessions:
            text = note_text("session", seq, rng)
            say(f"TRY add-session {seq}")
            session = vault.sessions.add(person.id, notes=text)
            sessions.append(session.id)
            say(f"ACK add-session {seq} {session.id}")
        elif roll < 0.7:
            session_id = rng.choice(sessions)
            text = note_text("session", seq, rng)
            say(f"TRY edit-session {seq} {session_id}")
            vault.sessions.update(session_id, notes=text)
            say(f"ACK edit-session {seq} {session_id}")
        else:
            text = note_text("incident", seq, rng)
            say(f"TRY add-incident {seq}")
            incident = vault.incidents.add(person.id, what_happened=text)
            say(f"ACK add-incident {seq} {incident.id}")


def run_ui(data_dir: Path, passphrase: str, note: str) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QPushButton

    from peerdesk.app import build_main_window
    from peerdesk.store import KdfParams

    def named(root: object, kind: type, name: str) -> object:
        for widget in root.findChildren(kind):  # type: ignore[attr-defined]
            if widget.accessibleName() == name and widget.isVisibleTo(root):
                return widget
        return None

    window = build_main_window(data_dir, kdf=KdfParams(**CHEAP_KDF))
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


def main() -> None:
    if sys.argv[1] == "writes":
        run_writes(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        run_ui(Path(sys.argv[1]), sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
