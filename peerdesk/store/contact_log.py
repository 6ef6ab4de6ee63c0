"""The contact log of a contact-log-only vault: one row per conversation, naming nobody.

Each contact holds only what a programme's anonymous statistics need: the day,
how long, how (in person, phone, video, chat), the concern categories and
whether a referral was made. There is no free text anywhere in it, so nothing
typed here can identify a colleague. A records vault has the table too and
leaves it empty.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable
from datetime import date

from peerdesk.i18n import _

from . import audit
from .db import Database, Row
from .errors import VaultError
from .models import ConcernCategory, ContactId, ContactLogEntry, SessionMode
from .values import (
    UNCHANGED,
    Unchanged,
    date_text,
    not_found,
    parse_date,
    parse_utc,
    utc_now,
    utc_text,
)

CONTACT = "contact"
MAX_MINUTES = 24 * 60


class InvalidContact(VaultError, ValueError):
    """A contact that cannot be logged as given; the message says which field and why."""


class ContactLogRepository:
    """Add, change, delete and list contacts. Every change is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        occurred_on: date,
        duration_minutes: int,
        mode: SessionMode,
        concerns: Iterable[ConcernCategory],
        referral_made: bool,
        *,
        today: date | None = None,
    ) -> ContactLogEntry:
        """Log one contact. ``today`` is for tests: the day after which dates are refused."""
        values = {
            "occurred_on": _check_day(occurred_on, today),
            "duration_minutes": _check_minutes(duration_minutes),
            "mode": _check_mode(mode),
            "concerns": _concerns_json(concerns),
            "referral_made": _check_referral(referral_made),
            "created_at": utc_text(utc_now()),
        }
        with self._db.transaction():
            cursor = self._db.execute(
                """INSERT INTO contact_log(occurred_on, duration_minutes, mode, concerns,
                    referral_made, created_at) VALUES (:occurred_on, :duration_minutes,
                    :mode, :concerns, :referral_made, :created_at)""",
                values,
            )
            entry = self.get(ContactId(cursor.lastrowid))
            audit.AuditLog(self._db).record(audit.CONTACT_LOGGED)
        return entry

    def get(self, contact_id: ContactId) -> ContactLogEntry:
        row = self._db.one("SELECT * FROM contact_log WHERE id = ?", (contact_id,))
        if row is None:
            raise not_found(CONTACT)
        return _entry(row)

    def list(
        self, from_day: date | None = None, to_day: date | None = None
    ) -> builtins.list[ContactLogEntry]:
        """Contacts from ``from_day`` to ``to_day`` (both included, either open), newest first.

        Contacts on the same day come in the reverse of the order they were logged.
        """
        if from_day is not None and to_day is not None and from_day > to_day:
            raise InvalidContact(
                _("The start of the period is after its end. Swap the two dates.")
            )
        rows = self._db.all(
            """SELECT * FROM contact_log
                WHERE (:start IS NULL OR occurred_on >= :start)
                AND (:end IS NULL OR occurred_on <= :end)
                ORDER BY occurred_on DESC, id DESC""",
            {
                "start": None if from_day is None else date_text(from_day),
                "end": None if to_day is None else date_text(to_day),
            },
        )
        return [_entry(row) for row in rows]

    def update(
        self,
        contact_id: ContactId,
        *,
        occurred_on: date | Unchanged = UNCHANGED,
        duration_minutes: int | Unchanged = UNCHANGED,
        mode: SessionMode | Unchanged = UNCHANGED,
        concerns: Iterable[ConcernCategory] | Unchanged = UNCHANGED,
        referral_made: bool | Unchanged = UNCHANGED,
        today: date | None = None,
    ) -> ContactLogEntry:
        """Change only the fields given and return the contact as it now is."""
        changes: dict[str, object] = {}
        if not isinstance(occurred_on, Unchanged):
            changes["occurred_on"] = _check_day(occurred_on, today)
        if not isinstance(duration_minutes, Unchanged):
            changes["duration_minutes"] = _check_minutes(duration_minutes)
        if not isinstance(mode, Unchanged):
            changes["mode"] = _check_mode(mode)
        if not isinstance(concerns, Unchanged):
            changes["concerns"] = _concerns_json(concerns)
        if not isinstance(referral_made, Unchanged):
            changes["referral_made"] = _check_referral(referral_made)
        if not changes:
            return self.get(contact_id)
        # Column names come from the fixed keys above, never from the caller.
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        with self._db.transaction():
            updated = self._db.execute(
                f"UPDATE contact_log SET {assignments} WHERE id = :id",  # noqa: S608
                {**changes, "id": contact_id},
            )
            if updated.rowcount != 1:
                raise not_found(CONTACT)
            return self.get(contact_id)

    def delete(self, contact_id: ContactId) -> None:
        """Erase the contact (secure_delete overwrites it) and log that one was deleted."""
        with self._db.transaction():
            deleted = self._db.execute("DELETE FROM contact_log WHERE id = ?", (contact_id,))
            if deleted.rowcount != 1:
                raise not_found(CONTACT)
            audit.AuditLog(self._db).record(audit.CONTACT_DELETED)


# -- checking what goes in ------------------------------------------------------------


def _check_day(day: date, today: date | None) -> str:
    text = date_text(day)  # a date, never a datetime (TypeError otherwise)
    if day > (today or date.today()):
        raise InvalidContact(
            _("The date of a contact cannot be in the future. Choose today or an earlier day.")
        )
    return text


def _check_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError("duration_minutes must be an int")
    if not 0 <= minutes <= MAX_MINUTES:
        raise InvalidContact(
            _("The duration of a contact must be between 0 minutes and 24 hours.")
        )
    return minutes


def _check_mode(mode: SessionMode) -> str:
    try:
        return SessionMode(mode).value
    except ValueError:
        raise InvalidContact(
            _("Choose how the contact happened: in person, phone, video or chat.")
        ) from None


def _concerns_json(concerns: Iterable[ConcernCategory]) -> str:
    # A bare string is iterable too, one letter at a time: refuse it outright.
    if isinstance(concerns, str | bytes):
        raise TypeError("concerns must be a collection of ConcernCategory, not a string")
    chosen: set[ConcernCategory] = set()
    for concern in concerns:
        try:
            chosen.add(ConcernCategory(concern))
        except ValueError:
            raise InvalidContact(
                _("One of the concern categories is not on peerdesk's list. Choose from the list.")
            ) from None
    order = list(ConcernCategory)
    return json.dumps([c.value for c in sorted(chosen, key=order.index)])


def _check_referral(referral_made: bool) -> int:
    if not isinstance(referral_made, bool):
        raise TypeError("referral_made must be a bool")
    return int(referral_made)


def _entry(row: Row) -> ContactLogEntry:
    return ContactLogEntry(
        id=ContactId(row["id"]),
        occurred_on=parse_date(row["occurred_on"]),
        duration_minutes=row["duration_minutes"],
        mode=SessionMode(row["mode"]),
        concerns=frozenset(ConcernCategory(c) for c in json.loads(row["concerns"])),
        referral_made=bool(row["referral_made"]),
        created_at=parse_utc(row["created_at"]),
    )
