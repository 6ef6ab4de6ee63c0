"""Recovery codes: readable aloud, and typos caught before any key derivation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peerdesk.store import InvalidRecoveryCode, Vault
from peerdesk.store.recovery import ALPHABET, generate, normalise

CODE_SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}$")


def test_code_is_eight_groups_of_five_from_an_unambiguous_alphabet() -> None:
    codes = {generate() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert CODE_SHAPE.match(code), code
        assert not set(code) & set("ILOU")
        assert normalise(code) == code


def test_code_as_typed_or_read_aloud_is_accepted() -> None:
    code = generate()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise("  " + typed + "\n") == code


def test_every_single_character_slip_is_caught_and_its_group_named() -> None:
    code = generate().replace("-", "")
    for position, original in enumerate(code):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            slipped = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(InvalidRecoveryCode, match=f"Group {position // 5 + 1} "):
                normalise(slipped)


def test_swapped_groups_are_caught() -> None:
    groups = generate().split("-")
    groups[2], groups[5] = groups[5], groups[2]
    if groups[2] != groups[5]:
        with pytest.raises(InvalidRecoveryCode, match="Group 3 "):
            normalise("-".join(groups))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "has 40 characters"),
        ("ABCDE-FGHJK", "this one has 10"),
        ("ABCDE-FGHJK-!!!", "only the digits 0-9"),
    ],
)
def test_malformed_codes_get_a_message_that_does_not_echo_them(text: str, message: str) -> None:
    with pytest.raises(InvalidRecoveryCode, match=message) as info:
        normalise(text)
    if text:
        assert text not in str(info.value)


def test_a_typo_is_reported_before_any_file_is_read(tmp_path: Path) -> None:
    code = generate()
    broken = ("Z" if code[0] != "Z" else "Y") + code[1:]
    # The folder holds no vault at all: only the checksum can have raised.
    with pytest.raises(InvalidRecoveryCode):
        Vault.open(tmp_path / "nowhere", recovery_code=broken)
