"""Referral PDFs: the content as plain sections, the PDF, its password and its file. No Qt.

- :func:`sections` gives what the referral says, in reading order, as plain
  values (:class:`Section` with blocks, described in :mod:`.content`). The PDF
  body and the app's preview are both built from it.
- :func:`render` lays the sections out as an A4 PDF in memory;
  :func:`render_sections` does the same for any other document made of sections.
- :func:`protect` encrypts a PDF with AES-256 under a password.
- :func:`write_pdf` saves it privately and atomically.

Importing this package does not import reportlab or pypdf.
"""

from __future__ import annotations

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
    sections,
)
from .document import BackgroundEntry, ConsentGiven, ConsentOverride, ReferralDocument
from .export import protect, write_pdf
from .layout import render, render_sections

__all__ = [
    "AsWritten",
    "BackgroundEntry",
    "Block",
    "Bullets",
    "Choices",
    "ConsentGiven",
    "ConsentOverride",
    "Field",
    "FillIn",
    "Note",
    "ReferralDocument",
    "Section",
    "SectionKind",
    "Subheading",
    "long_date",
    "protect",
    "render",
    "render_sections",
    "sections",
    "write_pdf",
]
