"""Key slots: the vault's random data key, wrapped several ways in ``keyslots.json``.

Each slot is the data key sealed with AES-256-GCM under a key-encryption key
(KEK). The passphrase slot derives its KEK with Argon2id, parameters stored in
the slot; the recovery and keychain slots start from 160+ random bits, so
HKDF-SHA256 is enough for them. The slot's id and the vault id are bound in as
associated data, so slots cannot be swapped between vaults or kinds.

A plain SHA-256 ``check`` over each slot tells accidental damage (a garbled
file) apart from a wrong passphrase; it is not a security control, the GCM tag is.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import recovery
from .errors import InvalidText, VaultDamaged, WrongPassphrase

# argon2 and cryptography are imported where they are used (on the vault thread),
# so that reading the slots on the lock screen does not load them.

FORMAT = "peerdesk-keyslots"
FORMAT_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12

PASSPHRASE = "passphrase"  # noqa: S105 - the slot kind's name, not a secret
RECOVERY = "recovery"
KEYCHAIN = "keychain"
SLOT_KINDS = (PASSPHRASE, RECOVERY, KEYCHAIN)

MIN_MEMORY_KIB = 64 * 1024
TARGET_SECONDS = 0.5
MAX_TIME_COST = 64

DAMAGED_SLOTS = (
    "The vault's key file (keyslots.json) is damaged or incomplete, so the vault "
    "cannot be unlocked from this folder. peerdesk has not changed anything. "
    "Restore the vault folder from your most recent backup."
)


def hash_secret_raw(secret: bytes, salt: bytes, **params: Any) -> bytes:
    """Argon2's ``hash_secret_raw``, imported on its first call."""
    from argon2.low_level import hash_secret_raw as argon2_hash_secret_raw

    return argon2_hash_secret_raw(secret, salt, **params)


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost parameters, stored in the passphrase slot."""

    time_cost: int
    memory_kib: int
    parallelism: int

    def derive(self, secret: bytes | bytearray, salt: bytes) -> bytearray:
        from argon2.low_level import Type

        return bytearray(
            hash_secret_raw(
                bytes(secret),
                salt,
                time_cost=self.time_cost,
                memory_cost=self.memory_kib,
                parallelism=self.parallelism,
                hash_len=KEY_BYTES,
                type=Type.ID,
            )
        )


def calibrate(target_seconds: float = TARGET_SECONDS) -> KdfParams:
    """Argon2id parameters costing about ``target_seconds`` here, with at least 64 MiB."""
    salt = secrets.token_bytes(SALT_BYTES)

    def seconds(passes: int) -> float:
        params = KdfParams(time_cost=passes, memory_kib=MIN_MEMORY_KIB, parallelism=2)
        start = time.perf_counter()
        wipe(params.derive(b"calibration", salt))
        return time.perf_counter() - start

    # Each derivation pays a fixed cost (allocating and touching the memory) plus a
    # cost per pass; measuring two pass counts separates them.
    seconds(1)  # warm-up: the first allocation of the process is slower
    one, three = seconds(1), seconds(3)
    per_pass = max((three - one) / 2, 1e-4)
    fixed = max(one - per_pass, 0.0)
    passes = max(1, min(MAX_TIME_COST, round((target_seconds - fixed) / per_pass)))
    return KdfParams(time_cost=passes, memory_kib=MIN_MEMORY_KIB, parallelism=2)


def wipe(buf: bytearray | None) -> None:
    """Overwrite a secret in place (best effort: Python may hold other copies)."""
    if buf is not None:
        buf[:] = bytes(len(buf))


@contextlib.contextmanager
def secret_bytes(text: str) -> Iterator[bytearray]:
    """A passphrase as NFC-normalised UTF-8 in a bytearray wiped after use."""
    if not isinstance(text, str) or not text:
        raise InvalidText("The passphrase is empty.")
    try:
        buf = bytearray(unicodedata.normalize("NFC", text).encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidText(
            "The passphrase contains characters that cannot be used (an unpaired "
            "surrogate). Type it again by hand."
        ) from None
    try:
        yield buf
    finally:
        wipe(buf)


def hkdf(secret: bytes | bytearray, salt: bytes, kind: str) -> bytearray:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return bytearray(
        HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=salt,
            info=f"peerdesk {kind} slot v1".encode(),
        ).derive(bytes(secret))
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise VaultDamaged(DAMAGED_SLOTS)
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:
        raise VaultDamaged(DAMAGED_SLOTS) from None


def _aad(vault_id: str, kind: str) -> bytes:
    return f"peerdesk-keyslot:v1:{vault_id}:{kind}".encode()


def _digest(slot: dict[str, Any]) -> str:
    body = {k: v for k, v in slot.items() if k != "check"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(slots=True)
class KeySlots:
    """The parsed content of ``keyslots.json``."""

    vault_id: str
    slots: dict[str, dict[str, Any]]

    @classmethod
    def new(cls) -> KeySlots:
        return cls(vault_id=secrets.token_hex(16), slots={})

    # -- serialisation --------------------------------------------------------

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "vault_id": self.vault_id,
            "slots": [self.slots[k] for k in SLOT_KINDS if k in self.slots],
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeySlots:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise VaultDamaged(DAMAGED_SLOTS) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise VaultDamaged(DAMAGED_SLOTS)
        version = doc.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise VaultDamaged(DAMAGED_SLOTS)
        if version > FORMAT_VERSION:
            from .errors import VaultTooNew

            raise VaultTooNew(
                "This vault's key file was written by a newer version of peerdesk. "
                "Update peerdesk to open it; nothing has been changed."
            )
        vault_id = doc.get("vault_id")
        slots = doc.get("slots")
        if not isinstance(vault_id, str) or len(vault_id) != 32 or not isinstance(slots, list):
            raise VaultDamaged(DAMAGED_SLOTS)
        parsed: dict[str, dict[str, Any]] = {}
        for slot in slots:
            if not isinstance(slot, dict) or slot.get("kind") not in SLOT_KINDS:
                raise VaultDamaged(DAMAGED_SLOTS)
            if slot.get("check") != _digest(slot) or slot["kind"] in parsed:
                raise VaultDamaged(DAMAGED_SLOTS)
            parsed[slot["kind"]] = slot
        if PASSPHRASE not in parsed or RECOVERY not in parsed:
            raise VaultDamaged(DAMAGED_SLOTS)
        return cls(vault_id=vault_id, slots=parsed)

    # -- sealing and opening ---------------------------------------------------

    def seal(self, kind: str, kek: bytearray, data_key: bytearray, kdf: dict[str, Any]) -> None:
        """Add or replace the slot ``kind``: ``data_key`` sealed under ``kek``."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = secrets.token_bytes(NONCE_BYTES)
        wrapped = AESGCM(bytes(kek)).encrypt(nonce, bytes(data_key), _aad(self.vault_id, kind))
        slot: dict[str, Any] = {
            "kind": kind,
            "kdf": kdf,
            "aead": "aes-256-gcm",
            "nonce": _b64(nonce),
            "wrapped_key": _b64(wrapped),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        slot["check"] = _digest(slot)
        self.slots[kind] = slot

    def open(self, kind: str, kek: bytearray) -> bytearray:
        """Unwrap the data key from slot ``kind``; WrongPassphrase if the tag fails."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        slot = self.slots.get(kind)
        if slot is None:
            raise WrongPassphrase("This vault has no such way to unlock it.")
        if slot.get("aead") != "aes-256-gcm":
            raise VaultDamaged(DAMAGED_SLOTS)
        nonce = _unb64(slot.get("nonce"))
        wrapped = _unb64(slot.get("wrapped_key"))
        if len(nonce) != NONCE_BYTES or len(wrapped) != KEY_BYTES + 16:
            raise VaultDamaged(DAMAGED_SLOTS)
        try:
            return bytearray(
                AESGCM(bytes(kek)).decrypt(nonce, wrapped, _aad(self.vault_id, kind))
            )
        except InvalidTag:
            raise WrongPassphrase(_WRONG[kind]) from None

    def salt(self, kind: str) -> bytes:
        salt = _unb64(self.slots[kind].get("kdf", {}).get("salt"))
        if len(salt) != SALT_BYTES:
            raise VaultDamaged(DAMAGED_SLOTS)
        return salt

    def argon2_params(self) -> KdfParams:
        kdf = self.slots[PASSPHRASE].get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
            raise VaultDamaged(DAMAGED_SLOTS)
        try:
            params = KdfParams(
                time_cost=int(kdf["time_cost"]),
                memory_kib=int(kdf["memory_kib"]),
                parallelism=int(kdf["parallelism"]),
            )
        except (KeyError, TypeError, ValueError):
            raise VaultDamaged(DAMAGED_SLOTS) from None
        # Refuse absurd values before spending memory on them.
        if not (
            1 <= params.time_cost <= 1000
            and 8 <= params.memory_kib <= 4 * 1024 * 1024
            and 1 <= params.parallelism <= 64
        ):
            raise VaultDamaged(DAMAGED_SLOTS)
        return params


_WRONG = {
    PASSPHRASE: "That passphrase does not open this vault. Check Caps Lock and the "
    "keyboard layout, then try again.",
    RECOVERY: "That recovery code does not open this vault. It may belong to another "
    "vault or an older copy of this one.",
    KEYCHAIN: "This computer's keychain no longer holds the key for this vault. "
    "Unlock with your passphrase instead.",
}


def argon2_kdf_record(params: KdfParams, salt: bytes) -> dict[str, Any]:
    return {
        "name": "argon2id",
        "version": 19,
        "salt": _b64(salt),
        "time_cost": params.time_cost,
        "memory_kib": params.memory_kib,
        "parallelism": params.parallelism,
    }


def hkdf_kdf_record(salt: bytes) -> dict[str, Any]:
    return {"name": "hkdf-sha256", "salt": _b64(salt)}


# -- the ways in: each derives a KEK, then seals or opens one slot -----------------


def open_with_passphrase(slots: KeySlots, secret: bytearray) -> bytearray:
    params = slots.argon2_params()
    kek = params.derive(secret, slots.salt(PASSPHRASE))
    try:
        return slots.open(PASSPHRASE, kek)
    finally:
        wipe(kek)


def open_with_recovery(slots: KeySlots, code: str) -> bytearray:
    material = recovery.to_bytes(code)
    kek = hkdf(material, slots.salt(RECOVERY), RECOVERY)
    wipe(material)
    try:
        return slots.open(RECOVERY, kek)
    finally:
        wipe(kek)


def seal_passphrase(
    slots: KeySlots, secret: bytearray, data_key: bytearray, params: KdfParams
) -> None:
    salt = secrets.token_bytes(SALT_BYTES)
    kek = params.derive(secret, salt)
    try:
        slots.seal(PASSPHRASE, kek, data_key, argon2_kdf_record(params, salt))
    finally:
        wipe(kek)


def seal_recovery(slots: KeySlots, code: str, data_key: bytearray) -> None:
    salt = secrets.token_bytes(SALT_BYTES)
    material = recovery.to_bytes(code)
    kek = hkdf(material, salt, RECOVERY)
    wipe(material)
    try:
        slots.seal(RECOVERY, kek, data_key, hkdf_kdf_record(salt))
    finally:
        wipe(kek)
