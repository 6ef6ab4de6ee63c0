"""Exporting everything held about one person as a PDF (a subject access request).

One question first: what will be exported (counted, so nothing surprises),
for whom it is meant, and an optional password. Then where to save it (a
file name with a date, never the alias), and the PDF is written privately and
atomically; the vault logs that an export happened, and nothing else.

Cancel is the default button. Messages never quote the person's records, not
even from an exception.

Tests drive the question without ``exec()``: :func:`answer_next` queues a
function that gets the dialog, fills it and presses a button.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from .. import subject_access
from ..i18n import _
from ..paths import APP_NAME
from ..store import Vault, VaultError
from ..store.fsutil import write_error
from ..store.models import PersonId
from . import dialogs, file_dialogs
from .widgets import (
    button,
    labelled_fields,
    message_label,
    passphrase_field,
    plain_label,
    report_bug,
)

PDF_FILTER = "PDF (*.pdf)"

Answer = Callable[["SubjectAccessQuestion"], None]
_scripted: collections.deque[Answer] = collections.deque()


def answer_next(*answers: Answer) -> None:
    """Tests: the next questions are passed to these functions instead of ``exec()``."""
    _scripted.extend(answers)


def pending_answers() -> int:
    return len(_scripted)


class SubjectAccessQuestion(QDialog):
    """What the export holds, who it is for, and an optional password."""

    def __init__(self, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)  # never an alias
        self.setObjectName("subjectAccessQuestion")
        self.setModal(True)
        self.setMinimumWidth(520)
        self.password_chosen: str | None = None

        heading = plain_label(_("Export everything held about this person?"), "paneHeading")
        what = plain_label(
            _(
                "The PDF holds everything peerdesk keeps about them: their alias and "
                "real name, when support began and ended, and all their records "
                "({summary}), every detail as it was written."
            ).format(summary=summary)
        )
        what.setAccessibleName(_("What will be exported"))
        who = plain_label(
            _(
                "It is meant for the colleague themselves, when they ask what you keep. "
                "Hand it to them directly, and delete your copy afterwards."
            ),
            "hint",
        )
        self.password = passphrase_field(_("Password for the PDF"))
        self.confirm = passphrase_field(_("Confirm the password"))
        for field in (self.password, self.confirm):
            field.textChanged.connect(self._check)
        password_hint = plain_label(
            _(
                "Optional. With a password the PDF is encrypted (AES-256); tell the "
                "password to the colleague another way, not with the file."
            ),
            "hint",
        )
        self.problem = message_label(_("Why the PDF cannot be made yet"))

        self.cancel = button(_("Cancel"))
        self.cancel.clicked.connect(self.reject)
        self.go = button(_("Choose where to save…"), primary=True)
        self.go.clicked.connect(self._choose)
        self.go.setAutoDefault(False)
        self.cancel.setDefault(True)  # the safe choice
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.go)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(what)
        layout.addWidget(who)
        layout.addSpacing(4)
        layout.addWidget(password_hint)
        layout.addLayout(
            labelled_fields(
                [
                    (_("Password for the PDF"), self.password),
                    (_("Confirm the password"), self.confirm),
                ]
            )
        )
        layout.addWidget(self.problem)
        layout.addLayout(buttons)

    def _check(self) -> bool:
        password, confirm = self.password.text(), self.confirm.text()
        ok = not (password or confirm) or password == confirm
        self.problem.setText("" if ok else _("The two passwords are not the same."))
        self.problem.setVisible(not ok)
        self.go.setEnabled(ok)
        return ok

    def _choose(self) -> None:
        if not self._check():
            return
        self.password_chosen = self.password.text()
        self.password.clear()
        self.confirm.clear()
        self.accept()


def ask_options(parent: QWidget | None, summary: str) -> str | None:
    """The password chosen ("" for none), or None if the supporter cancelled."""
    dialog = SubjectAccessQuestion(summary, parent)
    try:
        if _scripted:
            _scripted.popleft()(dialog)
        else:
            dialog.exec()
        return dialog.password_chosen if shiboken6.isValid(dialog) else None
    finally:
        if shiboken6.isValid(dialog):
            dialog.deleteLater()


def ask_path(parent: QWidget | None, today: date) -> Path | None:
    """Where to save; ``file_dialogs.get_save_path`` is looked up now, so tests can stand in."""
    path = file_dialogs.get_save_path(
        parent,
        _("Save the subject access PDF"),
        subject_access.suggested_file_name(today),
        _(PDF_FILTER),
    )
    if path is not None and not path.suffix:
        path = path.with_suffix(".pdf")
    return path


def export_subject_access(
    parent: QWidget | None, vault: Vault, person_id: PersonId, *, today: date | None = None
) -> Path | None:
    """Ask, then write the PDF; its path, or None if cancelled or it failed (said)."""
    today = today or date.today()
    try:
        summary = subject_access.summary_words(vault, person_id)
    except VaultError as problem:
        dialogs.inform(parent, str(problem), problem=True)
        return None
    password = ask_options(parent, summary)
    if password is None:
        return None
    path = ask_path(parent, today)
    if path is None:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        subject_access.export(vault, person_id, path, today=today, password=password)
    except VaultError as problem:
        dialogs.inform(parent, _nothing_saved(str(problem)), problem=True)
        return None
    except OSError as problem:
        dialogs.inform(
            parent, _nothing_saved(str(write_error(problem, _("the PDF")))), problem=True
        )
        return None
    except Exception as error:  # noqa: BLE001 - any failure is reported the same, content-free
        # A renderer's message can quote the text it choked on: keep only its kind and place.
        withheld = RuntimeError(f"making the subject access PDF failed: {type(error).__name__}")
        report_bug(withheld.with_traceback(error.__traceback__))
        dialogs.inform(
            parent,
            _nothing_saved(_("peerdesk could not make the PDF.")),
            problem=True,
        )
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()
        file_dialogs.remember_file(path)
        file_dialogs.scrub_traces()
    dialogs.inform(
        parent,
        _(
            "The PDF is saved. It is confidential: give it only to the colleague, and "
            "delete your copy once they have it."
        ),
    )
    return path


def _nothing_saved(reason: str) -> str:
    return _("{reason} Nothing was exported.").format(reason=reason.strip())
