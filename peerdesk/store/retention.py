"""Retention: who is due for deletion after support ended, keeping a case longer, and purging.

A person closed more than the retention period ago (the supporter's setting,
in days) is *due*: peerdesk offers to delete everything about them. The
supporter sees who first, and can keep any case longer, until a date and for a
written reason; the reason stays in the vault with the person, and the audit
log only says that a case was kept longer.

Nothing here decides on its own: :meth:`Retention.purge` deletes only the
people it is given, and only those still due at that moment (a case reopened
or kept longer meanwhile is left alone).

Deleting rows is not erasing them. :func:`reclaim` runs after every purge and
every deletion of a person, so that their words are in no page of the vault
file and no frame of its write-ahead log.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from peerdesk.i18n import _

from . import audit
from .db import Database
from .errors import InvalidText, NotFound, VaultError, VaultInUse
from .models import Person, PersonId
from .values import check_free_text, date_text

if TYPE_CHECKING:
    from .people import PeopleRepository

# Longest hold in one go, and the longest reason: a hold is a decision to revisit,
# and a reason is a sentence or two, not a second set of notes.
MAX_KEEP_DAYS = 3650
MAX_REASON_CHARS = 1000

KEEP_REASON = "reason for keeping this case longer"

RECLAIM_FAILED = (
    "The records were deleted, but peerdesk could not yet overwrite the space they "
    "took up in the vault file. {reason}"
)


def closed_on(person: Person) -> date | None:
    """The local day support ended, or None for someone still supported."""
    return None if person.closed_at is None else person.closed_at.astimezone().date()


def kept_longer(person: Person, today: date) -> bool:
    """Whether the supporter chose to keep this case past the retention period, still today."""
    return person.keep_until is not None and person.keep_until >= today


def is_due(person: Person, today: date, after_days: int) -> bool:
    """Closed more than ``after_days`` days ago, and not kept longer."""
    ended = closed_on(person)
    if ended is None or kept_longer(person, today):
        return False
    return (today - ended).days > after_days


def due_on(person: Person, after_days: int) -> date | None:
    """The first day ``person`` is due (a closed person kept longer: the day after the hold)."""
    ended = closed_on(person)
    if ended is None:
        return None
    due = ended + timedelta(days=after_days + 1)
    if person.keep_until is not None:
        due = max(due, person.keep_until + timedelta(days=1))
    return due


class Retention:
    """The retention period's questions and actions, over one vault's people."""

    def __init__(self, db: Database, people: PeopleRepository) -> None:
        self._db = db
        self._people = people

    def due(self, today: date, after_days: int) -> builtins.list[Person]:
        """Everyone due for deletion today, longest closed first."""
        _check_days(after_days)
        closed = self._people.list(include_closed=True, today=today)
        due = [person for person in closed if is_due(person, today, after_days)]
        return sorted(due, key=lambda person: (person.closed_at, person.id))

    def keep_longer(self, person_id: PersonId, until: date, reason: str, *, today: date) -> Person:
        """Keep a closed case until ``until`` (after today), for a written ``reason``.

        Raises :class:`InvalidText` for a missing or too long reason and
        :class:`ValueError` (a message for the supporter) for a date that is
        not in the future or more than ten years away, or a person still
        supported. Records a content-free ``person_kept_longer`` audit event.
        """
        reason = check_free_text(reason, KEEP_REASON).strip()
        if not reason:
            raise InvalidText(
                _("Write why this case is kept longer: the reason stays with the case.")
            )
        if len(reason) > MAX_REASON_CHARS:
            raise InvalidText(
                _("Keep the reason to {limit} characters or fewer.").format(limit=MAX_REASON_CHARS)
            )
        if until <= today:
            raise ValueError(_("Choose a day after today to keep the case until."))
        if until > today + timedelta(days=MAX_KEEP_DAYS):
            raise ValueError(
                _("Choose a day at most ten years from today; you can extend it again later.")
            )
        with self._db.transaction():
            person = self._people.get(person_id, today=today)
            if not person.closed:
                raise ValueError(_("Only a closed case can be kept longer."))
            self._db.execute(
                "UPDATE people SET keep_until = ?, keep_reason = ? WHERE id = ?",
                (date_text(until), reason, person_id),
            )
            audit.AuditLog(self._db).record(audit.PERSON_KEPT_LONGER)
            return self._people.get(person_id, today=today)

    def purge(self, person_ids: Iterable[PersonId], *, today: date, after_days: int) -> int:
        """Delete everyone in ``person_ids`` who is still due, and erase their traces.

        Returns how many were deleted. One content-free ``people_purged`` audit
        event carries that number (none when it is zero). Then :func:`reclaim`.
        """
        _check_days(after_days)
        purged = 0
        with self._db.transaction():
            for person_id in dict.fromkeys(person_ids):
                try:
                    person = self._people.get(person_id, today=today)
                except NotFound:
                    continue
                if not is_due(person, today, after_days):
                    continue
                self._db.execute("DELETE FROM people WHERE id = ?", (person_id,))
                purged += 1
            if purged:
                audit.AuditLog(self._db).record(audit.PEOPLE_PURGED, purged)
        if purged:
            reclaim(self._db)
        return purged


def reclaim(db: Database) -> None:
    """Rewrite the vault file so that deleted records leave no trace in it or its WAL.

    ``PRAGMA secure_delete`` zeroes what a delete frees, and the search index's
    own ``secure-delete`` option takes the words out of it (DESIGN.md, "Traps").
    But in WAL mode every page image written *before* the delete stays in the
    write-ahead log until the log is reset, however many checkpoints pass.
    VACUUM rebuilds every page from the live rows alone and shrinks the file
    (its temporary copy stays in memory: ``temp_store = MEMORY``); a TRUNCATE
    checkpoint then copies the result into the database file and cuts the log
    to zero bytes.

    VACUUM cannot run inside a transaction: call this after the deleting
    transaction has committed. It costs about as long as reading and writing
    the whole vault once.
    """
    if db.connection.in_transaction:
        raise RuntimeError("reclaim() runs after the deleting transaction, not inside it")
    try:
        db.execute("VACUUM")
        busy = db.one("PRAGMA wal_checkpoint(TRUNCATE)")
        if busy is not None and busy[0]:
            raise VaultInUse(
                _("The vault's database is busy in another program. Close it and try again.")
            )
    except VaultError as error:
        raise type(error)(_(RECLAIM_FAILED).format(reason=str(error))) from None


def _check_days(after_days: int) -> None:
    if isinstance(after_days, bool) or not isinstance(after_days, int) or after_days < 0:
        raise ValueError("the retention period is a whole number of days, zero or more")
