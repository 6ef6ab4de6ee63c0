"""Consent records: what may be shared, with whom, why, until when. Kept as history."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from peerdesk.i18n import _

from .db import Database, Row
from .models import (
    Consent,
    ConsentCategory,
    ConsentId,
    ConsentMethod,
    PersonId,
    RecipientType,
)
from .values import (
    check_free_text,
    check_optional_line,
    date_text,
    not_found,
    parse_date,
    parse_date_or_none,
    parse_utc,
    require_row,
    utc_now,
    utc_text,
)

CONSENT = "consent record"
PERSON = "person's record"


class ConsentsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        person_id: PersonId,
        *,
        recipient_type: RecipientType,
        recipient_name: str = "",
        purpose: str,
        categories: Iterable[ConsentCategory],
        given_how: ConsentMethod,
        given_on: date,
        expires_on: date,
    ) -> Consent:
        """Record consent; ``expires_on`` is the last day it holds and is required.

        A blank ``recipient_name`` records consent to any service of
        ``recipient_type`` (see :func:`peerdesk.consent_rules.recipient_matches`).
        """
        chosen = frozenset(ConsentCategory(c) for c in categories)
        if not chosen:
            raise ValueError(_("Choose at least one kind of information the consent covers."))
        if expires_on < given_on:
            raise ValueError(_("A consent cannot expire before the day it was given."))
        row: dict[str, object] = {
            "person_id": person_id,
            "recipient_type": RecipientType(recipient_type).value,
            # Empty: the consent covers any service of that kind ("any EAP").
            "recipient_name": check_optional_line(recipient_name, "recipient's name") or "",
            "purpose": check_free_text(purpose, "purpose"),
            "categories": _categories_json(chosen),
            "given_how": ConsentMethod(given_how).value,
            "given_on": date_text(given_on),
            "expires_on": date_text(expires_on),
            "created_at": utc_text(utc_now()),
        }
        columns = ", ".join(row)
        values = ", ".join(f":{column}" for column in row)
        with self._db.transaction():
            require_row(self._db, "people", person_id, PERSON)
            cursor = self._db.execute(
                f"INSERT INTO consents({columns}) VALUES ({values})",  # noqa: S608 - fixed names
                row,
            )
            return self.get(ConsentId(cursor.lastrowid))

    def get(self, consent_id: ConsentId) -> Consent:
        row = self._db.one("SELECT * FROM consents WHERE id = ?", (consent_id,))
        if row is None:
            raise not_found(CONSENT)
        return _consent(row)

    def list_for_person(self, person_id: PersonId) -> list[Consent]:
        """Every consent the person gave, withdrawn and expired ones too, newest first."""
        rows = self._db.all(
            "SELECT * FROM consents WHERE person_id = ? ORDER BY given_on DESC, id DESC",
            (person_id,),
        )
        return [_consent(row) for row in rows]

    def withdraw(self, consent_id: ConsentId, on: date | None = None) -> Consent:
        """Record that consent was withdrawn (``on`` defaults to today).

        The record stays, as history. Withdrawing again keeps the first date.
        """
        day = on or date.today()
        with self._db.transaction():
            consent = self.get(consent_id)
            if consent.withdrawn_on is not None:
                return consent
            if day < consent.given_on:
                raise ValueError(_("Consent cannot be withdrawn before the day it was given."))
            self._db.execute(
                "UPDATE consents SET withdrawn_on = ? WHERE id = ?",
                (date_text(day), consent_id),
            )
            return self.get(consent_id)


def _categories_json(categories: frozenset[ConsentCategory]) -> str:
    return json.dumps(sorted(c.value for c in categories))


def _consent(row: Row) -> Consent:
    return Consent(
        id=ConsentId(row["id"]),
        person_id=PersonId(row["person_id"]),
        recipient_type=RecipientType(row["recipient_type"]),
        recipient_name=row["recipient_name"],
        purpose=row["purpose"],
        categories=frozenset(ConsentCategory(c) for c in json.loads(row["categories"])),
        given_how=ConsentMethod(row["given_how"]),
        given_on=parse_date(row["given_on"]),
        expires_on=parse_date(row["expires_on"]),
        withdrawn_on=parse_date_or_none(row["withdrawn_on"]),
        created_at=parse_utc(row["created_at"]),
    )
