"""Errors the vault raises.

Every message is written for a peer supporter, says what to do next, and never
contains a passphrase, a recovery code, an alias or any note text.
"""

from __future__ import annotations


class VaultError(Exception):
    """Base class for everything the vault reports to its caller."""


class WrongPassphrase(VaultError):
    """The passphrase, recovery code or remembered key does not open this vault."""


class InvalidRecoveryCode(WrongPassphrase):
    """The recovery code is malformed: caught by its checksum before any key derivation."""


class VaultInUse(VaultError):
    """Another peerdesk window or process already has this vault open."""


class VaultDamaged(VaultError):
    """A vault file is missing, truncated, garbled or belongs to another vault."""


class SearchIndexDamaged(VaultDamaged):
    """The search index is damaged (the records may be fine): rebuild it from them."""


class VaultNotFound(VaultError):
    """There is no vault in the given directory."""


class VaultExists(VaultError):
    """A vault already exists where a new one was to be created."""


class VaultTooNew(VaultError):
    """The vault was written by a newer peerdesk; it is left untouched."""


class VaultWriteError(VaultError):
    """A write failed (disk full, read-only folder); nothing partial was kept."""


class DiskFull(VaultWriteError):
    """The disk (or the user's quota) is full; nothing partial was kept."""


class VaultClosed(VaultError):
    """The vault was locked or closed; unlock it again."""


class InvalidText(VaultError, ValueError):
    """Text that cannot be stored as given (too long, unpaired surrogates, ...)."""


class NotFound(VaultError, LookupError):
    """The record asked for does not exist (it may have been deleted)."""


class KeychainUnavailable(VaultError):
    """No trustworthy OS keychain is available for "remember on this computer"."""
