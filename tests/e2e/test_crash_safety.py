"""Kill peerdesk with SIGKILL: every save that had returned must be there on reopen.

- once through the real UI, right after an autosave;
- many times through the vault API, at random moments of a stream of writes
  (30 kills in CI, 500 with ``-m slow``), checking after each kill that every
  acknowledged write is there, intact, and that SQLite's and SQLCipher's own
  integrity checks pass.

The random kills replay from a seed: set ``PEERDESK_CRASH_SEED`` to the seed a
failure printed. The seed fixes which writes are made and when the kill is
aimed; the exact instant the kernel delivers SIGKILL cannot be replayed.
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
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


# -- random kills during a stream of writes ---------------------------------------------------

CI_KILLS = 30
LONG_KILLS = 500
KILLS_PER_VAULT = 5  # later kills land on a vault recovering from earlier ones
ENDING = re.compile(r"^(?P<kind>session|incident):(?P<seq>\d+): .* :END:(?P=seq)$", re.DOTALL)


@dataclass
class Promises:
    """What the child said it wrote, from the lines the parent read."""

    sessions: dict[int, int] = field(default_factory=dict)  # session id -> last acked seq
    tried_edits: dict[int, set[int]] = field(default_factory=dict)  # id -> every seq tried
    incidents: dict[int, int] = field(default_factory=dict)  # incident id -> seq
    acks: int = 0

    def read(self, line: str) -> None:
        words = line.split()
        if len(words) < 3 or words[0] not in ("TRY", "ACK"):
            return
        verb, what, seq = words[0], words[1], int(words[2])
        if verb == "TRY" and what == "edit-session":
            self.tried_edits.setdefault(int(words[3]), set()).add(seq)
        if verb != "ACK":
            return
        self.acks += 1
        if what in ("add-session", "edit-session"):
            self.sessions[int(words[3])] = seq
        elif what == "add-incident":
            self.incidents[int(words[3])] = seq


def _seq_of(text: str, kind: str) -> int:
    match = ENDING.match(text)
    assert match is not None, f"a {kind} text is cut short or garbled ({len(text)} chars)"
    assert match["kind"] == kind
    return int(match["seq"])


def check_after_kill(directory: Path, promises: Promises, kdf: KdfParams) -> None:
    """Every acknowledged write is there and whole, and search finds what is stored
    (edits not yet re-indexed when the child died included); both integrity checks
    pass; and closing the vault leaves no edit waiting to be re-indexed."""
    with Vault.open(directory, PASSPHRASE, kdf=kdf) as vault:
        (person,) = vault.people.list()
        stored = {s.id: s.notes for s in vault.sessions.list_for_person(person.id)}
        for session_id, acked in promises.sessions.items():
            assert session_id in stored, f"acknowledged session {session_id} is gone"
            seq = _seq_of(stored[session_id], "session")
            # The last acknowledged text, or one written after it whose ACK was cut off.
            later = {s for s in promises.tried_edits.get(session_id, set()) if s > acked}
            assert seq == acked or seq in later, (
                f"session {session_id} holds write {seq}, acknowledged {acked}"
            )
        for text in stored.values():
            _seq_of(text, "session")  # unacknowledged rows, if any, are whole too
        for session_id, text in sorted(stored.items())[-20:]:
            seq = _seq_of(text, "session")
            found = [hit.session_id for hit in vault.search(f"session {seq} end")]
            assert found == [session_id], f"search does not find session {session_id}"
        incidents = {i.id: i.what_happened for i in vault.incidents.list_for_person(person.id)}
        for incident_id, seq in promises.incidents.items():
            assert incident_id in incidents, f"acknowledged incident {incident_id} is gone"
            assert _seq_of(incidents[incident_id], "incident") == seq
        access = vault.read_access()
        try:
            db = access.open()
            try:
                assert [tuple(r) for r in db.all("PRAGMA integrity_check")] == [("ok",)]
                assert db.all("PRAGMA cipher_integrity_check") == []
            finally:
                db.close()
        finally:
            access.wipe()
    with Vault.open(directory, PASSPHRASE, kdf=kdf) as vault:
        pending = vault._db.scalar("SELECT count(*) FROM search_pending")  # noqa: SLF001
        assert pending == 0, "closing left edits waiting to be re-indexed"


def kill_at_random(
    directory: Path, seed: int, first_seq: int, rng: random.Random, log: Path
) -> Promises:
    """Start a writing child, let it make a random number of writes, SIGKILL it."""
    target_acks = rng.choice((0, 1, rng.randint(2, 12), rng.randint(12, 60)))
    extra_delay = rng.uniform(0, 0.015)  # lands anywhere inside a write, or between two
    with log.open("a") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(DRIVER), "writes", str(directory), PASSPHRASE, str(seed),
             str(first_seq)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert proc.stdout is not None
    stdout = proc.stdout
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def pump() -> None:
        for line in stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    promises = Promises()
    seen: list[str] = []
    ready = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            if line.endswith("\n"):
                seen.append(line)
                promises.read(line)
                ready = ready or line.startswith("READY")
            if ready and promises.acks >= target_acks:
                break
        # Deliberate: the point of the test is to strike at an arbitrary instant.
        time.sleep(extra_delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
    # Lines printed before the kill are still in the pipe: each is a returned save.
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            break
        if line is not None and line.endswith("\n"):
            seen.append(line)
            promises.read(line)
    assert proc.returncode == -signal.SIGKILL, log.read_text()[-3000:]
    assert any(s.startswith("READY") for s in seen), log.read_text()[-3000:]
    return promises


def run_random_kills(tmp_path: Path, kills: int, kdf: KdfParams) -> None:
    seed = int(os.environ.get("PEERDESK_CRASH_SEED", "0")) or random.SystemRandom().randrange(
        1, 2**32
    )
    print(f"crash seed: {seed} (replay with PEERDESK_CRASH_SEED={seed})")
    rng = random.Random(seed)  # noqa: S311 - replayable, not a secret
    log = tmp_path / "driver-stderr.txt"
    promises = Promises()
    directory = tmp_path / "vault-0"
    acked = 0
    for run in range(kills):
        if run % KILLS_PER_VAULT == 0:
            directory = tmp_path / f"vault-{run}"
            vault, _ = Vault.create(directory, PASSPHRASE, kdf=kdf)
            vault.people.add(alias="Morgan")
            vault.close()
            promises = Promises()
        try:
            got = kill_at_random(directory, rng.randrange(2**32), run * 1_000_000, rng, log)
            promises.sessions.update(got.sessions)
            for session_id, tried in got.tried_edits.items():
                promises.tried_edits.setdefault(session_id, set()).update(tried)
            promises.incidents.update(got.incidents)
            acked += got.acks
            check_after_kill(directory, promises, kdf)
        except BaseException as exc:
            exc.add_note(f"crash seed {seed}, kill {run + 1} of {kills}")
            raise
    assert acked > kills  # the kills struck during writing, not only at start-up


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_acknowledged_writes_survive_random_sigkills(tmp_path: Path, fast_kdf: KdfParams) -> None:
    run_random_kills(tmp_path, CI_KILLS, fast_kdf)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_acknowledged_writes_survive_many_random_sigkills(
    request: pytest.FixtureRequest, tmp_path: Path, fast_kdf: KdfParams
) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("slow variant: run with -m slow")
    run_random_kills(tmp_path, LONG_KILLS, fast_kdf)
