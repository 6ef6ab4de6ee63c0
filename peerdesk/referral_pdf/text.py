"""Making typed text safe to print: cleaning, paragraphs, direction. No reportlab, no Qt.

Text in a referral is whatever the supporter typed or pasted: it may hold
control characters, lone surrogates, bidi overrides or a megabyte with no
line break. These helpers turn it into clean paragraphs of a bounded size that
the layout engine can set without crashing or slowing to a crawl.
"""

from __future__ import annotations

import re
import unicodedata

# reportlab re-wraps the rest of a paragraph at every page break, so one
# huge paragraph costs time quadratic in its length; pieces of this size keep
# a 1 MB note to seconds. Pieces end at a sentence or a word where possible.
MAX_PARAGRAPH = 3000

_REPLACEMENT = "\ufffd"
_KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ/ZWJ steer Arabic and Devanagari shaping
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` with only printable characters and ``\\n`` between paragraphs.

    Lone surrogates become U+FFFD; tabs become spaces; other control and
    format characters (bidi overrides, zero-width spaces, BOMs) are dropped,
    since the renderer decides direction itself and an override could make a
    printed name read backwards. ZWJ and ZWNJ stay: scripts need them.
    """
    if not text:
        return ""
    # Lone surrogates cannot be encoded or normalised: one U+FFFD each.
    text = _SURROGATES.sub(_REPLACEMENT, text)
    text = _LINE_BREAKS.sub("\n", text)
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
            continue
        if ch == "\t":
            out.append(" ")
            continue
        category = unicodedata.category(ch)
        if category == "Cc" or (category == "Cf" and ch not in _KEEP_FORMAT):
            continue
        out.append(_REPLACEMENT if category == "Cs" else ch)
    return unicodedata.normalize("NFC", "".join(out))


def paragraphs(text: str) -> list[str]:
    """Clean ``text`` and cut it into printable paragraphs of at most :data:`MAX_PARAGRAPH`.

    Blank lines are dropped; runs of spaces collapse (as they would on paper).
    """
    result: list[str] = []
    for line in clean(text).split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line:
            result.extend(_pieces(line))
    return result


def _pieces(line: str) -> list[str]:
    pieces = []
    while len(line) > MAX_PARAGRAPH:
        window = line[:MAX_PARAGRAPH]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        if cut < MAX_PARAGRAPH // 2:
            cut = window.rfind(" ")
        if cut < MAX_PARAGRAPH // 2:
            cut = MAX_PARAGRAPH - 1  # one enormous word: split it where it must be
        pieces.append(line[: cut + 1].strip())
        line = line[cut + 1 :].strip()
    if line:
        pieces.append(line)
    return pieces


def is_right_to_left(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strong character is Hebrew or Arabic."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def escape(text: str) -> str:
    """``text`` made safe inside reportlab's paragraph markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Brackets swap in right-to-left text: "(" at the logical start of an Arabic
# phrase is drawn as ")" on its right-hand side. Only pairs our fonts have.
MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def word_direction(word: str) -> str:
    """``"R"`` or ``"L"`` from the word's first strong character; ``"N"`` if it has none."""
    for ch in word:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "N"


def has_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def visual_words(words: list[str], *, right_to_left: bool) -> list[str]:
    """One line's words in the order they are drawn left to right.

    The Unicode bidi algorithm at the level of whole words, which is as far as
    a word-by-word typesetter can follow it: a word takes the direction of its
    first strong letter; words without one (numbers, dashes) between two words
    of the same direction join them, otherwise take the paragraph's direction;
    runs against the paragraph's direction are reversed. The letters inside a
    word are left alone: the shaper orders those.
    """
    base = "R" if right_to_left else "L"
    kinds = [word_direction(w) for w in words]
    before: list[str] = []
    last = base
    for kind in kinds:
        before.append(last)
        if kind != "N":
            last = kind
    after: list[str] = [base] * len(kinds)
    last = base
    for i in range(len(kinds) - 1, -1, -1):
        after[i] = last
        if kinds[i] != "N":
            last = kinds[i]
    resolved = [
        kind if kind != "N" else (before[i] if before[i] == after[i] else base)
        for i, kind in enumerate(kinds)
    ]
    runs: list[list[str]] = []
    run_kinds: list[str] = []
    for word, kind in zip(words, resolved, strict=True):
        if run_kinds and run_kinds[-1] == kind:
            runs[-1].append(word)
        else:
            runs.append([word])
            run_kinds.append(kind)
    if right_to_left:
        runs.reverse()
        run_kinds.reverse()
    out: list[str] = []
    for run, kind in zip(runs, run_kinds, strict=True):
        out.extend(reversed(run) if kind == "R" else run)
    return out
