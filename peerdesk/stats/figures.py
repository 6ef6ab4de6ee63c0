"""The figures a statistics report may show, and the one place small counts are hidden.

Privacy rules, enforced here and nowhere else (the CSV writer, the PDF and the
app's preview all take a :class:`Report`, which can only hold safe figures):

- **Small counts.** A count of 0 to 4 is published as ``<5``. Zero too: if 0
  were shown, ``<5`` would mean "1 to 4", that is "it happened", and in a
  small team "one discrimination concern in March" can point at a person.
- **No totals, no shared margins.** Two tables that partition the same
  records add up to the same total, so a hidden cell in one could be worked
  out by subtraction from the other. So conversations are published per
  month *and* mode in one table, and "by month" and "by mode" are only ever
  *derived* from its cells as sums of figures (:func:`total`): a function of
  published figures reveals nothing they do not, and where a hidden cell
  takes part the sum is a range. Referrals are counted by service in the
  month they were made, and outcomes in the month the referral ended: two
  different sets of referrals, with no sum in common. No grand total of any
  table is published. This is chosen over complementary suppression, which
  would need a second marker for hidden cells of 5 or more, and would let a
  reader narrow the hidden small ones again from where those sit.
- **Fixed shape.** Every month of the span and every key of the taxonomy is
  always present, so which rows appear says nothing about what happened.
- **Only fixed keys.** Keys are modes, concern categories, checklist template
  ids, service types and statuses. No alias, name or free text exists here.
- **Months only.** No day, date or time appears in any figure or file.

A :class:`Figure` is an interval ``[low, high]`` of what the true count can be:
exact (``low == high``), ``<5`` (``[0, 4]``), or, after merging reports, a
range (``12-16``) or a ceiling (``<=8``). :class:`Report` refuses any figure
that would show a count below 5.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from ..i18n import _
from ..store.models import ConcernCategory, RecipientType, ReferralStatus, SessionMode
from ..store.statistics import Activity

THRESHOLD = 5
# A report spans at most three years: a longer bar chart stops being readable.
MAX_MONTHS = 36
# No supporter records a billion sessions; a bigger number is a damaged file.
MAX_COUNT = 10**9

NOT_RECORDED = "not_recorded"
# A contact-log entry records only that a referral was made: its service is "not recorded".
SERVICES: tuple[str, ...] = (*(kind.value for kind in RecipientType), NOT_RECORDED)
# How a referral ended, counted in the month it ended.
OUTCOMES: tuple[str, ...] = (ReferralStatus.CONNECTED.value, ReferralStatus.NOT_CONNECTED.value)
MODES: tuple[str, ...] = tuple(mode.value for mode in SessionMode)
CONCERNS: tuple[str, ...] = tuple(concern.value for concern in ConcernCategory)
_TEMPLATE_ID = re.compile(r"[a-z0-9-]{3,64}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class Metric(StrEnum):
    """What a row of a report counts."""

    CONVERSATIONS = "sessions"  # sessions and contact-log entries, by month and mode
    CONCERNS = "concerns"  # sessions and contacts tagged with each concern category
    CHECKLIST_RUNS = "checklist_runs"  # checklist runs per template id
    REFERRALS = "referrals"  # referrals made, per service type
    OUTCOMES = "referral_outcomes"  # referrals that ended, per outcome


def is_template_id(key: str) -> bool:
    return bool(_TEMPLATE_ID.fullmatch(key))


def known_key(metric: Metric, key: str) -> bool:
    if metric is Metric.CONVERSATIONS:
        return key in MODES
    if metric is Metric.CONCERNS:
        return key in CONCERNS
    if metric is Metric.REFERRALS:
        return key in SERVICES
    if metric is Metric.OUTCOMES:
        return key in OUTCOMES
    return is_template_id(key)


class Month(NamedTuple):
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"YYYY-MM"`` exactly; raises ValueError otherwise."""
        match = _MONTH.fullmatch(text)
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise ValueError(f"{text!r} is not a month (YYYY-MM)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)


def months(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included."""
    span: list[Month] = []
    month = first
    while month <= last:
        span.append(month)
        month = month.next()
    return span


def check_span(first: Month, last: Month) -> None:
    if last < first:
        raise ValueError("the last month comes before the first")
    if len(months(first, last)) > MAX_MONTHS:
        raise ValueError(f"a report covers at most {MAX_MONTHS} months")


class Figure(NamedTuple):
    """What a true count can be: between ``low`` and ``high``, both included."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def plus(self, other: Figure) -> Figure:
        return Figure(self.low + other.low, self.high + other.high)

    @property
    def safe(self) -> bool:
        """Shows no count below the threshold, exactly or as a range's lower end."""
        if self.exact:
            return self.low >= THRESHOLD
        return 0 <= self.low < self.high and (self.low == 0 or self.low >= THRESHOLD)

    @property
    def code(self) -> str:
        """As written in a CSV file: ``12``, ``<5``, ``12-16`` or ``<=8``."""
        if self.high < THRESHOLD:
            return f"<{THRESHOLD}"
        if self.exact:
            return str(self.low)
        if self.low >= THRESHOLD:
            return f"{self.low}-{self.high}"
        return f"<={self.high}"

    @property
    def label(self) -> str:
        """As a person reads it: ``12``, ``<5``, ``12–16`` or ``up to 8``.

        (Not "≤": the bundled Latin font has no glyph for it.)
        """
        code = self.code
        if code.startswith("<="):
            return _("up to {count}").format(count=code[2:])
        return code.replace("-", "\u2013")


SMALL = Figure(0, THRESHOLD - 1)
NOTHING = Figure(0, 0)  # only ever an addend (a template a vault never knew)


def published(count: int) -> Figure:
    """The only way an exact count becomes a figure: below the threshold it is ``<5``."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError("a count is a whole number, zero or more")
    return Figure(count, count) if count >= THRESHOLD else SMALL


_CODE = re.compile(r"(?:(\d{1,10})|<5|(\d{1,10})-(\d{1,10})|<=(\d{1,10}))")


def parse_figure(text: str) -> Figure:
    """A CSV count back into a figure; raises ValueError with a short reason."""
    match = _CODE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a count")
    exact, low, high, ceiling = match.groups()
    if exact is not None:
        figure = Figure(int(exact), int(exact))
    elif low is not None:
        figure = Figure(int(low), int(high))
    elif ceiling is not None:
        figure = Figure(0, int(ceiling))
    else:
        figure = SMALL
    if figure.high > MAX_COUNT:
        raise ValueError(f"{text!r} is too large to be a count")
    if not figure.safe:
        if figure.exact:
            raise ValueError(f"{text!r} is a count below {THRESHOLD}; it must be written <5")
        raise ValueError(f"{text!r} is not a valid range of counts")
    return figure


Cell = tuple[Metric, str, Month | None]


@dataclass(frozen=True)
class Report:
    """Anonymous figures for the months ``first`` to ``last``: safe to show and to share.

    ``reports`` is how many supporters' reports it adds up (1 for one vault).
    Building one with a figure that shows a count below 5, a key outside the
    taxonomy, or a month outside the span raises ValueError.
    """

    first: Month
    last: Month
    figures: Mapping[Cell, Figure]
    reports: int = 1
    _order: tuple[Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_span(self.first, self.last)
        if self.reports < 1:
            raise ValueError("a report adds up at least one supporter's figures")
        span = set(months(self.first, self.last))
        for (metric, key, month), figure in self.figures.items():
            if not known_key(metric, key):
                raise ValueError(f"unknown key {key!r} for {metric.value}")
            if (month is None) != (metric is not Metric.CONVERSATIONS) or (
                month is not None and month not in span
            ):
                raise ValueError(f"{metric.value} {key}: month out of place")
            if not isinstance(figure, Figure) or not figure.safe:
                raise ValueError("a report never holds a count below 5")
        missing = [
            cell for cell in expected_cells(self.first, self.last) if cell not in self.figures
        ]
        if missing:
            raise ValueError("a report holds every month and key of the taxonomy")
        object.__setattr__(self, "_order", tuple(sorted(self.figures, key=_cell_order)))

    def cells(self) -> Iterator[tuple[Cell, Figure]]:
        """Every figure, in a fixed order: metric, then key, then month."""
        for cell in self._order:
            yield cell, self.figures[cell]

    def figure(self, metric: Metric, key: str, month: Month | None = None) -> Figure:
        return self.figures[(metric, key, month)]

    def template_ids(self) -> list[str]:
        return sorted(key for metric, key, _m in self.figures if metric is Metric.CHECKLIST_RUNS)


def expected_cells(first: Month, last: Month) -> Iterator[Cell]:
    """The cells every report holds, whatever happened (checklist templates vary)."""
    for month in months(first, last):
        for mode in MODES:
            yield (Metric.CONVERSATIONS, mode, month)
    for concern in CONCERNS:
        yield (Metric.CONCERNS, concern, None)
    for key in SERVICES:
        yield (Metric.REFERRALS, key, None)
    for key in OUTCOMES:
        yield (Metric.OUTCOMES, key, None)


_METRIC_ORDER = {metric: number for number, metric in enumerate(Metric)}
_KEY_ORDER = {key: number for number, key in enumerate((*MODES, *CONCERNS, *SERVICES, *OUTCOMES))}


def _cell_order(cell: Cell) -> tuple[int, int, str, Month]:
    metric, key, month = cell
    return (_METRIC_ORDER[metric], _KEY_ORDER.get(key, len(_KEY_ORDER)), key, month or Month(0, 0))


def total(figures: Iterable[Figure]) -> Figure:
    """The sum of published figures: exact only if every part is."""
    result = NOTHING
    for figure in figures:
        result = result.plus(figure)
    return result


def suppress(
    activity: Activity, first: Month, last: Month, template_ids: Iterable[str] = ()
) -> Report:
    """The report for exact ``activity``: every count through :func:`published`, none left out.

    ``template_ids`` are templates to list even if never used (the built-in
    ones), so that a row's presence never tells that a template was followed.
    """
    figures: dict[Cell, Figure] = {}
    for month in months(first, last):
        for mode in MODES:
            count = activity.conversations.get((month.text, mode), 0)
            figures[(Metric.CONVERSATIONS, mode, month)] = published(count)
    for concern in CONCERNS:
        figures[(Metric.CONCERNS, concern, None)] = published(activity.concerns.get(concern, 0))
    templates = {*template_ids, *activity.template_ids, *activity.checklist_runs}
    for template_id in sorted(filter(is_template_id, templates)):
        count = activity.checklist_runs.get(template_id, 0)
        figures[(Metric.CHECKLIST_RUNS, template_id, None)] = published(count)
    for service in SERVICES:
        if service == NOT_RECORDED:
            count = activity.contact_referrals
        else:
            count = activity.referrals.get(service, 0)
        figures[(Metric.REFERRALS, service, None)] = published(count)
    for outcome in OUTCOMES:
        figures[(Metric.OUTCOMES, outcome, None)] = published(activity.outcomes.get(outcome, 0))
    return Report(first, last, figures)
