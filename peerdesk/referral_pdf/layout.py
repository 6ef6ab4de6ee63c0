"""The referral as an A4 PDF, built in memory with reportlab platypus from :func:`sections`.

Everything reportlab is imported inside :func:`render`: loading it takes a
noticeable moment and only the export needs it.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from ..i18n import _
from ..store.models import Urgency
from . import fonts
from .content import (
    AsWritten,
    Block,
    Bullets,
    Choices,
    Field,
    FillIn,
    Note,
    Section,
    SectionKind,
    Subheading,
    long_date,
    recipient_line,
    sections,
)
from .document import ReferralDocument
from .flowables import cut_line, quoted_paragraph_class, rtl_paragraph_class, tick_box
from .page import PageFurniture, header_text, numbered_canvas
from .text import has_right_to_left, is_right_to_left, paragraphs, visual_words

# Field values longer than this print under their label instead of in the
# two-column table: a table row cannot run over a page break cheaply.
_LONG_FIELD = 1200

_INK = "#1b1f24"
_MUTED = "#5b6570"
_RULE = "#c9d0d8"
_ACCENT = "#1f3a5f"
_SHADE = "#f1f4f7"
_URGENT = "#9b1c1c"
_URGENT_SHADE = "#fbefef"
_DUTY = "#7a4b00"
_DUTY_SHADE = "#fff7e6"


def render(doc: ReferralDocument) -> bytes:
    """The referral as PDF bytes (A4), with fonts embedded and no names in its metadata."""
    return _render(
        sections(doc),
        doc,
        header_title=_("Confidential \u2014 referral"),
        header_line=_("To: {recipient}").format(recipient=header_text(recipient_line(doc))),
        day=doc.created_on,
        # Metadata says what the file is, never whose: no name, alias or service.
        metadata_title=_("Referral"),
    )


def render_sections(
    all_sections: list[Section],
    *,
    header_title: str,
    header_line: str,
    day: date,
    metadata_title: str,
) -> bytes:
    """Any document made of :class:`Section` values as PDF bytes (A4), like a referral.

    Every page carries ``header_title`` (bold) and ``header_line`` on the left,
    ``day`` and "Page x of y" on the right, and the confidentiality footer.
    ``metadata_title`` is the PDF's only descriptive metadata: it must say
    what the file is, never whose. A :data:`SectionKind.SUMMARY` section is
    the tinted box at the top, titled in large type.
    """
    return _render(
        all_sections,
        None,
        header_title=header_title,
        header_line=header_line,
        day=day,
        metadata_title=metadata_title,
    )


def _render(
    all_sections: list[Section],
    doc: ReferralDocument | None,
    *,
    header_title: str,
    header_line: str,
    day: date,
    metadata_title: str,
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    fonts.register_base_fonts()
    builder = _Builder()
    story = builder.story(all_sections, doc)

    buffer = io.BytesIO()
    width, height = A4
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=30 * mm,
        bottomMargin=20 * mm,
        title=metadata_title,
        author="",
        subject="",
        keywords="",
        creator="peerdesk",
        producer="peerdesk",
    )
    header = PageFurniture(
        builder, width, height, title=header_title, line=header_line, day=long_date(day)
    )
    template.build(
        story,
        onFirstPage=header.draw,
        onLaterPages=header.draw,
        canvasmaker=numbered_canvas(header.page_number),
    )
    return buffer.getvalue()


class _Builder:
    """Turns sections into platypus flowables, with styles made once per render."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm

        self.mm = mm
        self.colors = colors
        base = fonts.BASE_FONT
        bold = fonts.BOLD_FONT
        ink = colors.HexColor(_INK)
        self.body = ParagraphStyle(
            "body", fontName=base, fontSize=10, leading=14, textColor=ink, spaceAfter=4
        )
        self.title = ParagraphStyle(
            "title",
            parent=self.body,
            fontName=bold,
            fontSize=17,
            leading=22,
            textColor=colors.HexColor(_ACCENT),
            spaceAfter=8,
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontName=bold,
            fontSize=12,
            leading=16,
            textColor=colors.HexColor(_ACCENT),
            spaceBefore=14,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.subheading = ParagraphStyle(
            "subheading",
            parent=self.body,
            fontName=bold,
            fontSize=10,
            leading=14,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,
        )
        self.label = ParagraphStyle(
            "label",
            parent=self.body,
            fontSize=9,
            leading=13,
            textColor=colors.HexColor(_MUTED),
            spaceAfter=0,
        )
        self.value = ParagraphStyle("value", parent=self.body, spaceAfter=0)
        self.quote_label = ParagraphStyle(
            "quote_label",
            parent=self.label,
            leftIndent=4 * mm,
            spaceBefore=2,
            spaceAfter=1,
            keepWithNext=1,
        )
        self.quote = ParagraphStyle(
            "quote", parent=self.body, fontSize=9.5, leading=13.5, leftIndent=4 * mm, spaceAfter=3
        )
        self.box_heading = ParagraphStyle(
            "box_heading", parent=self.heading, spaceBefore=0, spaceAfter=4
        )
        self.bullet = ParagraphStyle(
            "bullet", parent=self.body, leftIndent=5 * mm, bulletIndent=1 * mm, spaceAfter=2
        )
        self.small = ParagraphStyle(
            "small", parent=self.body, fontSize=8, leading=10, textColor=colors.HexColor(_MUTED)
        )
        self._variants: dict[tuple[str, bool, bool], Any] = {}

    # --- paragraphs ---------------------------------------------------------

    def para(
        self, text: str, style: Any, *, bold: bool = False, kind: Any = None, flush: bool = False
    ) -> Any:
        """One paragraph of clean text in ``style``, with font runs, shaping and direction.

        Right-to-left words are put in visual order here (see
        :func:`visual_words`); a paragraph that *starts* right to left is
        broken into lines by :class:`RtlParagraph` so each line reads from the
        right, and is set flush right when ``flush`` (body text; a short value
        in a form column stays at the column's start).
        """
        from reportlab.platypus import Paragraph

        bold = bold or style.fontName == fonts.BOLD_FONT
        if not has_right_to_left(text):
            markup, shaped = fonts.markup(text, bold=bold)
            return (kind or Paragraph)(markup, self._variant(style, shaped, False))
        if not is_right_to_left(text):
            visual = " ".join(visual_words(text.split(" "), right_to_left=False))
            markup, shaped = fonts.markup(visual, bold=bold)
            return (kind or Paragraph)(markup, self._variant(style, shaped, False))
        paragraph_class = rtl_paragraph_class(kind or Paragraph)
        paragraph = paragraph_class("", self._variant(style, True, flush))
        paragraph.logical_text = text
        paragraph.bold = bold
        return paragraph

    def _variant(self, style: Any, shaped: bool, rtl: bool) -> Any:
        if not shaped and not rtl:
            return style
        key = (style.name, shaped, rtl)
        variant = self._variants.get(key)
        if variant is None:
            from reportlab.lib.enums import TA_RIGHT
            from reportlab.lib.styles import ParagraphStyle

            variant = ParagraphStyle(f"{style.name}-{int(shaped)}{int(rtl)}", parent=style)
            variant.shaping = 1 if shaped else 0
            if rtl:
                variant.alignment = TA_RIGHT
            self._variants[key] = variant
        return variant

    def paras(self, text: str, style: Any, kind: Any = None) -> list[Any]:
        return [self.para(piece, style, kind=kind, flush=True) for piece in paragraphs(text)]

    def line(self, text: str, style: Any, *, bold: bool = False) -> Any:
        """A short piece of text as one paragraph (line breaks inside become spaces)."""
        return self.para(" ".join(paragraphs(text)), style, bold=bold)

    # --- the story ----------------------------------------------------------

    def story(self, all_sections: list[Section], doc: ReferralDocument | None) -> list[Any]:
        flowables: list[Any] = []
        for section in all_sections:
            if section.kind is SectionKind.SUMMARY:
                flowables.extend(self._summary(section, doc))
            elif section.kind is SectionKind.DUTY_OF_CARE:
                flowables.extend(self._boxed(section, _DUTY, _DUTY_SHADE))
            elif section.kind is SectionKind.URGENT:
                flowables.extend(self._urgent(section))
            elif section.kind is SectionKind.SLIP:
                flowables.extend(self._slip(section))
            else:
                flowables.append(self._heading(section.title))
                flowables.extend(self.blocks(section.blocks))
        return flowables

    def _heading(self, title: str) -> Any:
        return self.line(title, self.heading)

    def blocks(self, blocks: tuple[Block, ...]) -> list[Any]:
        from reportlab.platypus import Spacer

        out: list[Any] = []
        fields: list[Field] = []

        def flush_fields() -> None:
            if fields:
                out.extend(self._fields(fields))
                fields.clear()

        for block in blocks:
            if isinstance(block, Field):
                fields.append(block)
                continue
            flush_fields()
            if isinstance(block, Note):
                out.extend(self.paras(block.text, self.body))
            elif isinstance(block, Subheading):
                out.append(self.line(block.text, self.subheading))
            elif isinstance(block, Bullets):
                for item in block.items:
                    paragraph = self.line(item, self.bullet)
                    paragraph.bulletText = "\u2022"
                    out.append(paragraph)
            elif isinstance(block, AsWritten):
                out.append(self.line(block.label, self.quote_label))
                out.extend(self.paras(block.text, self.quote, kind=quoted_paragraph_class()))
                out.append(Spacer(1, 4))
            elif isinstance(block, Choices):
                out.append(self._choices(block))
            elif isinstance(block, FillIn):
                out.append(self._fill_in(block))
        flush_fields()
        return out

    def _fields(self, fields: list[Field], *, label_width: float | None = None) -> list[Any]:
        from reportlab.platypus import Table, TableStyle

        mm = self.mm
        label_width = label_width or 48 * mm
        out: list[Any] = []
        rows: list[list[Any]] = []

        def flush_rows() -> None:
            if rows:
                table = Table(rows, colWidths=[label_width, None], hAlign="LEFT")
                table.setStyle(
                    TableStyle(
                        [
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                            ("RIGHTPADDING", (0, 0), (0, -1), 6),
                            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                        ]
                    )
                )
                out.append(table)
                rows.clear()

        for field in fields:
            if len(field.text) > _LONG_FIELD:
                flush_rows()
                out.append(self.line(field.label, self.label))
                out.extend(self.paras(field.text, self.body))
                continue
            rows.append([self.line(field.label, self.label), self.line(field.text, self.value)])
        flush_rows()
        return out

    def _summary(self, section: Section, doc: ReferralDocument | None) -> list[Any]:
        from reportlab.platypus import Table, TableStyle

        mm = self.mm
        colors = self.colors
        title = self.line(section.title, self.title)
        rows: list[list[Any]] = []
        long_fields: list[Any] = []
        for block in section.blocks:
            if not isinstance(block, Field):
                continue
            if len(block.text) > _LONG_FIELD:
                long_fields.extend(self._fields([block]))
                continue
            value_style = self.value
            bold = False
            # Only a referral's summary marks its urgency and names its colleague in bold.
            if doc is not None and block.label == _("Urgency"):
                value_style = self._urgency_style(doc.urgency)
                bold = doc.urgency is not Urgency.ROUTINE
            elif doc is not None and block.label == _("Colleague"):
                bold = bool(doc.colleague_name.strip())
            rows.append(
                [
                    self.line(block.label, self.label),
                    self.line(block.text, value_style, bold=bold),
                ]
            )
        table = Table(rows, colWidths=[42 * mm, None], splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(_SHADE)),
                    ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(_RULE)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, 0), 8),
                    ("TOPPADDING", (0, 1), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -2), 2.5),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ]
            )
        )
        return [title, table, *long_fields]

    def _urgency_style(self, urgency: Urgency) -> Any:
        from reportlab.lib.styles import ParagraphStyle

        if urgency is Urgency.ROUTINE:
            return self.value
        return ParagraphStyle(
            f"urgency-{urgency}",
            parent=self.value,
            fontName=fonts.BOLD_FONT,
            textColor=self.colors.HexColor(_URGENT if urgency is Urgency.URGENT else _INK),
        )

    def _urgent(self, section: Section) -> list[Any]:
        from reportlab.platypus import Table, TableStyle

        colors = self.colors
        inner = [self.line(section.title, self.subheading, bold=True), *self.blocks(section.blocks)]
        table = Table([[inner]], colWidths=[None])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(_URGENT_SHADE)),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor(_URGENT)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return [self._spacer(12), table]

    def _boxed(self, section: Section, edge: str, shade: str) -> list[Any]:
        """A section in a ruled, tinted box; a very long reason follows the box, unboxed."""
        from reportlab.platypus import Table, TableStyle

        colors = self.colors
        inside: list[Block] = []
        after: list[Block] = []
        for block in section.blocks:
            long_text = isinstance(block, Field | Note) and len(block.text) > _LONG_FIELD
            (after if long_text else inside).append(block)
        heading = self.line(section.title, self.box_heading)
        inner = [heading, *self.blocks(tuple(inside))]
        table = Table([[inner]], colWidths=[None], splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(shade)),
                    ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor(edge)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        return [self._spacer(14), table, *self.blocks(tuple(after))]

    def _slip(self, section: Section) -> list[Any]:
        from reportlab.platypus import KeepTogether, Table, TableStyle

        colors = self.colors
        inner = [self.line(section.title, self.subheading), *self.blocks(section.blocks)]
        table = Table([[inner]], colWidths=[None])
        table.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(_MUTED)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                ]
            )
        )
        cut = cut_line(self.line(_("Cut here and return to the supporter"), self.small))
        return [KeepTogether([self._spacer(18), cut, self._spacer(8), table])]

    def _choices(self, block: Choices) -> Any:
        from reportlab.platypus import Table, TableStyle

        mm = self.mm
        cells: list[Any] = []
        widths: list[float | None] = []
        for option in block.options:
            cells.extend([tick_box(), self.line(option, self.value)])
            widths.extend([7 * mm, 45 * mm])
        table = Table([cells], colWidths=widths, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return table

    def _fill_in(self, block: FillIn) -> Any:
        from reportlab.platypus import Table, TableStyle

        mm = self.mm
        table = Table(
            [[self.line(block.label, self.label), ""]],
            colWidths=[52 * mm, None],
            rowHeights=[9 * mm],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("LINEBELOW", (1, 0), (1, 0), 0.6, self.colors.HexColor(_MUTED)),
                ]
            )
        )
        return table

    def _spacer(self, height: float) -> Any:
        from reportlab.platypus import Spacer

        return Spacer(1, height)
