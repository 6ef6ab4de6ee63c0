"""'Remember on this computer' against a real Secret Service (GNOME Keyring over D-Bus).

tests/store/test_keychain.py covers the logic with an in-memory backend; these
tests check the real thing: the backend peerdesk picks on its own
(:meth:`Keychain.from_system`), that the secret really lands in the Secret
Service's default collection (read back with ``secretstorage``, not through
peerdesk), that :meth:`Vault.open_remembered` unlocks with it, and that
forgetting removes it there too.

Without a Secret Service on the session bus they are skipped with the reason
shown (``-rs``). CI runs them once more inside ``dbus-run-session`` with an
unlocked GNOME Keyring and sets ``PEERDESK_REQUIRE_SECRET_SERVICE=1`` (a test
switch only; production never reads it), which turns that skip into a failure.
"""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from peerdesk.store import KdfParams, Keychain, KeychainUnavailable, Vault
from peerdesk.store.keychain import SERVICE

from .conftest import PASSPHRASE, snapshot

T = TypeVar("T")
PROBE_SECONDS = 10.0


def _bounded(fn: Callable[[], T]) -> T:
    """Run a D-Bus call with a timeout: a locked collection can wait on a prompt forever."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(fn).result(timeout=PROBE_SECONDS)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _no_secret_service(reason: str) -> None:
    message = f"no Secret Service on this session's D-Bus: {reason}"
    if os.environ.get("PEERDESK_REQUIRE_SECRET_SERVICE") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _default_collection() -> Any:
    import secretstorage

    def probe() -> Any:
        connection = secretstorage.dbus_init()
        collection = secretstorage.get_default_collection(connection)
        if collection.is_locked():
            raise RuntimeError("the default collection is locked")
        return collection

    return _bounded(probe)


@pytest.fixture
def collection() -> Any:
    """The Secret Service's default collection, unlocked, or a visible skip."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        _no_secret_service("DBUS_SESSION_BUS_ADDRESS is not set")
    try:
        return _default_collection()
    except Exception as exc:  # noqa: BLE001 - any failure to reach it is the reason to skip
        _no_secret_service(f"{type(exc).__name__}: {exc}".strip())
    raise AssertionError("unreachable")


@pytest.fixture
def keychain(collection: Any) -> Keychain:
    """The keychain peerdesk itself chooses on this machine: it must be the Secret Service."""
    try:
        chosen = Keychain.from_system()
    except KeychainUnavailable as exc:
        pytest.fail(f"a Secret Service is running but peerdesk did not choose it: {exc}")
    assert chosen.backend_name == "SecretService"
    return chosen


def stored_items(collection: Any, account: str) -> list[Any]:
    """peerdesk's entries for ``account``, found in the Secret Service without peerdesk."""
    attributes = {"service": SERVICE, "username": account}
    return _bounded(lambda: list(collection.search_items(attributes)))


@pytest.fixture
def remembered_vault(
    vault_dir: Path, fast_kdf: KdfParams, keychain: Keychain, collection: Any
) -> Iterator[tuple[Vault, str]]:
    """An open vault with a person in it, remembered in the real keychain; cleaned up after."""
    vault, _code = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf)
    person = vault.people.add(alias="Morgan")
    vault_id = vault.vault_id
    try:
        vault.remember_on_this_computer(keychain)
        yield vault, str(person.id)
    finally:
        vault.close()
        # Never leave a test secret in someone's real keychain.
        for item in stored_items(collection, vault_id):
            _bounded(item.delete)


def test_the_secret_is_really_in_the_secret_service(
    remembered_vault: tuple[Vault, str], collection: Any, keychain: Keychain
) -> None:
    vault, _person = remembered_vault
    assert vault.remembered
    (item,) = stored_items(collection, vault.vault_id)
    stored = _bounded(item.get_secret).decode("ascii")
    # 32 random bytes, base64: not the passphrase, not the data key's slot material.
    loaded = keychain.load(vault.vault_id)
    assert loaded is not None
    assert len(loaded) == 32
    import base64

    assert base64.b64decode(stored) == bytes(loaded)
    assert PASSPHRASE not in stored
    # keyring, asked directly through the same backend type, agrees.
    import keyring.backends.SecretService

    assert keyring.backends.SecretService.Keyring().get_password(SERVICE, vault.vault_id) == stored


def test_a_remembered_vault_unlocks_from_the_real_keychain(
    remembered_vault: tuple[Vault, str], vault_dir: Path, fast_kdf: KdfParams
) -> None:
    vault, person = remembered_vault
    vault.close()
    assert Vault.is_remembered(vault_dir)
    before = snapshot(vault_dir)
    # A fresh Keychain, as a new process would pick it.
    with Vault.open_remembered(vault_dir, Keychain.from_system(), kdf=fast_kdf) as reopened:
        assert [p.alias for p in reopened.people.list()] == ["Morgan"]
        assert str(reopened.people.list()[0].id) == person
    assert snapshot(vault_dir)["keyslots.json"] == before["keyslots.json"]


def test_forgetting_removes_the_secret_from_the_secret_service(
    remembered_vault: tuple[Vault, str],
    vault_dir: Path,
    fast_kdf: KdfParams,
    collection: Any,
    keychain: Keychain,
) -> None:
    vault, _person = remembered_vault
    vault_id = vault.vault_id
    assert stored_items(collection, vault_id)
    vault.forget_on_this_computer(keychain)
    assert stored_items(collection, vault_id) == []
    assert keychain.load(vault_id) is None
    vault.close()
    assert not Vault.is_remembered(vault_dir)
    with pytest.raises(KeychainUnavailable, match="not remembered on this computer"):
        Vault.open_remembered(vault_dir, keychain, kdf=fast_kdf)
    # The passphrase still opens it.
    Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf).close()


def test_a_secret_removed_behind_peerdesks_back_means_use_the_passphrase(
    remembered_vault: tuple[Vault, str],
    vault_dir: Path,
    fast_kdf: KdfParams,
    collection: Any,
    keychain: Keychain,
) -> None:
    vault, _person = remembered_vault
    vault.close()
    for item in stored_items(collection, vault.vault_id):
        _bounded(item.delete)  # as "Passwords and Keys" would
    with pytest.raises(KeychainUnavailable, match="Unlock with your passphrase"):
        Vault.open_remembered(vault_dir, keychain, kdf=fast_kdf)
    Vault.open(vault_dir, PASSPHRASE, kdf=fast_kdf).close()
