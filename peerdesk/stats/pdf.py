"""The statistics report as an A4 PDF with bar charts. reportlab is imported lazily.

It draws :func:`peerdesk.stats.tables.tables`, so it shows exactly what the
preview and the CSV hold: already-suppressed figures and sums of them. Each
bar is solid up to what is certain and pale over the range a small count
leaves open, and carries its figure as a label, so no axis of small numbers
is needed. The file's metadata names no one and dates it to the month only.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ..i18n import _
from ..referral_pdf import fonts
from ..referral_pdf.page import numbered_canvas
from .figures import THRESHOLD, Figure, Report
from .tables import Chart, Table, span_text, tables

_INK = "#1b1f24"
_MUTED = "#5b6570"
_RULE = "#c9d0d8"
_ACCENT = "#1f3a5f"
_SHADE = "#f1f4f7"
_BAR = "#2f5d8a"
_RANGE = "#b8cbe0"
_TRACK = "#eef1f5"

_ROW = 17.0  # points per bar in a horizontal chart
_COLUMN_CHART_HEIGHT = 150.0


def render(report: Report, template_titles: Mapping[str, str] | None = None) -> bytes:
    """The report as PDF bytes: A4, fonts embedded, no names and no day in its metadata."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    fonts.register_base_fonts()
    width, height = A4
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=_("Peer support programme statistics"),
        author="",
        subject="",
        keywords="",
        creator="peerdesk",
        producer="peerdesk",
    )
    builder = _Builder(template.width)
    story = builder.story(report, tables(report, template_titles))
    footer = _Footer(span_text(report.first, report.last), width)
    template.build(story, canvasmaker=numbered_canvas(footer.draw, month_only_date=True))
    return buffer.getvalue()


def sources_text(report: Report) -> str:
    if report.reports == 1:
        return _("From one supporter's report.")
    return _("Added up from {count} supporters' reports.").format(count=report.reports)


class _Builder:
    def __init__(self, width: float) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        self.width = width
        self.colors = colors
        ink = colors.HexColor(_INK)
        self.body = ParagraphStyle(
            "body", fontName=fonts.BASE_FONT, fontSize=9.5, leading=13, textColor=ink
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.body,
            fontName=fonts.BOLD_FONT,
            fontSize=18,
            leading=23,
            textColor=colors.HexColor(_ACCENT),
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=self.body, fontSize=11, leading=15, spaceBefore=2, spaceAfter=10
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontName=fonts.BOLD_FONT,
            fontSize=12,
            leading=16,
            textColor=colors.HexColor(_ACCENT),
            spaceBefore=16,
            spaceAfter=1,
        )
        self.note = ParagraphStyle(
            "note",
            parent=self.body,
            fontSize=8.5,
            leading=11,
            textColor=colors.HexColor(_MUTED),
            spaceAfter=6,
        )
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=8.5, leading=11)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=fonts.BOLD_FONT)

    def para(self, text: str, style: Any) -> Any:
        from reportlab.platypus import Paragraph

        markup, _shaped = fonts.markup(text, bold=style.fontName == fonts.BOLD_FONT)
        return Paragraph(markup, style)

    def story(self, report: Report, sections: list[Table]) -> list[Any]:
        from reportlab.platypus import KeepTogether

        story: list[Any] = [
            self.para(_("Peer support programme statistics"), self.title),
            self.para(
                span_text(report.first, report.last) + "  \u00b7  " + sources_text(report),
                self.subtitle,
            ),
            self._how_to_read(),
        ]
        for table in sections:
            parts: list[Any] = [self.para(table.title, self.heading)]
            if table.note:
                parts.append(self.para(table.note, self.note))
            if table.chart is Chart.COLUMNS:
                parts.append(self._columns(table))
            elif table.chart is Chart.BARS:
                parts.append(self._bars(table))
            else:
                parts.append(self._grid(table))
            story.append(KeepTogether(parts))
        return story

    # -- the note on reading the figures ------------------------------------------------

    def _how_to_read(self) -> Any:
        from reportlab.platypus import Table as PdfTable
        from reportlab.platypus import TableStyle

        text = _(
            "These figures are anonymous. Any count below {threshold}, zero included, is "
            "shown as <{threshold}, so that no small group can be singled out and "
            "<{threshold} never tells that something happened. Where such counts are added "
            "up, the result is a range (12\u201316) or a ceiling (up to 8); the pale part of "
            "a bar shows that range. No totals are given that could reveal a hidden count. "
            "No names, aliases, notes or days appear: only months."
        ).format(threshold=THRESHOLD)
        cell = [
            self.para(_("How to read these figures"), self.cell_bold),
            self.para(text, self.cell),
            self._legend(),
        ]
        box = PdfTable([[cell]], colWidths=[self.width])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), self.colors.HexColor(_SHADE)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        return box

    def _legend(self) -> Any:
        from reportlab.graphics.shapes import Drawing, Rect, String

        drawing = Drawing(self.width - 20, 18)
        x = 0.0
        for colour, text in (
            (_BAR, _("exact count")),
            (
                _RANGE,
                _("possible range (includes counts below {threshold})").format(threshold=THRESHOLD),
            ),
        ):
            drawing.add(Rect(x, 4, 14, 8, fillColor=self.colors.HexColor(colour), strokeColor=None))
            drawing.add(
                String(
                    x + 19,
                    5,
                    text,
                    fontName=fonts.BASE_FONT,
                    fontSize=8.5,
                    fillColor=self.colors.HexColor(_MUTED),
                )
            )
            x += 19 + _width(text, fonts.BASE_FONT, 8.5) + 22
        return drawing

    # -- charts ---------------------------------------------------------------------

    def _bar(
        self,
        drawing: Any,
        x: float,
        y: float,
        figure: Figure,
        scale: float,
        *,
        size: float,
        upright: bool,
    ) -> None:
        """A bar of ``figure``: solid to its low end, pale over its range."""
        from reportlab.graphics.shapes import Rect

        solid = figure.low * scale
        pale = (figure.high - figure.low) * scale
        colors = self.colors
        if upright:
            if solid:
                drawing.add(
                    Rect(x, y, size, solid, fillColor=colors.HexColor(_BAR), strokeColor=None)
                )
            if pale:
                drawing.add(
                    Rect(
                        x,
                        y + solid,
                        size,
                        pale,
                        fillColor=colors.HexColor(_RANGE),
                        strokeColor=None,
                    )
                )
        else:
            if solid:
                drawing.add(
                    Rect(x, y, solid, size, fillColor=colors.HexColor(_BAR), strokeColor=None)
                )
            if pale:
                drawing.add(
                    Rect(
                        x + solid,
                        y,
                        pale,
                        size,
                        fillColor=colors.HexColor(_RANGE),
                        strokeColor=None,
                    )
                )

    def _bars(self, table: Table) -> Any:
        from reportlab.graphics.shapes import Drawing, Line, Rect, String

        colors = self.colors
        rows = table.rows
        if not rows:
            return self.para(_("No checklists are known to these reports."), self.note)
        label_width = min(
            78 * 2.8346,
            max(_width(label, fonts.BASE_FONT, 9) for label, _f in rows) + 8,
        )
        value_room = 44.0
        area = self.width - label_width - value_room
        top = _scale_top(max(figures[0].high for _l, figures in rows))
        scale = area / top
        height = _ROW * len(rows) + 4
        drawing = Drawing(self.width, height)
        for number, (label, figures) in enumerate(rows):
            figure = figures[0]
            y = height - (number + 1) * _ROW
            bar_y, bar_h = y + 4, _ROW - 7
            text = _fit(label, fonts.BASE_FONT, 9, label_width - 8)
            drawing.add(
                String(
                    label_width - 8,
                    y + 6,
                    text,
                    fontName=fonts.BASE_FONT,
                    fontSize=9,
                    fillColor=colors.HexColor(_INK),
                    textAnchor="end",
                )
            )
            drawing.add(
                Rect(
                    label_width,
                    bar_y,
                    area,
                    bar_h,
                    fillColor=colors.HexColor(_TRACK),
                    strokeColor=None,
                )
            )
            self._bar(drawing, label_width, bar_y, figure, scale, size=bar_h, upright=False)
            drawing.add(
                String(
                    label_width + figure.high * scale + 5,
                    y + 6,
                    figure.label,
                    fontName=fonts.BOLD_FONT,
                    fontSize=9,
                    fillColor=colors.HexColor(_INK),
                )
            )
        drawing.add(
            Line(
                label_width,
                2,
                label_width,
                height,
                strokeColor=colors.HexColor(_RULE),
                strokeWidth=0.8,
            )
        )
        return drawing

    def _columns(self, table: Table) -> Any:
        from reportlab.graphics.shapes import Drawing, Line, String

        colors = self.colors
        rows = table.rows
        label_room = 26.0
        value_room = 14.0
        height = _COLUMN_CHART_HEIGHT + label_room + value_room
        drawing = Drawing(self.width, height)
        slot = self.width / len(rows)
        bar = min(34.0, slot * 0.62)
        top = _scale_top(max(figures[0].high for _l, figures in rows))
        scale = _COLUMN_CHART_HEIGHT / top
        small = len(rows) > 18
        value_size = 6.5 if small else 8.5
        for number, (label, figures) in enumerate(rows):
            figure = figures[0]
            centre = slot * (number + 0.5)
            self._bar(drawing, centre - bar / 2, label_room, figure, scale, size=bar, upright=True)
            drawing.add(
                String(
                    centre,
                    label_room + figure.high * scale + 3,
                    figure.label,
                    fontName=fonts.BOLD_FONT,
                    fontSize=value_size,
                    fillColor=colors.HexColor(_INK),
                    textAnchor="middle",
                )
            )
            month, _space, year = label.partition(" ")
            drawing.add(
                String(
                    centre,
                    label_room - 11,
                    month,
                    fontName=fonts.BASE_FONT,
                    fontSize=value_size,
                    fillColor=colors.HexColor(_INK),
                    textAnchor="middle",
                )
            )
            if number == 0 or month == _first_month_name():
                drawing.add(
                    String(
                        centre,
                        label_room - 21,
                        year,
                        fontName=fonts.BASE_FONT,
                        fontSize=value_size,
                        fillColor=colors.HexColor(_MUTED),
                        textAnchor="middle",
                    )
                )
        drawing.add(
            Line(
                0,
                label_room,
                self.width,
                label_room,
                strokeColor=colors.HexColor(_RULE),
                strokeWidth=0.8,
            )
        )
        return drawing

    def _grid(self, table: Table) -> Any:
        from reportlab.platypus import Table as PdfTable
        from reportlab.platypus import TableStyle

        header = [self.para("", self.cell_bold)] + [
            self.para(heading, self.cell_bold) for heading in table.columns
        ]
        body = [
            [self.para(label, self.cell)]
            + [self.para(figure.label, self.cell) for figure in figures]
            for label, figures in table.rows
        ]
        first = 32 * 2.8346
        rest = (self.width - first) / max(1, len(table.columns))
        grid = PdfTable(
            [header, *body], colWidths=[first] + [rest] * len(table.columns), repeatRows=1
        )
        colors = self.colors
        grid.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(_ACCENT)),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor(_RULE)),
                    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor(_SHADE)]),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        return grid


def _first_month_name() -> str:
    import calendar

    return calendar.month_abbr[1]


def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font, size))


def _fit(text: str, font: str, size: float, room: float) -> str:
    """``text``, cut with an ellipsis if it is wider than ``room``."""
    if _width(text, font, size) <= room:
        return text
    while text and _width(text + "\u2026", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _scale_top(highest: int) -> float:
    """Room for the tallest bar, never less than four times the threshold.

    So a ``<5`` or a small ceiling stays a short pale bar, and a chart of
    nothing but hidden small counts does not look like a chart of big ones.
    """
    return float(max(highest, THRESHOLD * 4))


class _Footer:
    def __init__(self, span: str, page_width: float) -> None:
        from reportlab.lib.units import mm

        self.span = span
        self.left = 20 * mm
        self.right = page_width - 20 * mm
        self.y = 12 * mm

    def draw(self, canvas: Any, page: int, total: int) -> None:
        from reportlab.lib import colors

        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor(_RULE))
        canvas.setLineWidth(0.6)
        canvas.line(self.left, self.y + 10, self.right, self.y + 10)
        canvas.setFont(fonts.BASE_FONT, 8)
        canvas.setFillColor(colors.HexColor(_MUTED))
        canvas.drawString(
            self.left,
            self.y,
            _("Anonymous programme statistics \u00b7 {span}").format(span=self.span),
        )
        canvas.drawRightString(
            self.right, self.y, _("Page {page} of {total}").format(page=page, total=total)
        )
        canvas.restoreState()


