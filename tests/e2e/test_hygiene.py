"""Process hygiene: no core dumps, a private umask, and the passphrase in no message.

The passphrase checks look at what a person or a log could see: the exception's
text and repr, the full chained traceback as ``traceback.format_exception``
prints it (``__cause__`` and ``__context__`` included), anything logged at DEBUG,
and stderr. Frame locals are not printed by Python's default traceback, so they
are not claimed here: a debugger or ``capture_locals=True`` would show them.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from peerdesk.store import KdfParams, Vault, VaultError
from peerdesk.store.keychain import Keychain

from ..ui.driving import find, unlock

PASSPHRASE = "Quokka-Passphrase-93-Unique"
WRONG = "Wrong-Quokka-Guess-17-Unique"
SECRETS = (PASSPHRASE, WRONG, PASSPHRASE.encode().hex(), WRONG.encode().hex())


def everything_said(error: BaseException) -> str:
    return "\n".join(
        [str(error), repr(error), *traceback.format_exception(error), *map(str, error.args)]
    )


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_core_dumps_are_off_and_the_umask_private_from_gui_start(tmp_path: Path) -> None:
    probe = (
        "import resource, peerdesk.app as app\n"
        "def report(*_a, **_k):\n"
        "    status = open('/proc/self/status').read() if __import__('os').path.exists("
        "'/proc/self/status') else ''\n"
        "    umask = [l.split()[1] for l in status.splitlines() if l.startswith('Umask:')]\n"
        "    print(resource.getrlimit(resource.RLIMIT_CORE), umask)\n"
        "    return 0\n"
        "app.run_gui = report\n"
        f"raise SystemExit(app.main(['--data-dir', {str(tmp_path)!r}]))\n"
    )

    def allow_cores() -> None:  # start from cores allowed, so the change is seen
        _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        os.umask(0o022)

    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
        preexec_fn=allow_cores, check=True,  # noqa: PLW1509 - a fresh single-threaded child
    )
    assert done.stdout.strip() in ("(0, 0) ['0077']", "(0, 0) []"), done.stdout + done.stderr


@pytest.fixture
def vault_path(tmp_path: Path, fast_kdf: KdfParams) -> Path:
    path = tmp_path / "data" / "vault"
    vault, _code = Vault.create(path, PASSPHRASE, kdf=fast_kdf)
    vault.people.add(alias="Robin")
    vault.close()
    return path


def test_a_wrong_passphrase_is_never_repeated(
    vault_path: Path, fast_kdf: KdfParams, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(VaultError) as caught:
        Vault.open(vault_path, WRONG, kdf=fast_kdf)
    out, err = capfd.readouterr()
    assert_no_secret(everything_said(caught.value) + caplog.text + out + err)


def test_a_damaged_vault_is_reported_without_the_passphrase(
    vault_path: Path, fast_kdf: KdfParams, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    db = vault_path / "vault.db"
    data = bytearray(db.read_bytes())
    data[5000:5100] = bytes(100)  # a run of zeros in the second page
    db.write_bytes(bytes(data))
    with pytest.raises(VaultError) as caught:
        Vault.open(vault_path, PASSPHRASE, kdf=fast_kdf)
    (vault_path / "keyslots.json").write_text("{not json")
    with pytest.raises(VaultError) as slots_caught:
        Vault.open(vault_path, PASSPHRASE, kdf=fast_kdf)
    out, err = capfd.readouterr()
    said = everything_said(caught.value) + everything_said(slots_caught.value)
    assert_no_secret(said + caplog.text + out + err)


class BrokenKeychain:
    """A keychain backend that fails the way a locked or crashed one does."""

    def set_password(self, *_args: Any) -> None:
        raise RuntimeError("the collection is locked")

    def get_password(self, *_args: Any) -> None:
        raise RuntimeError("the collection is locked")

    def delete_password(self, *_args: Any) -> None:
        raise RuntimeError("the collection is locked")


def test_a_keychain_failure_is_reported_without_the_passphrase(
    vault_path: Path, fast_kdf: KdfParams, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        Vault.open(vault_path, PASSPHRASE, kdf=fast_kdf) as vault,
        pytest.raises(VaultError) as caught,
    ):
        vault.remember_on_this_computer(Keychain(BrokenKeychain(), timeout=5))
    out, err = capfd.readouterr()
    assert_no_secret(everything_said(caught.value) + caplog.text + out + err)


def _in_child_under_file_limit(limit: int, work: str, vault_path: Path, kdf: KdfParams) -> str:
    """Run ``work`` in a forked child with files capped at ``limit`` bytes; what it said."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        said = "no error"
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            if work == "create":
                Vault.create(vault_path.parent / "new", PASSPHRASE, kdf=kdf)
            else:
                with Vault.open(vault_path, PASSPHRASE, kdf=kdf) as vault:
                    vault.change_passphrase(WRONG)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent whole
            said = f"{type(exc).__name__}\n" + everything_said(exc)
        os.write(write_fd, said.encode())
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        said = fh.read().decode()
    os.waitpid(pid, 0)
    return said


@pytest.mark.parametrize(("work", "limit"), [("create", 4096), ("change", 512)])
def test_a_full_disk_is_reported_without_the_passphrase(
    vault_path: Path, fast_kdf: KdfParams, work: str, limit: int
) -> None:
    said = _in_child_under_file_limit(limit, work, vault_path, fast_kdf)
    assert said.startswith(("VaultWriteError", "DiskFull")), said[:500]
    assert_no_secret(said)


def test_a_crash_in_a_slot_reports_a_traceback_without_the_passphrase(
    qtbot: QtBot, tmp_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str],
) -> None:
    """A bug (not a VaultError) while unlocking goes to sys.excepthook, as report_bug sends it."""
    from peerdesk.app import build_main_window
    from peerdesk.store import keyslots
    from peerdesk.ui.app_window import AppWindow

    caplog.set_level(logging.DEBUG)
    Vault.create(tmp_path / "data" / "vault", PASSPHRASE, kdf=fast_kdf)[0].close()

    def broken_kdf(*_args: object, **_kwargs: object) -> bytes:
        raise TypeError("simulated bug deep in the key derivation")

    monkeypatch.setattr(keyslots, "hash_secret_raw", broken_kdf)
    window = build_main_window(tmp_path / "data", kdf=fast_kdf)
    assert isinstance(window, AppWindow)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.capture_exceptions() as exceptions:
            unlock(qtbot, window, find, PASSPHRASE)
            qtbot.waitUntil(lambda: len(exceptions) > 0, timeout=10_000)
        kind, error, tb = exceptions[0]
        assert kind is TypeError
        printed = "".join(traceback.format_exception(kind, error, tb))
        assert "simulated bug" in printed  # the traceback a terminal would show
        assert_no_secret(printed + caplog.text)
        shown = window.lock_screen.unlock_page.message.text()
        assert "Something went wrong" in shown
        assert_no_secret(shown + window.windowTitle())
        out, err = capfd.readouterr()
        assert_no_secret(out + err)
    finally:
        window.shutdown()
