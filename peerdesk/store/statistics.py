"""Exact activity counts for the anonymous programme statistics. Read-only, no Qt.

These are the *raw* counts, straight from the vault: nothing here is safe to
show or to write to a file. :mod:`peerdesk.stats` is the only caller, and it
suppresses small counts (``peerdesk.stats.figures.suppress``) before anything
is displayed, exported or merged.

Only fixed values are read: months, modes, concern categories, checklist
template ids, service types and referral statuses. No alias, name, note or
other free text is selected by any query here.

The contact log (anonymous contacts kept by a contact-log-only vault) is read
with its own queries so that statistics do not depend on how that
repository evolves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .db import Database
from .values import parse_utc


@dataclass(frozen=True, slots=True)
class Activity:
    """Exact counts of what happened in a span of months. Never shown as they are.

    Months are ``"YYYY-MM"`` texts in local (wall-clock) time.
    """

    # (month, mode) -> sessions and contact-log entries
    conversations: dict[tuple[str, str], int] = field(default_factory=dict)
    # concern category value -> sessions and contacts tagged with it
    concerns: dict[str, int] = field(default_factory=dict)
    # template id -> checklist runs in sessions of the span
    checklist_runs: dict[str, int] = field(default_factory=dict)
    # service type -> referrals made (their PDF exported) in the span
    referrals: dict[str, int] = field(default_factory=dict)
    # outcome status (connected, not_connected) -> referrals that ended in the span
    outcomes: dict[str, int] = field(default_factory=dict)
    # contact-log entries that recorded a referral (no service or status is kept)
    contact_referrals: int = 0
    # every template id the vault knows (stored copies and runs), used or not
    template_ids: frozenset[str] = frozenset()


class StatisticsQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    def activity(self, first_day: date, end_day: date) -> Activity:
        """Exact counts for ``first_day <= day < end_day`` (both the first of a month)."""
        start, end = first_day.isoformat(), end_day.isoformat()
        conversations: dict[tuple[str, str], int] = {}
        concerns: dict[str, int] = {}
        for query in (
            """SELECT substr(started_at, 1, 7), mode, count(*) FROM sessions
                WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2""",
            """SELECT substr(occurred_on, 1, 7), mode, count(*) FROM contact_log
                WHERE occurred_on >= ? AND occurred_on < ? GROUP BY 1, 2""",
        ):
            for month, mode, count in self._db.all(query, (start, end)):
                conversations[(month, mode)] = conversations.get((month, mode), 0) + count
        for query in (
            # DISTINCT: a record counts once per category however it was stored.
            """SELECT tag.value, count(DISTINCT s.id) FROM sessions s, json_each(s.concerns) tag
                WHERE s.started_at >= ? AND s.started_at < ? GROUP BY 1""",
            """SELECT tag.value, count(DISTINCT c.id) FROM contact_log c,
                json_each(c.concerns) tag
                WHERE c.occurred_on >= ? AND c.occurred_on < ? GROUP BY 1""",
        ):
            for value, count in self._db.all(query, (start, end)):
                if isinstance(value, str):
                    concerns[value] = concerns.get(value, 0) + count
        runs = {
            template_id: count
            for template_id, count in self._db.all(
                """SELECT r.template_id, count(*) FROM checklist_runs r
                    JOIN sessions s ON s.id = r.session_id
                    WHERE s.started_at >= ? AND s.started_at < ? GROUP BY 1""",
                (start, end),
            )
        }
        known = {
            row[0]
            for row in self._db.all(
                "SELECT template_id FROM checklist_templates "
                "UNION SELECT template_id FROM checklist_runs"
            )
        }
        return Activity(
            conversations=conversations,
            concerns=concerns,
            checklist_runs=runs,
            referrals=self._referrals(first_day, end_day),
            outcomes={
                status: count
                for status, count in self._db.all(
                    """SELECT status, count(*) FROM referrals
                        WHERE status IN ('connected', 'not_connected')
                        AND outcome_on >= ? AND outcome_on < ? GROUP BY 1""",
                    (start, end),
                )
            },
            contact_referrals=int(
                self._db.scalar(
                    """SELECT count(*) FROM contact_log WHERE referral_made = 1
                        AND occurred_on >= ? AND occurred_on < ?""",
                    (start, end),
                )
            ),
            template_ids=frozenset(known),
        )

    def _referrals(self, first_day: date, end_day: date) -> dict[str, int]:
        """Referrals by the local month their PDF was made (a draft is not a referral yet)."""
        # exported_at is UTC; widen the window by a day each side and decide the
        # month in local time, as the supporter's calendar shows it.
        rows = self._db.all(
            """SELECT recipient_type, exported_at FROM referrals
                WHERE status != 'draft' AND exported_at IS NOT NULL
                AND exported_at >= date(?, '-1 day') AND exported_at < date(?, '+1 day')""",
            (first_day.isoformat(), end_day.isoformat()),
        )
        counts: dict[str, int] = {}
        for service, exported_at in rows:
            day = parse_utc(exported_at).astimezone().date()
            if first_day <= day < end_day:
                counts[service] = counts.get(service, 0) + 1
        return counts
