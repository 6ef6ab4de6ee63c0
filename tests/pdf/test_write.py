"""Saving the PDF: owner-only, all at once, and a clear message when it cannot be saved."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from peerdesk.referral_pdf import render, write_pdf
from peerdesk.store import VaultWriteError

from ..unprivileged import RAISED_VAULT_ERROR, make_reachable, run_unprivileged
from .factory import full_document

SECRET_FILE_NAME = "referral-Morwenna-Tregarthen.pdf"


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render(full_document())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    return chosen


def test_the_file_is_owner_only_and_replaces_an_old_one(folder: Path, pdf: bytes) -> None:
    target = folder / SECRET_FILE_NAME
    target.write_bytes(b"an older export")
    os.chmod(target, 0o644)
    write_pdf(target, pdf)
    assert target.read_bytes() == pdf
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == [SECRET_FILE_NAME]


def test_an_unwritable_folder_gives_an_actionable_message_and_leaves_nothing(
    tmp_path: Path, pdf: bytes
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o555)  # noqa: S103 - read-only on purpose
    make_reachable(folder)
    target = folder / SECRET_FILE_NAME

    code, message = run_unprivileged(lambda: write_pdf(target, pdf))

    assert code == RAISED_VAULT_ERROR
    assert "not allowed to write there" in message
    assert "Morwenna" not in message
    assert SECRET_FILE_NAME not in message
    assert list(folder.iterdir()) == []


def _write_under_file_size_limit(target: Path, data: bytes, limit: int) -> None:
    """In a child: a file-size limit makes the write fail part-way, like a full disk."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            write_pdf(target, data)
        except VaultWriteError:
            code = RAISED_VAULT_ERROR
        except BaseException:  # noqa: BLE001 - reported through the exit code
            code = 4
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == RAISED_VAULT_ERROR


def test_a_write_cut_short_leaves_the_old_file_and_no_temporary(folder: Path, pdf: bytes) -> None:
    target = folder / SECRET_FILE_NAME
    target.write_bytes(b"the previous export")
    _write_under_file_size_limit(target, pdf, limit=len(pdf) // 3)
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in folder.iterdir()] == [SECRET_FILE_NAME]


def test_a_full_disk_raises_disk_full_and_leaves_nothing(tmp_path: Path, pdf: bytes) -> None:
    """A real ENOSPC: a 64 KiB tmpfs mounted in a private user and mount namespace."""
    unshare = shutil.which("unshare")
    probe = (
        subprocess.run(
            [unshare or "unshare", "-rm", "true"], capture_output=True, timeout=30, check=False
        )
        if unshare
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("unprivileged user namespaces are not available here (unshare -rm)")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from peerdesk.referral_pdf import write_pdf\n"
        "from peerdesk.store import DiskFull\n"
        "folder = Path(sys.argv[1])\n"
        "try:\n"
        f"    write_pdf(folder / {SECRET_FILE_NAME!r}, bytes(512 * 1024))\n"
        "except DiskFull as exc:\n"
        "    print('DISKFULL', exc)\n"
        "print('LEFT', sorted(p.name for p in folder.iterdir()))\n"
    )
    result = subprocess.run(
        [
            unshare or "unshare",
            "-rm",
            "sh",
            "-c",
            'mount -t tmpfs -o size=64k tmpfs "$1" && "$2" -c "$3" "$1"',
            "sh",
            str(mount_point),
            sys.executable,
            script,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert "DISKFULL Could not save the referral PDF: the disk is full." in result.stdout
    assert SECRET_FILE_NAME not in result.stdout.split("LEFT")[0]
    assert "LEFT []" in result.stdout
