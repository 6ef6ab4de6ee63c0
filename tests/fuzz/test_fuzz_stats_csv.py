"""Fuzzing statistics CSVs: a damaged file gives a StatsFileError, nothing else.

Starts from real files: one supporter's report (exact figures and ``<5``) and
a merged one (ranges such as ``12-16`` and ``<=8``), both written by
:func:`to_csv`. Damages them as bytes (bit flips, truncation, splices: bad
UTF-8, NULs, stray quotes) and as CSV (rows deleted, duplicated, swapped;
cells replaced by odd values: negative, huge, small exact counts, bad months,
empty, quoted commas). Read with :func:`read_csv` and merged with the
original.

Allowed outcomes: a :class:`Report` (a change that keeps the file valid), or
:class:`StatsFileError`. Nothing else, within the time limit, and the file
keeps its bytes and mtime.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerdesk import stats
from peerdesk.stats import Month, Report, StatsFileError, merge, parse_csv, read_csv, to_csv
from peerdesk.store import Vault
from peerdesk.store.models import SessionMode
from tests.conftest import FAST_KDF

from .mutations import (
    CI,
    SLOW,
    apply_all,
    byte_mutation,
    byte_mutations,
    file_state,
    require_slow_run,
    time_limit,
    write_like,
)

cells = st.one_of(
    st.sampled_from(
        [
            "",
            "<5",
            "4",
            "5",
            "-7",
            "12-16",
            "16-12",
            "<=8",
            "<=3",
            "9" * 40,
            "2025-13",
            "1899-01",
            "2025-01",
            "sessions",
            "in_person",
            "peerdesk-stats",
            "2",
            '"a,b"',
            "\x00",
            "\u202e",
        ]
    ),
    st.text(max_size=12),
)


@st.composite
def csv_mutation(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    for _ in range(draw(st.integers(1, 4))):
        if not rows:
            rows.append([draw(cells)])
            continue
        i = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "cell", "widen", "narrow"]))
        if action == "delete":
            del rows[i]
        elif action == "duplicate":
            rows.insert(i, list(rows[i]))
        elif action == "swap":
            j = draw(st.integers(0, len(rows) - 1))
            rows[i], rows[j] = rows[j], rows[i]
        elif action == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(cells)
        elif action == "widen":
            rows[i].append(draw(cells))
        elif rows[i]:
            rows[i].pop()
    return rows


class Pristine(dict[str, bytes]):
    def __repr__(self) -> str:
        return "<statistics files>"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    vault, _code = Vault.create(tmp_path_factory.mktemp("v") / "v", "stats fuzzing", kdf=FAST_KDF)
    try:
        person = vault.people.add(alias="Kim")
        for day in range(1, 8):
            vault.sessions.add(person.id, started_at=datetime(2025, 1, day, 10))
        vault.sessions.add(person.id, started_at=datetime(2025, 2, 3, 10), mode=SessionMode.PHONE)
        one = stats.report_for(vault, Month(2025, 1), Month(2025, 3))
    finally:
        vault.close()
    single = to_csv(one)
    merged = to_csv(
        merge([("a.csv", parse_csv(single, "a.csv")), ("b.csv", parse_csv(single, "b.csv"))])
    )
    return Pristine(single=single, merged=merged)


def _attempt(original: bytes, data: bytes) -> str:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-stats-"))
    try:
        path = folder / "team.csv"
        write_like(path, data)
        before = file_state(path)
        message = ""
        with time_limit():
            try:
                report = read_csv(path)
            except StatsFileError as exc:
                message = str(exc)
                outcome = "refused"
            else:
                assert isinstance(report, Report)
                # different months or shapes: refused by name, as documented
                with contextlib.suppress(StatsFileError, ValueError):
                    merge([("team.csv", report), ("original.csv", parse_csv(original, "o.csv"))])
                outcome = "read"
        assert str(folder) not in message
        assert file_state(path) == before
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def test_the_pristine_files_read(pristine: dict[str, bytes]) -> None:
    for data in pristine.values():
        assert _attempt(data, data) == "read"
    assert _attempt(pristine["single"], b"") == "refused"


@CI
@given(which=st.sampled_from(["single", "merged"]), mutations=byte_mutations)
def test_damaged_bytes_give_a_stats_file_error(
    pristine: dict[str, bytes], which: str, mutations: list[Any]
) -> None:
    _attempt(pristine[which], apply_all(pristine[which], mutations))


@CI
@given(which=st.sampled_from(["single", "merged"]), data=st.data())
def test_changed_rows_give_a_stats_file_error(
    pristine: dict[str, bytes], which: str, data: st.DataObject
) -> None:
    rows = data.draw(csv_mutation(_rows(pristine[which])))
    _attempt(pristine[which], _csv(rows))


@pytest.mark.slow
@SLOW
@given(which=st.sampled_from(["single", "merged"]), data=st.data())
def test_slow_damaged_stats_files_give_a_stats_file_error(
    request: pytest.FixtureRequest, pristine: dict[str, bytes], which: str, data: st.DataObject
) -> None:
    require_slow_run(request)
    raw = _csv(data.draw(csv_mutation(_rows(pristine[which]))))
    _attempt(pristine[which], apply_all(raw, data.draw(st.lists(byte_mutation(), max_size=2))))
