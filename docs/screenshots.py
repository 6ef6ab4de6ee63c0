"""Render peerdesk's README screenshots from a throwaway vault of fictional people.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py

writes ``docs/unlock.png`` (the lock screen), ``docs/workspace.png`` (a person's
sessions with one open in the editor) and ``docs/search.png`` (search results),
each 1280×800. The real window is driven the way a person would: the passphrase
is typed and Unlock clicked, the search is typed into the toolbar and Enter pressed.

Everyone and everything in the vault is invented. The vault lives in a temporary
folder that is deleted at the end; nothing of yours is read or written.

For checking the look rather than the README:

    QT_SCALE_FACTOR=1.5 .venv/bin/python docs/screenshots.py --out /tmp/shots --prefix look_150_
    .venv/bin/python docs/screenshots.py --dark --out /tmp/shots --prefix look_dark_

The offscreen platform has no desktop font settings (it falls back to 9 pt), so
the application font is set to 11 pt, the default of GNOME and the size the look
was designed at; ``--font-size`` changes it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QWidget  # noqa: E402

from peerdesk.app import build_main_window  # noqa: E402
from peerdesk.paths import vault_dir  # noqa: E402
from peerdesk.store import KdfParams, Vault  # noqa: E402
from peerdesk.store.models import PersonId, SessionId, SessionMode  # noqa: E402
from peerdesk.ui.app_window import AppWindow  # noqa: E402
from peerdesk.ui.person_view import PersonTab  # noqa: E402
from peerdesk.ui.workspace import WorkspaceState  # noqa: E402

PASSPHRASE = "copper lantern drifts over calm harbour"  # noqa: S105 - an invented vault
# Cheap Argon2id: this vault holds invented notes and is deleted within seconds.
SCREENSHOT_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
SIZE = (1280, 800)
SEARCH_WORDS = "meeting"

DARK_ROLES = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#26272a",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.Highlight: "#3a7f83",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.ToolTipBase: "#2d2e31",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.Light: "#3c3d40",
    QPalette.ColorRole.Midlight: "#333437",
    QPalette.ColorRole.Mid: "#4a4b4f",
    QPalette.ColorRole.Dark: "#111214",
    QPalette.ColorRole.Shadow: "#000000",
}


def dark_palette() -> QPalette:
    """A dark desktop palette like GNOME's or KDE Breeze Dark, for the dark renders."""
    palette = QPalette()
    for role, colour in DARK_ROLES.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#80868b"))
    return palette


# -- the fictional vault ---------------------------------------------------------------


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = date.today() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute)


def add_person(vault: Vault, alias: str, days_ago: int) -> PersonId:
    """A person first met ``days_ago`` (the store stamps "now"; the story started earlier)."""
    met = datetime.now(UTC) - timedelta(days=days_ago)
    with mock.patch("peerdesk.store.people.utc_now", return_value=met):
        return vault.people.add(alias).id


def fill_vault(vault: Vault) -> tuple[PersonId, SessionId]:
    """Invented people, sessions and diary entries; returns the person and session to show."""
    today = date.today()
    sam = add_person(vault, "Sam (warehouse)", 27)
    jo = add_person(vault, "J.O.", 8)
    priya = add_person(vault, "Priya – finance", 10)
    morgan = add_person(vault, "Morgan, night shift", 15)

    vault.sessions.add(
        sam,
        "First conversation. Sam described being talked over and mocked in the morning "
        "briefings by a shift lead, most days since March. Mostly wanted to be heard "
        "today, and was relieved to hear it is not in their head.\n\n"
        "We talked about what a diary could look like. Sam will start noting dates, "
        "what was said and who was there. No action wanted yet, and that is fine.",
        started_at=at(24, 12, 30),
        duration_minutes=45,
        mode=SessionMode.IN_PERSON,
    )
    vault.sessions.add(
        sam,
        "Short check-in. Sam has kept the diary for a week and says writing it down "
        "helps. Sleep still poor before early shifts. Shared the EAP number again; "
        "Sam will think about calling it.",
        started_at=at(11, 17, 15),
        duration_minutes=20,
        mode=SessionMode.PHONE,
    )
    latest = vault.sessions.add(
        sam,
        "Went through the dignity at work policy together, and what an informal "
        "meeting with HR would look like. Sam would like a union rep there and feels "
        "ready to ask for one.\n\n"
        "Agreed: Sam contacts the rep this week and brings two or three diary entries "
        "to the meeting. I check in on Friday to see how the call went.\n\n"
        "Sam said the diary has made things feel less foggy. Ended on a calmer note "
        "than last time.",
        started_at=at(2, 16, 0),
        duration_minutes=50,
        mode=SessionMode.VIDEO,
        follow_up_on=today + timedelta(days=3),
    )
    vault.incidents.add(
        sam,
        occurred_at=at(26, 7, 40),
        place="Loading bay, morning briefing",
        what_happened="Shift lead called Sam \u201cuseless\u201d in front of the team when "
        "a delivery was late, and laughed when Sam tried to explain.",
        who_involved="Shift lead (D.)",
        witnesses="Two colleagues on the same shift",
        impact="Felt humiliated; left the briefing shaking and skipped lunch.",
        evidence_location="Sam's own notebook; a message to a friend that evening",
    )
    vault.incidents.add(
        sam,
        occurred_at=at(13, 12, 10),
        place="Canteen",
        what_happened="Same shift lead imitated Sam's accent in front of a new starter.",
        who_involved="Shift lead (D.)",
        witnesses="New starter; canteen staff may have heard",
        impact="Avoided the canteen for the rest of the week.",
        evidence_location="Sam's diary",
    )

    vault.sessions.add(
        jo,
        "J.O. has been left off team emails and meetings since raising a concern about "
        "workload. Talked through the options, from a quiet word with the manager to a "
        "formal complaint. J.O. wants time to decide, and to keep a note of what is "
        "missed. Check in next week.",
        started_at=at(7, 13, 0),
        duration_minutes=30,
        mode=SessionMode.CHAT,
        follow_up_on=today,
    )
    vault.sessions.add(
        priya,
        "Priya's manager has criticised her work in front of others in two team "
        "meetings. She is worried about her probation review. Talked about keeping "
        "emails and notes, and asking for feedback in writing. Priya felt calmer by "
        "the end and may come back after the review meeting.",
        started_at=at(4, 10, 30),
        duration_minutes=40,
        mode=SessionMode.IN_PERSON,
    )
    vault.incidents.add(
        priya,
        occurred_at=at(9, 9, 30),
        place="Monthly team meeting (video call)",
        what_happened="Manager shared Priya's spreadsheet on screen and listed its "
        "mistakes to the whole team before asking her about them.",
        who_involved="Line manager",
        witnesses="Whole finance team (eight people)",
        impact="Embarrassed; stayed silent for the rest of the call.",
        evidence_location="Calendar invite; Priya's notes written straight after",
    )
    vault.sessions.add(
        morgan,
        "First contact, by phone from the car park before a night shift. Morgan "
        "mostly wanted to know what peer support is and that it stays confidential.",
        started_at=at(15, 21, 45),
        duration_minutes=15,
        mode=SessionMode.PHONE,
    )
    return sam, latest.id


# -- driving the window ----------------------------------------------------------------


def wait_until(app: QApplication, condition: Callable[[], object], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    """Let timers, layouts and repaints run (the search waits 250 ms after typing)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def by_name(root: QWidget, kind: type[QWidget], name: str) -> QWidget:
    """The one visible widget a screen reader would call ``name``."""
    hits = [w for w in root.findChildren(kind) if w.accessibleName() == name and w.isVisible()]
    if len(hits) != 1:
        raise LookupError(f"expected one visible {kind.__name__} named {name!r}, got {len(hits)}")
    return hits[0]


def save(app: QApplication, window: QWidget, path: Path) -> None:
    settle(app)
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    shrink(path)
    print(path)


def shrink(path: Path) -> None:
    """Make the PNG small for the repository, with pngquant and optipng where installed."""
    steps = (
        ("pngquant", "--quality=85-98", "--speed=1", "--strip", "--skip-if-larger", "--force"),
        ("optipng", "-quiet", "-o5", "-strip", "all"),
    )
    for tool, *options in steps:
        found = shutil.which(tool)
        if found is None:
            continue
        target = ["--output", str(path), str(path)] if tool == "pngquant" else [str(path)]
        # pngquant exits 98/99 when it keeps the original (it would be no smaller or worse).
        subprocess.run([found, *options, *target], check=False)  # noqa: S603 - our own file


def hide_checklists(app: QApplication, window: QWidget) -> None:
    """Close the checklists beside the notes, as a supporter may: the notes get the room."""
    for toggle in window.findChildren(QPushButton):
        if toggle.accessibleName() == "Checklists" and toggle.isVisible() and toggle.isChecked():
            QTest.mouseClick(toggle, Qt.MouseButton.LeftButton)
            settle(app)


def render(out: Path, prefix: str, data_dir: Path, shown: tuple[PersonId, SessionId]) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)  # noqa: S101 - made by main()
    window = build_main_window(data_dir, kdf=SCREENSHOT_KDF)
    assert isinstance(window, AppWindow)  # noqa: S101 - what build_main_window builds
    window.resize(*SIZE)
    window.show()
    window.activateWindow()  # offscreen, nothing else would make it the active window
    try:
        screen = window.lock_screen
        field = by_name(screen, QLineEdit, "Passphrase")
        wait_until(app, field.hasFocus)  # ready for typing, with its focus frame
        save(app, window, out / f"{prefix}unlock.png")

        QTest.keyClicks(field, PASSPHRASE)
        QTest.mouseClick(by_name(screen, QPushButton, "Unlock"), Qt.MouseButton.LeftButton)
        wait_until(app, lambda: window.workspace is not None)
        workspace = window.workspace
        assert workspace is not None  # noqa: S101 - waited for
        person, session = shown
        workspace.restore(
            WorkspaceState(person_id=person, tab=PersonTab.SESSIONS, session_id=session)
        )
        hide_checklists(app, window)
        save(app, window, out / f"{prefix}workspace.png")

        search = window.search_field
        assert search is not None  # noqa: S101 - there while unlocked
        search.setFocus()
        QTest.keyClicks(search, SEARCH_WORDS)
        QTest.keyClick(search, Qt.Key.Key_Return)
        save(app, window, out / f"{prefix}search.png")
    finally:
        window.close()  # locks, closes the vault and stops the vault thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--prefix", default="", help="put before each file name")
    parser.add_argument("--dark", action="store_true", help="use a dark system palette")
    parser.add_argument("--font-size", type=float, default=11.0, help="system font, in points")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication([sys.argv[0]])
    font = app.font()
    font.setPointSizeF(args.font_size)
    app.setFont(font)
    if args.dark:
        app.setPalette(dark_palette())
    with tempfile.TemporaryDirectory(prefix="peerdesk-screenshots-") as tmp:
        data_dir = Path(tmp) / "data"
        vault, _recovery_code = Vault.create(vault_dir(data_dir), PASSPHRASE, kdf=SCREENSHOT_KDF)
        try:
            shown = fill_vault(vault)
        finally:
            vault.close()
        render(args.out, args.prefix, data_dir, shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
