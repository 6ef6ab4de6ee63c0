"""The statistics CSV: what a supporter sends the coordinator, and what merging reads.

Format, version 1 (UTF-8, comma separated, one record per line)::

    peerdesk-stats,1
    from,2025-01
    to,2025-06
    reports,1
    metric,key,month,count
    sessions,in_person,2025-01,12
    sessions,phone,2025-01,<5
    ...
    concerns,verbal_abuse,,7
    checklist_runs,active-listening-oars,,<5
    referrals,eap,,<5
    referrals,not_recorded,,6
    referral_outcomes,connected,,<5

- Line 1 names the format and its version; a reader refuses any other version.
- ``from`` and ``to`` are the first and last month covered (``YYYY-MM``), at
  most 36 months. ``reports`` is how many supporters' reports are added up.
- ``metric`` is one of:

  - ``sessions``: sessions and contact-log entries, by ``key`` = mode
    (``in_person``, ``phone``, ``video``, ``chat``), one row per month of the span;
  - ``concerns``: sessions and contacts tagged with each concern category
    (``verbal_abuse``, ``exclusion``, ``undermining_work``, ``cyberbullying``,
    ``discrimination``, ``harassment``, ``threats``, ``other``);
  - ``checklist_runs``: runs per checklist template id (lowercase letters,
    digits and hyphens);
  - ``referrals``: referrals made (their PDF exported) in the span, by
    service: ``eap``, ``counselling``, ``hr``, ``union``,
    ``occupational_health``, ``crisis``, ``other``, and ``not_recorded`` for
    referrals noted in a contact log, which keeps no service;
  - ``referral_outcomes``: referrals that ended in the span, by outcome:
    ``connected``, ``not_connected``.

  ``month`` is empty for every metric but ``sessions``: those figures cover
  the whole span. Every month and key is always present (``checklist_runs``
  lists the templates the vault knows), so the file's shape never says what
  happened.
- ``count`` is already suppressed (:mod:`peerdesk.stats.figures`): a whole
  number of 5 or more; ``<5`` for 0 to 4; and, in a merged report, ``12-16``
  (between 12 and 16) or ``<=8`` (8 or fewer). A plain number below 5 is
  refused: such a file was edited by hand and must not be shown.

Nothing else is in the file: no alias, name, note, day or time, and no totals.

**Why the file is suppressed, and what merging can then add up.** The CSV
leaves the supporter's laptop (by e-mail, on a stick), so it must already be
safe on its own: in a small team one supporter's "1 threat in March" can
name a colleague. Merging therefore adds up what the files say: exact
figures add up exactly; a ``<5`` adds between 0 and 4, so the merged figure
becomes a range. The merged report is a function of already-safe files, so
it cannot reveal more than they did, and it never shows a count below 5.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from ..i18n import _
from .figures import (
    Cell,
    Figure,
    Metric,
    Month,
    Report,
    check_span,
    expected_cells,
    known_key,
    months,
    parse_figure,
)

FORMAT = "peerdesk-stats"
VERSION = 1
COLUMNS = ("metric", "key", "month", "count")
# A report of 36 months and many templates is a few kilobytes.
MAX_FILE_BYTES = 1024 * 1024


class StatsFileError(ValueError):
    """A statistics CSV that cannot be read; the message names the file and the line."""

    def __init__(self, file_name: str, line: int | None, problem: str) -> None:
        self.file_name = file_name
        self.line = line
        self.problem = problem
        where = (
            file_name
            if line is None
            else _("{file}, line {line}").format(file=file_name, line=line)
        )
        super().__init__(f"{where}: {problem}")


def to_csv(report: Report) -> bytes:
    """The report as CSV bytes (UTF-8, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((FORMAT, VERSION))
    writer.writerow(("from", report.first.text))
    writer.writerow(("to", report.last.text))
    writer.writerow(("reports", report.reports))
    writer.writerow(COLUMNS)
    for (metric, key, month), figure in report.cells():
        writer.writerow((metric.value, key, month.text if month else "", figure.code))
    return buffer.getvalue().encode("utf-8")


def display_name(path: Path | str) -> str:
    """The file's own name, without its folder (which may name a person's home)."""
    return os.path.basename(os.fspath(path)) or os.fspath(path)


def read_csv(path: Path) -> Report:
    """Read and check one statistics CSV; raises :class:`StatsFileError`."""
    name = display_name(path)
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        raise StatsFileError(name, None, _("could not be opened for reading")) from None
    return parse_csv(data, name)


def parse_csv(data: bytes, name: str) -> Report:
    """Check ``data`` line by line; the first problem found is raised with its line."""
    if len(data) > MAX_FILE_BYTES:
        raise StatsFileError(name, None, _("is too large to be a peerdesk statistics file"))
    try:
        # utf-8-sig: a spreadsheet that re-saved the file may have put a BOM first.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatsFileError(name, None, _("is not a peerdesk statistics file")) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines = _Lines(reader, name)
    header = lines.next_row()
    if header is None or not header or header[0] != FORMAT:
        raise StatsFileError(name, 1, _("is not a peerdesk statistics file"))
    if len(header) != 2 or header[1] != str(VERSION):
        raise StatsFileError(
            name,
            1,
            _("uses statistics format {found}; this peerdesk reads format {version}").format(
                found=repr(",".join(header[1:])), version=VERSION
            ),
        )
    first = lines.month_field("from")
    last = lines.month_field("to")
    try:
        check_span(first, last)
    except ValueError as exc:
        raise StatsFileError(name, lines.line, str(exc)) from None
    reports = lines.reports_field()
    columns = lines.next_row()
    if columns is None or tuple(columns) != COLUMNS:
        raise StatsFileError(
            name,
            lines.line,
            _("the column headings must be: {columns}").format(columns=",".join(COLUMNS)),
        )
    span = set(months(first, last))
    figures: dict[Cell, Figure] = {}
    seen_on: dict[Cell, int] = {}
    while (row := lines.next_row()) is not None:
        if not any(field.strip() for field in row):
            continue  # a blank line, often at the end
        cell = _cell(row, span, name, lines.line)
        if cell in seen_on:
            raise StatsFileError(
                name,
                lines.line,
                _("this row repeats line {line}").format(line=seen_on[cell]),
            )
        try:
            figures[cell] = parse_figure(row[3])
        except ValueError as exc:
            raise StatsFileError(name, lines.line, str(exc)) from None
        seen_on[cell] = lines.line
    for metric, key, month in expected_cells(first, last):
        if (metric, key, month) not in figures:
            where = f"{metric.value},{key},{month.text if month else ''}"
            raise StatsFileError(
                name, None, _("the row {row} is missing; the file is incomplete").format(row=where)
            )
    return Report(first, last, figures, reports=reports)


def merge(reports: Iterable[tuple[str, Report]]) -> Report:
    """Add up several supporters' reports, each named for messages.

    Every report must cover the same months. A checklist template one report
    does not list counts as none there (that vault never knew it).
    """
    named = list(reports)
    if not named:
        raise ValueError(_("Choose at least one statistics file to merge."))
    first_name, base = named[0]
    figures: dict[Cell, Figure] = {}
    for name, report in named:
        if (report.first, report.last) != (base.first, base.last):
            raise StatsFileError(
                name,
                2,
                _(
                    "covers {this_first} to {this_last}, but {other} covers {first} to "
                    "{last}. Merge reports made for the same months."
                ).format(
                    this_first=report.first.text,
                    this_last=report.last.text,
                    other=first_name,
                    first=base.first.text,
                    last=base.last.text,
                ),
            )
        for cell, figure in report.cells():
            figures[cell] = figures.get(cell, Figure(0, 0)).plus(figure)
    return Report(
        base.first, base.last, figures, reports=sum(report.reports for _n, report in named)
    )


def read_and_merge(paths: Iterable[Path]) -> Report:
    """Read every file (all are checked before anything is added) and merge them."""
    named: list[tuple[str, Report]] = []
    contents: dict[bytes, str] = {}
    for path in paths:
        name = display_name(path)
        report = read_csv(path)
        data = to_csv(report)
        if data in contents:
            raise StatsFileError(
                name,
                None,
                _(
                    "holds the same figures as {other}; each supporter's report should be "
                    "merged once"
                ).format(other=contents[data]),
            )
        contents[data] = name
        named.append((name, report))
    return merge(named)


class _Lines:
    """Rows with their line numbers, turning csv errors into a named message."""

    def __init__(self, reader: Iterable[list[str]], name: str) -> None:
        self._rows = iter(reader)
        self._reader = reader
        self._name = name
        self.line = 0

    def next_row(self) -> list[str] | None:
        try:
            row = next(self._rows)
        except StopIteration:
            return None
        except csv.Error:
            raise StatsFileError(
                self._name, self.line + 1, _("is not valid CSV (a quote is not closed?)")
            ) from None
        self.line = getattr(self._reader, "line_num", self.line + 1)
        return row

    def month_field(self, label: str) -> Month:
        row = self.next_row()
        if row is None or len(row) != 2 or row[0] != label:
            raise StatsFileError(
                self._name,
                self.line + (row is None),
                _("expected {label},YYYY-MM").format(label=label),
            )
        try:
            return Month.parse(row[1])
        except ValueError:
            raise StatsFileError(
                self._name, self.line, _("{value!r} is not a month (YYYY-MM)").format(value=row[1])
            ) from None

    def reports_field(self) -> int:
        row = self.next_row()
        if row is None or len(row) != 2 or row[0] != "reports":
            raise StatsFileError(self._name, self.line + (row is None), _("expected reports,N"))
        value = row[1]
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= 100_000:
            raise StatsFileError(
                self._name, self.line, _("{value!r} is not a number of reports").format(value=value)
            )
        return int(value)


def _cell(row: list[str], span: set[Month], name: str, line: int) -> Cell:
    if len(row) != len(COLUMNS):
        raise StatsFileError(
            name,
            line,
            _("expected {expected} fields (metric,key,month,count), found {found}").format(
                expected=len(COLUMNS), found=len(row)
            ),
        )
    metric_text, key, month_text, _count = row
    try:
        metric = Metric(metric_text)
    except ValueError:
        raise StatsFileError(
            name, line, _("{value!r} is not a known metric").format(value=metric_text)
        ) from None
    if not known_key(metric, key):
        raise StatsFileError(
            name,
            line,
            _("{value!r} is not a known key for {metric}").format(value=key, metric=metric.value),
        )
    if metric is not Metric.CONVERSATIONS:
        if month_text:
            raise StatsFileError(
                name,
                line,
                _("{metric} figures cover the whole span: leave the month empty").format(
                    metric=metric.value
                ),
            )
        return (metric, key, None)
    try:
        month = Month.parse(month_text)
    except ValueError:
        raise StatsFileError(
            name, line, _("{value!r} is not a month (YYYY-MM)").format(value=month_text)
        ) from None
    if month not in span:
        raise StatsFileError(
            name, line, _("{month} is outside the months the file covers").format(month=month.text)
        )
    return (metric, key, month)
