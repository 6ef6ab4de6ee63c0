"""Checklist runs: which items of a template were done in a session, when, with notes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from peerdesk.i18n import _

from .db import Database, Row
from .models import ChecklistRun, ChecklistRunId, SessionId, Tick
from .values import (
    check_free_text,
    not_found,
    parse_utc,
    require_row,
    utc_now,
    utc_text,
)

RUN = "checklist"
SESSION = "session"


class ChecklistRunsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        session_id: SessionId,
        template_id: str,
        template_version: int,
        ticks: Iterable[Tick] = (),
        started_at: datetime | None = None,
    ) -> ChecklistRun:
        """Start following a template in a session (the run names the template's version)."""
        if not template_id or isinstance(template_version, bool):
            raise ValueError("a checklist run needs a template id and an integer version")
        encoded = _ticks_json(ticks)
        with self._db.transaction():
            require_row(self._db, "sessions", session_id, SESSION)
            cursor = self._db.execute(
                """INSERT INTO checklist_runs(session_id, template_id, template_version, ticks,
                    started_at) VALUES (?, ?, ?, ?, ?)""",
                (
                    session_id,
                    template_id,
                    int(template_version),
                    encoded,
                    utc_text(started_at or utc_now()),
                ),
            )
            return self.get(ChecklistRunId(cursor.lastrowid))

    def get(self, run_id: ChecklistRunId) -> ChecklistRun:
        row = self._db.one("SELECT * FROM checklist_runs WHERE id = ?", (run_id,))
        if row is None:
            raise not_found(RUN)
        return _run(row)

    def list_for_session(self, session_id: SessionId) -> list[ChecklistRun]:
        """In the order they were started."""
        rows = self._db.all(
            "SELECT * FROM checklist_runs WHERE session_id = ? ORDER BY started_at, id",
            (session_id,),
        )
        return [_run(row) for row in rows]

    def update_ticks(self, run_id: ChecklistRunId, ticks: Iterable[Tick]) -> ChecklistRun:
        """Replace the run's ticks with ``ticks`` (an unticked item is simply left out)."""
        encoded = _ticks_json(ticks)
        with self._db.transaction():
            updated = self._db.execute(
                "UPDATE checklist_runs SET ticks = ? WHERE id = ?", (encoded, run_id)
            )
            if updated.rowcount != 1:
                raise not_found(RUN)
            return self.get(run_id)


def _ticks_json(ticks: Iterable[Tick]) -> str:
    items = []
    seen: set[str] = set()
    for item_id, ticked_at, note in ticks:
        if not item_id or item_id in seen:
            raise ValueError(_("Each checklist item can be ticked only once."))
        seen.add(item_id)
        items.append(
            {
                "item_id": item_id,
                "ticked_at": utc_text(ticked_at),
                "note": check_free_text(note, "checklist note"),
            }
        )
    # ensure_ascii keeps the stored JSON plain ASCII; any text round-trips exactly.
    return json.dumps(items, ensure_ascii=True)


def _run(row: Row) -> ChecklistRun:
    ticks = tuple(
        Tick(item["item_id"], parse_utc(item["ticked_at"]), item["note"])
        for item in json.loads(row["ticks"])
    )
    return ChecklistRun(
        id=ChecklistRunId(row["id"]),
        session_id=SessionId(row["session_id"]),
        template_id=row["template_id"],
        template_version=row["template_version"],
        ticks=ticks,
        started_at=parse_utc(row["started_at"]),
    )
