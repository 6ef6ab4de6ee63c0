"""The people being supported: alias, optional real name, open or closed."""

from __future__ import annotations

import builtins
from datetime import date, datetime

from . import audit
from .db import Database, Row
from .errors import VaultError
from .models import Person, PersonId
from .retention import reclaim
from .values import (
    check_line,
    check_optional_line,
    date_text,
    not_found,
    parse_date_or_none,
    parse_utc,
    parse_utc_or_none,
    parse_wall,
    utc_now,
    utc_text,
)

# English here, translated when a message is built (Qt may not be loaded yet).
ALIAS = "alias"
REAL_NAME = "real name"
PERSON = "person's record"

# The latest session of a person carries the follow-up that still counts (see
# Person). Each subquery is a lookup in an index that answers it alone:
# sessions_by_person_time for the last contact, sessions_follow_up_by_person
# (migration 7) for the follow-up, sessions_flagged for the risk flag. None reads
# a session's row, so the list costs about 10 ms with 100,000 sessions.
_SELECT = """
SELECT p.*,
    (SELECT max(started_at) FROM sessions WHERE person_id = p.id) AS last_contact,
    CASE WHEN p.closed_at IS NULL THEN
        (SELECT min(s.follow_up_on) FROM sessions s
            WHERE s.person_id = p.id
            AND s.started_at = (SELECT max(started_at) FROM sessions WHERE person_id = p.id)
            AND s.follow_up_on <= :today)
    END AS follow_up_due,
    EXISTS (SELECT 1 FROM sessions WHERE person_id = p.id AND risk_flag = 1) AS risk_flagged
FROM people p
"""


class PeopleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, alias: str, real_name: str | None = None) -> Person:
        """Add someone to support. A contact-log-only vault refuses: it keeps no one."""
        alias = check_line(alias, ALIAS)
        real_name = check_optional_line(real_name, REAL_NAME)
        with self._db.transaction():
            if self._db.scalar("SELECT value FROM meta WHERE key = 'mode'") == "contact_log":
                raise VaultError(
                    "This vault is a contact log: it keeps no names, notes or diaries. "
                    "Log the contact instead."
                )
            cursor = self._db.execute(
                "INSERT INTO people(alias, real_name, created_at) VALUES (?, ?, ?)",
                (alias, real_name, utc_text(utc_now())),
            )
            return self.get(PersonId(cursor.lastrowid))

    def get(self, person_id: PersonId, *, today: date | None = None) -> Person:
        row = self._db.one(_SELECT + "WHERE p.id = :id", {"id": person_id, "today": _today(today)})
        if row is None:
            raise not_found(PERSON)
        return _person(row)

    def list(
        self, *, include_closed: bool = False, today: date | None = None
    ) -> builtins.list[Person]:
        """Everyone, by alias (case-insensitive); closed people only when asked."""
        where = "" if include_closed else "WHERE p.closed_at IS NULL "
        rows = self._db.all(
            _SELECT + where + "ORDER BY p.alias COLLATE NOCASE, p.id",
            {"today": _today(today)},
        )
        return [_person(row) for row in rows]

    def rename(self, person_id: PersonId, alias: str) -> Person:
        alias = check_line(alias, ALIAS)
        return self._set(person_id, "alias = ?", (alias,))

    def set_real_name(self, person_id: PersonId, real_name: str | None) -> Person:
        real_name = check_optional_line(real_name, REAL_NAME)
        return self._set(person_id, "real_name = ?", (real_name,))

    def close(self, person_id: PersonId, at: datetime | None = None) -> Person:
        """Mark support as ended; the records stay until deleted."""
        return self._set(person_id, "closed_at = ?", (utc_text(at or utc_now()),))

    def reopen(self, person_id: PersonId) -> Person:
        return self._set(person_id, "closed_at = NULL", ())

    def delete(self, person_id: PersonId) -> None:
        """Erase the person and everything about them, and log that it happened.

        Sessions, checklist runs, incidents, consents, referrals and their search
        entries go with them (foreign keys and triggers), in one transaction with
        a ``person_deleted`` audit event that names no one. Then the pages they
        were on are rewritten (:func:`~peerdesk.store.retention.reclaim`), so no
        copy is left in the file or its write-ahead log.
        """
        with self._db.transaction():
            deleted = self._db.execute("DELETE FROM people WHERE id = ?", (person_id,))
            if deleted.rowcount != 1:
                raise not_found(PERSON)
            audit.AuditLog(self._db).record(audit.PERSON_DELETED)
        reclaim(self._db)

    def _set(self, person_id: PersonId, assignment: str, params: tuple[object, ...]) -> Person:
        with self._db.transaction():
            updated = self._db.execute(
                f"UPDATE people SET {assignment} WHERE id = ?",  # noqa: S608 - fixed text
                (*params, person_id),
            )
            if updated.rowcount != 1:
                raise not_found(PERSON)
            return self.get(person_id)


def _today(today: date | None) -> str:
    return date_text(today or date.today())


def _person(row: Row) -> Person:
    last_contact = row["last_contact"]
    return Person(
        id=PersonId(row["id"]),
        alias=row["alias"],
        real_name=row["real_name"],
        created_at=parse_utc(row["created_at"]),
        closed_at=parse_utc_or_none(row["closed_at"]),
        last_contact=None if last_contact is None else parse_wall(last_contact),
        follow_up_due=parse_date_or_none(row["follow_up_due"]),
        risk_flagged=bool(row["risk_flagged"]),
        keep_until=parse_date_or_none(row["keep_until"]),
        keep_reason=row["keep_reason"],
    )
