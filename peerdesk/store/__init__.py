"""The encrypted vault: key slots, SQLCipher database, repositories and search. No Qt."""

from .backup import BackupDamaged, BackupInfo, Cancelled, NotABackup
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
from .integrity import IntegrityReport
from .keychain import Keychain
from .keyslots import KdfParams, calibrate
from .vault import Vault

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
