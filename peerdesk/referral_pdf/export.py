"""Leaving the app: optional AES-256 password protection, and a private, atomic save."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from ..i18n import _
from ..store.fsutil import atomic_write


def protect(pdf: bytes, password: str) -> bytes:
    """``pdf`` encrypted with AES-256 (PDF 2.0 security handler, revision 6) under ``password``.

    pypdf does the encryption, never reportlab: reportlab 5.1's 256-bit
    encryption writes malformed /UE and /OE keys (DESIGN.md, "Traps"), and its
    default is 40-bit RC4. Opening needs the password; once open, printing
    and copying are allowed, since the reader is the service it was sent to.
    Raises ValueError for an empty password.
    """
    if not password:
        raise ValueError("a password is needed to protect the PDF")
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    # The owner password only guards permission changes; nobody needs it.
    writer.encrypt(
        user_password=password,
        owner_password=secrets.token_urlsafe(32),
        algorithm="AES-256",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_pdf(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by its owner only (0600).

    Raises :class:`peerdesk.store.VaultWriteError` (:class:`peerdesk.store.DiskFull`
    when the disk is full) with a message a supporter can act on; the message
    names neither the file nor anything in it, and nothing partial is left.
    """
    atomic_write(path, data, what=_("the referral PDF"))
