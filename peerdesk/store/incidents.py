"""The incident diary: what happened to a person, when, where, who saw it."""

from __future__ import annotations

from datetime import datetime

from . import audit
from .db import Database, Row
from .models import Incident, IncidentId, PersonId
from .values import (
    UNCHANGED,
    Unchanged,
    check_free_text,
    local_now,
    not_found,
    parse_utc,
    parse_wall,
    require_row,
    utc_now,
    utc_text,
    wall_text,
)

INCIDENT = "diary entry"
PERSON = "person's record"

# Column, and the label a supporter sees for it in messages.
TEXT_FIELDS = {
    "place": "place",
    "what_happened": "what happened",
    "who_involved": "who was involved",
    "witnesses": "witnesses",
    "impact": "impact",
    "evidence_location": "where evidence is kept",
}


class IncidentsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        person_id: PersonId,
        *,
        occurred_at: datetime | None = None,
        place: str = "",
        what_happened: str = "",
        who_involved: str = "",
        witnesses: str = "",
        impact: str = "",
        evidence_location: str = "",
    ) -> Incident:
        """Add a diary entry; ``occurred_at`` defaults to now on this computer's clock."""
        texts = _checked(
            place=place,
            what_happened=what_happened,
            who_involved=who_involved,
            witnesses=witnesses,
            impact=impact,
            evidence_location=evidence_location,
        )
        stamp = utc_text(utc_now())
        row = {
            "person_id": person_id,
            "occurred_at": wall_text(occurred_at or local_now()),
            **texts,
            "created_at": stamp,
            "updated_at": stamp,
        }
        columns = ", ".join(row)
        values = ", ".join(f":{column}" for column in row)
        with self._db.transaction():
            require_row(self._db, "people", person_id, PERSON)
            cursor = self._db.execute(
                f"INSERT INTO incidents({columns}) VALUES ({values})",  # noqa: S608 - fixed names
                row,
            )
            return self.get(IncidentId(cursor.lastrowid))

    def get(self, incident_id: IncidentId) -> Incident:
        row = self._db.one("SELECT * FROM incidents WHERE id = ?", (incident_id,))
        if row is None:
            raise not_found(INCIDENT)
        return _incident(row)

    def list_for_person(self, person_id: PersonId) -> list[Incident]:
        """The person's diary in the order things happened, oldest first."""
        rows = self._db.all(
            "SELECT * FROM incidents WHERE person_id = ? ORDER BY occurred_at, id",
            (person_id,),
        )
        return [_incident(row) for row in rows]

    def update(
        self,
        incident_id: IncidentId,
        *,
        occurred_at: datetime | Unchanged = UNCHANGED,
        place: str | Unchanged = UNCHANGED,
        what_happened: str | Unchanged = UNCHANGED,
        who_involved: str | Unchanged = UNCHANGED,
        witnesses: str | Unchanged = UNCHANGED,
        impact: str | Unchanged = UNCHANGED,
        evidence_location: str | Unchanged = UNCHANGED,
    ) -> Incident:
        """Change only the fields given."""
        given = {
            "place": place,
            "what_happened": what_happened,
            "who_involved": who_involved,
            "witnesses": witnesses,
            "impact": impact,
            "evidence_location": evidence_location,
        }
        changes: dict[str, object] = dict(
            _checked(**{k: v for k, v in given.items() if not isinstance(v, Unchanged)})
        )
        if not isinstance(occurred_at, Unchanged):
            changes["occurred_at"] = wall_text(occurred_at)
        changes["updated_at"] = utc_text(utc_now())
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        with self._db.transaction():
            updated = self._db.execute(
                f"UPDATE incidents SET {assignments} WHERE id = :id",  # noqa: S608 - fixed names
                {**changes, "id": incident_id},
            )
            if updated.rowcount != 1:
                raise not_found(INCIDENT)
            return self.get(incident_id)

    def delete(self, incident_id: IncidentId) -> None:
        with self._db.transaction():
            deleted = self._db.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))
            if deleted.rowcount != 1:
                raise not_found(INCIDENT)
            audit.AuditLog(self._db).record(audit.INCIDENT_DELETED)


def _checked(**texts: str) -> dict[str, str]:
    return {column: check_free_text(text, TEXT_FIELDS[column]) for column, text in texts.items()}


def _incident(row: Row) -> Incident:
    return Incident(
        id=IncidentId(row["id"]),
        person_id=PersonId(row["person_id"]),
        occurred_at=parse_wall(row["occurred_at"]),
        place=row["place"],
        what_happened=row["what_happened"],
        who_involved=row["who_involved"],
        witnesses=row["witnesses"],
        impact=row["impact"],
        evidence_location=row["evidence_location"],
        created_at=parse_utc(row["created_at"]),
        updated_at=parse_utc(row["updated_at"]),
    )
