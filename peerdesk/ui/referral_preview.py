"""The last step: exactly what the PDF will say, read back, then exported.

The preview is built from :func:`peerdesk.referral_pdf.sections`, the same
plain content the renderer prints, from the same :class:`ReferralDocument`;
the export renders *that* document, so what was read back is what leaves.
Typed text goes into the preview through ``QTextCursor.insertText``: it is
never parsed as rich text.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QTextEdit, QWidget

from ..i18n import _
from ..referral_builder import build_document, export_problems
from ..referral_pdf import (
    AsWritten,
    Block,
    Bullets,
    Choices,
    Field,
    FillIn,
    Note,
    ReferralDocument,
    Subheading,
    sections,
)
from ..referral_pdf.text import paragraphs
from ..store import VaultError
from ..store.models import Referral, ReferralStatus
from .autosave import date_edit, to_date, to_qdate
from .referral_pages import ReferralPage, WizardContext, labelled
from .widgets import checkbox, error_text, message_label, passphrase_field, plain_label

# A referral is usually worth checking on about two weeks after it is handed over.
DEFAULT_FOLLOW_UP_DAYS = 14


def _line(text: str) -> str:
    """Text set on one line, cleaned exactly as the renderer cleans it."""
    return " ".join(paragraphs(text))


class _Writer:
    """Puts sections into a QTextDocument as plain text runs, some bold, none parsed."""

    def __init__(self, edit: QTextEdit) -> None:
        self.cursor = QTextCursor(edit.document())
        self.bold = QTextCharFormat()
        self.bold.setFontWeight(QFont.Weight.Bold)
        self.title = QTextCharFormat(self.bold)
        self.title.setFontPointSize(edit.font().pointSizeF() * 1.15)
        self.italic = QTextCharFormat()
        self.italic.setFontItalic(True)
        self.body = QTextCharFormat()
        self._first = True

    def block(self, *, top: int = 0, indent: int = 0) -> None:
        shape = QTextBlockFormat()
        shape.setTopMargin(top)
        shape.setLeftMargin(indent)
        if self._first:
            self.cursor.setBlockFormat(shape)
            self._first = False
        else:
            self.cursor.insertBlock(shape)

    def line(self, *runs: tuple[str, QTextCharFormat], top: int = 0, indent: int = 0) -> None:
        self.block(top=top, indent=indent)
        for text, shape in runs:
            self.cursor.insertText(text, shape)

    def section(self, title: str, blocks: tuple[Block, ...]) -> None:
        self.line((title, self.title), top=14)
        for part in blocks:
            self.part(part)

    def part(self, part: Block) -> None:
        if isinstance(part, Field):
            self.line((_line(part.label) + ": ", self.bold), (_line(part.text), self.body), top=2)
        elif isinstance(part, Note):
            for paragraph in paragraphs(part.text):
                self.line((paragraph, self.body), top=4)
        elif isinstance(part, Bullets):
            for item in part.items:
                self.line(("• " + _line(item), self.body), top=2, indent=12)
        elif isinstance(part, Subheading):
            self.line((_line(part.text), self.bold), top=8)
        elif isinstance(part, AsWritten):
            self.line((_line(part.label), self.italic), top=6, indent=16)
            for paragraph in paragraphs(part.text):
                self.line((paragraph, self.body), top=2, indent=16)
        elif isinstance(part, Choices):
            self.line(("   ".join("☐ " + _line(o) for o in part.options), self.body), top=4)
        elif isinstance(part, FillIn):
            self.line((_line(part.label) + ": " + "_" * 24, self.body), top=4)


def write_preview(edit: QTextEdit, document: ReferralDocument) -> None:
    """Show exactly the PDF's sections, in its reading order, in ``edit``."""
    edit.clear()
    writer = _Writer(edit)
    for section in sections(document):
        writer.section(section.title, section.blocks)
    edit.moveCursor(QTextCursor.MoveOperation.Start)


class PreviewPage(ReferralPage):
    title_text = "Check and export"
    intro_text = (
        "This is everything the PDF will contain, and nothing else. Read it back to the "
        "colleague before you export it."
    )

    ready_changed = Signal()
    """Something that decides whether Export may be pressed changed. Emits nothing."""

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.preview = QTextEdit()
        self.preview.setObjectName("referralPreview")
        self.preview.setAccessibleName(_("Preview of the referral"))
        self.preview.setReadOnly(True)
        self.preview.setAcceptRichText(False)
        self.preview.setMinimumHeight(180)
        self.read_back = checkbox(_("I have read this back to the colleague"))
        self.read_back.toggled.connect(self.ready_changed)

        self.password = passphrase_field(_("Password for the PDF"))
        self.confirm = passphrase_field(_("Confirm the password"))
        for field in (self.password, self.confirm):
            field.textChanged.connect(self.ready_changed)
        self.follow_up = QCheckBox(_("Follow up on"))
        self.follow_up.setAccessibleName(_("Follow up on"))
        self.follow_up_on = date_edit(_("Follow-up date"))
        self.follow_up.toggled.connect(self.follow_up_on.setEnabled)
        self.blockers = message_label(_("Why the PDF cannot be made yet"))
        self.changed_note = plain_label(
            _("Something changed since the preview was made; it now shows what will be exported."),
            "caution",
        )
        self.changed_note.hide()

        passwords = QWidget()
        row = QHBoxLayout(passwords)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(labelled(_("Password for the PDF"), self.password), 1)
        row.addWidget(labelled(_("Confirm the password"), self.confirm), 1)
        follow = QHBoxLayout()
        follow.addWidget(self.follow_up)
        follow.addWidget(self.follow_up_on)
        follow.addStretch(1)

        self.column.addWidget(self.changed_note)
        self.column.addWidget(self.preview, 1)
        self.column.addWidget(self.read_back)
        self.column.addWidget(
            plain_label(
                _(
                    "Optional password: the PDF is then encrypted (AES-256) and the service "
                    "needs the password to open it. Tell it to them another way, for example "
                    "by phone, never in the same email as the PDF."
                ),
                "fieldHint",
            )
        )
        self.column.addWidget(passwords)
        self.column.addLayout(follow)
        self.document: ReferralDocument | None = None
        self._problems: list[str] = []
        self._referral: Referral | None = None

    # -- loading ------------------------------------------------------------------------

    def load(self, referral: Referral | None) -> None:
        due = None if referral is None else referral.follow_up_on
        self.follow_up.setChecked(due is not None or referral is None or _draft(referral))
        day = due or self.context.today + timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
        self.follow_up_on.setDate(to_qdate(day))
        self.follow_up_on.setEnabled(self.follow_up.isChecked())

    def entered(self, referral: Referral | None) -> None:
        self._referral = referral
        self.read_back.setChecked(False)
        self.changed_note.hide()
        self.rebuild()

    def rebuild(self) -> bool:
        """Build the document again from the vault; True if it differs from the one shown."""
        referral = self._referral
        document: ReferralDocument | None = None
        problems: list[str] = []
        if referral is None:
            problems = [_("Nothing is written in this referral yet.")]
        else:
            try:
                referral = self.context.vault.referrals.get(referral.id)
                self._referral = referral
                problems = export_problems(self.context.vault, referral, today=self.context.today)
                if not problems:
                    document = build_document(
                        self.context.vault, referral, today=self.context.today
                    )
            except (VaultError, ValueError) as error:
                problems = [error_text(error) if isinstance(error, VaultError) else str(error)]
        changed = document != self.document
        self.document, self._problems = document, problems
        self._show_document()
        self.ready_changed.emit()
        return changed

    def _show_document(self) -> None:
        self.preview.clear()
        if self.document is None:
            self.preview.setPlainText(_("The preview shows once everything below is sorted out."))
            return
        write_preview(self.preview, self.document)

    # -- what the wizard asks -------------------------------------------------------------

    def preview_text(self) -> str:
        return self.preview.toPlainText()

    def export_blockers(self) -> list[str]:
        """Plain sentences saying why Export cannot be pressed yet (empty: it can)."""
        blockers = list(self._problems)
        if self.document is not None and not self.read_back.isChecked():
            blockers.append(_("Read the preview back to the colleague, then tick the box."))
        password, confirm = self.password.text(), self.confirm.text()
        if (password or confirm) and password != confirm:
            blockers.append(_("The two passwords are not the same."))
        return blockers

    def take_password(self) -> str:
        """The chosen password ("" for none); the fields are emptied either way."""
        password = self.password.text()
        self.password.clear()
        self.confirm.clear()
        return password

    def show_blockers(self) -> None:
        blockers = self.export_blockers()
        self.blockers.setText("\n".join(blockers))
        self.blockers.setVisible(bool(blockers))

    def values(self) -> dict[str, object]:
        due = to_date(self.follow_up_on.date()) if self.follow_up.isChecked() else None
        return {"follow_up_on": due}


def _draft(referral: Referral) -> bool:
    return referral.status is ReferralStatus.DRAFT
