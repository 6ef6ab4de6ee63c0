"""Small-file writes that are private and atomic: temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from .errors import DiskFull, VaultWriteError

DIR_MODE = 0o700
FILE_MODE = 0o600

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


def write_error(exc: OSError, what: str) -> VaultWriteError:
    """Turn an OSError into a message a supporter can act on (no content, no secrets)."""
    if exc.errno in _DISK_FULL:
        return DiskFull(
            f"Could not save {what}: the disk is full. Free some space and try again. "
            "Nothing already saved was lost."
        )
    if exc.errno in _NOT_ALLOWED:
        reason = (
            "peerdesk is not allowed to write there. Check the folder's permissions "
            "or choose another data folder"
        )
    else:
        reason = f"the system reported: {os.strerror(exc.errno or 0) or 'unknown error'}"
    return VaultWriteError(f"Could not save {what}: {reason}. Nothing already saved was lost.")


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) with owner-only access, or tighten an existing one."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise write_error(exc, "the vault folder") from None


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where directories can't be opened)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, what: str) -> None:
    """Replace ``path`` with ``data`` all at once, as a 0600 file.

    Either the old content or the new content survives a crash or a full disk;
    a temporary file is never left behind.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, FILE_MODE)
    except OSError as exc:
        raise write_error(exc, what) from None
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise write_error(exc, what) from None
