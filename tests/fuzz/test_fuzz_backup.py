"""Fuzzing backups: a damaged *.peerdesk-backup is refused, and restore leaves no trace.

Two real backups of a small vault are made once: one that opens with the
vault's own passphrase (``vault_slots``, sealed in 4 KiB chunks so there are
many to reorder), one under a separate backup passphrase. Every example
mutates one, then reads its header (:func:`read_info`) and restores it into a
folder that does not exist yet, with the right passphrase.

Damage:

- bytes (bit flips, truncation, extension, splices, insertions, deletions,
  zeroed runs, swapped blocks) anywhere: magic, header, digest, chunks, tags;
- the header's JSON changed structurally and the header's length and SHA-256
  digest recomputed, so the parser and the key slots inside see it.

Allowed outcomes: :class:`NotABackup`, :class:`BackupDamaged`,
:class:`VaultTooNew`, or :class:`WrongPassphrase` (a header re-signed with
other key material fails the AEAD tag, which cannot tell damage from a wrong
passphrase); or, for a mutation that changes nothing that matters (a no-op
swap of identical blocks, a JSON change to a field nobody reads), a restored
vault holding exactly the original people. Nothing else, within the time limit;
the backup file keeps its bytes and mtime; and after a refusal the folder the
restore was aimed at does not exist and its parent holds exactly what it held.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import struct
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerdesk.store import Vault, VaultTooNew, WrongPassphrase
from peerdesk.store.backup import (
    MAGIC,
    BackupDamaged,
    NotABackup,
    read_info,
    restore_backup,
    write_backup,
)
from tests.conftest import FAST_KDF

from .mutations import (
    CI,
    SLOW,
    apply_all,
    byte_mutations,
    file_state,
    folder_state,
    json_mutations,
    require_slow_run,
    time_limit,
    write_like,
)

PASSPHRASE = "fuzzing the backups"
BACKUP_PASSPHRASE = "a separate one for the stick"
NEW_PASSPHRASE = "the restored vault's own"
ALIASES = ["Ari", "Bo", "Cy"]
ALLOWED = (NotABackup, BackupDamaged, VaultTooNew, WrongPassphrase)
_PREFIX = struct.Struct(">HI")


class Pristine(dict[str, bytes]):
    def __repr__(self) -> str:
        return "<pristine backups>"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("pristine")
    vault, _code = Vault.create(base / "vault", PASSPHRASE, kdf=FAST_KDF)
    for alias in ALIASES:
        person = vault.people.add(alias=alias)
        vault.sessions.add(person.id, notes="Talked about the rota. " * 50)
    access = vault.read_access()
    try:
        write_backup(access, base / "slots.peerdesk-backup", chunk_bytes=4096)
        write_backup(access, base / "own.peerdesk-backup", backup_passphrase=BACKUP_PASSPHRASE)
    finally:
        access.wipe()
        vault.close()
    return Pristine(
        vault_slots=(base / "slots.peerdesk-backup").read_bytes(),
        backup_passphrase=(base / "own.peerdesk-backup").read_bytes(),
    )


def _split(data: bytes) -> tuple[Any, bytes]:
    """The header's JSON, and the payload after the header digest."""
    start = len(MAGIC) + _PREFIX.size
    _version, length = _PREFIX.unpack(data[len(MAGIC) : start])
    return json.loads(data[start : start + length]), data[start + length + 32 :]


def _resealed(doc: Any, payload: bytes) -> bytes:
    """A backup with header ``doc``, a matching length and digest, and ``payload``."""
    body = json.dumps(doc).encode("utf-8")
    raw = MAGIC + _PREFIX.pack(1, len(body)) + body
    return raw + hashlib.sha256(raw).digest() + payload


def _attempt(kind: str, data: bytes) -> str:
    parent = Path(tempfile.mkdtemp(prefix="fuzz-backup-"))
    try:
        source = parent / "damaged.peerdesk-backup"
        write_like(source, data)
        target = parent / "restored"
        before_source = file_state(source)
        before_parent = folder_state(parent)
        before_entries = sorted(p.name for p in parent.iterdir())
        outcome = "restored"
        with time_limit():
            with contextlib.suppress(*ALLOWED):
                read_info(source)
            try:
                if kind == "vault_slots":
                    vault, _code = restore_backup(
                        source, target, passphrase=PASSPHRASE, kdf=FAST_KDF
                    )
                else:
                    vault, _code = restore_backup(
                        source,
                        target,
                        passphrase=BACKUP_PASSPHRASE,
                        new_passphrase=NEW_PASSPHRASE,
                        kdf=FAST_KDF,
                    )
            except ALLOWED as exc:
                outcome = type(exc).__name__
            else:
                with vault:
                    assert sorted(p.alias for p in vault.people.list()) == ALIASES
        assert file_state(source) == before_source
        if outcome != "restored":
            assert not target.exists()
            assert sorted(p.name for p in parent.iterdir()) == before_entries
            assert folder_state(parent) == before_parent
        return outcome
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_the_pristine_backups_restore(pristine: dict[str, bytes]) -> None:
    for kind, data in pristine.items():
        assert _attempt(kind, data) == "restored"
    assert _attempt("vault_slots", b"") == "NotABackup"


@CI
@given(kind=st.sampled_from(["vault_slots", "backup_passphrase"]), mutations=byte_mutations)
def test_damaged_bytes_are_refused_without_a_trace(
    pristine: dict[str, bytes], kind: str, mutations: list[Any]
) -> None:
    _attempt(kind, apply_all(pristine[kind], mutations))


@CI
@given(kind=st.sampled_from(["vault_slots", "backup_passphrase"]), data=st.data())
def test_a_changed_header_with_a_matching_digest_is_refused_without_a_trace(
    pristine: dict[str, bytes], kind: str, data: st.DataObject
) -> None:
    header, payload = _split(pristine[kind])
    _attempt(kind, _resealed(data.draw(json_mutations(header)), payload))


@pytest.mark.slow
@SLOW
@given(kind=st.sampled_from(["vault_slots", "backup_passphrase"]), data=st.data())
def test_slow_damaged_backups_are_refused_without_a_trace(
    request: pytest.FixtureRequest, pristine: dict[str, bytes], kind: str, data: st.DataObject
) -> None:
    require_slow_run(request)
    if data.draw(st.booleans()):
        _attempt(kind, apply_all(pristine[kind], data.draw(byte_mutations)))
    else:
        header, payload = _split(pristine[kind])
        _attempt(kind, _resealed(data.draw(json_mutations(header)), payload))
