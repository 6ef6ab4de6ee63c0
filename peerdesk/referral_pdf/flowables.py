"""The few flowables platypus lacks: a quoted passage, a tick box, a cut line, RTL lines."""

from __future__ import annotations

from typing import Any

from . import fonts
from .text import visual_words

RULE = "#c9d0d8"
INK = "#1b1f24"
MUTED = "#5b6570"


def quoted_paragraph_class() -> Any:
    """A paragraph with a rule down its left side: text as written, set apart."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph

    class QuotedParagraph(Paragraph):  # type: ignore[misc]
        def draw(self) -> None:
            super().draw()
            canvas = self.canv
            canvas.saveState()
            canvas.setStrokeColor(colors.HexColor(RULE))
            canvas.setLineWidth(2)
            # Down through the space below too, so the rule runs unbroken.
            x = self.style.leftIndent - 8
            canvas.line(x, -self.style.spaceAfter, x, self.height)
            canvas.restoreState()

    return QuotedParagraph


def tick_box() -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Flowable

    class TickBox(Flowable):  # type: ignore[misc]
        size = 10

        def wrap(self, *_args: Any) -> tuple[float, float]:
            return self.size, self.size

        def draw(self) -> None:
            self.canv.setStrokeColor(colors.HexColor(INK))
            self.canv.setLineWidth(0.8)
            self.canv.rect(0, 0, self.size, self.size)

    return TickBox()


def cut_line(caption: Any) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Flowable

    class CutLine(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, *_args: Any) -> tuple[float, float]:
            self.width = available_width
            _w, self.caption_height = caption.wrap(available_width, 100)
            return available_width, self.caption_height + 6

        def draw(self) -> None:
            canvas = self.canv
            canvas.saveState()
            canvas.setDash(4, 3)
            canvas.setStrokeColor(colors.HexColor(MUTED))
            canvas.setLineWidth(0.6)
            canvas.line(0, self.caption_height + 3, self.width, self.caption_height + 3)
            canvas.restoreState()
            caption.drawOn(canvas, 0, 0)

    return CutLine()


_rtl_classes: dict[Any, Any] = {}


def rtl_paragraph_class(base: Any) -> Any:
    """``base`` (a Paragraph class) that breaks right-to-left text into lines itself.

    reportlab (without its optional rlbidi) lays words out left to right in
    logical order, so a right-to-left paragraph would read backwards. This
    class breaks the logical text into lines for the width it is given, puts
    each line's words in visual order, and hands reportlab one line per
    ``<br/>``. Pieces split off at a page break are plain ``base`` paragraphs
    of already-ordered lines.
    """
    cached = _rtl_classes.get(base)
    if cached is not None:
        return cached
    from reportlab.pdfbase.pdfmetrics import stringWidth

    class RtlParagraph(base):  # type: ignore[misc]
        logical_text: str | None = None
        bold = False
        _laid_out_for: float | None = None

        def wrap(self, available_width: float, available_height: float) -> Any:
            if self.logical_text is not None and self._laid_out_for != available_width:
                style = self.style
                # Shaped Arabic is no wider than its unshaped letters; the
                # margin covers kerning and rounding.
                width = (available_width - style.leftIndent - style.rightIndent) * 0.97
                lines = _break_lines(self.logical_text, width, style.fontSize, self.bold)
                visual_lines = (" ".join(visual_words(line, right_to_left=True)) for line in lines)
                markup = "<br/>".join(
                    fonts.markup(line, bold=self.bold)[0] for line in visual_lines
                )
                kept = self.logical_text, self.bold, getattr(self, "bulletText", None)
                base.__init__(self, markup, style)
                self.logical_text, self.bold, self.bulletText = kept
                self._laid_out_for = available_width
            return super().wrap(available_width, available_height)

        def split(self, available_width: float, available_height: float) -> Any:
            self.wrap(available_width, available_height)
            return super().split(available_width, available_height)

    def _break_lines(text: str, width: float, size: float, bold: bool) -> list[list[str]]:
        space = stringWidth(" ", fonts.BASE_FONT, size)
        lines: list[list[str]] = [[]]
        used = 0.0
        for word in text.split(" "):
            runs = fonts.font_runs(word, bold=bold).runs
            word_width = sum(stringWidth(t, font, size) for font, t in runs)
            needed = word_width if not lines[-1] else used + space + word_width
            if lines[-1] and needed > width:
                lines.append([word])
                used = word_width
            else:
                lines[-1].append(word)
                used = needed
        return lines

    _rtl_classes[base] = RtlParagraph
    return RtlParagraph
