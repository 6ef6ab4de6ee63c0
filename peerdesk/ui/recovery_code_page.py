"""The recovery code, shown once: write it down, print it or save it, then prove the copy.

Two pages. :class:`RecoveryCodePage` shows the code with "Print…" and "Save
as PDF…". :class:`ConfirmCodePage` hides it again and asks for two of its
groups, picked at random, typed from the copy: a copy with a slip in it is
found now, not on the day it is needed.

The code lives only in the label and in :class:`RecoveryCodePage` until the
supporter moves on; then both are cleared. Only the two asked-for groups are
kept by the confirmation page.
"""

from __future__ import annotations

import secrets
from datetime import date

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextLength,
    QTextListFormat,
    QTextTableFormat,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from ..i18n import _
from ..recovery_sheet import (
    SUGGESTED_FILE_NAME,
    RecoverySheet,
    recovery_code_lines,
    recovery_sheet,
    same_group,
    save_pdf,
)
from ..store.recovery import GROUPS
from .file_dialogs import get_save_path
from .vault_thread import VaultThread
from .widgets import (
    CardPage,
    busy_bar,
    button,
    button_row,
    error_text,
    labelled_fields,
    monospace_font,
    plain_label,
    report_bug,
)

GROUPS_TO_CONFIRM = 2


def row_hint() -> str:
    return _("Groups 1 to 4 are on the first row, groups 5 to 8 on the second.")


# -- printing ------------------------------------------------------------------------------


def print_document(sheet: RecoverySheet) -> QTextDocument:
    """The sheet as a Qt text document, for the printer (and for tests to read).

    Built with a cursor and formats, not HTML: nothing in it is ever parsed as markup.
    """
    document = QTextDocument()
    document.setDocumentMargin(36)
    cursor = QTextCursor(document)
    base = QFont(document.defaultFont())
    base.setPointSizeF(11)

    def text(line: str, *, size: float = 11, bold: bool = False, grey: bool = False) -> None:
        fmt = QTextCharFormat()
        font = QFont(base)
        font.setPointSizeF(size)
        font.setBold(bold)
        fmt.setFont(font)
        fmt.setForeground(QColor("#555555" if grey else "#111111"))
        cursor.insertText(line, fmt)

    spaced = QTextBlockFormat()
    spaced.setBottomMargin(10)
    cursor.setBlockFormat(spaced)
    text(sheet.title, size=20, bold=True)
    cursor.insertBlock(spaced)
    text(sheet.created, size=10, grey=True)
    cursor.insertBlock(spaced)
    text(sheet.intro)

    # The groups in a dashed box, each under its number, as on the screen and the PDF.
    table_format = QTextTableFormat()
    table_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Dashed)
    table_format.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    table_format.setCellPadding(8)
    table_format.setBorderCollapse(True)
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    table_format.setTopMargin(14)
    table_format.setBottomMargin(14)
    rows = sheet.rows
    table = cursor.insertTable(len(rows) * 2, len(rows[0]), table_format)
    mono = monospace_font()
    mono.setPointSizeF(22)
    mono.setBold(True)
    for row_index, row in enumerate(rows):
        for column, (number, group) in enumerate(row):
            for offset, content in ((0, str(number)), (1, group)):
                cell = table.cellAt(row_index * 2 + offset, column).firstCursorPosition()
                centred = QTextBlockFormat()
                centred.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                cell.setBlockFormat(centred)
                fmt = QTextCharFormat()
                if offset:
                    fmt.setFont(mono)
                else:
                    fmt.setForeground(QColor("#555555"))
                cell.insertText(content, fmt)

    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertBlock(spaced)
    text(sheet.how_to_keep_heading, size=13, bold=True)
    bullets = QTextListFormat()
    bullets.setStyle(QTextListFormat.Style.ListDisc)
    for index, step in enumerate(sheet.how_to_keep):
        if index == 0:
            cursor.insertBlock(spaced)
            cursor.createList(bullets)
        else:
            cursor.insertBlock()  # no format: the new block stays in the list
        text(step)
    return document


def ask_printer(parent: QWidget) -> QPrinter | None:
    """The system print dialog; the printer chosen, or None if cancelled.

    Qt's "print to file" is switched off: "Save as PDF…" is the one way to a
    file, and it writes owner-only and atomically.
    """
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print recovery code"))
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
    return printer if accepted else None


# -- the pages -------------------------------------------------------------------------------


class RecoveryCodePage(CardPage):
    """The code in large monospaced groups, with Print…, Save as PDF… and "I have a copy"."""

    acknowledged = Signal()
    """The supporter says they have a copy; the confirmation comes next. Emits nothing."""

    def __init__(self, vault_thread: VaultThread, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thread = vault_thread
        self._code: str | None = None
        self.code_label = plain_label("", "recoveryCode")
        self.code_label.setAccessibleName(_("Recovery code"))
        self.code_label.setWordWrap(False)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setFont(monospace_font())
        self.code_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.print_button = button(_("Print…"))
        self.save_button = button(_("Save as PDF…"))
        self.next_button = button(_("I have a copy"), primary=True)
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save_pdf)
        self.next_button.clicked.connect(self.acknowledged)
        self.set_card(
            plain_label(_("Write down your recovery code"), "heading"),
            plain_label(
                _(
                    "If you ever forget your passphrase, this code is the only way to "
                    "open your notes. peerdesk shows it only this once."
                )
            ),
            self.code_label,
            plain_label(row_hint(), "muted"),
            button_row(self.print_button, self.save_button),
            self.note,
            self.message,
            plain_label(
                _(
                    "Write it on paper or print it, and keep it somewhere safe, away "
                    "from this laptop. Do not keep it in a file, a photo or an email on "
                    "this laptop: anyone who has both this code and your vault can read "
                    "your notes. If you save it as a PDF, print it, then delete the file."
                ),
                "caution",
            ),
            button_row(self.next_button),
        )

    def show_code(self, code: str) -> None:
        self._code = code
        self.code_label.setText(recovery_code_lines(code))
        self.note.hide()
        self.message.hide()
        # Focus on the code, not the button: a screen reader reads it out first,
        # and a stray Enter or Space cannot dismiss it unseen.
        self.code_label.setFocus()

    def clear(self) -> None:
        """The code leaves the screen for good: only the supporter's copy remains."""
        self._code = None
        self.code_label.clear()
        self.note.hide()
        self.message.hide()

    def _sheet(self) -> RecoverySheet | None:
        return recovery_sheet(self._code, date.today()) if self._code else None

    @Slot()
    def _print(self) -> None:
        sheet = self._sheet()
        if sheet is None:
            return
        printer = ask_printer(self)
        if printer is None:
            return
        print_document(sheet).print_(printer)
        if printer.printerState() == QPrinter.PrinterState.Error:
            self.show_problem(_("The printer reported a problem. Check it, then try again."))
        else:
            self.message.hide()
            self.show_note(_("Sent to the printer. Check that every character is readable."))

    @Slot()
    def _save_pdf(self) -> None:
        code = self._code
        if code is None:
            return
        path = get_save_path(
            self, _("Save recovery code as PDF"), SUGGESTED_FILE_NAME, _("PDF files (*.pdf)")
        )
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        today = date.today()
        self.save_button.setEnabled(False)
        # Off the GUI thread: loading reportlab and syncing the file to disk take
        # longer than a frame.
        self._thread.submit(
            lambda: save_pdf(path, code, today), on_result=self._saved, on_error=self._not_saved
        )

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.message.hide()
        self.show_note(
            _(
                "Saved as a PDF that only your account can open. Print it, keep the "
                "paper safe, then delete the file."
            )
        )

    def _not_saved(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.show_problem(error_text(error))
        report_bug(error)


class ConfirmCodePage(CardPage):
    """Two groups of the code, typed back from the supporter's copy."""

    confirmed = Signal()
    """Both groups typed match the code and Continue was pressed. Emits nothing."""

    back_requested = Signal()
    """The supporter wants to see the code again. Emits nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._expected: dict[int, str] = {}  # group number -> group, only the two asked
        self.fields = [QLineEdit(), QLineEdit()]
        self.form = labelled_fields([("", field) for field in self.fields])
        mono = monospace_font()
        for field in self.fields:
            field.setFont(mono)
            field.setMaxLength(12)  # a group is 5 characters; room for stray spaces
        self.fields[0].returnPressed.connect(self.fields[1].setFocus)
        self.fields[1].returnPressed.connect(self._check)
        self.prompt = plain_label("")
        self.busy = busy_bar(_("Finishing setting up"))
        self.back_button = button(_("Show the code again"))
        self.continue_button = button(_("Continue"), primary=True)
        self.back_button.clicked.connect(self.back_requested)
        self.continue_button.clicked.connect(self._check)
        self.set_card(
            plain_label(_("Check your copy"), "heading"),
            self.prompt,
            plain_label(row_hint(), "muted"),
            self.form,
            self.message,
            self.note,
            self.busy,
            button_row(self.back_button, self.continue_button),
        )

    def start(self, code: str) -> None:
        """Pick two groups at random to ask for; keep only those two."""
        groups = code.split("-")
        numbers = sorted(secrets.SystemRandom().sample(range(1, GROUPS + 1), GROUPS_TO_CONFIRM))
        self._expected = {number: groups[number - 1] for number in numbers}
        self.prompt.setText(
            _(
                "The code is no longer on screen. To make sure your copy is complete and "
                "readable, type group {first} and group {second} from it."
            ).format(first=numbers[0], second=numbers[1])
        )
        for field, number in zip(self.fields, numbers, strict=True):
            name = _("Group {number}").format(number=number)
            field.setAccessibleName(name)
            label = self.form.labelForField(field)
            if isinstance(label, QLabel):
                label.setText(name)
        self.reset_fields()

    def reset_fields(self) -> None:
        for field in self.fields:
            field.clear()
        self.message.hide()
        self.set_waiting(False)
        self.fields[0].setFocus()

    def clear(self) -> None:
        self._expected = {}
        for field in self.fields:
            field.clear()
        self.note.hide()
        self.message.hide()

    def set_waiting(self, waiting: bool) -> None:
        """Shown while setup finishes in the background (the keychain can be slow)."""
        self.busy.setVisible(waiting)
        for widget in (*self.fields, self.back_button, self.continue_button):
            widget.setEnabled(not waiting)

    @Slot()
    def _check(self) -> None:
        if not self.continue_button.isEnabled():
            return
        wrong = [
            number
            for field, (number, group) in zip(self.fields, self._expected.items(), strict=True)
            if not same_group(field.text(), group)
        ]
        if not wrong:
            self.message.hide()
            self.confirmed.emit()
            return
        if len(wrong) == 1:
            text = _(
                "Group {number} does not match your recovery code. Look at your copy "
                "again: a character may be missing, swapped or hard to read."
            ).format(number=wrong[0])
        else:
            text = _(
                "Groups {first} and {second} do not match your recovery code. Check that "
                "you are reading the right groups: {hint}"
            ).format(first=wrong[0], second=wrong[1], hint=row_hint())
        self.show_problem(text)
        field = self.fields[list(self._expected).index(wrong[0])]
        field.setFocus()
        field.selectAll()
