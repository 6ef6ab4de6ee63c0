"""The recovery sheet: the one-time recovery code on one page, to print or keep. No Qt.

The same words feed both ways out: :func:`render_pdf` (reportlab, for "Save as
PDF…") and the UI's print document, so the printed and the saved sheet never
say different things. The sheet holds the code, the date and what to do with
it; never an alias, a name or the vault's folder, because a sheet found in a
drawer must not say whose notes it opens or where they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .i18n import _
from .store import recovery
from .store.fsutil import atomic_write

GROUPS_PER_ROW = 4
SUGGESTED_FILE_NAME = "peerdesk-recovery-code.pdf"
# The same leniency as typing the whole code to unlock (peerdesk.store.recovery):
# letters that are easily misread on paper count as what they look like.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def recovery_code_lines(code: str) -> str:
    """Two rows of four groups: fits the screen's card, and is easier to copy onto paper."""
    groups = code.split("-")
    half = (len(groups) + 1) // 2
    return "-".join(groups[:half]) + "\n" + "-".join(groups[half:])


def same_group(typed: str, expected: str) -> bool:
    """Whether ``typed`` is ``expected``, ignoring case, spaces, dashes and look-alikes."""
    cleaned = "".join(ch for ch in typed.upper() if not ch.isspace() and ch not in "-–—_.,")
    return cleaned.translate(_LOOK_ALIKES) == expected.upper()


@dataclass(frozen=True, slots=True)
class RecoverySheet:
    """What the sheet says, in reading order."""

    title: str
    created: str
    intro: str
    groups: tuple[str, ...]
    """The code's groups in order; the sheet numbers them from 1."""
    how_to_keep_heading: str
    how_to_keep: tuple[str, ...]

    @property
    def rows(self) -> list[list[tuple[int, str]]]:
        """(number, group) pairs, four to a row: the layout of the screen and the paper."""
        numbered = list(enumerate(self.groups, start=1))
        return [numbered[i : i + GROUPS_PER_ROW] for i in range(0, len(numbered), GROUPS_PER_ROW)]


def recovery_sheet(code: str, created: date) -> RecoverySheet:
    """The sheet for ``code`` (checked, and put in its canonical form first)."""
    canonical = recovery.normalise(code)
    return RecoverySheet(
        title=_("peerdesk recovery code"),
        # ISO dates read the same in every country: no 03/04 ambiguity.
        created=_("Created on {date}").format(date=created.isoformat()),
        intro=_(
            "This code opens your peerdesk notes if you forget your passphrase. "
            "Anyone who has both this code and a copy of your vault can read your "
            "notes, so keep it as carefully as a house key."
        ),
        groups=tuple(canonical.split("-")),
        how_to_keep_heading=_("Keep it safe"),
        how_to_keep=(
            _(
                "Keep this sheet somewhere private and away from your laptop, for "
                "example locked away at home."
            ),
            _(
                "Do not photograph it or email it. If you saved it as a PDF file, "
                "delete that file once it is printed."
            ),
            _(
                "To use it: on the peerdesk lock screen choose \u201cUse recovery "
                "code\u201d, type the code (capitals, spaces and dashes do not "
                "matter), then choose a new passphrase."
            ),
            _("The code keeps working when you change your passphrase."),
        ),
    )


def render_pdf(sheet: RecoverySheet) -> bytes:
    """One A4 page (it also fits US Letter), built in memory."""
    # Imported here: reportlab takes a noticeable moment to load, and only
    # this rarely used action needs it.
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    # Metadata that says nothing about whose code this is.
    pdf.setTitle(sheet.title)
    pdf.setAuthor("")
    pdf.setSubject("")
    pdf.setCreator("peerdesk")

    width, height = A4
    left = 25 * mm
    text_width = width - 2 * left
    y = height - 30 * mm

    def paragraph(text: str, font: str, size: float, gap: float, indent: float = 0.0) -> None:
        nonlocal y
        pdf.setFont(font, size)
        for line in simpleSplit(text, font, size, text_width - indent):
            pdf.drawString(left + indent, y, line)
            y -= size * 1.35
        y -= gap

    pdf.setFillGray(0.1)
    paragraph(sheet.title, "Helvetica-Bold", 22, 2 * mm)
    pdf.setFillGray(0.35)
    paragraph(sheet.created, "Helvetica", 11, 6 * mm)
    pdf.setFillGray(0.1)
    paragraph(sheet.intro, "Helvetica", 12, 8 * mm)

    # The code: large monospaced groups, numbered, in a dashed box to cut out.
    rows = sheet.rows
    cell = text_width / GROUPS_PER_ROW
    row_height = 24 * mm
    box_top = y
    box_height = row_height * len(rows) + 6 * mm
    pdf.setDash(4, 3)
    pdf.setStrokeGray(0.45)
    pdf.roundRect(left, box_top - box_height, text_width, box_height, 3 * mm)
    pdf.setDash()
    y = box_top - 9 * mm
    for row in rows:
        for column, (number, group) in enumerate(row):
            centre = left + cell * column + cell / 2
            pdf.setFillGray(0.4)
            pdf.setFont("Helvetica", 10)
            pdf.drawCentredString(centre, y, str(number))
            pdf.setFillGray(0.0)
            pdf.setFont("Courier-Bold", 26)
            pdf.drawCentredString(centre, y - 11 * mm, group)
        y -= row_height
    y = box_top - box_height - 10 * mm

    pdf.setFillGray(0.1)
    paragraph(sheet.how_to_keep_heading, "Helvetica-Bold", 14, 2 * mm)
    for step in sheet.how_to_keep:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(left, y, "\u2022")
        paragraph(step, "Helvetica", 12, 3 * mm, indent=6 * mm)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def save_pdf(path: Path, code: str, created: date) -> None:
    """Write the sheet to ``path`` atomically, readable by its owner only (0600).

    Raises :class:`peerdesk.store.VaultWriteError` with a message a supporter
    can act on (disk full, not allowed); nothing partial is left behind.
    """
    atomic_write(path, render_pdf(recovery_sheet(code, created)), what=_("the recovery sheet"))
