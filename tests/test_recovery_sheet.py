"""The recovery sheet PDF: the code, readable and complete, saved privately and atomically."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from peerdesk.recovery_sheet import recovery_sheet, render_pdf, save_pdf
from peerdesk.store import InvalidRecoveryCode, VaultWriteError, recovery

from .unprivileged import RAISED_VAULT_ERROR, make_reachable, run_unprivileged

CREATED = date(2025, 3, 12)


@pytest.fixture
def code() -> str:
    return recovery.generate()


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_saved_sheet_holds_every_group_numbered_and_the_date(tmp_path: Path, code: str) -> None:
    target = tmp_path / "sheet.pdf"
    save_pdf(target, code, CREATED)

    text = pdf_text(target)
    for group in code.split("-"):
        assert group in text
    for number in range(1, 9):
        assert str(number) in text
    assert "2025-03-12" in text
    assert "Use recovery code" in text  # how to use it, in the app's own words
    # What was printed really is the code: read back, it normalises to the same.
    groups = [g for g in code.split("-") if g in text]
    assert recovery.normalise("".join(groups)) == code


def test_the_sheet_is_owner_only_and_leaves_no_temporary_file(tmp_path: Path, code: str) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    target = folder / "sheet.pdf"
    target.write_bytes(b"an older file the supporter chose to replace")
    os.chmod(target, 0o644)
    save_pdf(target, code, CREATED)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in folder.iterdir()] == ["sheet.pdf"]


def test_the_sheet_names_nobody_and_no_folder(tmp_path: Path, code: str) -> None:
    target = tmp_path / "private-folder-name" / "sheet.pdf"
    target.parent.mkdir()
    save_pdf(target, code, CREATED)
    reader = PdfReader(target)
    text = reader.pages[0].extract_text()
    assert "private-folder-name" not in text
    assert str(tmp_path) not in text
    metadata = reader.metadata or {}
    assert metadata.get("/Author", "") == ""
    assert "private-folder-name" not in str(metadata)


def test_a_code_typed_in_lower_case_with_spaces_is_printed_in_canonical_form(code: str) -> None:
    sheet = recovery_sheet(code.lower().replace("-", " "), CREATED)
    assert "-".join(sheet.groups) == code
    assert [[n for n, _g in row] for row in sheet.rows] == [[1, 2, 3, 4], [5, 6, 7, 8]]


def test_a_damaged_code_is_never_printed(code: str) -> None:
    with pytest.raises(InvalidRecoveryCode):
        recovery_sheet(code[:-1] + ("0" if code[-1] != "0" else "1"), CREATED)


def test_render_pdf_builds_in_memory() -> None:
    data = render_pdf(recovery_sheet(recovery.generate(), CREATED))
    assert data.startswith(b"%PDF")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_an_unwritable_folder_is_explained_and_nothing_is_left(tmp_path: Path, code: str) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    os.chmod(folder, 0o555)  # noqa: S103 - readable, deliberately not writable
    make_reachable(folder)
    status, message = run_unprivileged(lambda: save_pdf(folder / "sheet.pdf", code, CREATED))
    assert status == RAISED_VAULT_ERROR, message
    assert "recovery sheet" in message
    assert code not in message
    assert list(folder.iterdir()) == []


def test_a_failed_replace_is_explained_and_leaves_no_temporary_file(
    tmp_path: Path, code: str
) -> None:
    folder = tmp_path / "chosen"
    (folder / "sheet.pdf").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(VaultWriteError):
        save_pdf(folder / "sheet.pdf", code, CREATED)
    assert [p.name for p in folder.iterdir()] == ["sheet.pdf"]
    assert (folder / "sheet.pdf").is_dir()


def test_a_missing_folder_is_explained(tmp_path: Path, code: str) -> None:
    with pytest.raises(VaultWriteError) as raised:
        save_pdf(tmp_path / "gone" / "sheet.pdf", code, CREATED)
    assert code not in str(raised.value)
