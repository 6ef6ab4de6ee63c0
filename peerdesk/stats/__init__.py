"""Anonymous programme statistics: figures, CSV, merging and PDF. No Qt.

- :func:`report_for` reads a vault's exact counts and suppresses them at once
  (:func:`peerdesk.stats.figures.suppress`, the one place small counts are
  hidden); a :class:`Report` can only hold safe figures.
- :func:`to_csv` / :func:`read_csv` write and check the versioned CSV
  (format documented in :mod:`peerdesk.stats.csv_file`); :func:`read_and_merge`
  adds up several supporters' files.
- :func:`write_report` saves a report as PDF or CSV (by extension), 0600 and atomic;
  the PDF (:mod:`peerdesk.stats.pdf`) imports reportlab only when drawn.
- :func:`tables` gives the tables the PDF and the app's preview show.
"""

from __future__ import annotations

from .compute import report_for, template_titles
from .csv_file import StatsFileError, merge, parse_csv, read_and_merge, read_csv, to_csv
from .export import CSV_SUFFIX, PDF_SUFFIX, report_bytes, suggested_name, write_report
from .figures import THRESHOLD, Figure, Metric, Month, Report, months, published, suppress
from .tables import Chart, Table, span_text, tables

__all__ = [
    "CSV_SUFFIX",
    "PDF_SUFFIX",
    "THRESHOLD",
    "Chart",
    "Figure",
    "Metric",
    "Month",
    "Report",
    "StatsFileError",
    "Table",
    "merge",
    "months",
    "parse_csv",
    "published",
    "read_and_merge",
    "read_csv",
    "report_bytes",
    "report_for",
    "span_text",
    "suggested_name",
    "suppress",
    "tables",
    "template_titles",
    "to_csv",
    "write_report",
]
