"""Making the referral PDF: where to save it, render, encrypt, write, and record the export.

The order keeps the vault and the disk telling the same story: the file is
written whole (temp, fsync, rename, 0600) before the referral is marked
``created``; if the vault then refuses, the file is removed again, so a
failure leaves the referral a draft and no PDF behind. Messages never quote
the referral's content, not even from an exception.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from .. import referral_pdf
from ..i18n import _
from ..referral_builder import suggested_file_name
from ..referral_pdf.document import ReferralDocument
from ..store import Vault, VaultError
from ..store.fsutil import write_error
from ..store.models import Referral, ReferralId, ReferralStatus
from . import dialogs, file_dialogs
from .widgets import report_bug

PDF_FILTER = "PDF (*.pdf)"


def ask_path(parent: QWidget | None, today: date) -> Path | None:
    """Where to save, or None if cancelled. ``file_dialogs.get_save_path`` is looked up
    here at call time, so tests can stand in for the OS dialog."""
    path = file_dialogs.get_save_path(
        parent, _("Save the referral PDF"), suggested_file_name(today), _(PDF_FILTER)
    )
    if path is not None and not path.suffix:
        path = path.with_suffix(".pdf")
    return path


def export_referral(
    parent: QWidget | None,
    vault: Vault,
    referral_id: ReferralId,
    document: ReferralDocument,
    password: str,
    *,
    today: date,
) -> tuple[Referral, Path] | None:
    """Ask where, then write the PDF of ``document``; None if cancelled or it failed (said)."""
    path = ask_path(parent, today)
    if path is None:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        data = _render(document, password)
    finally:
        QGuiApplication.restoreOverrideCursor()
    if data is None:
        dialogs.inform(
            parent,
            _(
                "peerdesk could not make the PDF. Nothing was saved and the referral is "
                "still a draft. Try again; if it keeps happening, restart peerdesk."
            ),
            problem=True,
        )
        return None
    try:
        referral_pdf.write_pdf(path, data)
    except VaultError as error:
        dialogs.inform(parent, _still_draft(str(error)), problem=True)
        return None
    except OSError as error:
        dialogs.inform(parent, _still_draft(str(write_error(error, _("the PDF")))), problem=True)
        return None
    finally:
        file_dialogs.remember_file(path)
        file_dialogs.scrub_traces()
    try:
        referral = vault.referrals.update_status(referral_id, ReferralStatus.CREATED)
    except (VaultError, ValueError) as error:
        # The vault could not record it, so the file must not exist either.
        with contextlib.suppress(OSError):
            path.unlink()
        dialogs.inform(parent, _still_draft(str(error)), problem=True)
        return None
    return referral, path


def _render(document: ReferralDocument, password: str) -> bytes | None:
    """The PDF's bytes, encrypted if a password is given; None if rendering failed.

    The exception is dropped on purpose: a renderer's message can quote the
    text it choked on, and that text is the colleague's.
    """
    try:
        data = referral_pdf.render(document)
        if password:
            data = referral_pdf.protect(data, password)
    except Exception as error:  # noqa: BLE001 - any failure is reported the same, content-free
        # A bug must still be seen (pytest-qt fails on it), by its kind and place only.
        withheld = RuntimeError(f"making the referral PDF failed: {type(error).__name__}")
        report_bug(withheld.with_traceback(error.__traceback__))
        return None
    return data


def _still_draft(reason: str) -> str:
    return _("{reason} The referral is still a draft; nothing was exported.").format(
        reason=reason.strip()
    )
