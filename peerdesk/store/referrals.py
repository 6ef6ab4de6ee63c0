"""Referrals: handoffs to a service, from draft to exported to answered.

Whether a referral may be exported (a covering consent, or an override with a
reason) is decided by the referral service; this module only keeps the record
and refuses changes that would misrepresent what was sent.
"""

from __future__ import annotations

from datetime import date

from peerdesk.i18n import _

from . import audit
from .db import Database, Row
from .models import (
    ConsentId,
    PersonId,
    RecipientType,
    Referral,
    ReferralId,
    ReferralStatus,
    Urgency,
)
from .values import (
    UNCHANGED,
    Unchanged,
    check_free_text,
    check_line,
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

SBAR_FIELDS = {
    "recipient_contact": "recipient's contact details",
    "situation": "situation",
    "background": "background",
    "assessment": "assessment",
    "recommendation": "recommendation",
}

# Once exported, a referral is not sent back to draft: the PDF has left.
_ALLOWED = {
    ReferralStatus.DRAFT: {ReferralStatus.EXPORTED},
    ReferralStatus.EXPORTED: {
        ReferralStatus.EXPORTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
    },
    ReferralStatus.ACCEPTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.DECLINED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
}


class ReferralsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

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
    ) -> Referral:
        """Start a referral as a draft."""
        row: dict[str, object] = {
            "person_id": person_id,
            "consent_id": consent_id,
            "recipient_type": RecipientType(recipient_type).value,
            "recipient_name": check_line(recipient_name, "recipient's name"),
            **_checked(
                recipient_contact=recipient_contact,
                situation=situation,
                background=background,
                assessment=assessment,
                recommendation=recommendation,
            ),
            "urgency": Urgency(urgency).value,
            "override_reason": _override(override_reason),
            "status": ReferralStatus.DRAFT.value,
            "created_at": utc_text(utc_now()),
            "follow_up_on": date_text_or_none(follow_up_on),
        }
        columns = ", ".join(row)
        values = ", ".join(f":{column}" for column in row)
        with self._db.transaction():
            require_row(self._db, "people", person_id, PERSON)
            self._check_consent(person_id, consent_id)
            cursor = self._db.execute(
                f"INSERT INTO referrals({columns}) VALUES ({values})",  # noqa: S608 - fixed names
                row,
            )
            return self.get(ReferralId(cursor.lastrowid))

    def get(self, referral_id: ReferralId) -> Referral:
        row = self._db.one("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        if row is None:
            raise not_found(REFERRAL)
        return _referral(row)

    def list_for_person(self, person_id: PersonId) -> list[Referral]:
        """Newest first."""
        rows = self._db.all(
            "SELECT * FROM referrals WHERE person_id = ? ORDER BY created_at DESC, id DESC",
            (person_id,),
        )
        return [_referral(row) for row in rows]

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
    ) -> Referral:
        """Change the fields given. Only a draft's content can change; the follow-up always."""
        content: dict[str, object] = dict(
            _checked(
                **{
                    column: value
                    for column, value in {
                        "recipient_contact": recipient_contact,
                        "situation": situation,
                        "background": background,
                        "assessment": assessment,
                        "recommendation": recommendation,
                    }.items()
                    if not isinstance(value, Unchanged)
                }
            )
        )
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
        changes = dict(content)
        if not isinstance(follow_up_on, Unchanged):
            changes["follow_up_on"] = date_text_or_none(follow_up_on)
        with self._db.transaction():
            referral = self.get(referral_id)
            if content and referral.status is not ReferralStatus.DRAFT:
                raise ValueError(
                    _(
                        "This referral has already been exported, so its content can no "
                        "longer change. Start a new referral instead."
                    )
                )
            if not isinstance(consent_id, Unchanged):
                self._check_consent(referral.person_id, consent_id)
            if changes:
                assignments = ", ".join(f"{column} = :{column}" for column in changes)
                self._db.execute(
                    f"UPDATE referrals SET {assignments} WHERE id = :id",  # noqa: S608
                    {**changes, "id": referral_id},
                )
            return self.get(referral_id)

    def update_status(self, referral_id: ReferralId, status: ReferralStatus) -> Referral:
        """Move a referral on. Becoming ``exported`` stamps the time and logs the export."""
        status = ReferralStatus(status)
        with self._db.transaction():
            referral = self.get(referral_id)
            if status not in _ALLOWED[referral.status]:
                raise ValueError(
                    _("A referral that is {old} cannot be marked {new}.").format(
                        old=_(referral.status.value), new=_(status.value)
                    )
                )
            if status is ReferralStatus.EXPORTED:
                self._db.execute(
                    "UPDATE referrals SET status = ?, exported_at = ? WHERE id = ?",
                    (status.value, utc_text(utc_now()), referral_id),
                )
                audit.AuditLog(self._db).record(audit.REFERRAL_EXPORTED)
            else:
                self._db.execute(
                    "UPDATE referrals SET status = ? WHERE id = ?", (status.value, referral_id)
                )
            return self.get(referral_id)

    def _check_consent(self, person_id: PersonId, consent_id: ConsentId | None) -> None:
        if consent_id is None:
            return
        owner = self._db.scalar("SELECT person_id FROM consents WHERE id = ?", (consent_id,))
        if owner is None:
            raise not_found(CONSENT)
        if owner != person_id:
            raise ValueError(_("A referral can only rely on the same person's consent."))


def _override(reason: str | None) -> str | None:
    return None if reason is None else check_free_text(reason, "reason for sharing without consent")


def _checked(**texts: str) -> dict[str, str]:
    return {column: check_free_text(text, SBAR_FIELDS[column]) for column, text in texts.items()}


def _referral(row: Row) -> Referral:
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
    )
