"""Whatever was typed or pasted, the referral renders, and the words are there."""

from __future__ import annotations

import dataclasses
import time

import pytest

from peerdesk.referral_pdf import BackgroundEntry, render, sections
from peerdesk.referral_pdf.text import clean, paragraphs
from peerdesk.store.models import ReferralItemKind

from ..conftest import LONE_SURROGATE
from .factory import CREATED, full_document
from .reading import all_text, reader

ONE_MB_NOTE = ("She said the comments went on all week and nobody stepped in. " * 17_000)[
    : 1024 * 1024
]


def test_every_kind_of_hostile_text_renders_in_every_field(hostile_text: str) -> None:
    doc = full_document(
        colleague_name=hostile_text,
        situation=hostile_text,
        supporter_name=hostile_text,
        recipient_name=hostile_text,
        risk_flags=(hostile_text,),
    )
    data = render(doc)
    assert data.startswith(b"%PDF")
    assert "Situation" in all_text(data)


def test_markup_characters_print_as_typed_and_are_not_obeyed() -> None:
    typed = '<b>bold?</b> & <font name="Courier">x</font> &amp; <br/> a<b'
    data = render(full_document(situation=typed, colleague_name="<i>Ana</i> & Co"))
    text = all_text(data)
    assert typed in text
    assert "<i>Ana</i> & Co" in text


def test_control_characters_and_lone_surrogates_are_dropped_not_fatal() -> None:
    typed = "line\x00one\x07\x1b[31m\x7f\r\nnext " + LONE_SURROGATE + " \u202eevil\u202c"
    data = render(full_document(situation=typed, colleague_name=LONE_SURROGATE))
    text = all_text(data)
    assert "lineone[31m" in text
    assert "before \ufffd after" in text
    assert "evil" in text
    assert "\x00" not in text
    assert "\u202e" not in text


def test_clean_keeps_joiners_and_drops_overrides() -> None:
    assert clean("a\u200db\u202ec\u200bd\ufeffe") == "a\u200dbcde"
    assert clean("x\ud800y") == "x\ufffdy"
    assert paragraphs("one\r\n\r\n  two\tthree  ") == ["one", "two three"]


def test_a_one_megabyte_raw_note_paginates_in_reasonable_time() -> None:
    entry = BackgroundEntry(
        kind=ReferralItemKind.SESSION, on=CREATED, summary="Very long notes.", raw_text=ONE_MB_NOTE
    )
    start = time.perf_counter()
    data = render(full_document(entries=(entry,)))
    elapsed = time.perf_counter() - start
    pdf = reader(data)
    assert len(pdf.pages) > 100
    middle = pdf.pages[len(pdf.pages) // 2].extract_text()
    assert "nobody stepped in" in middle
    assert "Acknowledgement slip" in pdf.pages[-1].extract_text()
    assert elapsed < 120, f"a 1 MB note took {elapsed:.0f} s"


@pytest.mark.parametrize("field", ["situation", "colleague_name", "contact_safe_way"])
def test_a_50000_character_word_is_split_over_lines_not_lost(field: str) -> None:
    word = "".join(chr(ord("a") + (i * 7) % 26) for i in range(50_000))
    data = render(dataclasses.replace(full_document(), **{field: word}))
    text = "".join(all_text(data).split())
    # Split over many lines and pages, but every letter is there, in order.
    assert word[:2000] in text
    assert word[-2000:] in text
    assert len(reader(data).pages) > 2


def test_the_preview_sections_keep_the_text_exactly_as_typed() -> None:
    typed = "<b>&amp;</b>\x07"
    all_sections = sections(full_document(situation=typed))
    situation = next(s for s in all_sections if s.title == "Situation")
    assert getattr(situation.blocks[0], "text") == typed  # noqa: B009 - a Note
