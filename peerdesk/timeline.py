"""How records read in the workspace's lists: relative dates, one-line previews, rows. No Qt.

Every list in the workspace (people, the session timeline, the incident diary,
search results, follow-ups) shows the same kind of :class:`Row`: a title, a
quieter detail line and an optional badge whose *words* carry the meaning
("Follow-up overdue (3 days)"), so nothing relies on colour alone.

Text a supporter typed (aliases, places, notes) may hold right-to-left marks
or overrides. Wherever such text sits inside a longer line it is wrapped in
Unicode isolates (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL
ISOLATE): a closing isolate ends any override opened inside it (UAX #9), so a
hostile alias cannot reverse the date or the words shown after it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Generic, NamedTuple, TypeVar, overload

from .i18n import _
from .store.models import (
    Consent,
    ConsentMethod,
    ConsentStatus,
    Incident,
    Person,
    RecipientType,
    Referral,
    ReferralStatus,
    SearchHitKind,
    Session,
    SessionMode,
    Urgency,
)
from .store.search import snippet_parts
from .vocabulary import service_name

FSI = "\u2068"
PDI = "\u2069"
SEPARATOR = " · "
PREVIEW_CHARS = 160
# Within two weeks a supporter thinks in days ("3 days ago"); further back, a date.
RELATIVE_DAYS = 14

# Control characters and line/paragraph separators would break a one-line row.
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class DateStyle:
    """What today is, and how a day and a time of day are written (the UI passes QLocale's)."""

    today: date
    day: Callable[[date], str] = date.isoformat
    time_of_day: Callable[[time], str] = time.isoformat

    def moment(self, when: datetime) -> str:
        return _("{day}, {time}").format(
            day=self.day(when.date()), time=self.time_of_day(when.time())
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One line in a workspace list.

    ``detail_parts`` are ``(text, emphasised)`` runs (search matches are emphasised),
    each already safe to show on one line. ``badge`` is a short status shown on
    its own line: framed when ``alert`` (a follow-up that is due), quiet otherwise.
    ``muted`` rows are de-emphasised (a closed person, a session without notes
    yet). ``key`` identifies the record.
    """

    key: Hashable
    title: str
    detail_parts: tuple[tuple[str, bool], ...] = ()
    badge: str = ""
    alert: bool = False
    muted: bool = False

    @property
    def detail(self) -> str:
        return "".join(text for text, _emphasised in self.detail_parts)

    @property
    def spoken(self) -> str:
        """The whole row as one sentence, for screen readers."""
        return ". ".join(part for part in (self.title, self.detail, self.badge) if part)


class RowShape(NamedTuple):
    """Which lines a row has besides its title: all that its height depends on."""

    detail: bool
    badge: bool


def row_shape(row: Row) -> RowShape:
    return RowShape(bool(row.detail_parts), bool(row.badge))


_Record = TypeVar("_Record")


class LazyRows(Sequence[Row], Generic[_Record]):
    """Rows made from records only when they are read, each once.

    A list of 2,000 people or 1,000 sessions shows a dozen rows at a time:
    wording, dates and previews for the rest would only delay the first paint
    (benchmark issue 7). ``key`` and ``shape`` must agree with what ``row``
    makes, cheaply: the list view asks every row for its height before it
    paints, and the height follows from the shape alone.
    """

    def __init__(
        self,
        records: Sequence[_Record],
        row: Callable[[_Record], Row],
        key: Callable[[_Record], Hashable],
        shape: Callable[[_Record], RowShape],
    ) -> None:
        self._records = records
        self._row = row
        self._key = key
        self._shape = shape
        self._made: list[Row | None] = [None] * len(records)

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._row(self._records[index])
        return made

    def key(self, index: int) -> Hashable:
        return self._key(self._records[index])

    def replace(self, index: int, row: Row) -> None:
        """Show ``row`` at ``index`` from now on (its record was saved since)."""
        self._made[index] = row

    def shape(self, index: int) -> RowShape:
        return self._shape(self._records[index])


# -- text ---------------------------------------------------------------------------


def isolate(text: str) -> str:
    """``text`` wrapped in Unicode isolates, so its direction cannot leak into what follows."""
    return FSI + text + PDI


def one_line(text: str) -> str:
    """Typed text made safe for one line: control characters and runs of space become a space."""
    return _WHITESPACE.sub(" ", _NOT_ON_ONE_LINE.sub(" ", text)).strip()


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The first non-blank line of ``text``, on one line, cut at ``limit`` characters."""
    for line in text.splitlines():
        flat = one_line(line)
        if flat:
            return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
    return ""


def right_to_left(text: str) -> bool:
    """Whether the first strong character is right-to-left (how FSI picks a direction)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def days_text(days: int) -> str:
    return _("1 day") if days == 1 else _("{n} days").format(n=days)


def duration_text(minutes: int) -> str:
    """``"45 min"``, ``"1 h 30 min"``; an empty string for 0 (not yet filled in)."""
    if minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("{m} min").format(m=rest)
    if not rest:
        return _("{h} h").format(h=hours)
    return _("{h} h {m} min").format(h=hours, m=rest)


def mode_text(mode: SessionMode) -> str:
    return {
        SessionMode.IN_PERSON: _("In person"),
        SessionMode.PHONE: _("Phone"),
        SessionMode.VIDEO: _("Video"),
        SessionMode.CHAT: _("Chat"),
    }[mode]


def recipient_text(kind: RecipientType) -> str:
    return service_name(kind)


# -- relative dates -------------------------------------------------------------------


def last_contact_text(last: datetime | None, dates: DateStyle) -> str:
    if last is None:
        return _("No sessions yet")
    days = (dates.today - last.date()).days
    if days < 0:
        return _("Next session {day}").format(day=dates.day(last.date()))
    if days == 0:
        return _("Last contact today")
    if days == 1:
        return _("Last contact yesterday")
    if days < RELATIVE_DAYS:
        return _("Last contact {n} days ago").format(n=days)
    return _("Last contact {day}").format(day=dates.day(last.date()))


def due_text(due: date, dates: DateStyle) -> str:
    """A follow-up that is due: "Follow-up due today" or "Follow-up overdue (3 days)"."""
    late = (dates.today - due).days
    if late <= 0:
        return _("Follow-up due today")
    return _("Follow-up overdue ({days})").format(days=days_text(late))


# -- rows -----------------------------------------------------------------------------


def risk_text() -> str:
    """The worded marker of a session where a risk item was marked (never colour alone)."""
    return _("Risk flagged")


def _badges(*texts: str) -> str:
    return SEPARATOR.join(text for text in texts if text)


def person_row(person: Person, dates: DateStyle) -> Row:
    contact = last_contact_text(person.last_contact, dates)
    if person.closed_at is not None:
        contact = _("Closed") + SEPARATOR + contact
    due = "" if person.follow_up_due is None else due_text(person.follow_up_due, dates)
    badge = _badges(risk_text() if person.risk_flagged else "", due)
    return Row(
        person.id, person.alias, ((contact, False),), badge, alert=bool(badge), muted=person.closed
    )


def person_shape(person: Person) -> RowShape:
    """What :func:`person_row` makes, without making it: a badge for risk or a due follow-up."""
    return RowShape(detail=True, badge=person.risk_flagged or person.follow_up_due is not None)


def session_shape(session: Session) -> RowShape:
    """What :func:`session_row` makes, without making it: a badge for any follow-up or risk."""
    return RowShape(detail=True, badge=session.follow_up_on is not None or session.risk_flag)


def session_row(session: Session, dates: DateStyle, *, latest: bool) -> Row:
    """A timeline row. Only the latest session's follow-up can be due (see ``Person``).

    The title is only the date and time, so it fits a narrow timeline beside the
    editor; how, how long and the first line of the notes share the detail line.
    """
    facts = [mode_text(session.mode)]
    duration = duration_text(session.duration_minutes)
    if duration:
        facts.append(duration)
    badge, due = "", False
    if session.follow_up_on is not None:
        due = latest and session.follow_up_on <= dates.today
        if due:
            badge = due_text(session.follow_up_on, dates)
        else:
            badge = _("Follow-up planned for {day}").format(day=dates.day(session.follow_up_on))
    first = preview(session.notes)
    facts.append(isolate(first) if first else _("No notes yet"))
    detail = SEPARATOR.join(facts)
    if session.risk_flag:
        badge = _badges(risk_text(), badge)
    alert = due or session.risk_flag
    return Row(session.id, dates.moment(session.started_at), ((detail, False),), badge, alert=alert)


INCIDENT_SHAPE = RowShape(detail=True, badge=False)
"""What :func:`incident_row` makes: always a detail line, never a badge."""


def incident_row(incident: Incident, dates: DateStyle) -> Row:
    facts = []
    place = one_line(incident.place)
    if place:
        facts.append(isolate(place))
    first = preview(incident.what_happened)
    facts.append(isolate(first) if first else _("Nothing written yet"))
    detail = SEPARATOR.join(facts)
    return Row(incident.id, dates.moment(incident.occurred_at), ((detail, False),))


def consent_row(consent: Consent, dates: DateStyle) -> Row:
    how = _("verbal") if consent.given_how is ConsentMethod.VERBAL else _("written")
    detail = _("Given {day} ({how}), until {until}").format(
        day=dates.day(consent.given_on), how=how, until=dates.day(consent.expires_on)
    )
    status = consent.status(dates.today)
    badge = {
        ConsentStatus.ACTIVE: _("Active"),
        ConsentStatus.EXPIRED: _("Expired"),
        ConsentStatus.WITHDRAWN: _("Withdrawn"),
    }[status]
    # A consent without a name covers any service of its kind.
    name = one_line(consent.recipient_name)
    title = (
        recipient_text(consent.recipient_type) + SEPARATOR + (isolate(name) if name else _("any"))
    )
    active = status is ConsentStatus.ACTIVE
    return Row(consent.id, title, ((detail, False),), badge, alert=not active, muted=not active)


REFERRAL_STATUS_TEXT = {
    ReferralStatus.DRAFT: "Draft",
    ReferralStatus.CREATED: "PDF made",
    ReferralStatus.SENT: "Sent",
    ReferralStatus.ACKNOWLEDGED: "Acknowledged",
    ReferralStatus.CONNECTED: "Connected",
    ReferralStatus.NOT_CONNECTED: "Not connected",
}


def referral_status_text(status: ReferralStatus) -> str:
    """A referral's status as its badge says it ("PDF made")."""
    return _(REFERRAL_STATUS_TEXT[status])


def referral_open(referral: Referral) -> bool:
    """Still waiting to hear whether the colleague got connected."""
    return referral.status not in (ReferralStatus.CONNECTED, ReferralStatus.NOT_CONNECTED)


def referral_row(referral: Referral, dates: DateStyle) -> Row:
    """A referral: the service, when it was started, urgency, and its follow-up while open.

    A follow-up that is due (today or earlier) on an open referral marks the row
    alert, with the words in the badge.
    """
    urgency = {
        Urgency.ROUTINE: _("Routine"),
        Urgency.SOON: _("Soon"),
        Urgency.URGENT: _("Urgent"),
    }[referral.urgency]
    started = referral.created_at.astimezone().date()
    facts = [_("Started {day}").format(day=dates.day(started)), urgency]
    badge = referral_status_text(referral.status)
    due = False
    follow_up = referral.follow_up_on
    if follow_up is not None and referral_open(referral):
        facts.append(_("follow up {day}").format(day=dates.day(follow_up)))
        due = follow_up <= dates.today
        if due:
            badge = _badges(badge, due_text(follow_up, dates))
    title = recipient_text(referral.recipient_type)
    name = one_line(referral.recipient_name)
    if name:
        title += SEPARATOR + isolate(name)
    return Row(referral.id, title, ((SEPARATOR.join(facts), False),), badge, alert=due)


def search_row(
    key: Hashable,
    kind: SearchHitKind,
    alias: str,
    when: datetime | None,
    snippet: str,
    dates: DateStyle,
) -> Row:
    """A search result: what it is, whose, when, and the snippet with matches emphasised.

    Each snippet run is isolated on its own, so a right-to-left override typed in
    a note cannot disguise the matched word next to it.
    """
    label = {
        SearchHitKind.PERSON: _("Person"),
        SearchHitKind.SESSION: _("Session"),
        SearchHitKind.INCIDENT: _("Diary entry"),
    }[kind]
    facts = [label, isolate(alias)]
    if when is not None:
        facts.append(dates.day(when.date()))
    parts = tuple((isolate(text), matched) for text, matched in snippet_parts(snippet))
    return Row(key, SEPARATOR.join(facts), parts)


def follow_up_row(session: Session, alias: str, dates: DateStyle) -> Row:
    due = session.follow_up_on or dates.today  # follow_ups_due only returns planned ones
    detail = _("Planned at the session on {day}").format(day=dates.day(session.started_at.date()))
    first = preview(session.notes, 80)
    if first:
        detail += SEPARATOR + isolate(first)
    return Row(session.id, alias, ((detail, False),), due_text(due, dates), alert=True)
