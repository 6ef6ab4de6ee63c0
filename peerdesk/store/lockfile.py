"""One process, one open: an exclusive OS lock on ``vault.lock``.

``flock`` locks belong to an open file description, so a second open in the
same process conflicts as well as one in another process. The OS drops the
lock when the process dies, so a crash never leaves the vault stuck.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import VaultInUse
from .fsutil import FILE_MODE, write_error

IN_USE = (
    "This vault is already open in another peerdesk window or program. Switch to "
    "that window, or close it and try again."
)


class VaultLock:
    def __init__(self, fd: int, path: Path) -> None:
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, path: Path) -> VaultLock:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise write_error(exc, "the vault's lock file") from None
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise VaultInUse(IN_USE) from None
        return cls(fd, path)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)


if os.name == "posix":
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

else:  # pragma: no cover - Windows
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
