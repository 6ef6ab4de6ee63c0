"""peerdesk's look as data: the style sheet's tokens, derived from a palette and a font size.

No Qt here, so the colour arithmetic is checked by mypy and tested without a display.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

# -- the look: peerdesk.qss's tokens, filled in from the system palette and font ----------
#
# A light palette gets the warm-paper look below, exactly as it was reviewed. A dark
# palette, or any palette when the system asks for more contrast, gets colours derived
# from the palette itself, so peerdesk sits calmly among the supporter's other windows.
# The teal accent stays in every variant, and every text colour keeps WCAG 2's 4.5:1
# on its background (tests/ui/test_look.py measures them). Font sizes are ratios of
# the system font: Qt style sheets know only pt and px, which would pin them.

ACCENT = "#2f6f73"  # the calm teal of primary buttons, focus frames and selections
_LIGHTER_ACCENT = "#3f9a9e"  # the same teal, lighter: where it marks text or frames on dark
_CAUTION_HUE = "#c9a227"
_ERROR_HUE = "#b3261e"
_STRENGTH_HUES = {
    "strengthWeak": "#b3261e",
    "strengthFair": "#b86e00",
    "strengthGood": "#2e7d4f",
    "strengthStrong": "#1b5e3a",
}

LIGHT_COLOURS: Mapping[str, str] = {
    "paper": "#f4f1ec",  # the calm window background
    "paperSoft": "#f7f5f0",  # the recovery code's box, alternate table rows
    "chrome": "#ebe6de",  # menu bar, table headers
    "card": "#ffffff",
    "cardBorder": "#ddd6cb",
    "softBorder": "#cfc8bc",  # lists, tabs, tables, menus, disabled buttons
    "field": "#ffffff",
    "fieldText": "#1a1a1a",
    "fieldBorder": "#a9a196",
    "codeBorder": "#8c8577",
    "text": "#2b2b2b",
    "strongText": "#111111",
    "heading": "#1f4547",
    "hint": "#4f4f4f",
    "muted": "#5c5c5c",
    "button": "#ffffff",
    "buttonText": "#1f4547",
    "buttonHover": "#f0f5f5",
    "buttonFocus": "#1f4547",
    "accent": ACCENT,
    "accentBorder": "#265b5e",
    "accentHover": "#285f62",
    "accentFocus": "#12302f",
    "onAccent": "#ffffff",
    "focus": ACCENT,
    "link": "#1f5f63",
    "linkHover": "#12302f",
    "disabledField": "#efede8",
    "disabledFieldText": "#777777",
    "disabledButton": "#e4e1db",
    "disabledText": "#6b6b6b",
    "track": "#e7ece9",
    "meterTrack": "#e6e1d8",
    "tabFocus": "#e6eeee",
    "cautionBg": "#fbf4e2",
    "cautionText": "#4a3b12",
    "cautionEdge": _CAUTION_HUE,
    "errorBg": "#fbeaea",
    "errorText": "#8a1c1c",
    "errorBorder": "#e5b3b3",
    "noteBg": "#e9f2f1",
    "noteText": "#1f4547",
    "noteBorder": "#b9d3d1",
    **_STRENGTH_HUES,
}

# The reviewed look was drawn with 11 pt body text; these keep its proportions.
FONT_SCALES: Mapping[str, float] = {
    "fontBody": 1.0,
    "fontSmall": 10 / 11,
    "fontLarge": 12 / 11,
    "fontSection": 13 / 11,
    "fontPane": 14 / 11,
    "fontHeading": 17 / 11,
}
SMALLEST_POINT_SIZE = 9.0  # small print stops here, unless the body text is smaller still
_TOKEN = re.compile(r"@([A-Za-z][A-Za-z0-9]*)")


class PaletteColours(NamedTuple):
    """The system palette roles the look is derived from, each as ``#rrggbb``."""

    window: str
    window_text: str
    base: str
    text: str
    highlight: str
    highlighted_text: str


def _channels(colour: str) -> tuple[float, float, float]:
    value = int(colour.removeprefix("#"), 16)
    return ((value >> 16) / 255, ((value >> 8) & 0xFF) / 255, (value & 0xFF) / 255)


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0 to 1) of the way towards ``other``."""
    pairs = zip(_channels(colour), _channels(other), strict=True)
    return "#" + "".join(f"{round((a + (b - a) * amount) * 255):02x}" for a, b in pairs)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance: 0 for black, 1 for white."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio: 1 (none) to 21 (black on white); text needs 4.5 (AA)."""
    darker, lighter = sorted((relative_luminance(foreground), relative_luminance(background)))
    return (lighter + 0.05) / (darker + 0.05)


def readable(colour: str, *backgrounds: str, minimum: float = 4.5) -> str:
    """``colour``, taken towards white (on dark) or black (on light) just far enough
    to reach ``minimum`` contrast on every one of ``backgrounds``."""
    target = "#ffffff" if relative_luminance(backgrounds[0]) < 0.18 else "#000000"
    for step in range(41):
        candidate = mix(colour, target, step / 40)
        if all(contrast_ratio(candidate, ground) >= minimum for ground in backgrounds):
            return candidate
    return target


def is_dark(palette: PaletteColours) -> bool:
    """A dark palette writes light text on a dark window."""
    return relative_luminance(palette.window) < relative_luminance(palette.window_text)


def derived_colours(palette: PaletteColours, *, high_contrast: bool = False) -> dict[str, str]:
    """Every colour token, from the palette: for dark palettes and for high contrast.

    With ``high_contrast`` all text and edges take the palette's own text colour,
    and the main action its own highlight: the supporter's theme decides.
    """
    paper, ink = palette.window, palette.window_text
    # Cards stand out from the page: the palette's base where that is lighter (as on
    # paper), else a slightly raised page (dark themes lift surfaces, not sink them).
    raised = relative_luminance(palette.base) >= relative_luminance(paper)
    card = palette.base if raised else mix(paper, ink, 0.05)
    grounds = (paper, card)
    accent = palette.highlight if high_contrast else ACCENT
    teal = _LIGHTER_ACCENT if is_dark(palette) else ACCENT
    focus = readable(accent if high_contrast else teal, *grounds, minimum=3.0)  # WCAG 1.4.11
    heading = ink if high_contrast else readable(teal, *grounds, minimum=7.0)
    link = readable(teal, *grounds, minimum=7.0 if high_contrast else 6.0)

    def edge(amount: float) -> str:
        return ink if high_contrast else mix(paper, ink, amount)

    def quiet(amount: float) -> str:
        return ink if high_contrast else readable(mix(ink, paper, amount), *grounds)

    def tinted(hue: str, amount: float) -> str:
        return paper if high_contrast else mix(paper, hue, amount)

    def ink_on(ground: str, hue: str) -> str:
        return ink if high_contrast else readable(mix(hue, ink, 0.55), ground, minimum=7.0)

    caution_bg, error_bg, note_bg = (
        tinted(_CAUTION_HUE, 0.14),
        tinted(_ERROR_HUE, 0.2),
        tinted(ACCENT, 0.22),
    )
    colours = {
        "paper": paper,
        "paperSoft": mix(card, ink, 0.04),
        "chrome": mix(paper, ink, 0.07),
        "card": card,
        "cardBorder": edge(0.16),
        "softBorder": edge(0.24),
        "field": palette.base,
        "fieldText": palette.text,
        "fieldBorder": edge(0.4),
        "codeBorder": edge(0.5),
        "text": ink,
        "strongText": ink,
        "heading": heading,
        "hint": quiet(0.22),
        "muted": quiet(0.3),
        "button": card,
        "buttonText": heading,
        "buttonHover": mix(card, teal, 0.16),
        "buttonFocus": focus,
        "accent": accent,
        "accentBorder": accent if high_contrast else mix(ACCENT, ink, 0.25),
        "accentHover": mix(accent, "#000000", 0.12),
        "accentFocus": ink if high_contrast else heading,
        "onAccent": readable(palette.highlighted_text if high_contrast else "#ffffff", accent),
        "focus": focus,
        "link": link,
        "linkHover": mix(link, ink, 0.5),
        "disabledField": mix(paper, ink, 0.06),
        "disabledFieldText": mix(ink, paper, 0.45),
        "disabledButton": mix(paper, ink, 0.12),
        "disabledText": mix(ink, paper, 0.4),
        "track": mix(card, ink, 0.12),
        "meterTrack": mix(card, ink, 0.12),
        "tabFocus": tinted(teal, 0.3),
        "cautionBg": caution_bg,
        "cautionText": ink_on(caution_bg, _CAUTION_HUE),
        "cautionEdge": ink if high_contrast else readable(_CAUTION_HUE, paper, minimum=3.0),
        "errorBg": error_bg,
        "errorText": ink_on(error_bg, _ERROR_HUE),
        "errorBorder": edge(1.0) if high_contrast else mix(paper, _ERROR_HUE, 0.6),
        "noteBg": note_bg,
        "noteText": ink_on(note_bg, ACCENT),
        "noteBorder": edge(1.0) if high_contrast else mix(paper, ACCENT, 0.6),
    }
    for token, hue in _STRENGTH_HUES.items():
        colours[token] = readable(hue, card, minimum=3.0)
    return colours


def font_sizes(point_size: float) -> dict[str, str]:
    """The font size tokens for a system font of ``point_size`` points."""
    sizes = {}
    for token, scale in FONT_SCALES.items():
        size = point_size * scale
        if scale < 1:
            size = max(size, min(point_size, SMALLEST_POINT_SIZE))
        sizes[token] = f"{size:.1f}pt"
    return sizes


def look_tokens(
    palette: PaletteColours, point_size: float, *, high_contrast: bool = False
) -> dict[str, str]:
    """Every token peerdesk.qss uses, for this palette and system font size."""
    if high_contrast or is_dark(palette):
        colours = derived_colours(palette, high_contrast=high_contrast)
    else:
        colours = dict(LIGHT_COLOURS)
    return colours | font_sizes(point_size)


def render_stylesheet(template: str, tokens: Mapping[str, str]) -> str:
    """``template`` with each token replaced; an unknown one is a bug in the QSS."""

    def fill(match: re.Match[str]) -> str:
        try:
            return tokens[match.group(1)]
        except KeyError:
            raise ValueError(f"peerdesk.qss uses an unknown token: {match.group(0)}") from None

    return _TOKEN.sub(fill, template)


