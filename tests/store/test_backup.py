"""Backup and restore on real SQLCipher: round trip, refusals, cancel, faults, snapshots.

"Byte-exact" here means: every row of every table (the FTS index's own tables
included) reads back equal, and a plaintext ``sqlcipher_export`` of the source
vault and of the restored one are the same bytes. The encrypted files cannot be
equal (SQLCipher gives every page write a fresh IV), and should not be.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from peerdesk.backup_reminder import backup_reminder_text
from peerdesk.preferences import BACKUP_REMINDER_DAYS, Preferences
from peerdesk.store import (
    BackupDamaged,
    Cancelled,
    DiskFull,
    KdfParams,
    NotABackup,
    Vault,
    VaultExists,
    VaultTooNew,
    WrongPassphrase,
    recovery,
)
from peerdesk.store import backup as backups
from peerdesk.store.audit import BACKUP_MADE
from peerdesk.store.db import Database
from peerdesk.store.vault import ReadAccess

from ..conftest import HOSTILE_TEXTS
from ..unprivileged import RAISED_VAULT_ERROR, make_reachable, run_unprivileged
from .conftest import PASSPHRASE

SMALL_CHUNK = 16 * 1024  # several chunks even for a small vault
BACKUP_WORDS = "tin lantern over quiet harbour"
NEW_WORDS = "seven orange kites drifting"


# -- helpers ------------------------------------------------------------------------------


def fill(vault: Vault) -> None:
    """People, sessions and diary entries, hostile text included, and one long note."""
    for index, text in enumerate(sorted(HOSTILE_TEXTS.values())):
        person = vault.people.add(alias=f"Person {index}")
        vault.sessions.add(person.id, notes=text)
        vault.incidents.add(person.id, what_happened=text)
    long_one = vault.people.add(alias="Long notes")
    vault.sessions.add(long_one.id, notes="A long note about a long week. " * 8000)


def rows_by_table(db: Database) -> dict[str, list[tuple[object, ...]]]:
    tables = [
        r[0]
        for r in db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        t: sorted((tuple(r) for r in db.all(f'SELECT * FROM "{t}"')), key=repr)  # noqa: S608
        for t in tables
    }


def contents(access: ReadAccess) -> dict[str, list[tuple[object, ...]]]:
    db = access.open()
    try:
        return rows_by_table(db)
    finally:
        db.close()


def plaintext_export(access: ReadAccess, out: Path) -> bytes:
    """The database exported by SQLCipher into an unencrypted file, as bytes."""
    db = access.open()
    try:
        db.execute(f"ATTACH DATABASE '{out}' AS plain KEY ''")
        db.execute("SELECT sqlcipher_export('plain')").fetchall()
        db.execute("DETACH DATABASE plain")
    finally:
        db.close()
    data = out.read_bytes()
    out.unlink()
    return data


def folder_state(folder: Path) -> dict[str, tuple[int, bytes]] | None:
    """Every file and folder under ``folder`` with its mode and bytes; None if it is absent."""
    if not folder.exists():
        return None
    state: dict[str, tuple[int, bytes]] = {".": (folder.stat().st_mode, b"")}
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() else b""
        state[str(path.relative_to(folder))] = (path.stat().st_mode, data)
    return state


def make(vault: Vault, path: Path, **kwargs: object) -> backups.BackupInfo:
    access = vault.read_access()
    try:
        return backups.write_backup(access, path, chunk_bytes=SMALL_CHUNK, **kwargs)  # type: ignore[arg-type]
    finally:
        access.wipe()


@pytest.fixture
def filled(vault: Vault) -> Vault:
    fill(vault)
    return vault


@pytest.fixture
def made(filled: Vault, tmp_path: Path) -> Path:
    path = tmp_path / "out" / backups.suggested_file_name(date(2026, 11, 29))
    path.parent.mkdir()
    make(filled, path)
    return path


# -- round trip ---------------------------------------------------------------------------


def test_round_trip_is_exact(
    filled: Vault, made: Path, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    source = filled.read_access()
    restored, code = backups.restore_backup(
        made, tmp_path / "new" / "vault", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    with restored:
        copy = restored.read_access()
        assert code is None  # the vault's own recovery code still opens it
        assert contents(copy) == contents(source)
        assert any(rows for rows in contents(copy).values())
        assert plaintext_export(copy, tmp_path / "b.db") == plaintext_export(
            source, tmp_path / "a.db"
        )
        assert restored.check_integrity().ok
        copy.wipe()
    source.wipe()


def test_restored_vault_opens_with_passphrase_and_recovery_code(
    created: tuple[Vault, str], tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault, code = created
    fill(vault)
    path = tmp_path / "b.peerdesk-backup"
    make(vault, path)
    target = tmp_path / "restored"
    backups.restore_backup(path, target, recovery_code=code, kdf=fast_kdf)[0].close()
    Vault.open(target, PASSPHRASE, kdf=fast_kdf).close()
    with Vault.open(target, recovery_code=code, kdf=fast_kdf) as again:
        assert {p.alias for p in again.people.list()} >= {"Long notes", "Person 0"}


def test_file_name_header_and_permissions(made: Path, tmp_path: Path, fast_kdf: KdfParams) -> None:
    assert made.name == "peerdesk-2026-11-29.peerdesk-backup"
    assert made.read_bytes().startswith(backups.MAGIC)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no temp files
    assert b"Long notes" not in made.read_bytes()
    info = backups.read_info(made)
    assert info.unlock == backups.VAULT_SLOTS
    assert not info.separate_passphrase
    target = tmp_path / "new" / "vault"
    backups.restore_backup(made, target, passphrase=PASSPHRASE, kdf=fast_kdf)[0].close()
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    for child in target.iterdir():
        assert stat.S_IMODE(child.stat().st_mode) == 0o600, child.name


def test_record_backup_made_is_content_free(vault: Vault) -> None:
    when = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
    backups.record_backup_made(vault, when)
    assert vault.audit.list()[0].action == BACKUP_MADE
    assert vault.audit.list()[0].count is None
    assert backups.last_backup_at(vault) == when


def test_record_restored(made: Path, tmp_path: Path, fast_kdf: KdfParams) -> None:
    restored, _code = backups.restore_backup(
        made, tmp_path / "r", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    with restored:
        backups.record_restored(restored)
        assert restored.audit.list()[0].action == "vault_restored"


# -- a separate backup passphrase ----------------------------------------------------------


def test_separate_passphrase(
    created: tuple[Vault, str], tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault, old_code = created
    fill(vault)
    path = tmp_path / "sep.peerdesk-backup"
    make(vault, path, backup_passphrase=BACKUP_WORDS)
    assert backups.read_info(path).separate_passphrase
    target = tmp_path / "restored"
    # The vault's passphrase and recovery code do not open it: only the backup's.
    with pytest.raises(WrongPassphrase, match="separate backup passphrase"):
        backups.restore_backup(
            path, target, passphrase=PASSPHRASE, new_passphrase=NEW_WORDS, kdf=fast_kdf
        )
    assert not target.exists()
    restored, new_code = backups.restore_backup(
        path, target, passphrase=BACKUP_WORDS, new_passphrase=NEW_WORDS, kdf=fast_kdf
    )
    source = vault.read_access()
    with restored:
        copy = restored.read_access()
        assert contents(copy) == contents(source)
        copy.wipe()
    source.wipe()
    assert new_code is not None
    assert new_code != old_code
    Vault.open(target, NEW_WORDS, kdf=fast_kdf).close()
    Vault.open(target, recovery_code=new_code, kdf=fast_kdf).close()
    for wrong in ({"passphrase": BACKUP_WORDS}, {"recovery_code": old_code}):
        with pytest.raises(WrongPassphrase):
            Vault.open(target, kdf=fast_kdf, **wrong)  # type: ignore[arg-type]


def test_separate_slot_cannot_be_moved_into_a_vault(
    vault: Vault, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    """The backup's slot is bound to an id of its own, not the vault's."""
    path = tmp_path / "sep.peerdesk-backup"
    make(vault, path, backup_passphrase=BACKUP_WORDS)
    with backups._open_backup(path) as (_stream, header):
        assert header.unlock["wrap_id"] != vault.vault_id


# -- wrong secrets -------------------------------------------------------------------------


def test_wrong_passphrase_changes_nothing(made: Path, tmp_path: Path, fast_kdf: KdfParams) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "unrelated.txt").write_text("left alone")
    before = folder_state(target)
    with pytest.raises(WrongPassphrase, match="does not open this backup"):
        backups.restore_backup(made, target / "vault", passphrase="not it at all", kdf=fast_kdf)
    with pytest.raises(WrongPassphrase, match="recovery code does not open"):
        backups.restore_backup(
            made, target / "vault", recovery_code=recovery.generate(), kdf=fast_kdf
        )
    assert folder_state(target) == before


# -- damaged and foreign files ---------------------------------------------------------------


def _header_end(data: bytes) -> int:
    length = int.from_bytes(data[len(backups.MAGIC) + 2 : len(backups.MAGIC) + 6], "big")
    return len(backups.MAGIC) + 6 + length + 32


DAMAGE = {
    "magic": lambda d: b"\x00" + d[1:],
    "version": lambda d: d[:20] + b"\x00\x00" + d[22:],
    "header json": lambda d: d[:40] + bytes([d[40] ^ 0x01]) + d[41:],
    "header digest": lambda d: (
        d[: _header_end(d) - 1] + bytes([d[_header_end(d) - 1] ^ 1]) + d[_header_end(d) :]
    ),
    "first payload byte": lambda d: (
        d[: _header_end(d)] + bytes([d[_header_end(d)] ^ 0x80]) + d[_header_end(d) + 1 :]
    ),
    "middle of payload": lambda d: (
        d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 0x10]) + d[len(d) // 2 + 1 :]
    ),
    "last tag byte": lambda d: d[:-1] + bytes([d[-1] ^ 0x01]),
    "cut short by one byte": lambda d: d[:-1],
    "cut in half": lambda d: d[: len(d) // 2],
    "cut after the header": lambda d: d[: _header_end(d)],
    "one byte added": lambda d: d + b"\x00",
    "two chunks swapped": lambda d: _swap_chunks(d),
}


def _swap_chunks(data: bytes) -> bytes:
    start, size = _header_end(data), SMALL_CHUNK + backups.TAG_BYTES
    first, second = data[start : start + size], data[start + size : start + 2 * size]
    return data[:start] + second + first + data[start + 2 * size :]


@pytest.mark.parametrize("damage", sorted(DAMAGE), ids=sorted(DAMAGE))
def test_damaged_backup_is_refused_and_target_unchanged(
    made: Path, tmp_path: Path, fast_kdf: KdfParams, damage: str
) -> None:
    damaged = tmp_path / "damaged.peerdesk-backup"
    damaged.write_bytes(DAMAGE[damage](made.read_bytes()))
    target = tmp_path / "elsewhere"
    target.mkdir()
    before = folder_state(target)
    expected = NotABackup if damage == "magic" else BackupDamaged
    with pytest.raises(expected) as raised:
        backups.restore_backup(damaged, target / "vault", passphrase=PASSPHRASE, kdf=fast_kdf)
    assert "Nothing has been changed" in str(raised.value)
    assert folder_state(target) == before


def _tiny_pdf() -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


FOREIGN = {
    "empty file": lambda: b"",
    "random bytes": lambda: os.urandom(64 * 1024),
    "a PDF": _tiny_pdf,
    "a text file": lambda: b"peerdesk backup, honest\n",
    "a SQLite file": lambda: b"SQLite format 3\x00" + bytes(4080),
}


@pytest.mark.parametrize("kind", sorted(FOREIGN), ids=sorted(FOREIGN))
def test_foreign_file_is_refused_and_target_unchanged(
    tmp_path: Path, fast_kdf: KdfParams, kind: str
) -> None:
    foreign = tmp_path / "foreign.peerdesk-backup"
    foreign.write_bytes(FOREIGN[kind]())
    before = folder_state(tmp_path / "vault")
    with pytest.raises(NotABackup, match="not a peerdesk backup"):
        backups.read_info(foreign)
    with pytest.raises(NotABackup):
        backups.restore_backup(foreign, tmp_path / "vault", passphrase=PASSPHRASE, kdf=fast_kdf)
    assert folder_state(tmp_path / "vault") == before is None


def test_newer_format_is_refused_politely(made: Path, tmp_path: Path) -> None:
    import hashlib

    data = made.read_bytes()
    end = _header_end(data)
    raw = data[:20] + (2).to_bytes(2, "big") + data[22 : end - 32]
    newer = tmp_path / "newer.peerdesk-backup"
    newer.write_bytes(raw + hashlib.sha256(raw).digest() + data[end:])
    with pytest.raises(VaultTooNew, match="newer version of peerdesk"):
        backups.read_info(newer)


def test_unreadable_path_is_a_plain_message(tmp_path: Path) -> None:
    with pytest.raises(backups.VaultWriteError, match="cannot be read"):
        backups.read_info(tmp_path / "gone.peerdesk-backup")


# -- never over a vault ------------------------------------------------------------------------


def test_restore_refuses_a_folder_with_a_vault(
    made: Path, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    other, _code = Vault.create(tmp_path / "other", "another vault's words", kdf=fast_kdf)
    other.people.add(alias="Someone else")
    other.close()
    before = folder_state(tmp_path / "other")
    with pytest.raises(VaultExists, match="never restores over"):
        backups.restore_backup(made, tmp_path / "other", passphrase=PASSPHRASE, kdf=fast_kdf)
    assert folder_state(tmp_path / "other") == before


# -- cancel ------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", [0.1, 0.6, 0.95], ids=["copying", "encrypting", "last chunk"])
def test_cancelling_a_backup_leaves_nothing(filled: Vault, tmp_path: Path, at: float) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cancel = threading.Event()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction >= at:
            cancel.set()

    with pytest.raises(Cancelled):
        make(filled, out / "b.peerdesk-backup", progress=progress, cancel=cancel)
    assert list(out.iterdir()) == []
    assert seen
    assert max(seen) < 1.0


def test_cancelling_a_restore_leaves_the_folder_as_it_was(
    made: Path, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    cancel = threading.Event()

    def progress(fraction: float) -> None:
        if fraction > 0.3:
            cancel.set()

    with pytest.raises(Cancelled):
        backups.restore_backup(
            made,
            tmp_path / "new" / "data" / "vault",
            passphrase=PASSPHRASE,
            kdf=fast_kdf,
            progress=progress,
            cancel=cancel,
        )
    assert not (tmp_path / "new").exists()


def test_progress_rises_to_one(filled: Vault, tmp_path: Path, fast_kdf: KdfParams) -> None:
    seen: list[float] = []
    make(filled, tmp_path / "b.peerdesk-backup", progress=seen.append)
    assert len(seen) > 5
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    restored_seen: list[float] = []
    backups.restore_backup(
        tmp_path / "b.peerdesk-backup",
        tmp_path / "r",
        passphrase=PASSPHRASE,
        kdf=fast_kdf,
        progress=restored_seen.append,
    )[0].close()
    assert len(restored_seen) > 5
    assert restored_seen == sorted(restored_seen)
    assert restored_seen[-1] == 1.0


# -- faults --------------------------------------------------------------------------------------


def test_disk_full_while_writing_leaves_no_partial_file(
    filled: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real_write = os.write
    written = [0]

    def filling_up(fd: int, data: bytes) -> int:
        written[0] += 1
        if written[0] > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(backups.os, "write", filling_up)
    with pytest.raises(DiskFull, match="disk is full"):
        make(filled, out / "b.peerdesk-backup")
    monkeypatch.undo()
    assert list(out.iterdir()) == []


def test_disk_full_while_restoring_changes_nothing(
    made: Path, tmp_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backups.os, "write", full)
    with pytest.raises(DiskFull, match="disk is full"):
        backups.restore_backup(made, tmp_path / "r" / "vault", passphrase=PASSPHRASE, kdf=fast_kdf)
    monkeypatch.undo()
    assert not (tmp_path / "r").exists()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_unwritable_backup_folder(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    os.chmod(folder, 0o555)  # noqa: S103 - readable, deliberately not writable
    make_reachable(folder)
    access = vault.read_access()
    code, message = run_unprivileged(
        lambda: backups.write_backup(access, folder / "b.peerdesk-backup")
    )
    access.wipe()
    assert code == RAISED_VAULT_ERROR, message
    assert "not allowed to write in that folder" in message
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_unwritable_restore_folder(made: Path, tmp_path: Path, fast_kdf: KdfParams) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    os.chmod(folder, 0o555)  # noqa: S103 - readable, deliberately not writable
    os.chmod(made, 0o644)
    make_reachable(folder)
    make_reachable(made.parent)
    code, message = run_unprivileged(
        lambda: backups.restore_backup(made, folder / "vault", passphrase=PASSPHRASE, kdf=fast_kdf)
    )
    assert code == RAISED_VAULT_ERROR, message
    assert "not allowed to write" in message
    assert list(folder.iterdir()) == []


# -- a snapshot, while the app writes ------------------------------------------------------


def test_writes_during_the_backup_are_not_in_it(
    filled: Vault, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    """A write that commits mid-copy is after the snapshot: absent, and nothing is torn."""
    before = {p.alias for p in filled.people.list()}
    wrote = [False]

    def progress(fraction: float) -> None:
        if not wrote[0] and 0 < fraction < 0.5:
            wrote[0] = True
            person = filled.people.add(alias="Added mid-backup")
            filled.sessions.add(person.id, notes="Written while the copy was under way. " * 500)

    make(filled, tmp_path / "b.peerdesk-backup", progress=progress)
    assert wrote[0]
    restored, _ = backups.restore_backup(
        tmp_path / "b.peerdesk-backup", tmp_path / "r", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    with restored:
        assert {p.alias for p in restored.people.list()} == before
        assert restored.check_integrity().ok


def test_snapshot_is_consistent_with_a_writer_running(
    filled: Vault, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    """Another thread commits person + session pairs throughout: each pair is all or nothing."""
    stop = threading.Event()
    committed = [0]
    failures: list[BaseException] = []
    start_count = len(filled.people.list())

    def writer() -> None:
        try:
            while not stop.is_set():
                with filled._db.transaction():
                    person = filled.people.add(alias=f"Writer {committed[0]}")
                    filled.sessions.add(person.id, notes="pair " * 200)
                committed[0] += 1
        except BaseException as exc:  # reported below, never lost
            failures.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while committed[0] < 5:
            stop.wait(0.01)
        make(filled, tmp_path / "b.peerdesk-backup")
        during = committed[0]
    finally:
        stop.set()
        thread.join()
    assert not failures
    restored, _ = backups.restore_backup(
        tmp_path / "b.peerdesk-backup", tmp_path / "r", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    with restored:
        people = restored.people.list()
        writers = [p for p in people if p.alias.startswith("Writer ")]
        assert 5 <= len(writers) <= during + 1
        assert len(people) == start_count + len(writers)
        for person in writers:
            assert len(restored.sessions.list_for_person(person.id)) == 1
        assert restored.check_integrity().ok


def test_a_quiet_vault_is_sealed_from_its_own_file(
    filled: Vault, tmp_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No writer: one pass over vault.db, no temporary copy through the backup API."""

    def no_copy(*_args: object) -> None:
        raise AssertionError("took the slow copy on a quiet vault")

    monkeypatch.setattr(backups, "_snapshot", no_copy)
    make(filled, tmp_path / "b.peerdesk-backup")
    restored, _ = backups.restore_backup(
        tmp_path / "b.peerdesk-backup", tmp_path / "r", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    source = filled.read_access()
    with restored:
        copy = restored.read_access()
        assert contents(copy) == contents(source)
        copy.wipe()
    source.wipe()


def test_falls_back_to_the_backup_api_when_the_file_never_catches_up(
    filled: Vault, tmp_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[bool] = []

    def never(_access: ReadAccess) -> bool:
        tries.append(False)
        return False

    monkeypatch.setattr(backups, "_caught_up", never)
    out = tmp_path / "out"
    out.mkdir()
    seen: list[float] = []
    make(filled, out / "b.peerdesk-backup", progress=seen.append)
    assert len(tries) == backups.FREEZE_ATTEMPTS
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert [p.name for p in out.iterdir()] == ["b.peerdesk-backup"]  # no temporary copy left
    restored, _ = backups.restore_backup(
        out / "b.peerdesk-backup", tmp_path / "r", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    source = filled.read_access()
    with restored:
        copy = restored.read_access()
        assert contents(copy) == contents(source)
        assert plaintext_export(copy, tmp_path / "b.db") == plaintext_export(
            source, tmp_path / "a.db"
        )
        copy.wipe()
    source.wipe()


@pytest.mark.parametrize("path", ["vault file", "backup API"])
def test_a_checkpoint_mid_copy_does_not_reach_the_snapshot(
    filled: Vault,
    tmp_path: Path,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
) -> None:
    """Commits mid-copy, each copied back into vault.db by a checkpoint at once: still absent."""
    if path == "backup API":
        monkeypatch.setattr(backups, "_caught_up", lambda _access: False)
    before = {p.alias for p in filled.people.list()}
    wrote = [0]

    def progress(fraction: float) -> None:
        if wrote[0] < 3 and 0 < fraction < 0.5:
            wrote[0] += 1
            person = filled.people.add(alias=f"Added mid-backup {wrote[0]}")
            filled.sessions.add(person.id, notes="Written while the copy was under way. " * 500)
            filled.people.rename(filled.people.list()[0].id, "Renamed mid-backup")
            filled._db.one("PRAGMA wal_checkpoint(PASSIVE)")

    make(filled, tmp_path / "b.peerdesk-backup", progress=progress)
    assert wrote[0] == 3
    restored, _ = backups.restore_backup(
        tmp_path / "b.peerdesk-backup", tmp_path / "r", passphrase=PASSPHRASE, kdf=fast_kdf
    )
    with restored:
        assert {p.alias for p in restored.people.list()} == before
        assert restored.check_integrity().ok


# -- the reminder ----------------------------------------------------------------------------------


def test_reminder(vault: Vault) -> None:
    today = datetime.now().date()
    assert backup_reminder_text(vault, today) is None  # a new vault: not yet
    later = backup_reminder_text(vault, today + timedelta(days=14))
    assert later is not None
    assert "not backed up" in later
    backups.record_backup_made(vault, datetime.now(UTC))
    assert backup_reminder_text(vault, today + timedelta(days=13)) is None
    due = backup_reminder_text(vault, today + timedelta(days=20))
    assert due is not None
    assert "20 days ago" in due
    Preferences(vault.settings).set(BACKUP_REMINDER_DAYS, 0)
    assert backup_reminder_text(vault, today + timedelta(days=400)) is None
    Preferences(vault.settings).set(BACKUP_REMINDER_DAYS, 30)
    assert backup_reminder_text(vault, today + timedelta(days=20)) is None


def test_reminder_setting_limits() -> None:
    assert BACKUP_REMINDER_DAYS.default == 14
    assert BACKUP_REMINDER_DAYS.problem(0) is None
    assert BACKUP_REMINDER_DAYS.problem(366) is not None
    assert BACKUP_REMINDER_DAYS.problem(-1) is not None
