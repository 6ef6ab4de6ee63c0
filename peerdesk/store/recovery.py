"""Recovery codes: 160 random bits, written for reading aloud, with per-group checks.

A code is eight groups of five characters from Crockford's base32 alphabet
(no I, L, O or U), for example ``7K2QM-...``. In each group the first four
characters carry 20 random bits and the fifth is a check character over them
and the group's position, so a mistyped or swapped group is caught, and named,
before any key derivation runs.
"""

from __future__ import annotations

import secrets

from .errors import InvalidRecoveryCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 8
DATA_CHARS = 4
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Letters people confuse when reading or hearing a code.
_ALIASES = {"O": "0", "I": "1", "L": "1", "U": "V"}
_WEIGHTS = (1, 3, 5, 7)  # odd weights mod 32: every single-character slip changes the check


def _check_char(group_index: int, values: list[int]) -> str:
    total = 11 * group_index + sum(w * v for w, v in zip(_WEIGHTS, values, strict=True))
    return ALPHABET[total % 32]


def generate() -> str:
    """Return a new recovery code, grouped with dashes."""
    groups = []
    for index in range(GROUPS):
        values = [secrets.randbelow(32) for _ in range(DATA_CHARS)]
        data = "".join(ALPHABET[v] for v in values)
        groups.append(data + _check_char(index, values))
    return "-".join(groups)


def normalise(text: str) -> str:
    """Validate a typed code and return its canonical grouped form.

    Spaces, dashes and case do not matter, and easily confused letters are
    mapped (O to 0, I and L to 1). Raises :class:`InvalidRecoveryCode` naming
    the first group that does not check out; the message never repeats the code.
    """
    chars = [
        _ALIASES.get(ch, ch)
        for ch in text.upper()
        if not ch.isspace() and ch not in "-–—_.,"
    ]
    expected = GROUPS * (DATA_CHARS + 1)
    if any(ch not in _VALUE for ch in chars):
        raise InvalidRecoveryCode(
            "The recovery code contains characters that are not part of any code. "
            "It uses only the digits 0-9 and the letters A-Z without I, L, O and U."
        )
    if len(chars) != expected:
        raise InvalidRecoveryCode(
            f"A recovery code has {expected} characters in {GROUPS} groups of "
            f"{DATA_CHARS + 1}; this one has {len(chars)}. Check that no group is "
            "missing or repeated."
        )
    groups = []
    for index in range(GROUPS):
        chunk = chars[index * 5 : index * 5 + 5]
        values = [_VALUE[ch] for ch in chunk[:DATA_CHARS]]
        if _check_char(index, values) != chunk[DATA_CHARS]:
            raise InvalidRecoveryCode(
                f"Group {index + 1} of the recovery code does not check out: there is "
                "probably a typo in it. Compare it with your printed copy."
            )
        groups.append("".join(chunk))
    return "-".join(groups)


def to_bytes(code: str) -> bytearray:
    """The canonical code as bytes, for key derivation (caller wipes it)."""
    return bytearray(normalise(code).replace("-", "").encode("ascii"))
