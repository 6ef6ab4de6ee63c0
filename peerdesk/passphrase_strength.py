"""How hard a new passphrase would be to guess, in words a volunteer understands. No Qt.

The threat this judges against is the one peerdesk exists for: someone copies
the vault folder (a seized or shared laptop) and runs guesses against it on
their own hardware. Each guess costs one Argon2id derivation (about half a
second and 64 MiB on the supporter's laptop); a well-equipped attacker might
still manage around ten thousand guesses a second. So:

- the number of guesses is estimated by ``zxcvbn`` (Dropbox's estimator, the
  maintained Python port): it finds common passwords, dictionary words and
  names, keyboard runs, repeats, sequences, dates, look-alike swaps and the
  context words we give it, and costs each part as an attacker would try it;
- peerdesk then scores that number on its own scale (below), because a vault
  file is attacked offline for as long as the attacker likes. zxcvbn's own
  score 3 starts at 10^8 guesses, which at that rate is under three hours.

Nothing here ever quotes the passphrase back: reasons name the kind of
weakness ("a common password", "keys next to each other"), never the text,
because the screen they appear on may be watched.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .i18n import _

# zxcvbn refuses longer input (its matching grows quickly with length). Longer
# passphrases are judged on their first characters only: that can only
# underestimate them, never flatter a weak one.
ASSESSED_LENGTH = 72
MIN_LENGTH = 8

# log10(guesses) at which scores 1 to 4 start. Acceptable ("good") starts at
# 10^10: days of that well-funded attack, months or years for anyone less equipped
# (a single high-end graphics card manages about a hundred such guesses a second).
SCORE_THRESHOLDS = (3.0, 6.0, 10.0, 12.0)
ACCEPTABLE_SCORE = 3
GUESSES_PER_SECOND = 1e4  # offline, against Argon2id: see the module docstring

# Words anyone attacking a peerdesk vault would try first.
APP_CONTEXT = (
    "peerdesk",
    "peer",
    "desk",
    "support",
    "supporter",
    "bullying",
    "antibullying",
    "confidential",
    "vault",
    "recovery",
)

# The shape of a good passphrase, shown as advice. Its words are context too, so
# someone who copies the example is told it is not theirs to use.
EXAMPLE = "lantern oyster thirty velvet"


@dataclass(frozen=True, slots=True)
class Strength:
    """The verdict on one passphrase."""

    score: int
    """0 (very weak) to 4 (strong)."""
    acceptable: bool
    """Whether peerdesk lets it protect a vault (score 3 or more, and long enough)."""
    label: str
    """One or two words for the meter: "Very weak" ... "Strong"."""
    guesses_log10: float
    """Estimated guesses an attacker needs, as a power of ten."""
    time_to_guess: str
    """How long, on average, the attack in the module docstring would take, in words."""
    reasons: tuple[str, ...]
    """What makes it guessable, one sentence each; empty when acceptable."""
    advice: tuple[str, ...]
    """What to do instead; empty when acceptable."""

    @property
    def summary(self) -> str:
        """One line for the meter: the label and, for a weak one, how soon it could fall.

        The time is shown only for refusals: "it could be guessed in an hour"
        explains a refusal; "days" for an accepted one would alarm without
        telling anything useful (a slower attacker would need far longer).
        """
        if self.score >= 4:
            return _("{label}: very hard to guess.").format(label=self.label)
        if self.acceptable:
            return _("{label}: hard to guess.").format(label=self.label)
        return _("{label}: it could be guessed in {time}.").format(
            label=self.label, time=self.time_to_guess
        )

    @property
    def explanation(self) -> str:
        """Why it is refused and what to do instead, as a short paragraph."""
        return " ".join((self.summary, *self.reasons, *self.advice[:1]))


def assess(passphrase: str, *, context: Iterable[str] = ()) -> Strength:
    """Judge ``passphrase``; ``context`` adds words an attacker would try (names, places).

    Call it from one thread at a time: zxcvbn keeps the context words in a
    module-level table while it runs.
    """
    if not passphrase:
        return _verdict(0, 0.0, (_("There is nothing typed yet."),))
    words = [w.lower() for w in (*APP_CONTEXT, EXAMPLE, *EXAMPLE.split(), *context) if w]
    result: dict[str, Any] = _zxcvbn()(passphrase[:ASSESSED_LENGTH], user_inputs=words)
    log10 = float(result["guesses_log10"])
    score = sum(log10 >= threshold for threshold in SCORE_THRESHOLDS)
    reasons = list(_reasons(passphrase, result["sequence"]))
    if len(passphrase) < MIN_LENGTH:
        score = min(score, ACCEPTABLE_SCORE - 1)
        reasons.insert(0, _("It is shorter than {count} characters.").format(count=MIN_LENGTH))
    return _verdict(score, log10, tuple(reasons))


def new_passphrase_problem(
    passphrase: str, confirm: str, *, context: Iterable[str] = ()
) -> str | None:
    """What stops ``passphrase`` from becoming the vault's passphrase, or None if nothing.

    Strength is judged before the confirmation: someone told "not the same" and
    then "too weak" would have typed a passphrase twice for nothing.
    """
    if not passphrase.strip():
        return _("Type a passphrase in both fields.")
    if len(passphrase) < MIN_LENGTH:
        return _(
            "Use at least {count} characters. A few unrelated words are easy to "
            "remember and hard to guess."
        ).format(count=MIN_LENGTH)
    strength = assess(passphrase, context=context)
    if not strength.acceptable:
        return strength.explanation
    if passphrase != confirm:
        return _("The two passphrases are not the same. Type them both again.")
    return None


def _zxcvbn() -> Any:
    # Imported on first use: the lock screen appears without waiting for it
    # (it builds its word tables on import, about 40 ms).
    return importlib.import_module("zxcvbn").zxcvbn


def _verdict(score: int, log10: float, reasons: tuple[str, ...]) -> Strength:
    acceptable = score >= ACCEPTABLE_SCORE
    return Strength(
        score=score,
        acceptable=acceptable,
        label=_label(score),
        guesses_log10=log10,
        # Capped so a huge estimate cannot overflow a float; it is "centuries" anyway.
        time_to_guess=describe_time(10 ** min(log10, 300.0) / 2 / GUESSES_PER_SECOND),
        reasons=() if acceptable else _unique(reasons),
        advice=() if acceptable else _advice(),
    )


def _label(score: int) -> str:
    labels = (
        _("Very weak"),
        _("Weak"),
        _("Too easy to guess"),
        _("Good"),
        _("Strong"),
    )
    return labels[max(0, min(score, 4))]


def _advice() -> tuple[str, ...]:
    return (
        _(
            "Try four or more ordinary words that have nothing to do with each other "
            "or with you, like “{example}” (but choose your own)."
        ).format(example=EXAMPLE),
        _(
            "Words are easier to remember than symbols, and length matters more than "
            "capitals or numbers."
        ),
    )


def _reasons(passphrase: str, sequence: Sequence[dict[str, Any]]) -> Iterable[str]:
    """Plain-language reasons, from zxcvbn's matches; never quoting the passphrase."""
    for match in sequence:
        pattern = match.get("pattern")
        if pattern == "dictionary":
            yield from _dictionary_reasons(match)
        elif pattern == "spatial":
            yield _("Keys next to each other on the keyboard (like “qwerty”) are tried early.")
        elif pattern == "repeat":
            yield _("Repeated letters or words (like “aaa” or “abcabc”) add very little.")
        elif pattern == "sequence":
            yield _("Sequences like “abc” or “1234” are tried early.")
        elif pattern in ("date", "regex"):
            yield _("Dates and years, like birthdays, are among the first things tried.")
    if passphrase.isdigit():
        yield _("It is only numbers, which a computer can run through quickly.")
    if all(m.get("pattern") == "bruteforce" for m in sequence):
        yield _("It is too short for random characters to be safe.")


def _dictionary_reasons(match: dict[str, Any]) -> Iterable[str]:
    name = match.get("dictionary_name")
    if name == "user_inputs":
        yield _(
            "It uses words someone would try first, like the name of this app or "
            "the example passphrase."
        )
    elif name == "passwords":
        yield _("It is, or contains, one of the most common passwords.")
    elif name in ("surnames", "male_names", "female_names"):
        yield _("Common names are among the first things tried.")
    else:
        yield _("Common words on their own, or just one or two, are quick to guess.")
    if match.get("l33t"):
        yield _("Swapping letters for look-alikes (like @ for a, or 0 for o) does not help.")
    if match.get("reversed"):
        yield _("Words spelled backwards are tried too.")


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def describe_time(seconds: float) -> str:
    """A duration in plain words, rounded as a person would say it."""
    if seconds < 60:
        return _("less than a minute")
    units = (
        (3600.0, _("about {n} minutes"), _("about a minute")),
        (86400.0, _("about {n} hours"), _("about an hour")),
        (86400.0 * 30, _("about {n} days"), _("about a day")),
        (86400.0 * 365, _("about {n} months"), _("about a month")),
        (86400.0 * 365 * 100, _("about {n} years"), _("about a year")),
    )
    unit = 60.0
    for limit, many, one in units:
        if seconds < limit:
            count = math.floor(seconds / unit)
            return one if count <= 1 else many.format(n=count)
        unit = limit
    return _("centuries")
