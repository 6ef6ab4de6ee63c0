"""The bundled fonts, and per-character fallback between them. Imports reportlab lazily.

reportlab sets a paragraph in one font unless told otherwise, and a glyph the
font lacks prints as an empty box. So every piece of typed text is split into
runs by the first bundled font that has each character (Latin, Cyrillic and
Greek in Noto Sans; then Arabic, Hebrew, Devanagari; then Droid Sans Fallback
for Chinese and Japanese), and each run is wrapped in ``<font name=…>``.
Fonts load on first need, so a referral in English never reads the 4 MB CJK
font. resources/fonts/README.md says what each font covers and its licence.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..paths import resource_path
from .text import MIRRORED, escape, word_direction

_REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class _Face:
    name: str  # the name reportlab knows it by
    regular: str
    bold: str
    shaped: bool  # needs harfbuzz: joining, reordering, right-to-left runs


# Fallback order: the first face with a character's glyph prints it.
_FACES = (
    _Face("PeerdeskSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", False),
    _Face("PeerdeskArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", True),
    _Face("PeerdeskHebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", True),
    _Face(
        "PeerdeskDevanagari",
        "NotoSansDevanagari-Regular.ttf",
        "NotoSansDevanagari-Bold.ttf",
        True,
    ),
    # No bold face exists: bold CJK prints in the regular weight.
    _Face("PeerdeskCJK", "DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf", False),
)

BASE_FONT = _FACES[0].name
BOLD_FONT = _FACES[0].name + "-Bold"

_lock = threading.Lock()
_loaded: dict[str, frozenset[int] | set[int]] = {}


def _font_name(face: _Face, bold: bool) -> str:
    return face.name + ("-Bold" if bold else "")


def _coverage(face: _Face, bold: bool) -> frozenset[int] | set[int]:
    """The code points ``face`` has glyphs for, registering it with reportlab on first use."""
    name = _font_name(face, bold)
    cmap = _loaded.get(name)
    if cmap is not None:
        return cmap
    with _lock:
        cmap = _loaded.get(name)
        if cmap is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            file_name = face.bold if bold else face.regular
            # Every face stays shapable: reportlab shapes a paragraph only if
            # its style's (Latin) font is. The layout turns shaping on only for
            # paragraphs with a run in a face that needs it (see Runs.shaped).
            # asciiReadable off: each subset then holds only the characters
            # drawn, so its ToUnicode map lists exactly what was printed.
            font = TTFont(name, str(resource_path("fonts", file_name)), asciiReadable=False)
            pdfmetrics.registerFont(font)
            # A snapshot: reportlab later adds private-use entries for shaped
            # glyphs to its own map, and those are not characters we can print.
            cmap = frozenset(font.face.charToGlyph)
            _loaded[name] = cmap
    return cmap


def register_base_fonts() -> None:
    """Make the Latin regular and bold faces known to reportlab (styles name them)."""
    _coverage(_FACES[0], False)
    _coverage(_FACES[0], True)
    _install_mixed_word_shaping()


_shaping_installed = False


def _install_mixed_word_shaping() -> None:
    """Teach reportlab to shape a word whose letters come from more than one font.

    reportlab 5.1 shapes each word with the harfbuzz font of its *first* run
    and then looks the glyph ids up in each run's own font, so "שלום," (Hebrew
    font, then a comma the Hebrew font lacks) prints a .notdef box. Words in
    one font go to reportlab's own shaper unchanged; a mixed word is shaped
    run by run, and in a right-to-left word the runs are put in visual order
    with brackets mirrored. Installed once; harmless for other reportlab users.
    """
    global _shaping_installed
    with _lock:
        if _shaping_installed:
            return
        from reportlab.pdfbase import ttfonts
        from reportlab.platypus import paragraph

        stock = _recording(paragraph.shapeFragWord)
        paragraph.shapeFragWord = _mixed_word_shaper(stock)
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        _shaping_installed = True


# Text for glyphs that have no character of their own (Devanagari half forms,
# reph, conjuncts): reportlab gives each a private-use code point, which a
# reader copying text would get. Keyed by (font face name, that code point).
_private_text: dict[tuple[str, int], str] = {}


def _recording(stock: Any) -> Any:
    """``stock`` shaping, noting which text each private-use glyph was shaped from."""
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import ShapedStr

    def shape(word: Any, *args: Any, **kwargs: Any) -> Any:
        result = stock(word, *args, **kwargs)
        if result is word:
            return result
        text = "".join(t for frag, t in word[1:] if not hasattr(frag, "cbDefn"))
        glyphs: list[tuple[str, str, int]] = []  # (face, glyph's character, cluster)
        for frag, piece in result[1:]:
            if not isinstance(piece, ShapedStr):
                continue
            face = getFont(frag.fontName).face.name.decode("latin-1")
            for ch, data in zip(piece, piece.__shapeData__, strict=False):
                glyphs.append((face, ch, data.cluster))
        starts = sorted({cluster for _f, _c, cluster in glyphs} | {len(text)})
        for face, ch, cluster in glyphs:
            code = ord(ch)
            if not 0xE000 <= code <= 0xF8FF or (face, code) in _private_text:
                continue
            end = starts[starts.index(cluster) + 1] if cluster in starts else len(text)
            source = list(text[cluster:end])
            # Characters drawn by the cluster's other glyphs are theirs, not this one's.
            for _other_face, other, other_cluster in glyphs:
                if other_cluster == cluster and other != ch and other in source:
                    source.remove(other)
            _private_text[(face, code)] = "".join(source)
        return result

    return shape


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with private-use glyphs mapped to the text they show."""
    face = fontname.split("+", 1)[-1]

    def utf16(code: int) -> str:
        text = _private_text.get((face, code)) or chr(code)
        return text.encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(code)}>" for i, code in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def _mixed_word_shaper(stock: Any) -> Any:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import ShapedFragWord, ShapedStr, makeShapedFragWord

    def width_of(frag: Any, text: str) -> float:
        if isinstance(text, ShapedStr):
            return float(sum(d.x_advance for d in text.__shapeData__) * frag.fontSize / 1000)
        return float(stringWidth(text, frag.fontName, frag.fontSize))

    def shape(word: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(word, ShapedFragWord):
            return word
        pieces = word[1:]
        if len({frag.fontName for frag, _text in pieces}) <= 1 or any(
            hasattr(frag, "cbDefn") for frag, _text in pieces
        ):
            return stock(word, *args, **kwargs)
        text = "".join(t for _frag, t in pieces)
        right_to_left = word_direction(text) == "R"
        shaped: list[tuple[Any, str]] = []
        for frag, piece in pieces:
            if right_to_left and word_direction(piece) == "N":
                # Punctuation printed in the Latin font: harfbuzz would lay it
                # out left to right, so reverse and mirror it here instead.
                piece = piece[::-1].translate(MIRRORED)
            one = stock([width_of(frag, piece), (frag, piece)], *args, **kwargs)
            shaped.extend(tuple(item) for item in one[1:])
        if right_to_left:
            shaped.reverse()
        result = makeShapedFragWord(word)([])
        result.append(sum(width_of(frag, t) for frag, t in shaped))
        result.extend(shaped)
        return result

    return shape


def _is_neutral(ch: str) -> bool:
    """Spaces, digits and punctuation: they may print in whichever font the run is in."""
    return unicodedata.category(ch)[0] in "ZPNS"


@dataclass(slots=True)
class Runs:
    """Text cut into (font name, text) runs, and whether any run needs shaping."""

    runs: list[tuple[str, str]] = field(default_factory=list)
    shaped: bool = False

    def markup(self, base_font: str) -> str:
        """reportlab paragraph markup: each run not in ``base_font`` wrapped in ``<font>``."""
        parts = []
        for font, text in self.runs:
            if font == base_font:
                parts.append(escape(text))
            else:
                parts.append(f'<font name="{font}">{escape(text)}</font>')
        return "".join(parts)


def font_runs(text: str, *, bold: bool = False) -> Runs:
    """Split clean ``text`` into runs by font; characters no font has print as U+FFFD."""
    result = Runs()
    base = _FACES[0]
    base_cmap = _coverage(base, bold)
    current: _Face = base
    current_cmap = base_cmap
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            result.runs.append((_font_name(current, bold), "".join(buffer)))
            buffer.clear()

    for ch in text:
        code = ord(ch)
        if code in current_cmap and (
            current is base or _is_neutral(ch) or unicodedata.category(ch)[0] == "M"
        ):
            # Neutrals and combining marks keep the run's font where it has
            # them, so a shaped word is not cut in two: reportlab shapes a
            # whole word with the font of its first run.
            buffer.append(ch)
            continue
        chosen: _Face | None = None
        chosen_cmap: frozenset[int] | set[int] = base_cmap
        for face in _FACES:
            cmap = _coverage(face, bold)
            if code in cmap:
                chosen, chosen_cmap = face, cmap
                break
        if chosen is None:
            category = unicodedata.category(ch)
            if category[0] == "M" or category == "Cf":
                continue  # a mark or joiner with nothing to join: leave it out
            chosen, chosen_cmap, ch = base, base_cmap, _REPLACEMENT
        if chosen is not current:
            flush()
            current, current_cmap = chosen, chosen_cmap
            result.shaped = result.shaped or chosen.shaped
        buffer.append(ch)
    flush()
    return result


def markup(text: str, *, bold: bool = False) -> tuple[str, bool]:
    """(paragraph markup for clean ``text``, whether it needs shaping)."""
    runs = font_runs(text, bold=bold)
    return runs.markup(BOLD_FONT if bold else BASE_FONT), runs.shaped
