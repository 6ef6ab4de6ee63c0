"""The consent form's fields: the rules on what they may hold, and the words they show.

A consent's purpose is printed on referral PDFs, so it is held to a stricter rule
than the vault's own: a sentence or two and no invisible control characters, and
a paste that would break either rule is refused whole. :func:`purpose_problem`
says why a purpose cannot be kept, in plain words; :mod:`peerdesk.ui.consent_dialog`
shows that and keeps Save disabled until it is fixed.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QLocale

from ..i18n import _
from ..store import InvalidText
from ..store.models import ConsentMethod
from ..store.values import check_free_text
from .autosave import to_qdate
from .note_edit import NoteEdit

# A purpose is a sentence or two, and it is printed on referral PDFs; the vault's
# own cap (16 million characters) is for notes, not for this.
PURPOSE_MAX_CHARS = 2000
# Control characters other than tab and line breaks: invisible, and they would
# travel into a referral PDF. (The vault itself accepts them in free text.)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# How the vault's messages name the recipient field ("Enter the name of the service: …").
NAME_FIELD = "name of the service"


def method_names() -> dict[ConsentMethod, str]:
    return {ConsentMethod.VERBAL: _("Verbal"), ConsentMethod.WRITTEN: _("Written")}


def long_day(day: date) -> str:
    """A date with its year, as the editors show one ("Tue 4 Mar 2025")."""
    return QLocale().toString(to_qdate(day), _("ddd d MMM yyyy"))


def purpose_problem(text: str) -> str | None:
    """Why ``text`` cannot be kept as a consent's purpose, or None if it can."""
    if len(text) > PURPOSE_MAX_CHARS:
        return _(
            "The purpose is too long for a consent record: use at most {limit} characters "
            "(it has {count}). Say in a sentence or two why the information may be shared."
        ).format(limit=QLocale().toString(PURPOSE_MAX_CHARS), count=QLocale().toString(len(text)))
    try:
        check_free_text(text, "purpose")  # the vault's own rule and message
    except InvalidText as problem:
        return str(problem)
    if _CONTROL.search(text):
        return _(
            "The purpose contains invisible control characters, usually left by copying "
            "from another program. Clear the purpose and type it again."
        )
    return None


class PurposeEdit(NoteEdit):
    """The purpose: plain text, a few lines, and a paste that cannot be kept is refused whole."""

    def paste_problem(self, incoming: str) -> str | None:
        cursor = self.textCursor()
        after = len(self.text()) - len(cursor.selectedText()) + len(incoming)
        if after > PURPOSE_MAX_CHARS:
            return _(
                "That was not pasted: the purpose can be at most {limit} characters. "
                "What you had typed is unchanged."
            ).format(limit=QLocale().toString(PURPOSE_MAX_CHARS))
        if _CONTROL.search(incoming):
            return _(
                "That was not pasted: it contains invisible control characters. What you "
                "had typed is unchanged; type the purpose instead."
            )
        return super().paste_problem(incoming)
