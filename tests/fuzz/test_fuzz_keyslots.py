"""Fuzzing keyslots.json: a damaged key file is refused with a vault error, and never rewritten.

Every example puts a mutated ``keyslots.json`` beside an intact ``vault.db`` and
unlocks with the right passphrase. Three kinds of damage:

- bytes (bit flips, truncation, splices, ...): what a bad disk or copy does;
- JSON structure (keys removed, added or duplicated, values replaced or of
  another type): what a hand edit or another program does; each slot's
  ``check`` digest then no longer matches, so this mostly tests the parser;
- the same structure changes with every slot's ``check`` recomputed, so the
  damage gets past the digest into the slot reading (KDF parameters, salt,
  nonce, wrapped key). Examples whose Argon2id cost would exceed 64 MiB are
  skipped (a valid but costly slot is slow by design, not damage).

Allowed outcomes: it opens (whitespace, key order, a changed ``created_at``
re-signed, ...), or :class:`VaultDamaged`, :class:`VaultTooNew` (a higher
``version``) or :class:`WrongPassphrase` (a changed ``vault_id`` or re-signed
slot fails the AEAD tag, which cannot tell damage from a wrong passphrase).
Nothing else, within the time limit, with every file in the folder unchanged.
:meth:`Vault.is_remembered` answers True or False for the same file and never raises.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peerdesk.store import Vault, VaultDamaged, VaultTooNew, WrongPassphrase
from peerdesk.store.keyslots import KeySlots, _digest
from tests.conftest import FAST_KDF

from .mutations import (
    CI,
    SLOW,
    apply_all,
    byte_mutations,
    folder_state,
    json_mutations,
    require_slow_run,
    time_limit,
    write_like,
)

PASSPHRASE = "fuzzing the key slots"
ALLOWED = (VaultDamaged, VaultTooNew, WrongPassphrase)


class Pristine(dict[str, bytes]):
    def __repr__(self) -> str:
        return "<pristine vault files>"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("pristine") / "vault"
    vault, _code = Vault.create(folder, PASSPHRASE, kdf=FAST_KDF)
    vault.people.add(alias="Sam")
    vault.close()
    return Pristine({name: (folder / name).read_bytes() for name in ("vault.db", "keyslots.json")})


def _attempt(files: dict[str, bytes], slots: bytes) -> str:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-slots-"))
    try:
        write_like(folder / "vault.db", files["vault.db"])
        write_like(folder / "keyslots.json", slots)
        before = folder_state(folder)
        with time_limit():
            assert Vault.is_remembered(folder) in (True, False)
            try:
                Vault.open(folder, PASSPHRASE, kdf=FAST_KDF).close()
                outcome = "opened"
            except ALLOWED as exc:
                outcome = type(exc).__name__
        after = folder_state(folder)
        after.pop("vault.lock", None)
        assert after == before
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _resign(doc: Any) -> bytes:
    """``doc`` as JSON, with each slot's check digest made to match again."""
    if isinstance(doc, dict) and isinstance(doc.get("slots"), list):
        for slot in doc["slots"]:
            if isinstance(slot, dict):
                slot["check"] = _digest(slot)
    return json.dumps(doc).encode()


def _cheap_enough(raw: bytes) -> bool:
    try:
        params = KeySlots.from_bytes(raw).argon2_params()
    except Exception:  # noqa: BLE001 - refused before the KDF: cheap
        return True
    return params.memory_kib * params.time_cost <= 64 * 1024


def test_the_pristine_key_file_opens(pristine: dict[str, bytes]) -> None:
    assert _attempt(pristine, pristine["keyslots.json"]) == "opened"
    doc = json.loads(pristine["keyslots.json"])
    doc["vault_id"] = "0" * 32
    assert _attempt(pristine, _resign(doc)) == "WrongPassphrase"


@CI
@given(mutations=byte_mutations)
def test_damaged_bytes_are_refused_or_harmless(
    pristine: dict[str, bytes], mutations: list[Any]
) -> None:
    _attempt(pristine, apply_all(pristine["keyslots.json"], mutations))


@CI
@given(data=st.data())
def test_changed_structure_is_refused_or_harmless(
    pristine: dict[str, bytes], data: st.DataObject
) -> None:
    doc = data.draw(json_mutations(json.loads(pristine["keyslots.json"])))
    _attempt(pristine, json.dumps(doc).encode())


@CI
@given(data=st.data())
def test_changed_structure_with_matching_checks_is_refused_or_harmless(
    pristine: dict[str, bytes], data: st.DataObject
) -> None:
    doc = data.draw(json_mutations(json.loads(pristine["keyslots.json"])))
    raw = _resign(doc)
    assume(_cheap_enough(raw))
    _attempt(pristine, raw)


@pytest.mark.slow
@SLOW
@given(data=st.data())
def test_slow_damaged_key_files_are_refused_or_harmless(
    request: pytest.FixtureRequest, pristine: dict[str, bytes], data: st.DataObject
) -> None:
    require_slow_run(request)
    raw = pristine["keyslots.json"]
    how = data.draw(st.sampled_from(["bytes", "json", "resigned"]))
    if how == "bytes":
        raw = apply_all(raw, data.draw(byte_mutations))
    else:
        doc = data.draw(json_mutations(json.loads(raw)))
        raw = _resign(doc) if how == "resigned" else json.dumps(doc).encode()
        assume(_cheap_enough(raw))
    _attempt(pristine, raw)
