"""The strength judge: weak passphrases refused in plain words, strong ones let through."""

from __future__ import annotations

import time

import pytest

from peerdesk.passphrase_strength import (
    ACCEPTABLE_SCORE,
    EXAMPLE,
    assess,
    describe_time,
    new_passphrase_problem,
)

STRONG = [
    "correct horse battery staple",
    "blue kettle sings at dawn",
    "maple river quietly 42",
    "tiger lamp paper",
    "ñandú 東京 😀 ok",
]


@pytest.mark.parametrize(
    ("passphrase", "reason"),
    [
        ("password1", "most common passwords"),
        ("iloveyou2", "most common passwords"),
        ("Summer2023!", "most common passwords"),
        ("p@ssw0rd123", "look-alikes"),
        ("qwertyuiop", "most common passwords"),
        ("zxcvbnm,./", "Keys next to each other"),
        ("abcdefghijkl", "Sequences"),
        ("aaaaaaaaaaaaaa", "Repeated"),
        ("17/05/1990", "Dates"),
        ("peerdesk2024", "try first"),
        ("peerdesk peerdesk", "try first"),
        (EXAMPLE, "the example passphrase"),
        ("monkey dragon", "most common passwords"),
        ("83920174", "only numbers"),
        ("kettle", "shorter than 8"),
        ("x7Kp2qLm", "too short for random characters"),
    ],
)
def test_weak_passphrases_are_refused_with_a_reason_in_plain_words(
    passphrase: str, reason: str
) -> None:
    strength = assess(passphrase)
    assert not strength.acceptable
    assert strength.score < ACCEPTABLE_SCORE
    assert any(reason in r for r in strength.reasons), strength.reasons
    assert strength.advice, "a refusal always says what to do instead"
    assert "four or more ordinary words" in strength.explanation
    assert "could be guessed in" in strength.summary


@pytest.mark.parametrize("passphrase", STRONG)
def test_strong_passphrases_are_accepted_without_nagging(passphrase: str) -> None:
    strength = assess(passphrase)
    assert strength.acceptable
    assert strength.score >= ACCEPTABLE_SCORE
    assert strength.reasons == ()
    assert strength.advice == ()
    assert strength.label in ("Good", "Strong")
    assert "hard to guess" in strength.summary


def test_more_unrelated_words_score_higher() -> None:
    scores = [assess(p).guesses_log10 for p in ("lamp", "lamp tiger", "lamp tiger paper")]
    assert scores == sorted(scores)
    assert assess("lamp tiger paper oyster").score == 4


def test_context_words_count_against_a_passphrase() -> None:
    # Two rare words are strong, unless they are the supporter's own names.
    plain = assess("mariposa velvetine")
    with_context = assess("mariposa velvetine", context=["Mariposa", "Velvetine"])
    assert plain.acceptable
    assert not with_context.acceptable
    assert any("try first" in r for r in with_context.reasons)


@pytest.mark.parametrize(
    "passphrase",
    ["hunter2hunter2", "Summer2023!", "peerdesk2024", "qwertyuiop", "monkey dragon"],
)
def test_the_verdict_never_quotes_the_passphrase(passphrase: str) -> None:
    # The screen may be watched: reasons name the kind of weakness, not the text.
    strength = assess(passphrase)
    words = " ".join((strength.summary, strength.explanation, *strength.reasons))
    assert passphrase.lower() not in words.lower()
    for token in passphrase.lower().split():
        assert token not in words.lower()


def test_any_text_can_be_judged(hostile_text: str) -> None:
    strength = assess(hostile_text + " passphrase")
    assert 0 <= strength.score <= 4
    assert strength.summary


def test_a_lone_surrogate_and_an_empty_passphrase_do_not_break_it() -> None:
    assert assess("before \ud800 after").summary
    empty = assess("")
    assert empty.score == 0
    assert not empty.acceptable


def test_a_huge_paste_is_judged_quickly_on_its_start_only() -> None:
    # zxcvbn's matching grows quickly with length; the meter runs on every keystroke.
    started = time.perf_counter()
    assess("a" * 10_000_000)
    assess("correct horse battery staple " * 1000)
    assert time.perf_counter() - started < 2.0
    assert not assess("a" * 10_000).acceptable  # a long repeat is still a repeat


def test_new_passphrase_problem_checks_strength_before_the_confirmation() -> None:
    assert new_passphrase_problem("blue kettle sings at dawn", "blue kettle sings at dawn") is None
    mismatch = new_passphrase_problem("blue kettle sings at dawn", "blue kettle sings at dusk")
    assert mismatch is not None
    assert "not the same" in mismatch
    weak_and_mismatched = new_passphrase_problem("password123", "password124")
    assert weak_and_mismatched is not None
    assert "common passwords" in weak_and_mismatched
    short = new_passphrase_problem("short", "short")
    assert short is not None
    assert "at least 8 characters" in short
    empty = new_passphrase_problem("   ", "   ")
    assert empty is not None
    assert "Type a passphrase" in empty


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (5, "less than a minute"),
        (90, "about a minute"),
        (60 * 23, "about 23 minutes"),
        (3600 * 5, "about 5 hours"),
        (86400 * 3, "about 3 days"),
        (86400 * 30 * 4, "about 4 months"),
        (86400 * 365 * 12, "about 12 years"),
        (86400 * 365 * 1000, "centuries"),
    ],
)
def test_times_are_described_as_a_person_would_say_them(seconds: float, words: str) -> None:
    assert describe_time(seconds) == words
