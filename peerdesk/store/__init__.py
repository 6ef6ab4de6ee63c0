"""The encrypted vault: key slots, SQLCipher database, repositories and search. No Qt.

The error classes are imported at once: they are light, and caught everywhere.
Everything else here is imported on first use, by :func:`__getattr__`, so that the
lock screen shows before cryptography, Argon2, SQLCipher and the keyring are
loaded; ``from peerdesk.store import Vault`` works as before.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import (
    DiskFull,
    InvalidRecoveryCode,
    InvalidText,
    KeychainUnavailable,
    NotFound,
    SearchIndexDamaged,
    VaultClosed,
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultInUse,
    VaultNotFound,
    VaultTooNew,
    VaultWriteError,
    WrongPassphrase,
)

if TYPE_CHECKING:
    from .backup import BackupDamaged, BackupInfo, Cancelled, NotABackup
    from .integrity import IntegrityReport
    from .keychain import Keychain
    from .keyslots import KdfParams, calibrate
    from .vault import Vault

# Each lazily imported name, and the submodule that defines it.
_LAZY = {
    "BackupDamaged": "backup",
    "BackupInfo": "backup",
    "Cancelled": "backup",
    "NotABackup": "backup",
    "IntegrityReport": "integrity",
    "Keychain": "keychain",
    "KdfParams": "keyslots",
    "calibrate": "keyslots",
    "Vault": "vault",
}

__all__ = [
    "BackupDamaged",
    "BackupInfo",
    "Cancelled",
    "IntegrityReport",
    "NotABackup",
    "DiskFull",
    "InvalidRecoveryCode",
    "InvalidText",
    "KdfParams",
    "Keychain",
    "KeychainUnavailable",
    "NotFound",
    "SearchIndexDamaged",
    "Vault",
    "VaultClosed",
    "VaultDamaged",
    "VaultError",
    "VaultExists",
    "VaultInUse",
    "VaultNotFound",
    "VaultTooNew",
    "VaultWriteError",
    "WrongPassphrase",
    "calibrate",
]


def __getattr__(name: str) -> object:
    """Import a heavy name's submodule on first use, then keep the name here."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
