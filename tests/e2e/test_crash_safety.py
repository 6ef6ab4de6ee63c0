"""Kill peerdesk with SIGKILL right after an autosave: the note must be there on reopen."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from peerdesk.paths import vault_dir
from peerdesk.store import KdfParams, Vault

PASSPHRASE = "crash test passphrase 7"
DRIVER = Path(__file__).with_name("crash_driver.py")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_autosaved_note_survives_sigkill(tmp_path: Path, fast_kdf: KdfParams) -> None:
    data_dir = tmp_path / "data"
    vault, _ = Vault.create(vault_dir(data_dir), PASSPHRASE, kdf=fast_kdf)
    person = vault.people.add(alias="Morgan")
    vault.close()
    note = "Said the rota was changed to isolate them, third week running."

    errors = tmp_path / "driver-stderr.txt"
    with errors.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(DRIVER), str(data_dir), PASSPHRASE, note],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    try:
        try:
            said = lines.get(timeout=90).strip()
        except queue.Empty:
            said = "nothing within 90 s"
        assert said == "SAVED", errors.read_text()[-3000:]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with Vault.open(vault_dir(data_dir), PASSPHRASE, kdf=fast_kdf) as reopened:
        (session,) = reopened.sessions.list_for_person(person.id)
        assert session.notes == note
