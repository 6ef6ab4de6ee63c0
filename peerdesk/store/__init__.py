"""The encrypted vault: key slots, SQLCipher database, repositories and search. No Qt."""

from .errors import (
    DiskFull,
    InvalidRecoveryCode,
    InvalidText,
    KeychainUnavailable,
    NotFound,
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
from .keychain import Keychain
from .keyslots import KdfParams, calibrate
from .vault import Vault

__all__ = [
    "DiskFull",
    "InvalidRecoveryCode",
    "InvalidText",
    "KdfParams",
    "Keychain",
    "KeychainUnavailable",
    "NotFound",
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
