"""'Remember on this computer': the OS keychain slot, and what happens without one."""

from __future__ import annotations

import threading
from pathlib import Path

import keyring.backend
import pytest

from peerdesk.store import KdfParams, Keychain, KeychainUnavailable, Vault, WrongPassphrase
from peerdesk.store.keychain import SERVICE

from .conftest import PASSPHRASE, InMemoryKeyring, snapshot


@pytest.fixture
def backend() -> InMemoryKeyring:
    return InMemoryKeyring()


def test_remembering_is_off_by_default(vault: Vault, vault_dir: Path) -> None:
    assert not vault.remembered
    assert not Vault.is_remembered(vault_dir)


def test_remembered_vault_opens_without_the_passphrase(
    vault: Vault, vault_dir: Path, backend: InMemoryKeyring, fast_kdf: KdfParams
) -> None:
    person = vault.people.add(alias="Jo")
    vault.remember_on_this_computer(Keychain(backend))
    assert vault.remembered
    vault.close()
    assert Vault.is_remembered(vault_dir)
    (stored,) = backend.entries.values()
    assert PASSPHRASE not in stored
    with Vault.open_remembered(vault_dir, Keychain(backend), kdf=fast_kdf) as reopened:
        assert reopened.people.get(person.id).alias == "Jo"
    # The passphrase and recovery slots still work alongside it.
    Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf).close()


def test_forgetting_removes_the_slot_and_the_keychain_entry(
    vault: Vault, vault_dir: Path, backend: InMemoryKeyring, fast_kdf: KdfParams
) -> None:
    vault.remember_on_this_computer(Keychain(backend))
    vault.forget_on_this_computer(Keychain(backend))
    vault.close()
    assert backend.entries == {}
    assert not Vault.is_remembered(vault_dir)
    with pytest.raises(KeychainUnavailable, match="not remembered on this computer"):
        Vault.open_remembered(vault_dir, Keychain(backend), kdf=fast_kdf)


def test_keychain_entry_gone_means_use_the_passphrase(
    vault: Vault, vault_dir: Path, backend: InMemoryKeyring, fast_kdf: KdfParams
) -> None:
    vault.remember_on_this_computer(Keychain(backend))
    vault.close()
    backend.entries.clear()
    with pytest.raises(KeychainUnavailable, match="Unlock with your passphrase"):
        Vault.open_remembered(vault_dir, Keychain(backend), kdf=fast_kdf)
    Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf).close()


def test_a_wrong_secret_in_the_keychain_is_a_refusal_not_damage(
    vault: Vault, vault_dir: Path, backend: InMemoryKeyring, fast_kdf: KdfParams
) -> None:
    vault.remember_on_this_computer(Keychain(backend))
    vault.close()
    key = next(iter(backend.entries))
    backend.entries[key] = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    before = snapshot(vault_dir)
    with pytest.raises(WrongPassphrase, match="keychain no longer holds"):
        Vault.open_remembered(vault_dir, Keychain(backend), kdf=fast_kdf)
    assert snapshot(vault_dir) == before


class ForgetfulKeyring(InMemoryKeyring):
    """Accepts writes and silently drops them, as a broken backend might."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


class HangingKeyring(InMemoryKeyring):
    """Blocks like a locked collection waiting for an unlock prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)


def test_what_is_stored_is_read_back_before_it_is_trusted(
    vault: Vault, vault_dir: Path
) -> None:
    with pytest.raises(KeychainUnavailable, match="did not keep"):
        vault.remember_on_this_computer(Keychain(ForgetfulKeyring()))
    assert not vault.remembered
    assert not Vault.is_remembered(vault_dir)


def test_a_hanging_keychain_times_out_and_nothing_changes(
    vault: Vault, vault_dir: Path
) -> None:
    backend = HangingKeyring()
    before = (vault_dir / "keyslots.json").read_bytes()
    try:
        with pytest.raises(KeychainUnavailable, match="did not answer in time"):
            vault.remember_on_this_computer(Keychain(backend, timeout=0.2))
    finally:
        backend.release.set()
    assert (vault_dir / "keyslots.json").read_bytes() == before
    assert vault.people.add(alias="Unaffected").id


class PlaintextKeyring(InMemoryKeyring):
    """Shaped like keyrings.alt's file backend, which stores secrets in plain text."""

    priority = 5  # type: ignore[assignment]


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_only_os_keychains_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        keyring.backend, "get_all_keyring", lambda: [PlaintextKeyring(), InMemoryKeyring()]
    )
    with pytest.raises(KeychainUnavailable, match="no system keychain"):
        Keychain.from_system()


def test_an_os_keychain_is_chosen_when_one_is_viable(monkeypatch: pytest.MonkeyPatch) -> None:
    class SecretServiceLike(InMemoryKeyring):
        priority = 2  # type: ignore[assignment]

    SecretServiceLike.__module__ = "keyring.backends.SecretService"
    SecretServiceLike.__qualname__ = "Keyring"
    chosen = SecretServiceLike()
    monkeypatch.setattr(
        keyring.backend, "get_all_keyring", lambda: [PlaintextKeyring(), chosen]
    )
    keychain = Keychain.from_system()
    keychain.store("vault-id", b"\x01\x02")
    assert chosen.entries[(SERVICE, "vault-id")] == "AQI="


def test_without_any_keychain_the_vault_still_works(
    vault: Vault, vault_dir: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [])
    with pytest.raises(KeychainUnavailable, match="everything else works"):
        Keychain.from_system()
    person = vault.people.add(alias="Lee")
    vault.close()
    with Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf) as reopened:
        assert reopened.people.get(person.id).alias == "Lee"
