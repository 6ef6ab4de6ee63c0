"""Sessions: one conversation each, with notes and an optional follow-up date."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache

from . import audit
from .db import Database, Row
from .models import ConcernCategory, PersonId, Session, SessionId, SessionMode
from .values import (
    UNCHANGED,
    Unchanged,
    check_free_text,
    check_minutes,
    date_text,
    date_text_or_none,
    local_now,
    not_found,
    parse_date_or_none,
    parse_utc,
    parse_wall,
    require_row,
    utc_now,
    utc_text,
    wall_text,
)

NOTES = "notes"
SESSION = "session"
PERSON = "person's record"


class SessionsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        person_id: PersonId,
        notes: str = "",
        started_at: datetime | None = None,
        duration_minutes: int = 0,
        mode: SessionMode = SessionMode.IN_PERSON,
        follow_up_on: date | None = None,
        concerns: Iterable[ConcernCategory] = (),
    ) -> Session:
        """Record a session; ``started_at`` defaults to now on this computer's clock.

        ``concerns`` are the categories the conversation was about, from the
        fixed taxonomy only (they feed the anonymous statistics).
        """
        notes = check_free_text(notes, NOTES)
        concerns_json = _concerns_json(concerns)
        started = wall_text(started_at or local_now())
        minutes = check_minutes(duration_minutes)
        stamp = utc_text(utc_now())
        with self._db.transaction():
            require_row(self._db, "people", person_id, PERSON)
            cursor = self._db.execute(
                """INSERT INTO sessions(person_id, started_at, duration_minutes, mode, notes,
                    follow_up_on, concerns, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    person_id,
                    started,
                    minutes,
                    SessionMode(mode).value,
                    notes,
                    date_text_or_none(follow_up_on),
                    concerns_json,
                    stamp,
                    stamp,
                ),
            )
            return self.get(SessionId(cursor.lastrowid))

    def get(self, session_id: SessionId) -> Session:
        row = self._db.one("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if row is None:
            raise not_found(SESSION)
        return _session(row)

    def list_for_person(self, person_id: PersonId, limit: int | None = None) -> list[Session]:
        """The person's timeline, newest first."""
        rows = self._db.all(
            """SELECT * FROM sessions WHERE person_id = ?
                ORDER BY started_at DESC, id DESC LIMIT ?""",
            (person_id, -1 if limit is None else limit),
        )
        return [_session(row) for row in rows]

    def update(
        self,
        session_id: SessionId,
        *,
        notes: str | Unchanged = UNCHANGED,
        started_at: datetime | Unchanged = UNCHANGED,
        duration_minutes: int | Unchanged = UNCHANGED,
        mode: SessionMode | Unchanged = UNCHANGED,
        follow_up_on: date | None | Unchanged = UNCHANGED,
        concerns: Iterable[ConcernCategory] | Unchanged = UNCHANGED,
    ) -> Session:
        """Change only the fields given; ``follow_up_on=None`` clears the follow-up.

        ``concerns`` replaces the session's concern categories (empty clears them).
        """
        changes: dict[str, object] = {}
        if not isinstance(notes, Unchanged):
            changes["notes"] = check_free_text(notes, NOTES)
        if not isinstance(started_at, Unchanged):
            changes["started_at"] = wall_text(started_at)
        if not isinstance(duration_minutes, Unchanged):
            changes["duration_minutes"] = check_minutes(duration_minutes)
        if not isinstance(mode, Unchanged):
            changes["mode"] = SessionMode(mode).value
        if not isinstance(follow_up_on, Unchanged):
            changes["follow_up_on"] = date_text_or_none(follow_up_on)
        if not isinstance(concerns, Unchanged):
            changes["concerns"] = _concerns_json(concerns)
        changes["updated_at"] = utc_text(utc_now())
        # Column names come from the fixed keys above, never from the caller.
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        with self._db.transaction():
            updated = self._db.execute(
                f"UPDATE sessions SET {assignments} WHERE id = :id",  # noqa: S608
                {**changes, "id": session_id},
            )
            if updated.rowcount != 1:
                raise not_found(SESSION)
            return self.get(session_id)

    def set_risk_flag(self, session_id: SessionId, flagged: bool) -> Session:
        """Flag the session for risk, or clear the flag.

        ``updated_at`` is left alone: the flag is not an edit of what was
        written, and an editor open on the session must not see a conflict.
        """
        if not isinstance(flagged, bool):
            raise TypeError("flagged must be a bool")
        with self._db.transaction():
            updated = self._db.execute(
                "UPDATE sessions SET risk_flag = ? WHERE id = ?", (int(flagged), session_id)
            )
            if updated.rowcount != 1:
                raise not_found(SESSION)
            return self.get(session_id)

    def delete(self, session_id: SessionId) -> None:
        """Erase the session, its checklist runs and its search entry; log the deletion."""
        with self._db.transaction():
            deleted = self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            if deleted.rowcount != 1:
                raise not_found(SESSION)
            audit.AuditLog(self._db).record(audit.SESSION_DELETED)

    def follow_ups_due(self, today: date) -> list[Session]:
        """Sessions whose follow-up is due by ``today``, earliest first.

        A follow-up counts only while the person is open and no later session
        with them has been recorded: that later conversation was the follow-up.
        """
        rows = self._db.all(
            """SELECT s.* FROM sessions s JOIN people p ON p.id = s.person_id
                WHERE s.follow_up_on IS NOT NULL AND s.follow_up_on <= ?
                AND p.closed_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM sessions later
                    WHERE later.person_id = s.person_id AND later.started_at > s.started_at)
                ORDER BY s.follow_up_on, s.started_at, s.id""",
            (date_text(today),),
        )
        return [_session(row) for row in rows]


def _session(row: Row) -> Session:
    return Session(
        id=SessionId(row["id"]),
        person_id=PersonId(row["person_id"]),
        started_at=parse_wall(row["started_at"]),
        duration_minutes=row["duration_minutes"],
        mode=SessionMode(row["mode"]),
        notes=row["notes"],
        follow_up_on=parse_date_or_none(row["follow_up_on"]),
        created_at=parse_utc(row["created_at"]),
        updated_at=parse_utc(row["updated_at"]),
        risk_flag=bool(row["risk_flag"]),
        concerns=_concerns(row["concerns"]),
    )


@lru_cache(maxsize=512)
def _concerns(stored: str) -> frozenset[ConcernCategory]:
    """The stored JSON list of concern categories, as a set.

    Cached: a timeline of 1,000 sessions repeats a few combinations, and a
    frozenset is immutable, so one serves them all.
    """
    return frozenset(ConcernCategory(value) for value in json.loads(stored))


def _concerns_json(concerns: Iterable[ConcernCategory]) -> str:
    """The categories as a JSON list of their values, in taxonomy order, each once.

    Only members of the fixed taxonomy go in: a typed word (or a whole note)
    passed by mistake is refused rather than stored where statistics read.
    """
    if isinstance(concerns, str):
        raise TypeError("concerns must be a collection of ConcernCategory, not one str")
    chosen = set()
    for concern in concerns:
        if not isinstance(concern, ConcernCategory):
            raise TypeError(f"expected a ConcernCategory, not {type(concern).__name__}")
        chosen.add(concern)
    return json.dumps([concern.value for concern in ConcernCategory if concern in chosen])
