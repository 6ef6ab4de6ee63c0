"""The local, content-free log of sensitive actions (deletions, exports, purges)."""

from __future__ import annotations

import builtins
import re

from .db import Database, Row
from .models import AuditEvent, AuditEventId
from .values import parse_utc, utc_now, utc_text

PERSON_DELETED = "person_deleted"
SESSION_DELETED = "session_deleted"
INCIDENT_DELETED = "incident_deleted"
REFERRAL_EXPORTED = "referral_exported"
REFERRAL_DRAFT_DELETED = "referral_draft_deleted"
PEOPLE_PURGED = "people_purged"  # count: how many, after their retention period
PERSON_KEPT_LONGER = "person_kept_longer"
BACKUP_MADE = "backup_made"
VAULT_RESTORED = "vault_restored"
SUBJECT_ACCESS_EXPORTED = "subject_access_exported"
STATISTICS_EXPORTED = "statistics_exported"
CONTACT_LOGGED = "contact_logged"
CONTACT_DELETED = "contact_deleted"

# A short snake_case word and nothing else, so no name or note can end up in
# the log by mistake. The schema checks the same.
_ACTION = re.compile(r"[a-z][a-z_]{0,63}")


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, action: str, count: int | None = None) -> AuditEvent:
        """Append an event; joins the caller's transaction if there is one."""
        if not _ACTION.fullmatch(action):
            raise ValueError("an audit action is a snake_case word, such as 'person_deleted'")
        if count is not None and (isinstance(count, bool) or count < 0):
            raise ValueError("an audit count is a whole number, zero or more")
        occurred_at = utc_now()
        with self._db.transaction():
            cursor = self._db.execute(
                "INSERT INTO audit_events(occurred_at, action, count) VALUES (?, ?, ?)",
                (utc_text(occurred_at), action, count),
            )
            event_id = AuditEventId(cursor.lastrowid)
        return AuditEvent(id=event_id, occurred_at=occurred_at, action=action, count=count)

    def list(self, limit: int | None = None) -> builtins.list[AuditEvent]:
        """Events, newest first."""
        rows = self._db.all(
            "SELECT * FROM audit_events ORDER BY id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [_event(row) for row in rows]


def _event(row: Row) -> AuditEvent:
    return AuditEvent(
        id=AuditEventId(row["id"]),
        occurred_at=parse_utc(row["occurred_at"]),
        action=row["action"],
        count=row["count"],
    )
