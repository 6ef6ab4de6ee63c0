"""Programme statistics: anonymous figures for a span of months, previewed, then saved.

The lead wires :func:`show_statistics` into the Tools menu. Everything shown
or saved here is a :class:`peerdesk.stats.Report`, whose figures are already
suppressed (counts below 5 hidden); this module never sees an exact count.
The coordinator can also add up the CSV files several supporters sent
("Merge CSVs from several supporters…"); a file that does not check out is
named with the line at fault, and nothing is merged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import _
from ..stats import (
    CSV_SUFFIX,
    PDF_SUFFIX,
    Month,
    Report,
    StatsFileError,
    read_and_merge,
    report_for,
    span_text,
    suggested_name,
    tables,
    template_titles,
    write_report,
)
from ..stats.figures import MAX_MONTHS, THRESHOLD, months
from ..stats.pdf import sources_text
from ..store import Vault, VaultError
from ..store.audit import STATISTICS_EXPORTED
from . import dialogs, file_dialogs
from .autosave import field_label

PDF_FILTER = "PDF (*.pdf)"
CSV_FILTER = "CSV (*.csv)"
# The span offered first: the last six months, this one included.
DEFAULT_MONTHS = 6


def ask_csv_files(parent: QWidget | None) -> list[Path]:
    """Statistics CSV files to merge, or [] if cancelled; leaves no trace (see file_dialogs)."""
    chosen: list[str] = []
    try:
        chosen, _selected = QFileDialog.getOpenFileNames(
            parent,
            _("Choose the statistics CSV files to merge"),
            str(Path.home()),
            _(CSV_FILTER),
        )
    finally:
        for name in chosen:
            file_dialogs.remember_file(name)
        file_dialogs.scrub_traces()
    return [Path(name) for name in chosen]


def month_edit(name: str) -> QDateEdit:
    """A month and year, stepped with the arrow keys; the day is never shown."""
    edit = QDateEdit()
    edit.setAccessibleName(name)
    edit.setDisplayFormat("MMMM yyyy")
    edit.setCurrentSection(QDateEdit.Section.MonthSection)
    return edit


def to_month(day: QDate) -> Month:
    return Month(day.year(), day.month())


class StatisticsDialog(QDialog):
    """Pick the months, look at the figures, save them as PDF or CSV; or merge supporters' CSVs."""

    def __init__(self, vault: Vault, parent: QWidget | None = None, *, today: date | None = None):
        super().__init__(parent)
        self.setObjectName("statisticsDialog")
        self.setWindowTitle(_("Programme statistics"))
        self._vault = vault
        self._titles = template_titles(vault)
        self.report: Report | None = None
        self.merged = False

        now = today or date.today()
        last = Month(now.year, now.month)
        first = last
        for _step in range(DEFAULT_MONTHS - 1):
            first = Month(first.year - (first.month == 1), (first.month - 2) % 12 + 1)
        self.first = month_edit(_("From"))
        self.last = month_edit(_("To"))
        self.first.setDate(QDate(first.year, first.month, 1))
        self.last.setDate(QDate(last.year, last.month, 1))

        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("What the figures cover"))
        explanation = QLabel(
            _(
                "Anonymous figures only: any count below {threshold}, zero included, shows "
                "as <{threshold}, and sums that include one show as a range. No names, "
                "aliases, notes or days."
            ).format(threshold=THRESHOLD)
        )
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        explanation.setWordWrap(True)
        explanation.setObjectName("muted")

        self.preview = QTableWidget(0, 2)
        self.preview.setAccessibleName(_("Figures"))
        self.preview.setHorizontalHeaderLabels([_("Figure"), _("Count")])
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview.setAlternatingRowColors(True)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

        self.export_pdf = QPushButton(_("Export PDF…"))
        self.export_csv = QPushButton(_("Export CSV…"))
        self.merge_button = QPushButton(_("Merge CSVs from several supporters…"))
        self.own_button = QPushButton(_("Back to this vault's figures"))
        self.close_button = QPushButton(_("Close"))
        for button in (
            self.export_pdf,
            self.export_csv,
            self.merge_button,
            self.own_button,
            self.close_button,
        ):
            button.setAccessibleName(button.text().rstrip("…"))
            button.setAutoDefault(False)
        self.close_button.setDefault(True)
        self.own_button.hide()

        self.export_pdf.clicked.connect(lambda: self.export(PDF_SUFFIX))
        self.export_csv.clicked.connect(lambda: self.export(CSV_SUFFIX))
        self.merge_button.clicked.connect(self.merge)
        self.own_button.clicked.connect(self.show_own_figures)
        self.close_button.clicked.connect(self.accept)
        self.first.dateChanged.connect(lambda _day: self.show_own_figures())
        self.last.dateChanged.connect(lambda _day: self.show_own_figures())

        span = QHBoxLayout()
        span.setSpacing(8)
        span.addWidget(field_label(_("From"), self.first))
        span.addWidget(self.first)
        span.addSpacing(12)
        span.addWidget(field_label(_("To"), self.last))
        span.addWidget(self.last)
        span.addStretch(1)
        # Merging is the coordinator's task, beside the months it replaces.
        span.addWidget(self.merge_button)
        span.addWidget(self.own_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_csv)
        buttons.addWidget(self.export_pdf)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(span)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 1)
        layout.addWidget(explanation)
        layout.addLayout(buttons)
        self.resize(760, 680)
        self.show_own_figures()

    # -- what is shown ------------------------------------------------------------------

    def show_own_figures(self) -> None:
        """This vault's figures for the months picked (leaving a merged report)."""
        first, last = to_month(self.first.date()), to_month(self.last.date())
        self.merged = False
        self.own_button.hide()
        for edit in (self.first, self.last):
            edit.setEnabled(True)
        if last < first:
            self._show(None, _("The last month comes before the first. Pick the months again."))
            return
        if len(months(first, last)) > MAX_MONTHS:
            self._show(
                None,
                _("A report covers at most {count} months. Pick a shorter span.").format(
                    count=MAX_MONTHS
                ),
            )
            return
        try:
            report = report_for(self._vault, first, last)
        except VaultError as exc:
            self._show(None, str(exc))
            return
        self._show(report, span_text(first, last) + " \u00b7 " + _("this vault"))

    def _show(self, report: Report | None, summary: str) -> None:
        self.report = report
        self.summary.setText(summary)
        self.summary.setAccessibleDescription(summary)
        for button in (self.export_pdf, self.export_csv):
            button.setEnabled(report is not None)
        self.preview.setRowCount(0)
        if report is None:
            return
        bold = QFont(self.preview.font())
        bold.setBold(True)
        for table in tables(report, self._titles):
            row = self.preview.rowCount()
            self.preview.insertRow(row)
            heading = QTableWidgetItem(table.title)
            heading.setFont(bold)
            self.preview.setItem(row, 0, heading)
            columns = QTableWidgetItem(" \u00b7 ".join(table.columns))
            columns.setFont(bold)
            self.preview.setItem(row, 1, columns)
            for label, figures in table.rows:
                row = self.preview.rowCount()
                self.preview.insertRow(row)
                self.preview.setItem(row, 0, QTableWidgetItem("    " + label))
                value = QTableWidgetItem(" \u00b7 ".join(figure.label for figure in figures))
                value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.preview.setItem(row, 1, value)

    def figures_shown(self) -> list[tuple[str, str]]:
        """Tests: the preview's rows as (figure, count) text."""
        rows = []
        for row in range(self.preview.rowCount()):
            label, value = self.preview.item(row, 0), self.preview.item(row, 1)
            rows.append((label.text().strip() if label else "", value.text() if value else ""))
        return rows

    # -- actions -------------------------------------------------------------------------

    def export(self, suffix: str) -> Path | None:
        """Ask where, then save the report shown as PDF or CSV; returns the file written."""
        report = self.report
        if report is None:
            return None
        caption = (
            _("Save the statistics as PDF")
            if suffix == PDF_SUFFIX
            else _("Save the statistics as CSV")
        )
        file_filter = _(PDF_FILTER) if suffix == PDF_SUFFIX else _(CSV_FILTER)
        path = file_dialogs.get_save_path(
            self, caption, suggested_name(report, suffix), file_filter
        )
        if path is None:
            return None
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            write_report(path, report, self._titles)
            self._vault.audit.record(STATISTICS_EXPORTED)
        except (VaultError, ValueError) as exc:
            dialogs.inform(self, str(exc), problem=True)
            return None
        finally:
            self.unsetCursor()
            file_dialogs.remember_file(path)
            file_dialogs.scrub_traces()
        return path

    def merge(self) -> Report | None:
        """Ask for supporters' CSV files and show their sum (or say which file is wrong)."""
        paths = ask_csv_files(self)
        if not paths:
            return None
        try:
            report = read_and_merge(paths)
        except StatsFileError as exc:
            dialogs.inform(
                self,
                _("These files were not merged. {problem}").format(problem=str(exc)),
                problem=True,
            )
            return None
        self._show(
            report,
            span_text(report.first, report.last) + " \u00b7 " + sources_text(report),
        )
        self.merged = True
        self.own_button.show()
        for edit in (self.first, self.last):
            edit.setEnabled(False)
        return report


def show_statistics(
    parent: QWidget | None, vault: Vault, *, closed_by: SignalInstance | None = None
) -> StatisticsDialog:
    """The Tools menu's "Programme statistics…": window-modal over ``parent``, returned at once.

    Pass the window's ``locked`` signal as ``closed_by``: a lock closes the
    dialog, so nothing that read the vault outlives it.
    """
    dialog = StatisticsDialog(vault, parent)
    if closed_by is not None:
        closed_by.connect(dialog.reject)
        dialog.finished.connect(lambda _result: closed_by.disconnect(dialog.reject))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
