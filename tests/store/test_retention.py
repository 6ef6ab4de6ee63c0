"""Retention and erasure: who is due, keeping a case longer, and deletion that leaves no trace.

"No trace" is checked two ways, both on the real SQLCipher files:

- a decrypted copy of the vault (``sqlcipher_export`` into a plain SQLite
  file), scanned byte for byte: every table, the search index's pages included;
- every page of ``vault.db`` and every frame of ``vault.db-wal`` decrypted as
  they lie on disk, free pages and old page images included, which a logical
  copy never shows.

Each scan is shown to find the markers while they exist, and to find them after
a deletion that skips a step (no VACUUM and checkpoint; no secure-delete in the
search index), so a scan that finds nothing means something.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from peerdesk.preferences import RETENTION_DAYS, MemorySettings, Preferences
from peerdesk.store import InvalidText, NotFound, Vault
from peerdesk.store.audit import PEOPLE_PURGED, PERSON_DELETED, PERSON_KEPT_LONGER
from peerdesk.store.models import (
    ConsentCategory,
    ConsentMethod,
    Person,
    RecipientType,
    ReferralItem,
    ReferralItemKind,
    Tick,
)
from peerdesk.store.retention import due_on, is_due, reclaim
from peerdesk.store.schema import secure_delete_enabled
from peerdesk.store.values import utc_now
from peerdesk.store.vault import DB_NAME

TODAY = date(2026, 6, 15)
PERIOD = 365

# SQLCipher 4 defaults: 4096-byte pages, each ending in 80 reserved bytes (a
# 16-byte IV, then the HMAC-SHA512); page 1 starts with the 16-byte salt.
_PAGE = 4096
_RESERVE = 80
_WAL_HEADER = 32
_FRAME_HEADER = 24


# -- reading what the disk holds ---------------------------------------------------------


def _decrypt(key: bytes, page: bytes, first: bool) -> bytes:
    body_end = len(page) - _RESERVE
    iv = page[body_end : body_end + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(page[16 if first else 0 : body_end]) + decryptor.finalize()


def decrypted_disk_bytes(vault: Vault) -> bytes:
    """Every page of the database file and every frame of its WAL, decrypted, as on disk now."""
    key = bytes(vault._key())  # the data key is the raw SQLCipher key
    raw = (vault.directory / DB_NAME).read_bytes()
    assert len(raw) % _PAGE == 0
    pages = [_decrypt(key, raw[at : at + _PAGE], at == 0) for at in range(0, len(raw), _PAGE)]
    # Page 1 decrypts to SQLite's header: 4096-byte pages with 80 reserved bytes.
    assert pages[0][:2] == _PAGE.to_bytes(2, "big")
    assert pages[0][4] == _RESERVE
    wal_path = vault.directory / f"{DB_NAME}-wal"
    wal = wal_path.read_bytes() if wal_path.exists() else b""
    at = _WAL_HEADER
    while at + _FRAME_HEADER + _PAGE <= len(wal):
        page_number = int.from_bytes(wal[at : at + 4], "big")
        frame = wal[at + _FRAME_HEADER : at + _FRAME_HEADER + _PAGE]
        pages.append(_decrypt(key, frame, page_number == 1))
        at += _FRAME_HEADER + _PAGE
    return b"".join(pages)


def decrypted_export(vault: Vault, folder: Path) -> bytes:
    """A decrypted copy of the vault (``sqlcipher_export``), as the bytes of its files.

    Made through the vault's own connection, without a checkpoint, so it does
    not clean anything up on the way.
    """
    conn = vault._db.connection
    target = folder / f"plain-{uuid.uuid4().hex}.db"
    conn.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(target),))
    try:
        conn.execute("SELECT sqlcipher_export('plaintext')").fetchall()
    finally:
        conn.execute("DETACH DATABASE plaintext")
    # A plain SQLite file that opens without a key: the copy really is decrypted.
    with sqlite3.connect(target) as plain:
        assert plain.execute("SELECT count(*) FROM meta").fetchone()[0] >= 1
    plain.close()
    files = sorted(folder.glob(target.name + "*"))
    data = b"".join(path.read_bytes() for path in files)
    for path in files:
        path.unlink()
    return data


def traces(data: bytes, markers: Iterable[str]) -> list[str]:
    """The markers found in ``data``, ignoring case (the search index folds it).

    The last 12 characters are looked for too: the search index stores each word
    after the part it shares with the word before it.
    """
    folded = data.lower()
    return [
        marker
        for marker in markers
        if marker.lower().encode() in folded or marker.lower()[-12:].encode() in folded
    ]


def everywhere(vault: Vault, folder: Path, markers: Iterable[str]) -> dict[str, list[str]]:
    markers = list(markers)
    return {
        "disk": traces(decrypted_disk_bytes(vault), markers),
        "export": traces(decrypted_export(vault, folder), markers),
    }


# -- building records ----------------------------------------------------------------------


def _marker(kind: str) -> str:
    return f"{kind}{uuid.uuid4().hex}"


def closed_at(day: date) -> datetime:
    """Local noon on ``day``: the same local date wherever the tests run."""
    return datetime.combine(day, time(12)).astimezone()


def person_with_everything(vault: Vault, label: str) -> tuple[Person, list[str]]:
    """A person with a session, a checklist run, a diary entry, a consent and a referral,
    each carrying its own marker; returns the person and the markers."""
    m = {
        kind: _marker(f"{label}{kind}")
        for kind in ("alias", "realname", "note", "tick", "incident", "consent", "referral")
    }
    person = vault.people.add(m["alias"], real_name=m["realname"])
    session = vault.sessions.add(person.id, notes=f"Talked about {m['note']} at length.")
    vault.checklist_runs.add(session.id, "listening", 1, [Tick("reflect", utc_now(), m["tick"])])
    incident = vault.incidents.add(
        person.id, what_happened=f"Manager said {m['incident']}", place="Office"
    )
    consent = vault.consents.add(
        person.id,
        recipient_type=RecipientType.EAP,
        purpose=f"Support for {m['consent']}",
        categories=[ConsentCategory.SESSION_SUMMARIES],
        given_how=ConsentMethod.VERBAL,
        given_on=TODAY - timedelta(days=500),
        expires_on=TODAY - timedelta(days=400),
    )
    vault.referrals.add(
        person.id,
        recipient_type=RecipientType.EAP,
        recipient_name="Harbour EAP",
        situation=f"Referral about {m['referral']}",
        consent_id=consent.id,
        items=[ReferralItem(ReferralItemKind.INCIDENT, int(incident.id), "summary")],
    )
    return person, list(m.values())


@pytest.fixture
def kept(vault: Vault) -> tuple[Person, list[str]]:
    """Someone still supported: their records must survive every purge (the scans' control)."""
    return person_with_everything(vault, "keeper")


# -- who is due ------------------------------------------------------------------------------


def test_due_means_closed_more_than_the_period_ago_and_not_kept_longer(vault: Vault) -> None:
    def closed(alias: str, days_ago: int) -> Person:
        person = vault.people.add(alias)
        return vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=days_ago)))

    long_ago = closed("Long ago", 400)
    just_past = closed("Just past", PERIOD + 1)
    closed("Exactly the period", PERIOD)
    closed("Recently", 10)
    vault.people.add("Still supported")
    held = closed("Kept longer", 400)
    vault.retention.keep_longer(held.id, TODAY + timedelta(days=30), "Tribunal", today=TODAY)
    hold_over = closed("Hold ended", 500)
    vault.retention.keep_longer(hold_over.id, TODAY + timedelta(days=1), "Appeal", today=TODAY)

    due = vault.retention.due(TODAY, PERIOD)
    assert [p.alias for p in due] == ["Long ago", "Just past"]
    # The hold counts through its last day, then the case is due again.
    later = TODAY + timedelta(days=2)
    assert "Hold ended" in [p.alias for p in vault.retention.due(later, PERIOD)]
    assert "Kept longer" not in [p.alias for p in vault.retention.due(later, PERIOD)]
    assert due_on(long_ago, PERIOD) == TODAY - timedelta(days=400 - PERIOD - 1)
    assert due_on(just_past, PERIOD) == TODAY
    assert is_due(just_past, TODAY, PERIOD)
    assert not is_due(just_past, TODAY - timedelta(days=1), PERIOD)


def test_a_reopened_case_is_never_due(vault: Vault) -> None:
    person = vault.people.add("Back again")
    vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=900)))
    vault.people.reopen(person.id)
    assert vault.retention.due(TODAY, PERIOD) == []


# -- keeping a case longer ------------------------------------------------------------------


def test_keeping_longer_records_date_and_reason_and_a_content_free_event(vault: Vault) -> None:
    person = vault.people.add("Held")
    vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=400)))
    kept_person = vault.retention.keep_longer(
        person.id, date(2027, 1, 31), "  Grievance hearing in January  ", today=TODAY
    )
    assert kept_person.keep_until == date(2027, 1, 31)
    assert kept_person.keep_reason == "Grievance hearing in January"
    assert vault.people.get(person.id).keep_reason == "Grievance hearing in January"
    event = vault.audit.list()[0]
    assert (event.action, event.count) == (PERSON_KEPT_LONGER, None)


@pytest.mark.parametrize("reason", ["", "   \n\t "])
def test_keeping_longer_needs_a_written_reason(vault: Vault, reason: str) -> None:
    person = vault.people.add("No reason")
    vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=400)))
    with pytest.raises(InvalidText, match="Write why"):
        vault.retention.keep_longer(person.id, TODAY + timedelta(days=30), reason, today=TODAY)
    assert vault.people.get(person.id).keep_until is None
    assert vault.audit.list() == []


def test_keeping_longer_refuses_a_past_date_a_far_date_a_long_reason_and_an_open_case(
    vault: Vault,
) -> None:
    person = vault.people.add("Dates")
    vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=400)))
    with pytest.raises(ValueError, match="after today"):
        vault.retention.keep_longer(person.id, TODAY, "Tribunal", today=TODAY)
    with pytest.raises(ValueError, match="ten years"):
        vault.retention.keep_longer(person.id, TODAY + timedelta(days=4000), "x", today=TODAY)
    with pytest.raises(InvalidText, match="1000 characters"):
        vault.retention.keep_longer(person.id, TODAY + timedelta(days=9), "x" * 1001, today=TODAY)
    still_open = vault.people.add("Open")
    with pytest.raises(ValueError, match="closed case"):
        vault.retention.keep_longer(still_open.id, TODAY + timedelta(days=9), "x", today=TODAY)
    with pytest.raises(NotFound):
        vault.retention.keep_longer(
            vault.people.add("Gone").id + 100, TODAY + timedelta(days=9), "x", today=TODAY
        )
    assert vault.people.get(still_open.id).keep_until is None
    assert vault.audit.list() == []


# -- purging -----------------------------------------------------------------------------------


def test_purge_deletes_only_those_still_due_and_logs_one_count(vault: Vault) -> None:
    old = [vault.people.add(f"Old {n}") for n in range(3)]
    for person in old:
        vault.people.close(person.id, at=closed_at(TODAY - timedelta(days=400)))
    recent = vault.people.add("Recent")
    vault.people.close(recent.id, at=closed_at(TODAY - timedelta(days=3)))
    # Kept longer after the review listed them: the purge must leave them alone.
    vault.retention.keep_longer(old[2].id, TODAY + timedelta(days=60), "Appeal", today=TODAY)

    count = vault.retention.purge(
        [old[0].id, old[1].id, old[2].id, recent.id], today=TODAY, after_days=PERIOD
    )

    assert count == 2
    left = {p.alias for p in vault.people.list(include_closed=True)}
    assert left == {"Old 2", "Recent"}
    events = [(e.action, e.count) for e in vault.audit.list()]
    assert events[0] == (PEOPLE_PURGED, 2)
    assert vault.retention.purge([recent.id], today=TODAY, after_days=PERIOD) == 0
    assert [e.action for e in vault.audit.list()].count(PEOPLE_PURGED) == 1


def test_a_purge_leaves_no_trace_on_disk_or_in_a_decrypted_copy(
    tmp_path: Path, vault: Vault, kept: tuple[Person, list[str]]
) -> None:
    assert secure_delete_enabled(vault._db)
    doomed, markers = person_with_everything(vault, "purged")
    vault.people.close(doomed.id, at=closed_at(TODAY - timedelta(days=400)))
    # While the records exist, both scans find every one of them.
    assert everywhere(vault, tmp_path, markers) == {"disk": markers, "export": markers}

    assert vault.retention.purge([doomed.id], today=TODAY, after_days=PERIOD) == 1

    assert everywhere(vault, tmp_path, markers) == {"disk": [], "export": []}
    # The scans still read real content: the person kept is all there.
    keeper_markers = kept[1]
    assert everywhere(vault, tmp_path, keeper_markers) == {
        "disk": keeper_markers,
        "export": keeper_markers,
    }
    assert (vault.directory / f"{DB_NAME}-wal").stat().st_size == 0
    assert all(vault.search(marker) == [] for marker in markers)
    assert vault.audit.list()[0].count == 1


def test_erasing_a_person_leaves_no_trace_on_disk_or_in_a_decrypted_copy(
    tmp_path: Path, vault: Vault, kept: tuple[Person, list[str]]
) -> None:
    doomed, markers = person_with_everything(vault, "erased")
    assert everywhere(vault, tmp_path, markers) == {"disk": markers, "export": markers}

    vault.people.delete(doomed.id)

    assert everywhere(vault, tmp_path, markers) == {"disk": [], "export": []}
    assert traces(decrypted_disk_bytes(vault), kept[1]) == kept[1]
    assert [(e.action, e.count) for e in vault.audit.list()][0] == (PERSON_DELETED, None)


def test_without_vacuum_and_checkpoint_the_disk_still_holds_deleted_words(
    tmp_path: Path, vault: Vault
) -> None:
    """Why reclaim() exists: secure_delete alone leaves old page images in the WAL."""
    doomed, markers = person_with_everything(vault, "unreclaimed")
    with vault._db.transaction():
        vault._db.execute("DELETE FROM people WHERE id = ?", (doomed.id,))
    # The logical copy is clean (the rows and index words are gone)...
    assert traces(decrypted_export(vault, tmp_path), markers) == []
    # ...but the file's pages still hold them, until reclaim() rewrites them.
    assert traces(decrypted_disk_bytes(vault), markers) != []
    reclaim(vault._db)
    assert traces(decrypted_disk_bytes(vault), markers) == []


def test_without_secure_delete_in_the_search_index_even_vacuum_keeps_the_words(
    tmp_path: Path, vault: Vault
) -> None:
    """Why the search index is created with secure-delete on (DESIGN.md, "Traps")."""
    vault._db.execute("INSERT INTO search_index(search_index, rank) VALUES ('secure-delete', 0)")
    doomed, markers = person_with_everything(vault, "indexed")
    vault.people.delete(doomed.id)  # rows, VACUUM and checkpoint: all but the index option
    found = traces(decrypted_export(vault, tmp_path), markers)
    indexed = [m for m in markers if "alias" in m or "note" in m or "incident" in m]
    assert found == indexed


def test_reclaim_refuses_to_run_inside_a_transaction(vault: Vault) -> None:
    with vault._db.transaction(), pytest.raises(RuntimeError, match="after the deleting"):
        reclaim(vault._db)


def test_settings_and_audit_hold_nothing_about_people(tmp_path: Path, vault: Vault) -> None:
    """What outlives a purge by design (settings, the audit log) names no one."""
    doomed, markers = person_with_everything(vault, "settings")
    vault.people.close(doomed.id, at=closed_at(TODAY - timedelta(days=400)))
    vault.retention.keep_longer(doomed.id, TODAY + timedelta(days=1), "Appeal", today=TODAY)
    vault.retention.purge([doomed.id], today=TODAY + timedelta(days=2), after_days=PERIOD)
    rows = vault._db.all("SELECT key, value FROM settings") + vault._db.all(
        "SELECT action, count FROM audit_events"
    )
    assert traces(repr([tuple(row) for row in rows]).encode(), [*markers, "Appeal"]) == []


# -- the setting ----------------------------------------------------------------------------


def test_the_retention_setting_defaults_to_a_year_within_a_month_and_ten_years() -> None:
    preferences = Preferences(MemorySettings())
    assert preferences.get(RETENTION_DAYS) == 365
    preferences.set(RETENTION_DAYS, 30)
    assert preferences.get(RETENTION_DAYS) == 30
    for wrong in (29, 3651, True):
        with pytest.raises(ValueError, match="Delete closed people"):
            preferences.set(RETENTION_DAYS, wrong)
