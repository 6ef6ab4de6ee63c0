"""Run a check where folder permissions apply, even when the tests run as root.

Root ignores a folder's permissions, so a "cannot write here" test would prove
nothing. The check runs in a forked child that first drops to the ``nobody``
user when needed; the child reports the VaultError message it got, if any.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from peerdesk.store import VaultError

NOBODY = 65534
RAISED_VAULT_ERROR = 3
RAISED_OTHER = 4


def make_reachable(path: Path) -> None:
    """Let an unprivileged child reach ``path``, as a user's own folder would be."""
    for folder in (path, *path.parents):
        if folder == Path("/"):
            break
        os.chmod(folder, os.stat(folder).st_mode | 0o005)


def run_unprivileged(check: Callable[[], object]) -> tuple[int, str]:
    """(exit code, message): 0 if ``check`` returned, 3 with the message of a VaultError."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        code, message = 0, ""
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            check()
        except VaultError as exc:
            code, message = RAISED_VAULT_ERROR, str(exc)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, not hidden
            code, message = RAISED_OTHER, f"{type(exc).__name__}: {exc}"
        os.write(write_fd, message.encode())
        os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        message = fh.read().decode()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), message
