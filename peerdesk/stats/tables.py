"""A report as the tables people read: the PDF and the app's preview both draw these.

Every figure here is a published one, or a sum of published ones
(:func:`~peerdesk.stats.figures.total`), so nothing shown can reveal more than
the report itself.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from .. import vocabulary
from ..i18n import _
from ..store.models import ReferralStatus, SessionMode
from ..vocabulary import service_names
from .figures import (
    MODES,
    NOT_RECORDED,
    OUTCOMES,
    SERVICES,
    Figure,
    Metric,
    Month,
    Report,
    months,
    total,
)


class Chart(Enum):
    COLUMNS = "columns"  # one upright bar per month
    BARS = "bars"  # one horizontal bar per row, labels at the left


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    columns: tuple[str, ...]  # headings of the figure columns
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]  # (row label, figures)
    chart: Chart | None = None  # drawn from the first figure column
    note: str = ""


def mode_names() -> dict[str, str]:
    return {
        SessionMode.IN_PERSON.value: _("In person"),
        SessionMode.PHONE.value: _("Phone"),
        SessionMode.VIDEO.value: _("Video"),
        SessionMode.CHAT.value: _("Chat"),
    }


def concern_names() -> dict[str, str]:
    """The same words as the session editor's chips, keyed by the CSV's key."""
    return {concern.value: text for concern, text in vocabulary.concern_names().items()}


def status_names() -> dict[str, str]:
    return {
        ReferralStatus.CONNECTED.value: _("Connected with the service"),
        ReferralStatus.NOT_CONNECTED.value: _("Not connected"),
    }


def service_labels() -> dict[str, str]:
    names = {kind.value: name for kind, name in service_names().items()}
    return {**names, NOT_RECORDED: _("Not recorded (contact log)")}


def month_name(month: Month) -> str:
    return f"{calendar.month_abbr[month.month]} {month.year}"


def span_text(first: Month, last: Month) -> str:
    """ "January 2025 to June 2025"; one month alone is named once."""

    def long(month: Month) -> str:
        return f"{calendar.month_name[month.month]} {month.year}"

    if first == last:
        return long(first)
    return _("{first} to {last}").format(first=long(first), last=long(last))


def tables(report: Report, template_titles: Mapping[str, str] | None = None) -> list[Table]:
    """The report's tables in reading order."""
    titles = template_titles or {}
    span = months(report.first, report.last)
    modes = mode_names()

    def conversations(mode: str, month: Month) -> Figure:
        return report.figure(Metric.CONVERSATIONS, mode, month)

    by_month = tuple(
        (month_name(month), (total(conversations(mode, month) for mode in MODES),))
        for month in span
    )
    by_mode = tuple(
        (modes[mode], (total(conversations(mode, month) for month in span),)) for mode in MODES
    )
    grid = tuple(
        (
            month_name(month),
            (
                *(conversations(mode, month) for mode in MODES),
                total(conversations(mode, month) for mode in MODES),
            ),
        )
        for month in span
    )
    concern_rows = tuple(
        (name, (report.figure(Metric.CONCERNS, key),)) for key, name in concern_names().items()
    )
    checklist_rows = tuple(
        (titles.get(key, key), (report.figure(Metric.CHECKLIST_RUNS, key),))
        for key in sorted(report.template_ids(), key=lambda k: titles.get(k, k).casefold())
    )
    services = service_labels()
    statuses = status_names()
    by_service = tuple(
        (services[service], (report.figure(Metric.REFERRALS, service),)) for service in SERVICES
    )
    by_outcome = tuple(
        (statuses[outcome], (report.figure(Metric.OUTCOMES, outcome),)) for outcome in OUTCOMES
    )
    count = (_("Count"),)
    result = [
        Table(
            _("Conversations by month"),
            count,
            by_month,
            Chart.COLUMNS,
            _("Sessions and contact-log entries, added up from the table by mode below."),
        ),
        Table(_("Conversations by mode"), count, by_mode, Chart.BARS),
        Table(
            _("Concerns raised"),
            (_("Conversations"),),
            concern_rows,
            Chart.BARS,
            _("Conversations tagged with each concern; one can carry several."),
        ),
        Table(
            _("Checklist use"),
            (_("Runs"),),
            checklist_rows,
            Chart.BARS,
            _("Times each checklist was followed in a conversation of these months."),
        ),
        Table(
            _("Referrals by service"),
            count,
            by_service,
            Chart.BARS,
            _(
                "Referrals made (their PDF created) in these months; drafts are not counted. "
                "A contact log records no service."
            ),
        ),
        Table(
            _("Referrals by outcome"),
            count,
            by_outcome,
            Chart.BARS,
            _("Referrals that ended in these months, whenever they were made."),
        ),
        Table(
            _("Conversations by month and mode"),
            (*(modes[mode] for mode in MODES), _("All")),
            grid,
        ),
    ]
    return result
