"""The key-derivation settings: real calibration, and the parameters kept in the slot."""

from __future__ import annotations

import json
import time
from pathlib import Path

from peerdesk.store import Vault, calibrate
from peerdesk.store.keyslots import MIN_MEMORY_KIB


def test_real_calibration_is_slow_enough_and_stored_in_the_slot(tmp_path: Path) -> None:
    params = calibrate()
    assert params.memory_kib >= 64 * 1024 == MIN_MEMORY_KIB
    start = time.perf_counter()
    params.derive(b"some passphrase", b"0123456789abcdef")
    elapsed = time.perf_counter() - start
    # A guess costs an attacker at least about a quarter second of this machine.
    assert elapsed >= 0.25, elapsed

    vault, _ = Vault.create(tmp_path / "vault", "calibrated passphrase")  # no kdf: calibrates
    vault.close()
    slot = json.loads((tmp_path / "vault" / "keyslots.json").read_text())["slots"][0]
    assert slot["kdf"]["name"] == "argon2id"
    assert slot["kdf"]["memory_kib"] >= 64 * 1024
    assert slot["kdf"]["time_cost"] >= 1
    # Opening uses the stored parameters, whatever today's calibration would say.
    Vault.open(tmp_path / "vault", "calibrated passphrase").close()
