"""Limits: a 10 MB note, 10,000 diary entries for one person, 5,000 people; every view opens.

The data is written through the repositories (so the FTS triggers index it, as
in real use) inside one transaction, then peerdesk's workspace is built on the
vault and each view is opened as a supporter would: the people list, the
person's page with each tab, the incident diary, the session holding the
10 MB note in its editor, search, and follow-ups due. Each shows the right
number of rows. The CI-sized test stays under a minute; the bigger variant
(``-m slow``) also opens the 10 MB note in the session editor, which takes
about 30 s on the GUI thread here (offscreen): it works, but it is far over
the 50 ms budget, so it is kept out of CI and reported rather than hidden.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QListView, QPlainTextEdit, QTextEdit
from pytestqt.qtbot import QtBot

from peerdesk.app import configure_application
from peerdesk.store import KdfParams, Vault
from peerdesk.ui import dialogs
from peerdesk.ui.person_view import PersonTab, PersonView
from peerdesk.ui.row_list import RowListView
from peerdesk.ui.workspace import View, Workspace
from tests.conftest import TEN_MB_NOTE
from tests.ui.driving import find, search

PASSPHRASE = "limits of what a laptop holds"
TODAY = date.today()
T0 = datetime(2024, 1, 1, 9, 0)
NOTE_WORD = "zebracrossingnote"  # only in the 10 MB note
DIARY_WORD = "canteen"  # in every diary entry
FOLLOW_UP_EVERY = 10  # one colleague in ten has a follow-up due today


@pytest.fixture(autouse=True)
def styled_app(qapp: QApplication) -> QApplication:
    configure_application(qapp)
    return qapp


def build(vault: Vault, people: int, diary: int) -> int:
    """Fill ``vault``; return the id of the person with the long note and the diary."""
    started = time.perf_counter()
    db = vault._db  # noqa: SLF001 - one transaction around repository calls, for speed
    with db.transaction():
        heavy = vault.people.add(alias="Alex (many records)")
        note = TEN_MB_NOTE[: len(TEN_MB_NOTE) - len(NOTE_WORD) - 1] + " " + NOTE_WORD
        vault.sessions.add(heavy.id, note, started_at=T0, follow_up_on=TODAY - timedelta(days=2))
        for n in range(diary):
            vault.incidents.add(
                heavy.id,
                occurred_at=T0 + timedelta(hours=n),
                place=f"The {DIARY_WORD}",
                what_happened=f"Entry {n}: left off the rota again.",
            )
        for n in range(people):
            person = vault.people.add(alias=f"Colleague {n:05d}")
            if n % FOLLOW_UP_EVERY == 0:
                vault.sessions.add(person.id, "Check in again.", follow_up_on=TODAY)
    print(f"built {people} people, {diary} diary entries in {time.perf_counter() - started:.1f} s")
    return int(heavy.id)


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf)
    yield opened
    opened.close()


def list_view(ws: Workspace, name: str) -> RowListView:
    view = find(ws, QListView, name)
    assert isinstance(view, RowListView)
    return view


def open_workspace(qtbot: QtBot, vault: Vault) -> Workspace:
    dialogs.clear_answers()
    ws = Workspace(vault)
    qtbot.addWidget(ws)
    ws.resize(1280, 800)
    ws.show()
    qtbot.waitExposed(ws)
    return ws


def check_every_view(
    qtbot: QtBot, vault: Vault, people: int, diary: int, *, open_note: bool
) -> dict[str, float]:
    heavy = build(vault, people, diary)
    timings: dict[str, float] = {}

    def timed(name: str, started: float) -> None:
        timings[name] = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    ws = open_workspace(qtbot, vault)
    timed("workspace and people list", started)
    rows = list_view(ws, "People").row_model().rows()
    assert len(rows) == people + 1
    assert {row.title for row in rows} >= {"Alex (many records)", f"Colleague {people - 1:05d}"}

    started = time.perf_counter()
    ws.people.select(heavy)  # type: ignore[arg-type]
    person = ws.person_view
    assert isinstance(person, PersonView)
    assert person.alias_label.text() == "Alex (many records)"
    assert len(list_view(ws, "Sessions").row_model().rows()) == 1
    timed("person page", started)

    if open_note:
        open_the_long_note(person, timings, list_view(ws, "Sessions").row_model().rows()[0].key)

    for tab in PersonTab:
        started = time.perf_counter()
        person.set_tab(tab)
        qtbot.waitUntil(lambda tab=tab: person.tab() is tab)
        timed(f"tab {tab.value}", started)
    person.set_tab(PersonTab.INCIDENTS)
    assert len(list_view(ws, "Incident diary").row_model().rows()) == diary

    started = time.perf_counter()
    search(qtbot, ws, NOTE_WORD)
    assert ws.view() is View.SEARCH
    assert len(list_view(ws, "Search results").row_model().rows()) == 1
    search(qtbot, ws, DIARY_WORD)
    diary_hits = list_view(ws, "Search results").row_model().rows()
    assert len(diary_hits) == min(diary, 50)  # the search shows its best 50
    timed("search", started)

    started = time.perf_counter()
    ws.show_follow_ups()
    assert ws.view() is View.FOLLOW_UPS
    due = list_view(ws, "Follow-ups due").row_model().rows()
    assert len(due) == 1 + len(range(0, people, FOLLOW_UP_EVERY))
    assert due[0].title == "Alex (many records)"  # the most overdue first
    timed("follow-ups", started)

    ws.flush()
    assert dialogs.pending_answers() == 0
    print(timings)
    return timings


def open_the_long_note(person: PersonView, timings: dict[str, float], session_id: object) -> None:
    """Open the session with the 10 MB note in its editor (slow: see the module's note)."""
    started = time.perf_counter()
    assert isinstance(session_id, int)
    assert person.sessions.open(session_id)
    editors = [
        w
        for w in person.findChildren(QPlainTextEdit) + person.findChildren(QTextEdit)
        if w.isVisible() and len(w.toPlainText()) > 1_000_000
    ]
    assert editors, "the 10 MB note is not shown in the session editor"
    assert editors[0].toPlainText().endswith(NOTE_WORD)
    timings["10 MB note in the editor"] = round(time.perf_counter() - started, 2)


def test_a_10_mb_note_10000_diary_entries_and_5000_people_all_open(
    qtbot: QtBot, vault: Vault
) -> None:
    timings = check_every_view(qtbot, vault, people=5_000, diary=10_000, open_note=False)
    # Not a benchmark (bench/ is): only a guard against a view that hangs.
    assert max(timings.values()) < 20, timings


@pytest.mark.slow
def test_slow_four_times_the_people_and_the_diary(
    request: pytest.FixtureRequest, qtbot: QtBot, vault: Vault
) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("slow variant: run with -m slow")
    check_every_view(qtbot, vault, people=20_000, diary=40_000, open_note=True)


SECOND_INSTANCE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from peerdesk.store import Vault, VaultInUse
    from tests.conftest import FAST_KDF
    try:
        Vault.open(Path(sys.argv[1]), sys.argv[2], kdf=FAST_KDF)
    except VaultInUse as exc:
        print(exc)
        sys.exit(3)
    sys.exit(0)
    """
)


def test_a_second_process_is_refused_with_a_clear_message(vault: Vault, tmp_path: Path) -> None:
    """tests/e2e/test_flows.py checks a second window in the same process; this is
    another process, as when peerdesk is started twice."""
    result = subprocess.run(
        [sys.executable, "-c", SECOND_INSTANCE, str(vault.directory), PASSPHRASE],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "already open" in result.stdout
    assert vault.people.add(alias="Still working").id
