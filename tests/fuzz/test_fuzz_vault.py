"""Fuzzing vault.db (and its -wal): a damaged database is refused, or opens, and is never changed.

A real small vault is made once; every example copies it to a fresh folder,
damages ``vault.db`` or ``vault.db-wal`` with a few byte mutations (bit flips,
truncation, extension, spliced, inserted, deleted or zeroed bytes, swapped
blocks) and unlocks it with the right passphrase.

Allowed outcomes:

- refused with :class:`VaultDamaged` (the key slots are intact and the
  passphrase is right, so never :class:`WrongPassphrase`), and every file in
  the folder is byte for byte and mtime for mtime what it was;
- or it opens: a flipped bit in free space, in a freelist page SQLite never
  reads, or in a WAL frame whose checksum SQLite then ignores (it stops
  replaying the WAL there, as after a crash) is not damage anyone can see.
  Then listing people and searching must work or raise :class:`VaultDamaged`
  (a damaged page that the cheap open-time check did not reach), and the key
  file is unchanged. Opening may checkpoint the WAL into vault.db: that is
  SQLite recovering a crashed vault, which is what opening one is for.

A refusal leaves a crashed vault's WAL alone too: the checks that can refuse
run on a read-only connection first (``Database.open(read_only=True)``), as
closing a refused read-write connection would let SQLite checkpoint the WAL
into vault.db and delete it, losing the last commits from the folder
peerdesk says it did not change (the bug this module found).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerdesk.store import Vault, VaultDamaged, VaultError
from tests.conftest import FAST_KDF

from .mutations import (
    CI,
    SLOW,
    apply_all,
    byte_mutations,
    folder_state,
    require_slow_run,
    time_limit,
    write_like,
)

PASSPHRASE = "fuzzing the vault files"
SEARCHED = "meeting"


def _fill(vault: Vault) -> None:
    for n in range(3):
        person = vault.people.add(alias=f"Person {n}")
        for day in range(4):
            vault.sessions.add(person.id, notes=f"Session {day}: the team {SEARCHED} again. " * 20)
        vault.incidents.add(person.id, what_happened="Shouted at in the corridor.")


class Pristine(dict[str, dict[str, bytes]]):
    """The pristine files, with a short repr for hypothesis's failure reports."""

    def __repr__(self) -> str:
        return "<pristine vault files>"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Two small vaults' files: one closed cleanly, one copied while open (with a WAL)."""
    base = tmp_path_factory.mktemp("pristine")
    closed, _code = Vault.create(base / "closed", PASSPHRASE, kdf=FAST_KDF)
    _fill(closed)
    closed.close()
    files = Pristine()
    files["closed"] = {p.name: p.read_bytes() for p in (base / "closed").iterdir()}
    live, _code = Vault.create(base / "live", PASSPHRASE, kdf=FAST_KDF)
    _fill(live)
    # What a crash leaves: the database, its WAL (holding recent commits), the key file.
    files["with_wal"] = {
        name: (base / "live" / name).read_bytes()
        for name in ("vault.db", "vault.db-wal", "keyslots.json")
    }
    live.close()
    assert files["with_wal"]["vault.db-wal"], "the live copy should have a WAL to fuzz"
    return files


def _place(files: dict[str, bytes], target: str, damaged: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-vault-"))
    for name, data in files.items():
        if name in ("vault.db", "vault.db-wal", "keyslots.json"):
            write_like(folder / name, damaged if name == target else data)
    return folder


def _attempt(files: dict[str, bytes], target: str, mutations: list[Any]) -> str:
    damaged = apply_all(files[target], mutations)
    folder = _place(files, target, damaged)
    try:
        before = folder_state(folder)
        outcome = "refused"
        with time_limit():
            try:
                vault = Vault.open(folder, PASSPHRASE, kdf=FAST_KDF)
            except VaultDamaged:
                pass
            else:
                outcome = "opened"
                try:
                    vault.people.list()
                    vault.search(SEARCHED)
                except VaultDamaged:
                    outcome = "opened, damage seen on reading"
                finally:
                    vault.close()
        after = folder_state(folder)
        after.pop("vault.lock", None)  # the lock file is made on every open attempt
        if outcome == "refused":
            assert after == before, "a refused open changed the vault folder"
        else:
            assert after["keyslots.json"] == before["keyslots.json"]
            if "vault.db-wal" not in before:
                assert after["vault.db"].data == before["vault.db"].data
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_pristine_vaults_open(pristine: dict[str, dict[str, bytes]]) -> None:
    """The fuzzing starts from vaults that work, so a refusal below is the mutation's doing."""
    for files in pristine.values():
        assert _attempt(files, "keyslots.json", []) == "opened"


def test_unexpected_errors_would_be_caught() -> None:
    """The harness itself: anything but VaultDamaged escapes as a failure."""
    with pytest.raises(VaultError):
        Vault.open(Path(tempfile.mkdtemp()), PASSPHRASE, kdf=FAST_KDF)


def test_a_refused_open_leaves_a_crashed_vaults_wal_alone(
    pristine: dict[str, dict[str, bytes]],
) -> None:
    """A WAL whose magic number is damaged is ignored by SQLite; the vault is refused
    (its tables were all in the WAL), and the WAL must still be there, unchanged:
    closing a refused read-write connection used to checkpoint and delete it."""
    assert _attempt(pristine["with_wal"], "vault.db-wal", [("flip", 0.0, 0)]) == "refused"


@CI
@given(mutations=byte_mutations)
def test_damaged_database_is_refused_or_harmless(
    pristine: dict[str, dict[str, bytes]], mutations: list[Any]
) -> None:
    _attempt(pristine["closed"], "vault.db", mutations)


@CI
@given(target=st.sampled_from(["vault.db", "vault.db-wal"]), mutations=byte_mutations)
def test_damaged_database_or_wal_after_a_crash_is_refused_or_harmless(
    pristine: dict[str, dict[str, bytes]], target: str, mutations: list[Any]
) -> None:
    _attempt(pristine["with_wal"], target, mutations)


@pytest.mark.slow
@SLOW
@given(target=st.sampled_from(["vault.db", "vault.db-wal"]), mutations=byte_mutations)
def test_slow_damaged_database_is_refused_or_harmless(
    request: pytest.FixtureRequest,
    pristine: dict[str, dict[str, bytes]],
    target: str,
    mutations: list[Any],
) -> None:
    require_slow_run(request)
    files = pristine["with_wal"] if target == "vault.db-wal" else pristine["closed"]
    _attempt(files, target, mutations)
