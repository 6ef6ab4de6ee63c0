"""The OS keychain, for the optional "remember on this computer" key slot.

Only the operating system's own keychains are trusted: Secret Service (GNOME
Keyring, KeePassXC), KWallet, the macOS Keychain and Windows Credential
Manager. ``keyring`` will otherwise pick whatever is installed, including
``keyrings.alt``'s plaintext file, so the backend is chosen here, never by
``keyring.get_keyring()``. Every call runs with a timeout because a locked
collection can block on an unlock prompt forever.
"""

from __future__ import annotations

import base64
import binascii
import concurrent.futures
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import KeychainUnavailable

SERVICE = "peerdesk"
DEFAULT_TIMEOUT = 10.0

# (module, class) of the backends we accept; names, so that importing one that
# cannot load on this platform is never needed.
OS_BACKENDS = frozenset(
    {
        ("keyring.backends.SecretService", "Keyring"),
        ("keyring.backends.kwallet", "DBusKeyring"),
        ("keyring.backends.kwallet", "DBusKeyringKWallet4"),
        ("keyring.backends.macOS", "Keyring"),
        ("keyring.backends.Windows", "WinVaultKeyring"),
    }
)

NO_KEYCHAIN = (
    "This computer has no system keychain that peerdesk can use, so it cannot "
    "remember the vault here. Unlock with your passphrase; everything else works "
    "as usual."
)

T = TypeVar("T")


def is_os_backend(backend: object) -> bool:
    cls = type(backend)
    return (cls.__module__, cls.__qualname__) in OS_BACKENDS


class Keychain:
    """Stores one random secret per vault in a keychain backend."""

    def __init__(self, backend: Any, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._backend = backend
        self._timeout = timeout

    @classmethod
    def from_system(cls, *, timeout: float = DEFAULT_TIMEOUT) -> Keychain:
        """The best viable OS keychain, or :class:`KeychainUnavailable`."""
        try:
            import keyring.backend

            candidates = [
                b for b in keyring.backend.get_all_keyring() if is_os_backend(b)
            ]
        except Exception:  # noqa: BLE001 - a broken backend plugin must not break unlock
            raise KeychainUnavailable(NO_KEYCHAIN) from None
        viable = []
        for backend in candidates:
            try:
                if backend.priority > 0:
                    viable.append(backend)
            except Exception:  # noqa: BLE001,S112 - backend says it cannot run here
                continue
        if not viable:
            raise KeychainUnavailable(NO_KEYCHAIN)
        return cls(max(viable, key=lambda b: b.priority), timeout=timeout)

    @property
    def backend_name(self) -> str:
        return type(self._backend).__module__.rsplit(".", 1)[-1]

    def _call(self, fn: Callable[[], T]) -> T:
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        try:
            return pool.submit(fn).result(timeout=self._timeout)
        except concurrent.futures.TimeoutError:
            raise KeychainUnavailable(
                "The system keychain did not answer in time (it may be locked). "
                "Unlock it, or unlock peerdesk with your passphrase."
            ) from None
        except KeychainUnavailable:
            raise
        except Exception:  # noqa: BLE001 - backend errors carry no content; ours is clearer
            raise KeychainUnavailable(
                "The system keychain refused the request. Unlock peerdesk with your "
                "passphrase; you can try remembering it again later."
            ) from None
        finally:
            # Do not wait for a hung backend call; the worker thread ends with it.
            pool.shutdown(wait=False, cancel_futures=True)

    def store(self, account: str, secret: bytes | bytearray) -> None:
        """Save ``secret`` and read it back: only a verified copy is trusted."""
        encoded = base64.b64encode(bytes(secret)).decode("ascii")
        self._call(lambda: self._backend.set_password(SERVICE, account, encoded))
        stored = self._call(lambda: self._backend.get_password(SERVICE, account))
        if stored != encoded:
            raise KeychainUnavailable(
                "The system keychain did not keep what peerdesk stored in it, so it "
                "cannot be trusted to remember the vault. Unlock with your passphrase."
            )

    def load(self, account: str) -> bytearray | None:
        stored = self._call(lambda: self._backend.get_password(SERVICE, account))
        if stored is None:
            return None
        try:
            return bytearray(base64.b64decode(str(stored), validate=True))
        except (binascii.Error, ValueError):
            return None

    def delete(self, account: str) -> None:
        def remove() -> None:
            try:
                self._backend.delete_password(SERVICE, account)
            except Exception as exc:  # noqa: BLE001
                # PasswordDeleteError just means "nothing stored": that is the goal.
                if type(exc).__name__ != "PasswordDeleteError":
                    raise

        self._call(remove)
