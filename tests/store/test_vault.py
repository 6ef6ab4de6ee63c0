"""Creating, opening, re-keying and closing the vault against real SQLCipher."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import traceback
import unicodedata
from pathlib import Path

import pytest

from peerdesk.store import (
    InvalidText,
    KdfParams,
    Vault,
    VaultClosed,
    VaultExists,
    VaultInUse,
    VaultNotFound,
    WrongPassphrase,
)
from peerdesk.store.models import VaultMode
from peerdesk.store.schema import CURRENT_VERSION

from .conftest import PASSPHRASE, snapshot


def test_create_makes_a_private_folder_with_private_files(
    created: tuple[Vault, str], vault_dir: Path
) -> None:
    vault, _ = created
    vault.people.add(alias="Sam")  # make sure WAL and shared-memory files exist too
    assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700
    names = {p.name for p in vault_dir.iterdir()}
    assert {"vault.db", "keyslots.json", "vault.lock"} <= names
    for path in vault_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_new_vault_has_current_schema_and_both_slots(
    created: tuple[Vault, str], vault_dir: Path
) -> None:
    vault, code = created
    assert vault._db.scalar("PRAGMA user_version") == CURRENT_VERSION
    doc = json.loads((vault_dir / "keyslots.json").read_text())
    kinds = [slot["kind"] for slot in doc["slots"]]
    assert kinds == ["passphrase", "recovery"]
    passphrase_slot = doc["slots"][0]
    assert passphrase_slot["kdf"]["name"] == "argon2id"
    assert passphrase_slot["kdf"]["memory_kib"] == 8 * 1024  # the fast_kdf fixture's value
    # Neither the passphrase nor the recovery code is written anywhere in the key file.
    raw = (vault_dir / "keyslots.json").read_text()
    assert PASSPHRASE not in raw
    assert code.replace("-", "") not in raw.replace("-", "")


def test_create_refuses_a_folder_that_already_holds_a_vault(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    before = snapshot(vault_dir)
    with pytest.raises(VaultExists, match="already a vault"):
        Vault.create(vault_dir, "another passphrase entirely", kdf=fast_kdf)
    assert snapshot(vault_dir) == before


def test_data_survives_close_and_open_with_passphrase(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    with Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf) as vault:
        (person,) = vault.people.list()
        assert person.alias == "Robin"
        (session,) = vault.sessions.list_for_person(person.id)
        assert session.notes == "First talk about the team meeting."


def test_open_with_recovery_code(closed_vault: tuple[Path, str], fast_kdf: KdfParams) -> None:
    vault_dir, code = closed_vault
    spoken = code.lower().replace("-", " ")
    with Vault.open(vault_dir, recovery_code=spoken, kdf=fast_kdf) as vault:
        assert [p.alias for p in vault.people.list()] == ["Robin"]


def test_passphrase_is_compared_after_unicode_normalisation(
    vault_dir: Path, fast_kdf: KdfParams
) -> None:
    composed = unicodedata.normalize("NFC", "café señor Zoë")
    Vault.create(vault_dir, composed, kdf=fast_kdf)[0].close()
    Vault.open(vault_dir, unicodedata.normalize("NFD", composed), kdf=fast_kdf).close()


def test_open_on_an_empty_folder_says_there_is_no_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound, match="no vault in this folder"):
        Vault.open(tmp_path, PASSPHRASE)


def test_wrong_passphrase_changes_nothing_and_never_echoes_it(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams, capfd: pytest.CaptureFixture[str]
) -> None:
    vault_dir, _ = closed_vault
    before = snapshot(vault_dir)
    wrong = "Tr0ub4dor&3 wrong guess"
    with pytest.raises(WrongPassphrase, match="does not open this vault") as info:
        Vault.open(vault_dir, wrong, kdf=fast_kdf)
    assert snapshot(vault_dir) == before
    rendered = "".join(traceback.format_exception(info.value))
    assert wrong not in rendered
    assert wrong not in repr(info.value)
    out, err = capfd.readouterr()
    assert wrong not in out + err
    assert "hmac" not in err.lower()
    # The failed attempt released the lock: the right passphrase still works.
    Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf).close()


def test_recovery_code_of_another_vault_is_refused(
    closed_vault: tuple[Path, str], tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    other, other_code = Vault.create(tmp_path / "other", "other vault passphrase", kdf=fast_kdf)
    other.close()
    before = snapshot(vault_dir)
    with pytest.raises(WrongPassphrase, match="recovery code does not open") as info:
        Vault.open(vault_dir, recovery_code=other_code, kdf=fast_kdf)
    assert other_code not in "".join(traceback.format_exception(info.value))
    assert snapshot(vault_dir) == before


def test_forgotten_passphrase_is_reset_with_the_recovery_code(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, code = closed_vault
    vault = Vault.reset_passphrase(vault_dir, code, "a brand new passphrase", kdf=fast_kdf)
    vault.close()
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    with Vault.open(vault_dir, "a brand new passphrase", kdf=fast_kdf) as reopened:
        assert [p.alias for p in reopened.people.list()] == ["Robin"]
    # The recovery code keeps working after the reset.
    Vault.open(vault_dir, recovery_code=code, kdf=fast_kdf).close()


def test_change_passphrase_rewrites_only_its_slot_and_not_the_database(
    closed_vault: tuple[Path, str], fast_kdf: KdfParams
) -> None:
    vault_dir, _ = closed_vault
    vault = Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    slots_before = json.loads((vault_dir / "keyslots.json").read_text())
    files_before = snapshot(vault_dir)
    vault.change_passphrase("second passphrase, longer")
    files_after = snapshot(vault_dir)
    vault.close()
    for name in ("vault.db", "vault.db-wal"):
        if name in files_before:
            assert files_after[name] == files_before[name], name
    slots_after = json.loads((vault_dir / "keyslots.json").read_text())
    assert slots_after["slots"][1] == slots_before["slots"][1]  # recovery slot untouched
    assert slots_after["slots"][0] != slots_before["slots"][0]
    assert not [p for p in vault_dir.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    Vault.open(vault_dir, "second passphrase, longer", kdf=fast_kdf).close()


@pytest.mark.parametrize("bad", ["", "before \ud800 after"])
def test_unusable_passphrases_are_refused_clearly(
    vault_dir: Path, fast_kdf: KdfParams, bad: str
) -> None:
    with pytest.raises(InvalidText) as info:
        Vault.create(vault_dir, bad, kdf=fast_kdf)
    assert "\ud800" not in str(info.value)
    assert not vault_dir.exists() or not any(vault_dir.iterdir())


def test_second_open_in_the_same_process_is_refused(
    vault: Vault, vault_dir: Path, fast_kdf: KdfParams
) -> None:
    with pytest.raises(VaultInUse, match="already open"):
        Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf)
    # The open vault is unaffected.
    assert vault.people.add(alias="Still works").id


def test_second_process_is_refused(vault: Vault, vault_dir: Path) -> None:
    script = (
        "import sys\n"
        "from peerdesk.store import Vault, VaultInUse\n"
        "try:\n"
        "    Vault.open(sys.argv[1], 'irrelevant')\n"
        "except VaultInUse as exc:\n"
        "    print(exc); sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(vault_dir)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "already open" in result.stdout
    vault.close()
    result = subprocess.run(
        [sys.executable, "-c", script, str(vault_dir)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    # Lock released: the other process now gets as far as checking the passphrase.
    assert result.returncode == 1
    assert "WrongPassphrase" in result.stderr
    assert "irrelevant" not in result.stderr


def test_close_wipes_the_key_and_refuses_further_use(vault: Vault) -> None:
    key = vault._data_key
    assert key is not None
    vault.close()
    assert key == bytearray(32)
    assert vault.closed
    with pytest.raises(VaultClosed, match="locked"):
        vault.people.list()
    with pytest.raises(VaultClosed):
        vault.search("anything")
    vault.close()  # closing twice is harmless


def test_search_through_the_vault(vault: Vault) -> None:
    person = vault.people.add(alias="Kit")
    session = vault.sessions.add(person.id, notes="Manager shouted during the standup")
    hits = vault.search("shouted")
    assert [(h.person_id, h.session_id) for h in hits] == [(person.id, session.id)]
    alias_hits = vault.search("Kit")
    assert alias_hits[0].person_id == person.id
    assert alias_hits[0].session_id is None


@pytest.mark.parametrize("mode", list(VaultMode))
def test_the_mode_chosen_at_creation_is_kept_across_unlocks(
    tmp_path: Path, fast_kdf: KdfParams, mode: VaultMode
) -> None:
    vault, _code = Vault.create(tmp_path / "v", "correct horse battery", kdf=fast_kdf, mode=mode)
    assert vault.mode is mode
    vault.close()
    again = Vault.open(tmp_path / "v", "correct horse battery", kdf=fast_kdf)
    try:
        assert again.mode is mode
    finally:
        again.close()
