"""Names in other scripts print as real glyphs, in the right order, and copy back out.

How the check works: reportlab draws a character that its font lacks as glyph
0 (.notdef, an empty box) but still records the character in the font's
ToUnicode map. So every character a font is asked to draw must be in that
font's own character map (or be one of the private-use codes reportlab gives
shaped glyphs, such as Devanagari conjuncts, which are real glyphs). That is
exact and independent of screen resolution, unlike looking for boxes in
pixels; the PNGs from pdftoppm are for people to look at.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from peerdesk.paths import resource_path
from peerdesk.referral_pdf import render

from .factory import NAMES, full_document, non_latin_document
from .reading import all_text, fonts_used, nfkc, require_tool

FONT_FILES = {
    "NotoSans-Regular": "NotoSans-Regular.ttf",
    "NotoSans-Bold": "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular": "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold": "NotoSansArabic-Bold.ttf",
    "NotoSansHebrew-Regular": "NotoSansHebrew-Regular.ttf",
    "NotoSansHebrew-Bold": "NotoSansHebrew-Bold.ttf",
    "NotoSansDevanagari-Regular": "NotoSansDevanagari-Regular.ttf",
    "NotoSansDevanagari-Bold": "NotoSansDevanagari-Bold.ttf",
    "DroidSansFallback": "DroidSansFallbackFull.ttf",
}


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render(non_latin_document())


@pytest.mark.parametrize("script", ["Cyrillic", "Greek", "Hebrew", "Chinese", "Japanese"])
def test_names_copy_back_out_exactly(pdf: bytes, script: str) -> None:
    assert NAMES[script] in all_text(pdf)


def test_an_arabic_name_copies_out_as_the_letters_typed_once_forms_are_folded(pdf: bytes) -> None:
    # Joined Arabic is drawn with contextual glyphs that map to presentation
    # forms (U+FExx); NFKC folds them to the typed letters. The word order is
    # logical, which also shows the words were drawn right to left.
    assert NAMES["Arabic"] in nfkc(all_text(pdf))
    assert "مرحبا، أنا بخير" in nfkc(all_text(pdf))


def test_a_devanagari_name_copies_out_with_its_conjuncts(pdf: bytes) -> None:
    text = all_text(pdf)
    first, second = NAMES["Devanagari"].split()
    # The half-form conjunct न्य comes back as the letters typed.
    assert first in text
    # A reph (र् drawn above the end of its syllable) is a glyph of its own,
    # and a PDF maps glyphs to text one by one in drawing order: it copies out
    # after the syllable (शमार् for शर्मा). Same letters, glyph order.
    match = re.search(r"श\S*", text[text.index(first) :])
    assert match is not None
    assert sorted(match.group(0)) == sorted(second)


def test_every_script_is_drawn_from_an_embedded_font_with_real_glyphs(pdf: bytes) -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    used = fonts_used(pdf)
    faces = {name.split("+", 1)[1] for name in used}
    for expected in (
        "NotoSans-Regular",
        "NotoSansArabic-Regular",
        "NotoSansHebrew-Regular",
        "NotoSansDevanagari-Regular",
        "DroidSansFallback",
    ):
        assert expected in faces, f"{expected} not used"
    for name, font in used.items():
        assert font["/Subtype"] == "/TrueType"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
        face = name.split("+", 1)[1]
        cmap = TTFontFile(str(resource_path("fonts", FONT_FILES[face]))).charToGlyph
        to_unicode = font["/ToUnicode"].get_object().get_data().decode()
        mappings = to_unicode.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
        for code, target in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", mappings):
            text = bytes.fromhex(target).decode("utf-16-be")
            if len(text) == 1 and not 0xE000 <= ord(text) <= 0xF8FF:
                assert cmap.get(ord(text), 0) != 0, (
                    f"{face} draws {text!r} (U+{ord(text):04X}) as .notdef (code {code})"
                )


def test_no_shaped_glyph_is_notdef(pdf: bytes) -> None:
    """Glyphs harfbuzz picks (joined forms, conjuncts) are not glyph 0 either.

    Those glyphs have no character of their own: reportlab gives each a
    private-use code in its in-memory copy of the font, pointing at the glyph
    id. A shaper handed the wrong font returns glyph 0 for everything it lacks,
    and that would show here as a private-use code pointing at glyph 0.
    """
    from reportlab.pdfbase import pdfmetrics

    assert pdf
    checked = 0
    for name in pdfmetrics.getRegisteredFontNames():
        if not name.startswith("Peerdesk"):
            continue
        cmap = pdfmetrics.getFont(name).face.charToGlyph
        private = {code: glyph for code, glyph in cmap.items() if 0xE000 <= code <= 0xF8FF}
        checked += len(private)
        assert 0 not in private.values(), f"{name} drew .notdef for a shaped glyph"
    assert checked, "no shaped glyphs at all: the Devanagari conjuncts should have some"


def test_characters_no_font_has_print_as_a_replacement_mark_not_a_box() -> None:
    doc = full_document(colleague_name="Sam 😀 사무실")
    data = render(doc)
    text = all_text(data)
    assert "Sam" in text
    assert "\ufffd" in text
    for name, font in fonts_used(data).items():
        to_unicode = font["/ToUnicode"].get_object().get_data().decode()
        assert "D83DDE00" not in to_unicode, name


def test_right_to_left_words_are_drawn_right_to_left(pdf: bytes, tmp_path: Path) -> None:
    """The first word of the Arabic name sits to the right of the second on the page.

    poppler's word boxes give each word's position; it lists a right-to-left
    word's glyphs in drawing order, so each word is reversed before folding.
    """
    target = tmp_path / "names.pdf"
    target.write_bytes(pdf)
    bbox = subprocess.run(
        [require_tool("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(target), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    words = [
        (float(x), nfkc(html.unescape(word)[::-1]))
        for x, word in re.findall(r'<word xMin="([0-9.]+)"[^>]*>([^<]*)</word>', bbox)
    ]
    for logical in (NAMES["Arabic"], NAMES["Hebrew"]):
        first, second = logical.split()
        x_first = next(x for x, word in words if word == first)
        x_second = next(x for x, word in words if word == second)
        assert x_first > x_second, logical
