"""What every page carries: the confidential header, one line under it, the date, "Page x of y"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import _
from . import fonts
from .text import paragraphs

# The header shows a name (the recipient) on one line; the body has it in full.
_HEADER_NAME_LIMIT = 70
_INK = "#1b1f24"
_RULE = "#c9d0d8"


class PageFurniture:
    """The header and footer on every page; "Page x of y" once the total is known."""

    def __init__(
        self, builder: Any, width: float, height: float, *, title: str, line: str, day: str
    ) -> None:
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm

        self.width = width
        self.height = height
        # Aligned with the body text, which sits inside the frame's 6 pt padding.
        self.left = 20 * mm + 6
        self.right = width - 20 * mm - 6
        self.mm = mm
        self.builder = builder
        head = ParagraphStyle(
            "head",
            parent=builder.body,
            fontSize=9,
            leading=11,
            textColor=builder.colors.HexColor(_INK),
        )
        self.head = head
        self.head_right = ParagraphStyle("head_right", parent=head, alignment=2)
        self.title = title
        self.to_line = line
        self.date = day

    def _text(self, canvas: Any, text: str, style: Any, x: float, y: float, width: float) -> None:
        paragraph = self.builder.para(text, style)
        _w, h = paragraph.wrapOn(canvas, width, 40)
        paragraph.drawOn(canvas, x, y - h)

    def draw(self, canvas: Any, _doc: Any) -> None:
        mm = self.mm
        colors = self.builder.colors
        canvas.saveState()
        top = self.height - 12 * mm
        half = (self.right - self.left) / 2
        self._text(canvas, self.title, self._bold(), self.left, top, half)
        self._text(canvas, self.date, self.head_right, self.left + half, top, half)
        self._text(canvas, self.to_line, self.head, self.left, top - 5 * mm, half * 1.5)
        canvas.setStrokeColor(colors.HexColor(_RULE))
        canvas.setLineWidth(0.6)
        canvas.line(self.left, top - 11 * mm, self.right, top - 11 * mm)
        self._text(
            canvas,
            _("Confidential. Keep it securely and destroy it when it is no longer needed."),
            self.builder.small,
            self.left,
            12 * mm,
            self.right - self.left,
        )
        canvas.restoreState()

    def _bold(self) -> Any:
        from reportlab.lib.styles import ParagraphStyle

        return ParagraphStyle("head_bold", parent=self.head, fontName=fonts.BOLD_FONT)

    def page_number(self, canvas: Any, page: int, total: int) -> None:
        text = _("Page {page} of {total}").format(page=page, total=total)
        half = (self.right - self.left) / 2
        top = self.height - 12 * self.mm
        self._text(canvas, text, self.head_right, self.left + half, top - 5 * self.mm, half)


def header_text(text: str) -> str:
    """``text`` on one line, cut short with an ellipsis to fit the header."""
    text = " ".join(paragraphs(text))
    if len(text) > _HEADER_NAME_LIMIT:
        text = text[: _HEADER_NAME_LIMIT - 1].rstrip() + "\u2026"
    return text


def numbered_canvas(
    draw_number: Callable[[Any, int, int], None], *, month_only_date: bool = False
) -> Any:
    """A canvas class that holds pages back until the end, so each can say "of y".

    ``draw_number(canvas, page, total)`` draws on each page once the total is
    known. ``month_only_date`` dates the file to the month (for anonymous
    statistics, where even a day could say too much).
    """
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if month_only_date:  # PDF dates may stop at the month
                self.setDateFormatter(lambda yyyy, mm, *_rest: f"D:{yyyy:04d}{mm:02d}")
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_number(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas
