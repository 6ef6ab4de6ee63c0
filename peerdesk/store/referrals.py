"""Referrals: handoffs to a service, from draft to PDF, sent, answered and concluded.

A referral is written as a draft: SBAR text, how the service may safely reach
the colleague, risk flags, and the sessions and diary entries its background
draws on (:class:`ReferralItem`). Making its PDF marks it ``created``; from
then on its content is fixed, because that content has left the vault. The
supporter then records the later steps as they hear of them: ``sent``,
``acknowledged``, and how it ended (``connected`` or ``not_connected``).

Whether a referral may be exported (a covering consent, or an override with a
reason) is decided by :mod:`peerdesk.consent_rules` and the referral service;
this module only keeps the record and refuses changes that would misrepresent
what was sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

from peerdesk.i18n import _

from . import audit
from .db import Database, Row
from .errors import InvalidText
from .models import (
    ConsentId,
    IncidentId,
    PersonId,
    RecipientType,
    Referral,
    ReferralId,
    ReferralItem,
    ReferralItemKind,
    ReferralStatus,
    SafetyCheck,
    SessionId,
    Urgency,
)
from .values import (
    UNCHANGED,
    Unchanged,
    check_free_text,
    check_line,
    check_optional_line,
    date_text,
    date_text_or_none,
    not_found,
    parse_date_or_none,
    parse_utc,
    parse_utc_or_none,
    require_row,
    utc_now,
    utc_text,
)

REFERRAL = "referral"
PERSON = "person's record"
CONSENT = "consent record"

MAX_RISK_FLAGS = 50
# The contact fields are a few words each ("text first, never voicemail"); the
# cap keeps a stray paste from filling the PDF's first page.
MAX_SHORT_TEXT_CHARS = 1000

# Field labels, as a supporter sees them in messages.
SBAR_FIELDS = {
    "recipient_contact": "recipient's contact details",
    "situation": "situation",
    "background": "background",
    "assessment": "assessment",
    "recommendation": "recommendation",
}
SHORT_FIELDS = {
    "contact_safe_way": "safe way to contact them",
    "contact_safe_times": "safe times to contact them",
    "language_needs": "language or access needs",
}
COLLEAGUE_NAME = "name the service should use"
RISK_FLAG = "risk flag"
OUTCOME_NOTE = "outcome note"

_OUTCOMES = frozenset({ReferralStatus.CONNECTED, ReferralStatus.NOT_CONNECTED})

# Where a referral may go from each status. Once its PDF is made it never goes
# back to draft: the PDF has left. An outcome can be corrected (a colleague who
# "did not get connected" calls the service after all).
_ALLOWED: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.DRAFT: frozenset({ReferralStatus.CREATED}),
    ReferralStatus.CREATED: frozenset({ReferralStatus.CREATED, ReferralStatus.SENT}),
    ReferralStatus.SENT: frozenset({ReferralStatus.ACKNOWLEDGED, *_OUTCOMES}),
    ReferralStatus.ACKNOWLEDGED: _OUTCOMES,
    ReferralStatus.CONNECTED: _OUTCOMES,
    ReferralStatus.NOT_CONNECTED: _OUTCOMES,
}

# Human words for a status, after "a referral that is ..." and after "marked ...".
_IS = {
    ReferralStatus.DRAFT: "a draft",
    ReferralStatus.CREATED: "exported as a PDF",
    ReferralStatus.SENT: "sent",
    ReferralStatus.ACKNOWLEDGED: "acknowledged",
    ReferralStatus.CONNECTED: "connected",
    ReferralStatus.NOT_CONNECTED: "not connected",
}
_MARKED = {**_IS, ReferralStatus.CREATED: "exported"}


def status_words(status: ReferralStatus) -> str:
    """A status in plain words ("not connected"), translated, for messages."""
    return _(_IS[ReferralStatus(status)])


class ReferralsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- reading ----------------------------------------------------------------------

    def get(self, referral_id: ReferralId) -> Referral:
        row = self._db.one("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        if row is None:
            raise not_found(REFERRAL)
        return self._with_items([row])[0]

    def list_for_person(self, person_id: PersonId) -> list[Referral]:
        """The person's referrals with their items, newest first."""
        rows = self._db.all(
            "SELECT * FROM referrals WHERE person_id = ? ORDER BY created_at DESC, id DESC",
            (person_id,),
        )
        return self._with_items(rows)

    def follow_ups_due(self, today: date) -> list[Referral]:
        """Referrals whose follow-up is due by ``today``, earliest first.

        Only open ones count: not yet concluded (connected or not connected), for
        a person who is not closed.
        """
        rows = self._db.all(
            """SELECT r.* FROM referrals r JOIN people p ON p.id = r.person_id
                WHERE r.follow_up_on IS NOT NULL AND r.follow_up_on <= ?
                AND r.status NOT IN ('connected', 'not_connected')
                AND p.closed_at IS NULL
                ORDER BY r.follow_up_on, r.created_at, r.id""",
            (date_text(today),),
        )
        return self._with_items(rows)

    # -- writing ----------------------------------------------------------------------

    def add(
        self,
        person_id: PersonId,
        *,
        recipient_type: RecipientType,
        recipient_name: str,
        recipient_contact: str = "",
        situation: str = "",
        background: str = "",
        assessment: str = "",
        recommendation: str = "",
        urgency: Urgency = Urgency.ROUTINE,
        consent_id: ConsentId | None = None,
        override_reason: str | None = None,
        follow_up_on: date | None = None,
        colleague_name: str = "",
        contact_safe_way: str = "",
        contact_safe_times: str = "",
        language_needs: str = "",
        risk_flags: Sequence[str] = (),
        safety_check: SafetyCheck = SafetyCheck.NOT_RECORDED,
        items: Sequence[ReferralItem] = (),
    ) -> Referral:
        """Start a referral as a draft, with its items in the order given."""
        row: dict[str, object] = {
            "person_id": person_id,
            "consent_id": consent_id,
            "recipient_type": RecipientType(recipient_type).value,
            "recipient_name": check_line(recipient_name, "recipient's name"),
            **_sbar(
                recipient_contact=recipient_contact,
                situation=situation,
                background=background,
                assessment=assessment,
                recommendation=recommendation,
            ),
            **_short(
                contact_safe_way=contact_safe_way,
                contact_safe_times=contact_safe_times,
                language_needs=language_needs,
            ),
            "colleague_name": _colleague_name(colleague_name),
            "risk_flags": _risk_flags_json(risk_flags),
            "safety_check": SafetyCheck(safety_check).value,
            "urgency": Urgency(urgency).value,
            "override_reason": _override(override_reason),
            "status": ReferralStatus.DRAFT.value,
            "created_at": utc_text(utc_now()),
            "follow_up_on": date_text_or_none(follow_up_on),
        }
        chosen = _checked_items(items)
        columns = ", ".join(row)
        values = ", ".join(f":{column}" for column in row)
        with self._db.transaction():
            require_row(self._db, "people", person_id, PERSON)
            self._check_consent(person_id, consent_id)
            self._check_item_owners(person_id, chosen)
            cursor = self._db.execute(
                f"INSERT INTO referrals({columns}) VALUES ({values})",  # noqa: S608 - fixed names
                row,
            )
            referral_id = ReferralId(cursor.lastrowid)
            self._write_items(referral_id, chosen)
            return self.get(referral_id)

    def update(
        self,
        referral_id: ReferralId,
        *,
        recipient_type: RecipientType | Unchanged = UNCHANGED,
        recipient_name: str | Unchanged = UNCHANGED,
        recipient_contact: str | Unchanged = UNCHANGED,
        situation: str | Unchanged = UNCHANGED,
        background: str | Unchanged = UNCHANGED,
        assessment: str | Unchanged = UNCHANGED,
        recommendation: str | Unchanged = UNCHANGED,
        urgency: Urgency | Unchanged = UNCHANGED,
        consent_id: ConsentId | None | Unchanged = UNCHANGED,
        override_reason: str | None | Unchanged = UNCHANGED,
        follow_up_on: date | None | Unchanged = UNCHANGED,
        colleague_name: str | Unchanged = UNCHANGED,
        contact_safe_way: str | Unchanged = UNCHANGED,
        contact_safe_times: str | Unchanged = UNCHANGED,
        language_needs: str | Unchanged = UNCHANGED,
        risk_flags: Sequence[str] | Unchanged = UNCHANGED,
        safety_check: SafetyCheck | Unchanged = UNCHANGED,
        items: Sequence[ReferralItem] | Unchanged = UNCHANGED,
    ) -> Referral:
        """Change the fields given. Only a draft's content can change; the follow-up always.

        ``items`` replaces the whole list, in the order given.
        """
        content: dict[str, object] = {
            **_sbar(
                **_given(
                    recipient_contact=recipient_contact,
                    situation=situation,
                    background=background,
                    assessment=assessment,
                    recommendation=recommendation,
                )
            ),
            **_short(
                **_given(
                    contact_safe_way=contact_safe_way,
                    contact_safe_times=contact_safe_times,
                    language_needs=language_needs,
                )
            ),
        }
        if not isinstance(recipient_type, Unchanged):
            content["recipient_type"] = RecipientType(recipient_type).value
        if not isinstance(recipient_name, Unchanged):
            content["recipient_name"] = check_line(recipient_name, "recipient's name")
        if not isinstance(urgency, Unchanged):
            content["urgency"] = Urgency(urgency).value
        if not isinstance(consent_id, Unchanged):
            content["consent_id"] = consent_id
        if not isinstance(override_reason, Unchanged):
            content["override_reason"] = _override(override_reason)
        if not isinstance(colleague_name, Unchanged):
            content["colleague_name"] = _colleague_name(colleague_name)
        if not isinstance(risk_flags, Unchanged):
            content["risk_flags"] = _risk_flags_json(risk_flags)
        if not isinstance(safety_check, Unchanged):
            content["safety_check"] = SafetyCheck(safety_check).value
        chosen = None if isinstance(items, Unchanged) else _checked_items(items)
        changes = dict(content)
        if not isinstance(follow_up_on, Unchanged):
            changes["follow_up_on"] = date_text_or_none(follow_up_on)
        with self._db.transaction():
            referral = self.get(referral_id)
            if (content or chosen is not None) and referral.status is not ReferralStatus.DRAFT:
                raise ValueError(
                    _(
                        "This referral has already been exported, so its content can no "
                        "longer change. Start a new referral instead."
                    )
                )
            if not isinstance(consent_id, Unchanged):
                self._check_consent(referral.person_id, consent_id)
            if chosen is not None:
                self._check_item_owners(referral.person_id, chosen)
                self._db.execute("DELETE FROM referral_items WHERE referral_id = ?", (referral_id,))
                self._write_items(referral_id, chosen)
            if changes:
                assignments = ", ".join(f"{column} = :{column}" for column in changes)
                self._db.execute(
                    f"UPDATE referrals SET {assignments} WHERE id = :id",  # noqa: S608
                    {**changes, "id": referral_id},
                )
            return self.get(referral_id)

    def update_status(
        self,
        referral_id: ReferralId,
        status: ReferralStatus,
        *,
        on: date | None = None,
        note: str | None = None,
    ) -> Referral:
        """Move a referral on to ``status``; ``on`` is the day it happened (default today).

        - draft -> created: its PDF was made. Stamps ``exported_at`` and logs a
          content-free ``referral_exported`` event. Exporting again
          (created -> created) logs again and keeps the first time.
        - created -> sent (``sent_on``); sent -> acknowledged (``acknowledged_on``).
        - sent or acknowledged -> connected or not_connected (``outcome_on``, and
          ``note`` as ``outcome_note``); an outcome can be corrected either way
          later, and ``note=None`` then keeps the note already recorded.

        ``on`` cannot be in the future nor before the step before it. ``on`` does
        not apply to an export, nor ``note`` to anything but an outcome.
        """
        status = ReferralStatus(status)
        today = date.today()
        with self._db.transaction():
            referral = self.get(referral_id)
            if status not in _ALLOWED[referral.status]:
                raise ValueError(_refusal(referral.status, status))
            if note is not None and status not in _OUTCOMES:
                raise ValueError(_("A note can only be kept with how a referral ended."))
            if status is ReferralStatus.CREATED:
                if on is not None:
                    raise ValueError(
                        _("A referral is exported when its PDF is made, not on a date.")
                    )
                self._export(referral)
                return self.get(referral_id)
            day = today if on is None else on
            _check_step_date(referral, status, day, today)
            changes: dict[str, object] = {"status": status.value}
            if status is ReferralStatus.SENT:
                changes["sent_on"] = date_text(day)
            elif status is ReferralStatus.ACKNOWLEDGED:
                changes["acknowledged_on"] = date_text(day)
            else:
                changes["outcome_on"] = date_text(day)
                if note is not None:
                    changes["outcome_note"] = check_free_text(note, OUTCOME_NOTE)
                elif referral.status not in _OUTCOMES:
                    changes["outcome_note"] = ""
            assignments = ", ".join(f"{column} = :{column}" for column in changes)
            self._db.execute(
                f"UPDATE referrals SET {assignments} WHERE id = :id",  # noqa: S608 - fixed names
                {**changes, "id": referral_id},
            )
            return self.get(referral_id)

    def delete_draft(self, referral_id: ReferralId) -> None:
        """Discard a draft and its items; log it without content. Only drafts go."""
        with self._db.transaction():
            referral = self.get(referral_id)
            if referral.status is not ReferralStatus.DRAFT:
                raise ValueError(
                    _(
                        "Only a draft referral can be discarded. This one has been "
                        "exported, so it stays as the record of what was shared."
                    )
                )
            self._db.execute("DELETE FROM referrals WHERE id = ?", (referral_id,))
            audit.AuditLog(self._db).record(audit.REFERRAL_DRAFT_DELETED)

    # -- helpers ----------------------------------------------------------------------

    def _export(self, referral: Referral) -> None:
        if referral.status is ReferralStatus.DRAFT:
            self._db.execute(
                "UPDATE referrals SET status = ?, exported_at = ? WHERE id = ?",
                (ReferralStatus.CREATED.value, utc_text(utc_now()), referral.id),
            )
        audit.AuditLog(self._db).record(audit.REFERRAL_EXPORTED)

    def _check_consent(self, person_id: PersonId, consent_id: ConsentId | None) -> None:
        if consent_id is None:
            return
        owner = self._db.scalar("SELECT person_id FROM consents WHERE id = ?", (consent_id,))
        if owner is None:
            raise not_found(CONSENT)
        if owner != person_id:
            raise ValueError(_("A referral can only rely on the same person's consent."))

    def _check_item_owners(self, person_id: PersonId, items: Sequence[ReferralItem]) -> None:
        for kind, table in (
            (ReferralItemKind.SESSION, "sessions"),
            (ReferralItemKind.INCIDENT, "incidents"),
        ):
            wanted = {item.record_id for item in items if item.kind is kind}
            if not wanted:
                continue
            owners = dict(
                self._db.all(
                    f"SELECT id, person_id FROM {table} "  # noqa: S608 - fixed names
                    "WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(wanted)),),
                )
            )
            if wanted - owners.keys():
                raise ValueError(_MISSING[kind]())
            if any(owner != person_id for owner in owners.values()):
                raise ValueError(
                    _("A referral can only include this person's own sessions and diary entries.")
                )

    def _write_items(self, referral_id: ReferralId, items: Sequence[ReferralItem]) -> None:
        self._db.executemany(
            """INSERT INTO referral_items(referral_id, position, session_id, incident_id,
                summary, include_raw) VALUES (?, ?, ?, ?, ?, ?)""",
            [
                (
                    referral_id,
                    position,
                    item.record_id if item.kind is ReferralItemKind.SESSION else None,
                    item.record_id if item.kind is ReferralItemKind.INCIDENT else None,
                    item.summary,
                    int(item.include_raw),
                )
                for position, item in enumerate(items)
            ],
        )

    def _with_items(self, rows: Sequence[Row]) -> list[Referral]:
        """Referrals for ``rows``, their items read in one query."""
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        item_rows = self._db.all(
            """SELECT * FROM referral_items
                WHERE referral_id IN (SELECT value FROM json_each(?))
                ORDER BY referral_id, position""",
            (json.dumps(ids),),
        )
        items: dict[int, list[ReferralItem]] = {}
        for item_row in item_rows:
            items.setdefault(item_row["referral_id"], []).append(_item(item_row))
        return [_referral(row, items.get(row["id"], ())) for row in rows]


def _missing_session() -> str:
    return _(
        "A session chosen for this referral no longer exists; it may have been deleted. "
        "Choose what to include again."
    )


def _missing_incident() -> str:
    return _(
        "A diary entry chosen for this referral no longer exists; it may have been "
        "deleted. Choose what to include again."
    )


_MISSING = {
    ReferralItemKind.SESSION: _missing_session,
    ReferralItemKind.INCIDENT: _missing_incident,
}


def _refusal(old: ReferralStatus, new: ReferralStatus) -> str:
    message = _("A referral that is {old} cannot be marked {new}.").format(
        old=_(_IS[old]), new=_(_MARKED[new])
    )
    if new is ReferralStatus.DRAFT:
        hint = _("Start a new referral instead.")
    elif old is ReferralStatus.DRAFT:
        hint = _("Export it as a PDF first.")
    elif old is ReferralStatus.CREATED and new is not ReferralStatus.CREATED:
        hint = _("Mark it sent first.")
    else:
        return message
    return message + " " + hint


def _check_step_date(referral: Referral, status: ReferralStatus, day: date, today: date) -> None:
    date_text(day)  # refuses a datetime, whose comparisons would mislead
    if day > today:
        raise ValueError(
            _("A referral cannot be marked {new} on a day still to come.").format(
                new=_(_MARKED[status])
            )
        )
    # The latest day of the steps before this one.
    steps: list[tuple[date, str]] = [(referral.created_at.astimezone().date(), "started")]
    if referral.exported_at is not None:
        steps.append((referral.exported_at.astimezone().date(), "exported as a PDF"))
    if status is not ReferralStatus.SENT and referral.sent_on is not None:
        steps.append((referral.sent_on, "sent"))
    if status in _OUTCOMES and referral.acknowledged_on is not None:
        steps.append((referral.acknowledged_on, "acknowledged"))
    # On a tie, name the latest step: it is the one the supporter remembers.
    floor, step = max(reversed(steps), key=lambda pair: pair[0])
    if day < floor:
        raise ValueError(
            _("A referral cannot be marked {new} before {day}, when it was {step}.").format(
                new=_(_MARKED[status]), day=floor.isoformat(), step=_(step)
            )
        )


def _given(**values: str | Unchanged) -> dict[str, str]:
    return {name: value for name, value in values.items() if not isinstance(value, Unchanged)}


def _override(reason: str | None) -> str | None:
    return None if reason is None else check_free_text(reason, "reason for sharing without consent")


def _sbar(**texts: str) -> dict[str, str]:
    return {column: check_free_text(text, SBAR_FIELDS[column]) for column, text in texts.items()}


def _short(**texts: str) -> dict[str, str]:
    checked = {}
    for column, text in texts.items():
        label = SHORT_FIELDS[column]
        value = check_free_text(text, label).strip()
        if len(value) > MAX_SHORT_TEXT_CHARS:
            raise InvalidText(
                _("The {field} is too long: use at most {limit} characters.").format(
                    field=_(label), limit=MAX_SHORT_TEXT_CHARS
                )
            )
        checked[column] = value
    return checked


def _colleague_name(name: str) -> str:
    return check_optional_line(name, COLLEAGUE_NAME) or ""


def _risk_flags_json(flags: Iterable[str]) -> str:
    if isinstance(flags, str):
        raise TypeError("risk_flags must be a sequence of lines, not one str")
    lines = [line for line in (check_optional_line(flag, RISK_FLAG) for flag in flags) if line]
    if len(lines) > MAX_RISK_FLAGS:
        raise ValueError(
            _("A referral can list at most {limit} risk flags.").format(limit=MAX_RISK_FLAGS)
        )
    return json.dumps(lines, ensure_ascii=False)


def _checked_items(items: Iterable[ReferralItem]) -> list[ReferralItem]:
    checked: list[ReferralItem] = []
    seen: set[tuple[ReferralItemKind, int]] = set()
    for item in items:
        if not isinstance(item, ReferralItem):
            raise TypeError(f"expected a ReferralItem, not {type(item).__name__}")
        kind = ReferralItemKind(item.kind)
        if isinstance(item.record_id, bool) or not isinstance(item.record_id, int):
            raise TypeError("a referral item's record_id must be an int")
        if not isinstance(item.include_raw, bool):
            raise TypeError("a referral item's include_raw must be a bool")
        label = (
            "summary of the session"
            if kind is ReferralItemKind.SESSION
            else "summary of the diary entry"
        )
        if (kind, item.record_id) in seen:
            raise ValueError(
                _("The same session or diary entry is chosen twice. Include each one only once.")
            )
        seen.add((kind, item.record_id))
        checked.append(
            ReferralItem(
                kind, item.record_id, check_free_text(item.summary, label), item.include_raw
            )
        )
    return checked


def _item(row: Row) -> ReferralItem:
    session_id, incident_id = row["session_id"], row["incident_id"]
    if session_id is not None:
        return ReferralItem(
            ReferralItemKind.SESSION,
            SessionId(session_id),
            row["summary"],
            bool(row["include_raw"]),
        )
    return ReferralItem(
        ReferralItemKind.INCIDENT,
        IncidentId(incident_id),
        row["summary"],
        bool(row["include_raw"]),
    )


def _referral(row: Row, items: Iterable[ReferralItem]) -> Referral:
    consent_id = row["consent_id"]
    return Referral(
        id=ReferralId(row["id"]),
        person_id=PersonId(row["person_id"]),
        consent_id=None if consent_id is None else ConsentId(consent_id),
        recipient_type=RecipientType(row["recipient_type"]),
        recipient_name=row["recipient_name"],
        recipient_contact=row["recipient_contact"],
        situation=row["situation"],
        background=row["background"],
        assessment=row["assessment"],
        recommendation=row["recommendation"],
        urgency=Urgency(row["urgency"]),
        override_reason=row["override_reason"],
        status=ReferralStatus(row["status"]),
        created_at=parse_utc(row["created_at"]),
        exported_at=parse_utc_or_none(row["exported_at"]),
        follow_up_on=parse_date_or_none(row["follow_up_on"]),
        colleague_name=row["colleague_name"],
        contact_safe_way=row["contact_safe_way"],
        contact_safe_times=row["contact_safe_times"],
        language_needs=row["language_needs"],
        risk_flags=tuple(json.loads(row["risk_flags"])),
        safety_check=SafetyCheck(row["safety_check"]),
        items=tuple(items),
        sent_on=parse_date_or_none(row["sent_on"]),
        acknowledged_on=parse_date_or_none(row["acknowledged_on"]),
        outcome_on=parse_date_or_none(row["outcome_on"]),
        outcome_note=row["outcome_note"],
    )
