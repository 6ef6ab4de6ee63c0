"""Checking and converting values on their way into and out of the vault's columns.

Two kinds of time are kept, on purpose:

- *Event times* (when a session started, when an incident happened) are the
  supporter's local wall-clock time, stored naive as ``YYYY-MM-DDTHH:MM:SS[.ffffff]``.
  A diary records "Tuesday, 3 pm" as the colleague lived it, and the stored text
  sorts in the order the supporter sees. An aware value is first converted to
  this computer's local time.
- *Record-keeping times* (created, updated, exported, audit) are UTC, stored
  with their ``+00:00`` offset, so they also sort as text.

Dates are ``YYYY-MM-DD``. Every message here is shown to a supporter: it names
the field, never the text that was typed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from enum import Enum

from peerdesk.i18n import _

from .db import Database
from .errors import InvalidText, NotFound

MAX_LINE_CHARS = 200
# A 10 MB paste must fit with room to spare; the cap only stops runaway input.
MAX_TEXT_CHARS = 16 * 1024 * 1024

_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters, and the Unicode line and paragraph separators, would break
# a one-line name in lists, window titles and PDFs.
_NOT_ON_ONE_LINE = frozenset({"Cc", "Zl", "Zp"})


class Unchanged(Enum):
    """Marks an ``update`` argument that was not given (``None`` can be a real value)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


def _surrogate_error(label: str) -> InvalidText:
    return InvalidText(
        _(
            "The text in “{field}” contains a character that cannot be stored (an "
            "unpaired surrogate, usually left by a broken copy and paste). Retype the "
            "affected part and save again."
        ).format(field=_(label))
    )


def check_free_text(value: str, label: str) -> str:
    """Return notes-like text unchanged: any character but a lone surrogate, up to the cap."""
    if not isinstance(value, str):
        raise TypeError(f"{label} must be str, not {type(value).__name__}")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidText(
            _(
                "The text in “{field}” is too long to save: the limit is about 16 million "
                "characters. Split it into two entries."
            ).format(field=_(label))
        )
    if _SURROGATE.search(value):
        raise _surrogate_error(label)
    return value


def check_line(value: str, label: str) -> str:
    """Return a required one-line name (alias, recipient) without surrounding spaces."""
    line = check_optional_line(value, label)
    if line is None:
        raise InvalidText(_("Enter the {field}: it cannot be left empty.").format(field=_(label)))
    return line


def check_optional_line(value: str | None, label: str) -> str | None:
    """Like :func:`check_line`, but blank means "not given" and becomes ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{label} must be str, not {type(value).__name__}")
    if _SURROGATE.search(value):
        raise _surrogate_error(label)
    line = value.strip()
    if not line:
        return None
    if any(unicodedata.category(ch) in _NOT_ON_ONE_LINE for ch in line):
        raise InvalidText(
            _(
                "The {field} must be a single line without control characters such as "
                "tabs or line breaks. Remove them and try again."
            ).format(field=_(label))
        )
    if len(line) > MAX_LINE_CHARS:
        raise InvalidText(
            _("The {field} is too long: use at most {limit} characters.").format(
                field=_(label), limit=MAX_LINE_CHARS
            )
        )
    return line


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("record-keeping times must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_utc_or_none(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def local_now() -> datetime:
    """Now on this computer's wall clock, to the second (what a supporter would type)."""
    return datetime.now().replace(microsecond=0)


def wall_text(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.isoformat()


def parse_wall(text: str) -> datetime:
    return datetime.fromisoformat(text)


def date_text(day: date) -> str:
    # A datetime is a date too; storing one here would silently break date ordering.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, not {type(day).__name__}")
    return day.isoformat()


def date_text_or_none(day: date | None) -> str | None:
    return None if day is None else date_text(day)


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def parse_date_or_none(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def check_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError("duration_minutes must be an int")
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(_("A session lasts between 0 minutes and 24 hours."))
    return minutes


def require_row(db: Database, table: str, row_id: int, what: str) -> None:
    """Raise :class:`NotFound` unless ``table`` has a row ``row_id`` (``table`` is ours)."""
    if db.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (row_id,)) is None:  # noqa: S608
        raise not_found(what)


def not_found(what: str) -> NotFound:
    return NotFound(
        _("This {record} no longer exists; it may have been deleted.").format(record=_(what))
    )
