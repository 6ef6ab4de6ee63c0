"""Applying peerdesk's look to the running application, and following the desktop's changes."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from ..look import PaletteColours, look_tokens, render_stylesheet
from ..paths import resource_path

STYLESHEET = ("style", "peerdesk.qss")


def apply_look(app: QApplication) -> None:
    """Set peerdesk.qss, filled in from the application's palette, font and contrast wish.

    Cheap to call again: the style sheet is only replaced when the text changes
    (replacing it re-polishes every widget).
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontInfo, QPalette

    role = QPalette.ColorRole
    qt_palette = app.palette()
    palette = PaletteColours(
        *(
            qt_palette.color(r).name()
            for r in (
                role.Window,
                role.WindowText,
                role.Base,
                role.Text,
                role.Highlight,
                role.HighlightedText,
            )
        )
    )
    font = app.font()
    point_size = font.pointSizeF() if font.pointSizeF() > 0 else QFontInfo(font).pointSizeF()
    hints = getattr(app.styleHints(), "accessibility", None)  # Qt 6.10 and later
    high_contrast = (
        hints is not None and hints().contrastPreference() == Qt.ContrastPreference.HighContrast
    )
    template = resource_path(*STYLESHEET).read_text(encoding="utf-8")
    sheet = render_stylesheet(
        template, look_tokens(palette, point_size, high_contrast=high_contrast)
    )
    if sheet != app.styleSheet():
        app.setStyleSheet(sheet)


def follow_system_look(app: QApplication) -> None:
    """Re-apply the look when the desktop switches light/dark or asks for more contrast.

    Deferred to the event loop, so the new palette has arrived by then. A changed
    system font size is picked up at the next start.
    """
    if app.property("peerdeskFollowsLook"):
        return  # connected already (tests configure the one application many times)
    app.setProperty("peerdeskFollowsLook", True)
    from PySide6.QtCore import QTimer

    def soon(*_changed: object) -> None:
        QTimer.singleShot(0, app, lambda: apply_look(app))

    app.styleHints().colorSchemeChanged.connect(soon)
    hints = getattr(app.styleHints(), "accessibility", None)
    if hints is not None:
        hints().contrastPreferenceChanged.connect(soon)
