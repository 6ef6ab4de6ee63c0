"""The look follows the system: light or dark palette, high contrast, font size.

Measured on the rendered window, as a person would see it, and on the colour
tokens themselves (WCAG 2 contrast: 4.5:1 for text, 3:1 for focus frames).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.app import build_main_window, configure_application
from peerdesk.look import (
    LIGHT_COLOURS,
    PaletteColours,
    contrast_ratio,
    look_tokens,
    relative_luminance,
    render_stylesheet,
)
from peerdesk.paths import resource_path, vault_dir
from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import PersonId, SessionId, SessionMode
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.look import apply_look
from peerdesk.ui.person_view import PersonTab
from peerdesk.ui.workspace import WorkspaceState

Find = Callable[..., QWidget]

PASSPHRASE = "a long passphrase words"
SIZE = (1280, 800)

# A dark desktop palette (the colours of GNOME's and Breeze's dark themes, roughly).
DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#26272a",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.Highlight: "#3a7f83",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Light: "#3c3d40",
    QPalette.ColorRole.Midlight: "#333437",
    QPalette.ColorRole.Mid: "#4a4b4f",
    QPalette.ColorRole.Dark: "#111214",
}


def palette(window: str, ink: str, base: str, highlight: str, on_highlight: str) -> PaletteColours:
    return PaletteColours(window, ink, base, ink, highlight, on_highlight)


# The system palettes the colour tokens are checked against, and whether the
# system asks for high contrast.
PALETTES = {
    "light (Fusion)": (palette("#efefef", "#000000", "#ffffff", "#308cc6", "#ffffff"), False),
    "dark (this test)": (palette("#202124", "#e8eaed", "#17181a", "#3a7f83", "#ffffff"), False),
    "dark grey (Fusion)": (palette("#353535", "#ffffff", "#2a2a2a", "#2a82da", "#000000"), False),
    "Breeze Dark": (palette("#202326", "#fcfcfc", "#141618", "#3daee9", "#fcfcfc"), False),
    "high contrast dark": (palette("#000000", "#ffffff", "#000000", "#1aebff", "#000000"), True),
    "high contrast light": (palette("#ffffff", "#000000", "#ffffff", "#37006e", "#ffffff"), True),
}

# Text colour token, then the backgrounds it is drawn on.
TEXT_ON = {
    "text": ("paper", "card", "chrome", "paperSoft"),
    "strongText": ("paperSoft",),
    "heading": ("paper", "card", "chrome"),
    "hint": ("paper", "card"),
    "muted": ("paper", "card"),
    "fieldText": ("field",),
    "buttonText": ("button", "buttonHover"),
    "onAccent": ("accent", "accentHover"),
    "link": ("paper", "card"),
    "linkHover": ("paper", "card"),
    "cautionText": ("cautionBg",),
    "errorText": ("errorBg",),
    "noteText": ("noteBg",),
}
# Frames that show where the keyboard is (WCAG 1.4.11 asks 3:1 of them).
FRAMES_ON = {"focus": ("paper", "card", "field"), "buttonFocus": ("button", "paper", "card")}


# -- the colour tokens -------------------------------------------------------------------


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(
        4.54, abs=0.01
    )  # WCAG's own example
    assert contrast_ratio("#ffffff", "#767676") == contrast_ratio("#767676", "#ffffff")


@pytest.mark.parametrize("palette_name", sorted(PALETTES))
def test_every_text_colour_is_readable_on_its_background(palette_name: str) -> None:
    palette, high_contrast = PALETTES[palette_name]
    tokens = look_tokens(palette, 11, high_contrast=high_contrast)
    too_low = {
        f"{text} on {ground}": round(contrast_ratio(tokens[text], tokens[ground]), 2)
        for text, grounds in TEXT_ON.items()
        for ground in grounds
        if contrast_ratio(tokens[text], tokens[ground]) < 4.5
    }
    too_low |= {
        f"{frame} around {ground}": round(contrast_ratio(tokens[frame], tokens[ground]), 2)
        for frame, grounds in FRAMES_ON.items()
        for ground in grounds
        if contrast_ratio(tokens[frame], tokens[ground]) < 3.0
    }
    assert too_low == {}


def test_a_light_palette_keeps_the_reviewed_look_and_a_dark_one_follows_the_palette() -> None:
    light = look_tokens(PALETTES["light (Fusion)"][0], 11)
    assert light["paper"] == "#f4f1ec"  # the warm paper, not Fusion's grey
    assert light["accent"] == "#2f6f73"
    dark_palette = PALETTES["dark (this test)"][0]
    dark = look_tokens(dark_palette, 11)
    assert dark["paper"] == dark_palette.window
    assert dark["text"] == dark_palette.window_text
    assert dark["field"] == dark_palette.base
    assert dark["accent"] == "#2f6f73"  # the same calm teal for the main action
    for token in ("card", "chrome", "paperSoft", "field", "button", "errorBg", "noteBg"):
        assert relative_luminance(dark[token]) < 0.1, token
    high = look_tokens(PALETTES["high contrast light"][0], 11, high_contrast=True)
    assert high["paper"] == "#ffffff"  # the theme decides, not the warm paper
    assert high["hint"] == high["text"] == "#000000"


def test_the_stylesheet_has_no_fixed_colours_or_font_sizes() -> None:
    sheet = resource_path("style", "peerdesk.qss").read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", sheet, flags=re.DOTALL)
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(", rules) == []
    assert re.findall(r"font(?:-size)?:[^;]*\d(?:pt|px)", rules) == []
    for palette, high_contrast in PALETTES.values():
        rendered = render_stylesheet(sheet, look_tokens(palette, 11, high_contrast=high_contrast))
        assert "@" not in rendered


def test_an_unknown_token_is_an_error_not_a_silent_gap() -> None:
    with pytest.raises(ValueError, match="@nowhere"):
        render_stylesheet("QLabel { color: @nowhere; }", LIGHT_COLOURS)


# -- the rendered window -------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    person: PersonId
    session: SessionId


@pytest.fixture
def system_look(qapp: QApplication) -> Iterator[QApplication]:
    """Lets a test change the system palette and font; puts both back afterwards."""
    font = QFont(qapp.font())
    yield qapp
    qapp.setPalette(QPalette())  # no roles set: back to the platform's own palette
    qapp.setFont(font)
    configure_application(qapp)


@pytest.fixture
def data_dir(tmp_path: Path, fast_kdf: KdfParams) -> tuple[Path, Shown]:
    """A vault with one invented person, a session with notes and a diary entry."""
    data = tmp_path / "peerdesk-data"
    vault, _code = Vault.create(vault_dir(data), PASSPHRASE, kdf=fast_kdf)
    with vault:
        sam = vault.people.add("Sam (warehouse)").id
        vault.people.add("Priya – finance")
        session = vault.sessions.add(
            sam,
            "Went through the dignity at work policy together. Sam would like a union rep "
            "at any meeting with HR. I check in on Friday.",
            duration_minutes=50,
            mode=SessionMode.VIDEO,
        )
        vault.incidents.add(sam, place="Morning briefing", what_happened="Called useless.")
    return data, Shown(sam, session.id)


def open_window(qtbot: QtBot, data: tuple[Path, Shown], kdf: KdfParams, find: Find) -> AppWindow:
    """Start peerdesk as ``main()`` does, unlock it, and open the session."""
    data_dir, shown = data
    window = build_main_window(data_dir, kdf=kdf)
    assert isinstance(window, AppWindow)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    screen = window.lock_screen
    qtbot.keyClicks(find(screen, QLineEdit, "Passphrase"), PASSPHRASE)
    with qtbot.waitSignal(window.unlocked):
        qtbot.mouseClick(find(screen, QPushButton, "Unlock"), Qt.MouseButton.LeftButton)
    workspace = window.workspace
    assert workspace is not None
    workspace.restore(
        WorkspaceState(person_id=shown.person, tab=PersonTab.SESSIONS, session_id=shown.session)
    )
    toolbar = window.findChildren(QToolBar)[0]
    # Laid out: the toolbar has moved under the menu bar, the editor is open.
    qtbot.waitUntil(
        lambda: (
            toolbar.y() >= window.menuBar().height() and bool(window.findChildren(QPlainTextEdit))
        )
    )
    return window


def on_screen(shot: QImage, window: QWidget, widget: QWidget) -> QImage:
    """The part of the window's picture where ``widget`` is."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return shot.copy(QRect(top_left, widget.size()))


def pixels(image: QImage, step: int = 1) -> list[str]:
    return [
        image.pixelColor(x, y).name()
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    ]


def background(image: QImage) -> str:
    """The colour most of the area is painted in."""
    return Counter(pixels(image, 2)).most_common(1)[0][0]


def text_contrast(image: QImage) -> float:
    """How far the text stands out: the pixel most unlike the background (a glyph's core)."""
    ground = background(image)
    return max(contrast_ratio(colour, ground) for colour in set(pixels(image)))


def areas(window: AppWindow, find: Find) -> dict[str, QWidget]:
    """The main areas of the workspace, found as a person or a screen reader would."""
    people_heading = next(
        label for label in window.findChildren(QLabel) if label.text() == "People"
    )
    lists = [v for v in window.findChildren(QListView) if v.objectName() == "rowList"]
    notes = find(window, QPlainTextEdit, "Notes")
    assert isinstance(notes, QPlainTextEdit)
    return {
        "menu bar": window.menuBar(),
        "toolbar": window.findChildren(QToolBar)[0],
        "page behind the people heading": people_heading,
        "people list": lists[0].viewport(),
        "alias": find(window, QLabel, "Alias"),
        "support status": find(window, QLabel, "Support status"),
        "notes": notes.viewport(),
    }


TEXT_AREAS = ("page behind the people heading", "alias", "support status", "notes")


def test_with_a_dark_system_palette_the_whole_window_is_dark_and_readable(
    qtbot: QtBot,
    system_look: QApplication,
    data_dir: tuple[Path, Shown],
    fast_kdf: KdfParams,
    by_name: Find,
) -> None:
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    system_look.setPalette(palette)
    window = open_window(qtbot, data_dir, fast_kdf, by_name)
    try:
        shot = window.grab().toImage()
        seen = {
            name: on_screen(shot, window, widget) for name, widget in areas(window, by_name).items()
        }
        grounds = {name: background(image) for name, image in seen.items()}
        assert {n: c for n, c in grounds.items() if relative_luminance(c) > 0.05} == {}
        contrasts = {name: round(text_contrast(seen[name]), 1) for name in TEXT_AREAS}
        assert min(contrasts.values()) >= 4.5, contrasts
        # The main action keeps its teal, with white text that reads on it.
        action = on_screen(shot, window, by_name(window, QPushButton, "New session"))
        assert background(action) == "#2f6f73"
        assert text_contrast(action) >= 4.5
    finally:
        window.shutdown()


def test_with_a_light_system_palette_the_reviewed_look_stays(
    qtbot: QtBot,
    system_look: QApplication,
    data_dir: tuple[Path, Shown],
    fast_kdf: KdfParams,
    by_name: Find,
) -> None:
    window = open_window(qtbot, data_dir, fast_kdf, by_name)
    try:
        shot = window.grab().toImage()
        seen = {
            name: on_screen(shot, window, widget) for name, widget in areas(window, by_name).items()
        }
        grounds = {name: background(image) for name, image in seen.items()}
        assert {n: c for n, c in grounds.items() if relative_luminance(c) < 0.6} == {}
        assert grounds["page behind the people heading"] == "#f4f1ec"  # the warm paper
        contrasts = {name: round(text_contrast(seen[name]), 1) for name in TEXT_AREAS}
        assert min(contrasts.values()) >= 4.5, contrasts
    finally:
        window.shutdown()


def test_switching_the_desktop_to_dark_restyles_the_open_window(
    qtbot: QtBot,
    system_look: QApplication,
    data_dir: tuple[Path, Shown],
    fast_kdf: KdfParams,
    by_name: Find,
) -> None:
    window = open_window(qtbot, data_dir, fast_kdf, by_name)
    try:
        heading = by_name(window, QLabel, "Alias")
        palette = QPalette()
        for role, colour in DARK.items():
            palette.setColor(role, QColor(colour))
        # What a desktop does when the user picks dark: new palette, then the signal
        # (emitted here by hand: the offscreen platform has no colour scheme).
        system_look.setPalette(palette)
        system_look.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        qtbot.waitUntil(
            lambda: (
                relative_luminance(background(on_screen(window.grab().toImage(), window, heading)))
                < 0.05
            )
        )
    finally:
        window.shutdown()


def test_text_follows_the_system_font_size(
    qtbot: QtBot,
    system_look: QApplication,
    data_dir: tuple[Path, Shown],
    fast_kdf: KdfParams,
    by_name: Find,
) -> None:
    font = QFont(system_look.font())
    font.setPointSize(14)
    system_look.setFont(font)
    window = open_window(qtbot, data_dir, fast_kdf, by_name)
    try:
        status = by_name(window, QLabel, "Support status")  # small print
        alias = by_name(window, QLabel, "Alias")  # a heading
        notes = by_name(window, QPlainTextEdit, "Notes")
        notes_label = next(label for label in window.findChildren(QLabel) if label.buddy() is notes)
        assert notes_label.font().pointSize() == 14  # body text: the system's own size
        assert 12 <= status.font().pointSizeF() < 14
        assert 14 < notes.font().pointSizeF() < alias.font().pointSizeF()
        # Another system size restyles it all again: nothing stays pinned at 14 pt.
        font.setPointSize(9)
        system_look.setFont(font)
        apply_look(system_look)
        assert notes_label.font().pointSize() == 9
        assert alias.font().pointSizeF() < 14
    finally:
        window.shutdown()


def test_the_passphrase_field_is_ready_for_typing_at_start(
    qtbot: QtBot,
    data_dir: tuple[Path, Shown],
    fast_kdf: KdfParams,
    by_name: Find,
) -> None:
    window = build_main_window(data_dir[0], kdf=fast_kdf)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    try:
        field = by_name(window, QLineEdit, "Passphrase")
        qtbot.waitUntil(field.hasFocus)
    finally:
        assert isinstance(window, AppWindow)
        window.shutdown()
