"""The contact log: what a contact-log-only vault keeps, checked going in, erased going out."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from peerdesk.store import KdfParams, NotFound, Vault, VaultError
from peerdesk.store.contact_log import InvalidContact
from peerdesk.store.models import ConcernCategory, ContactId, SessionMode, VaultMode

from .conftest import PASSPHRASE

TODAY = date(2025, 3, 14)


@pytest.fixture
def contact_vault(vault_dir: Path, fast_kdf: KdfParams) -> Vault:
    vault, _code = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf, mode=VaultMode.CONTACT_LOG)
    return vault


def test_a_contact_comes_back_as_logged_and_survives_closing_the_vault(
    vault_dir: Path, fast_kdf: KdfParams, contact_vault: Vault
) -> None:
    logged = contact_vault.contacts.add(
        date(2025, 3, 10),
        45,
        SessionMode.PHONE,
        [ConcernCategory.EXCLUSION, ConcernCategory.VERBAL_ABUSE],
        True,
        today=TODAY,
    )
    assert logged.occurred_on == date(2025, 3, 10)
    assert logged.duration_minutes == 45
    assert logged.mode is SessionMode.PHONE
    assert logged.concerns == {ConcernCategory.EXCLUSION, ConcernCategory.VERBAL_ABUSE}
    assert logged.referral_made is True
    assert logged.created_at.tzinfo is not None
    contact_vault.close()

    with Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf) as reopened:
        assert reopened.mode is VaultMode.CONTACT_LOG
        assert reopened.contacts.list() == [logged]
        assert reopened.contacts.get(logged.id) == logged


def test_contacts_list_newest_first_within_an_optional_period(contact_vault: Vault) -> None:
    def log(day: int) -> ContactId:
        return contact_vault.contacts.add(
            date(2025, 3, day), 30, SessionMode.IN_PERSON, [], False, today=TODAY
        ).id

    first, later, same_day, earliest = log(5), log(12), log(5), log(1)
    contacts = contact_vault.contacts
    assert [c.id for c in contacts.list()] == [later, same_day, first, earliest]
    assert [c.id for c in contacts.list(from_day=date(2025, 3, 5))] == [later, same_day, first]
    assert [c.id for c in contacts.list(to_day=date(2025, 3, 5))] == [same_day, first, earliest]
    assert [
        c.id for c in contacts.list(from_day=date(2025, 3, 2), to_day=date(2025, 3, 11))
    ] == [same_day, first]
    with pytest.raises(InvalidContact, match="start of the period is after its end"):
        contacts.list(from_day=date(2025, 3, 12), to_day=date(2025, 3, 1))


def test_update_changes_only_the_fields_given(contact_vault: Vault) -> None:
    logged = contact_vault.contacts.add(
        date(2025, 3, 10), 20, SessionMode.CHAT, [ConcernCategory.OTHER], False, today=TODAY
    )
    changed = contact_vault.contacts.update(
        logged.id, duration_minutes=50, referral_made=True, today=TODAY
    )
    assert changed.duration_minutes == 50
    assert changed.referral_made is True
    assert (changed.occurred_on, changed.mode, changed.concerns) == (
        logged.occurred_on,
        logged.mode,
        logged.concerns,
    )
    moved = contact_vault.contacts.update(
        logged.id,
        occurred_on=date(2025, 3, 1),
        mode=SessionMode.VIDEO,
        concerns=[ConcernCategory.THREATS, ConcernCategory.HARASSMENT],
        today=TODAY,
    )
    assert moved.occurred_on == date(2025, 3, 1)
    assert moved.mode is SessionMode.VIDEO
    assert moved.concerns == {ConcernCategory.THREATS, ConcernCategory.HARASSMENT}
    assert moved.duration_minutes == 50
    assert contact_vault.contacts.update(logged.id) == moved  # nothing given: nothing changes
    cleared = contact_vault.contacts.update(logged.id, concerns=[])
    assert cleared.concerns == frozenset()


def test_delete_erases_the_contact_and_audits_only_that_one_was_deleted(
    contact_vault: Vault,
) -> None:
    kept = contact_vault.contacts.add(TODAY, 15, SessionMode.PHONE, [], False, today=TODAY)
    gone = contact_vault.contacts.add(
        TODAY, 90, SessionMode.VIDEO, [ConcernCategory.DISCRIMINATION], True, today=TODAY
    )
    contact_vault.contacts.delete(gone.id)

    assert contact_vault.contacts.list() == [kept]
    with pytest.raises(NotFound, match="no longer exists"):
        contact_vault.contacts.get(gone.id)
    with pytest.raises(NotFound):
        contact_vault.contacts.delete(gone.id)
    with pytest.raises(NotFound):
        contact_vault.contacts.update(gone.id, duration_minutes=5)
    events = contact_vault.audit.list()
    assert [e.action for e in events] == ["contact_deleted", "contact_logged", "contact_logged"]
    # Content-free: a word and no count; nothing of the contact (its day, length, concern).
    assert all(e.count is None for e in events)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duration_minutes": -1}, "between 0 minutes and 24 hours"),
        ({"duration_minutes": 24 * 60 + 1}, "between 0 minutes and 24 hours"),
        ({"occurred_on": TODAY + timedelta(days=1)}, "cannot be in the future"),
        ({"mode": "carrier pigeon"}, "Choose how the contact happened"),
        ({"concerns": ["gossip"]}, "not on peerdesk's list"),
    ],
)
def test_a_contact_that_cannot_be_right_is_refused_in_plain_words(
    contact_vault: Vault, change: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "occurred_on": TODAY,
        "duration_minutes": 30,
        "mode": SessionMode.PHONE,
        "concerns": [],
        "referral_made": False,
    }
    with pytest.raises(InvalidContact, match=message) as refused:
        contact_vault.contacts.add(**{**fields, **change}, today=TODAY)  # type: ignore[arg-type]
    assert isinstance(refused.value, ValueError)
    logged = contact_vault.contacts.add(**fields, today=TODAY)  # type: ignore[arg-type]
    with pytest.raises(InvalidContact, match=message):
        contact_vault.contacts.update(logged.id, **change, today=TODAY)  # type: ignore[arg-type]
    assert contact_vault.contacts.list() == [logged]  # neither the add nor the update landed


def test_the_edges_are_allowed(contact_vault: Vault) -> None:
    longest = contact_vault.contacts.add(TODAY, 24 * 60, SessionMode.IN_PERSON, [], False)
    shortest = contact_vault.contacts.add(
        date(1999, 1, 1), 0, SessionMode.IN_PERSON, list(ConcernCategory), True
    )
    assert longest.duration_minutes == 24 * 60
    assert shortest.concerns == frozenset(ConcernCategory)


@pytest.mark.parametrize(
    "bad",
    [
        {"occurred_on": datetime(2025, 3, 1, 9, 30)},
        {"duration_minutes": 30.5},
        {"duration_minutes": True},
        {"referral_made": "yes"},
        {"concerns": "exclusion"},
    ],
)
def test_values_of_the_wrong_type_are_programming_errors(
    contact_vault: Vault, bad: dict[str, object]
) -> None:
    fields: dict[str, object] = {
        "occurred_on": TODAY,
        "duration_minutes": 30,
        "mode": SessionMode.PHONE,
        "concerns": [],
        "referral_made": False,
    }
    with pytest.raises(TypeError):
        contact_vault.contacts.add(**{**fields, **bad}, today=TODAY)  # type: ignore[arg-type]
    assert contact_vault.contacts.list() == []


def test_a_records_vault_starts_with_an_empty_contact_log(vault: Vault) -> None:
    assert vault.mode is VaultMode.RECORDS
    assert vault.contacts.list() == []


def test_the_contact_log_holds_no_column_for_text(contact_vault: Vault) -> None:
    """Nothing typed can name anyone: every column is a number, a day, a choice or a stamp."""
    columns = {
        row["name"]: row["type"]
        for row in contact_vault._db.all("PRAGMA table_info(contact_log)")
    }
    assert set(columns) == {
        "id",
        "occurred_on",
        "duration_minutes",
        "mode",
        "concerns",
        "referral_made",
        "created_at",
    }


def test_a_contact_log_vault_refuses_to_keep_a_person(tmp_path: Path, fast_kdf: KdfParams) -> None:
    vault, _code = Vault.create(
        tmp_path / "log", "pass phrase here", kdf=fast_kdf, mode=VaultMode.CONTACT_LOG
    )
    try:
        with pytest.raises(VaultError, match="keeps no names, notes or diaries"):
            vault.people.add("Someone")
        assert vault.people.list(include_closed=True) == []
    finally:
        vault.close()
