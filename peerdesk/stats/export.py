"""Writing a report to a file: CSV or PDF by the file's extension, private and atomic."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..i18n import _
from ..store.fsutil import atomic_write
from .csv_file import to_csv
from .figures import Report

CSV_SUFFIX = ".csv"
PDF_SUFFIX = ".pdf"


def suggested_name(report: Report, suffix: str) -> str:
    """A default file name from the months only: ``peerdesk-statistics-2025-01-to-2025-06.pdf``."""
    if report.first == report.last:
        return f"peerdesk-statistics-{report.first.text}{suffix}"
    return f"peerdesk-statistics-{report.first.text}-to-{report.last.text}{suffix}"


def report_bytes(
    report: Report, suffix: str, template_titles: Mapping[str, str] | None = None
) -> bytes:
    """The report as a CSV or PDF file's bytes; ValueError for any other suffix."""
    suffix = suffix.lower()
    if suffix == CSV_SUFFIX:
        return to_csv(report)
    if suffix == PDF_SUFFIX:
        from .pdf import render

        return render(report, template_titles)
    raise ValueError(_("Save the report as a .pdf or a .csv file."))


def write_report(
    path: Path, report: Report, template_titles: Mapping[str, str] | None = None
) -> None:
    """Write ``report`` to ``path`` (0600, all at once), as CSV or PDF by its extension.

    Raises ValueError for another extension (nothing written) and
    :class:`peerdesk.store.VaultWriteError` if the file cannot be written.
    """
    data = report_bytes(report, Path(path).suffix, template_titles)
    atomic_write(Path(path), data, what=_("the statistics report"))
