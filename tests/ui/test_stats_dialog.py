"""The statistics dialog: months, a preview of suppressed figures, exports and merging."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.stats import Month, suppress, to_csv
from peerdesk.store import Vault
from peerdesk.store.audit import STATISTICS_EXPORTED
from peerdesk.store.models import ConcernCategory, SessionMode
from peerdesk.store.statistics import Activity
from peerdesk.ui import dialogs, file_dialogs, stats_dialog
from peerdesk.ui.stats_dialog import StatisticsDialog

Find = Callable[..., QWidget]
ALIAS = "ALIASMARK9"
NOTE = "NOTEMARK9"


@pytest.fixture
def dialog(qtbot: QtBot, vault: Vault) -> Iterator[StatisticsDialog]:
    dialogs.clear_answers()
    person = vault.people.add(ALIAS)
    for day in range(1, 7):
        vault.sessions.add(
            person.id,
            notes=NOTE,
            started_at=datetime(2025, 3, day, 10),
            mode=SessionMode.PHONE,
            concerns=[ConcernCategory.HARASSMENT],
        )
    vault.sessions.add(person.id, started_at=datetime(2025, 4, 2, 10))
    shown = StatisticsDialog(vault, today=date(2025, 6, 15))
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    assert dialogs.pending_answers() == 0


def rows(dialog: StatisticsDialog) -> dict[str, str]:
    return dict(dialog.figures_shown())


def test_it_opens_on_the_last_six_months_with_suppressed_figures(
    dialog: StatisticsDialog, by_name: Find
) -> None:
    assert by_name(dialog, QDateEdit, "From").date() == QDate(2025, 1, 1)
    assert by_name(dialog, QDateEdit, "To").date() == QDate(2025, 6, 1)
    assert "January 2025 to June 2025" in dialog.summary.text()
    shown = rows(dialog)
    assert shown["Harassment"] == "6"
    assert shown["Threats"] == "<5"
    # The first "Apr 2025" row is the month's sum; the last, its row in the table by mode.
    april = [value for label, value in dialog.figures_shown() if label == "Apr 2025"]
    assert april == ["up to 16", "<5 \u00b7 <5 \u00b7 <5 \u00b7 <5 \u00b7 up to 16"]
    assert shown["Mar 2025"] == "<5 \u00b7 6 \u00b7 <5 \u00b7 <5 \u00b7 6\u201318"
    text = " ".join(f"{k} {v}" for k, v in dialog.figures_shown())
    assert ALIAS not in text
    assert NOTE not in text


def test_picking_months_recomputes_and_a_backwards_span_disables_export(
    dialog: StatisticsDialog, by_name: Find
) -> None:
    by_name(dialog, QDateEdit, "From").setDate(QDate(2025, 4, 1))
    assert "Harassment" in rows(dialog)
    assert rows(dialog)["Harassment"] == "<5"
    by_name(dialog, QDateEdit, "To").setDate(QDate(2025, 2, 1))
    assert "comes before the first" in dialog.summary.text()
    assert not by_name(dialog, QPushButton, "Export PDF").isEnabled()
    assert dialog.report is None


@pytest.mark.parametrize("suffix", [".pdf", ".csv"])
def test_export_asks_where_with_a_month_name_writes_privately_and_audits(
    dialog: StatisticsDialog,
    vault: Vault,
    tmp_path: Path,
    by_name: Find,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    asked: list[str] = []

    def answer(_parent: object, _caption: str, suggested: str, _filter: str) -> Path:
        asked.append(suggested)
        return tmp_path / "chosen"  # no extension typed: it is added

    monkeypatch.setattr(file_dialogs, "get_save_path", answer)
    button = "Export PDF" if suffix == ".pdf" else "Export CSV"
    by_name(dialog, QPushButton, button).click()
    assert asked == [f"peerdesk-statistics-2025-01-to-2025-06{suffix}"]
    written = tmp_path / f"chosen{suffix}"
    assert written.stat().st_mode & 0o777 == 0o600
    assert ALIAS.encode() not in written.read_bytes()
    assert [event.action for event in vault.audit.list()][0] == STATISTICS_EXPORTED


def test_cancelling_the_save_writes_and_audits_nothing(
    dialog: StatisticsDialog, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *_args: None)
    assert dialog.export(".pdf") is None
    assert STATISTICS_EXPORTED not in [event.action for event in vault.audit.list()]


def supporter_file(path: Path, count: int) -> Path:
    first, last = Month(2025, 1), Month(2025, 2)
    activity = Activity(conversations={("2025-01", "phone"): count}, concerns={"threats": count})
    path.write_bytes(to_csv(suppress(activity, first, last)))
    return path


def test_merging_shows_the_sum_and_export_saves_it(
    dialog: StatisticsDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_name: Find
) -> None:
    files = [supporter_file(tmp_path / "a.csv", 7), supporter_file(tmp_path / "b.csv", 9)]
    monkeypatch.setattr(stats_dialog, "ask_csv_files", lambda _parent: files)
    by_name(dialog, QPushButton, "Merge CSVs from several supporters").click()
    assert dialog.merged
    assert "Added up from 2 supporters' reports" in dialog.summary.text()
    assert rows(dialog)["Threats"] == "16"
    assert not by_name(dialog, QDateEdit, "From").isEnabled()
    monkeypatch.setattr(file_dialogs, "get_save_path", lambda *_a: tmp_path / "merged.csv")
    assert dialog.export(".csv") == tmp_path / "merged.csv"
    assert b"concerns,threats,,16" in (tmp_path / "merged.csv").read_bytes()
    by_name(dialog, QPushButton, "Back to this vault's figures").click()
    assert not dialog.merged
    assert rows(dialog)["Harassment"] == "6"


def test_a_malformed_file_is_named_and_nothing_is_merged(
    dialog: StatisticsDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = supporter_file(tmp_path / "report-a.csv", 7)
    bad = supporter_file(tmp_path / "report-b.csv", 7)
    lines = bad.read_text().splitlines()
    lines[6] = lines[6].rsplit(",", 1)[0] + ",abc"
    bad.write_text("\n".join(lines) + "\n")
    told: list[str] = []
    monkeypatch.setattr(stats_dialog, "ask_csv_files", lambda _parent: [good, bad])
    monkeypatch.setattr(dialogs, "inform", lambda _p, text, problem=False: told.append(text))
    assert dialog.merge() is None
    assert told == ["These files were not merged. report-b.csv, line 7: 'abc' is not a count"]
    assert not dialog.merged


def test_render_the_dialog(dialog: StatisticsDialog) -> None:
    """Writes a PNG to look at (/tmp/stats_png when it exists)."""
    image = dialog.grab()
    assert not image.isNull()
    folder = Path("/tmp/stats_png")
    if folder.is_dir():
        image.save(str(folder / "stats_dialog.png"))
