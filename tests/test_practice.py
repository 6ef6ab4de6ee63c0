"""Practice mode: fictional people in a throwaway vault that leaves nothing behind."""

from __future__ import annotations

import atexit
import os
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from peerdesk import practice
from peerdesk.checklists import progress, template_for_run
from peerdesk.paths import resolve_data_dir, resource_path
from peerdesk.practice import (
    ALIAS_PREFIX,
    FICTION_NOTICE,
    PRACTICE_PASSPHRASE,
    PRACTICE_PEOPLE,
    TEMP_PREFIX,
    PracticeSession,
    create_practice_vault,
    is_practice_vault,
)
from peerdesk.store import KdfParams, Keychain, Vault
from peerdesk.store.keychain import SERVICE

from .store.conftest import InMemoryKeyring


def leftovers() -> set[str]:
    """The practice folders in the temp folder right now."""
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*")}


# -- the fictional vault ---------------------------------------------------------------


def test_the_vault_holds_the_fictional_people(tmp_path: Path, fast_kdf: KdfParams) -> None:
    vault, passphrase = create_practice_vault(tmp_path / "vault", fast_kdf)
    with vault:
        assert passphrase == PRACTICE_PASSPHRASE
        assert is_practice_vault(vault)
        people = vault.people.list()
        assert 4 <= len(people) <= 6
        assert sorted(p.alias for p in people) == sorted(p.alias for p in PRACTICE_PEOPLE)
        for person in people:
            assert person.alias.startswith(ALIAS_PREFIX)
            assert person.real_name is None
            sessions = vault.sessions.list_for_person(person.id)
            first = min(sessions, key=lambda s: s.started_at)
            assert first.notes.startswith(FICTION_NOTICE)
            assert "Checklists to rehearse:" in first.notes
            assert all(s.notes.startswith(FICTION_NOTICE) for s in sessions)
            assert vault.incidents.list_for_person(person.id), person.alias
        assert any(p.follow_up_due is not None for p in people), "one follow-up is due"


def test_nothing_fictional_happens_in_the_future(tmp_path: Path, fast_kdf: KdfParams) -> None:
    vault, _ = create_practice_vault(tmp_path / "vault", fast_kdf)
    with vault:
        now = datetime.now()
        for person in vault.people.list():
            for session in vault.sessions.list_for_person(person.id):
                assert session.started_at <= now
            for entry in vault.incidents.list_for_person(person.id):
                assert entry.occurred_at <= now


def test_the_practice_passphrase_unlocks_it_and_a_real_vault_is_not_practice(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault, _ = create_practice_vault(tmp_path / "practice", fast_kdf)
    vault.close()
    with Vault.open(tmp_path / "practice", PRACTICE_PASSPHRASE, kdf=fast_kdf) as reopened:
        assert is_practice_vault(reopened)
    real, _code = Vault.create(tmp_path / "real", "a real passphrase here", kdf=fast_kdf)
    with real:
        assert not is_practice_vault(real)


def test_a_checklist_run_was_followed_like_the_app_follows_one(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault, _ = create_practice_vault(tmp_path / "vault", fast_kdf)
    with vault:
        runs = [
            run
            for person in vault.people.list()
            for session in vault.sessions.list_for_person(person.id)
            for run in vault.checklist_runs.list_for_session(session.id)
        ]
        assert runs
        for run in runs:
            # The vault keeps the exact version followed, as start_run does.
            assert vault.templates.get(run.template_id, run.template_version) is not None
            template = template_for_run(vault, run)
            assert template is not None
            done, total = progress(run, template)
            assert done == len(run.ticks) > 0
            assert done < total
            session = vault.sessions.get(run.session_id)
            assert all(
                tick.ticked_at.astimezone() >= session.started_at.astimezone() for tick in run.ticks
            )


def test_every_scenario_names_checklists_that_exist() -> None:
    shipped = {p.stem for p in resource_path("checklists").glob("*.toml")}
    for person in PRACTICE_PEOPLE:
        brief = person.talks[0].notes
        named = brief.split("Checklists to rehearse:", 1)[1]
        words = {w.strip(".,()") for w in named.split()}
        mentioned = {w for w in words if "-" in w and w.islower()}
        assert mentioned, person.alias
        assert mentioned <= shipped, (person.alias, mentioned - shipped)


# -- the practice session: made, then gone ----------------------------------------------


def test_a_session_leaves_nothing_behind(fast_kdf: KdfParams) -> None:
    before = leftovers()
    with PracticeSession(kdf=fast_kdf, keychain=None) as session:
        assert session.data_dir.name.startswith(TEMP_PREFIX)
        assert session.data_dir.parent == Path(tempfile.gettempdir())
        if os.name == "posix":
            assert stat.S_IMODE(session.data_dir.stat().st_mode) == 0o700
        assert leftovers() - before == {session.data_dir.name}
        with Vault.open(session.vault_dir, session.passphrase, kdf=fast_kdf) as vault:
            assert len(vault.people.list()) == len(PRACTICE_PEOPLE)
        data_dir = session.data_dir
    assert not data_dir.exists()
    assert leftovers() == before
    with pytest.raises(RuntimeError):
        _ = session.data_dir


def test_cleanup_happens_even_when_the_block_raises(fast_kdf: KdfParams) -> None:
    before = leftovers()
    seen: list[Path] = []

    def training() -> None:
        with PracticeSession(kdf=fast_kdf, keychain=None) as session:
            seen.append(session.data_dir)
            raise RuntimeError("training went wrong")

    with pytest.raises(RuntimeError, match="training went wrong"):
        training()
    assert seen
    assert not seen[0].exists()
    assert leftovers() == before


def test_cleanup_removes_a_vault_left_open_and_read_only_leftovers(fast_kdf: KdfParams) -> None:
    """The app may still hold the vault, its lock and WAL when the block ends."""
    before = leftovers()
    with PracticeSession(kdf=fast_kdf, keychain=None) as session:
        vault = Vault.open(session.vault_dir, PRACTICE_PASSPHRASE, kdf=fast_kdf)
        vault.people.add(f"{ALIAS_PREFIX}someone added in training")
        stuck = session.data_dir / "exports" / "handoff.pdf"
        stuck.parent.mkdir()
        stuck.write_bytes(b"%PDF-fictional")
        stuck.chmod(0o400)
        stuck.parent.chmod(0o500)
    try:
        assert leftovers() == before
    finally:
        vault.close()


def test_a_failure_while_creating_removes_the_folder(
    fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(directory: Path, kdf: KdfParams | None) -> tuple[Vault, str]:
        directory.mkdir(parents=True)
        (directory / "half-made").write_text("x")
        raise OSError("disk full")

    monkeypatch.setattr(practice, "create_practice_vault", broken)
    before = leftovers()
    with pytest.raises(OSError, match="disk full"), PracticeSession(kdf=fast_kdf, keychain=None):
        pytest.fail("the block must not run")
    assert leftovers() == before


def test_interpreter_exit_cleans_up_a_session_never_left(
    fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered: list[Callable[[], None]] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(atexit, "unregister", lambda fn: None)
    before = leftovers()
    session = PracticeSession(kdf=fast_kdf, keychain=None).__enter__()
    assert leftovers() != before
    assert len(registered) == 1
    registered[0]()  # what atexit would do
    assert leftovers() == before
    session.__exit__(None, None, None)  # and a later exit is harmless


def test_a_process_that_exits_inside_the_block_still_cleans_up() -> None:
    """The real atexit hook, in a child process that never leaves the ``with`` block."""
    script = (
        "import sys\n"
        "from peerdesk.practice import PracticeSession\n"
        "from peerdesk.store import KdfParams\n"
        "session = PracticeSession(kdf=KdfParams(1, 8 * 1024, 1), keychain=None).__enter__()\n"
        "print(session.data_dir, flush=True)\n"
        "sys.exit(0)\n"
    )
    before = leftovers()
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert child.returncode == 0, child.stderr
    data_dir = Path(child.stdout.strip())
    assert data_dir.name.startswith(TEMP_PREFIX)
    assert not data_dir.exists()
    assert leftovers() == before


def test_leaving_the_block_unregisters_the_exit_hook(
    fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks: list[Callable[[], None]] = []
    monkeypatch.setattr(atexit, "register", hooks.append)
    monkeypatch.setattr(atexit, "unregister", hooks.remove)
    with PracticeSession(kdf=fast_kdf, keychain=None):
        assert len(hooks) == 1
    assert hooks == []


def test_a_remembered_practice_vault_is_forgotten_by_the_keychain(fast_kdf: KdfParams) -> None:
    backend = InMemoryKeyring()
    with PracticeSession(kdf=fast_kdf, keychain=lambda: Keychain(backend)) as session:
        with Vault.open(session.vault_dir, PRACTICE_PASSPHRASE, kdf=fast_kdf) as vault:
            vault.remember_on_this_computer(Keychain(backend))
            vault_id = vault.vault_id
        assert (SERVICE, vault_id) in backend.entries
    assert backend.entries == {}


def test_practice_never_touches_the_real_data_folder(fast_kdf: KdfParams) -> None:
    real = resolve_data_dir(None)
    with PracticeSession(kdf=fast_kdf, keychain=None) as session:
        assert real not in session.data_dir.parents
        assert session.data_dir != real
    assert not real.exists()


def test_dates_are_relative_to_today(tmp_path: Path, fast_kdf: KdfParams) -> None:
    vault, _ = create_practice_vault(tmp_path / "vault", fast_kdf)
    with vault:
        due = [p.follow_up_due for p in vault.people.list() if p.follow_up_due is not None]
    assert due
    assert all(d <= date.today() for d in due)


# -- leftovers from a crash are swept by the next practice session ----------------------


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_next_session_removes_a_crashed_sessions_folder(fast_kdf: KdfParams) -> None:
    crashed = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    (crashed / "vault").mkdir()
    (crashed / "vault" / "vault.db").write_bytes(b"fictional")
    _age(crashed, 3600)
    with PracticeSession(kdf=fast_kdf, keychain=None) as session:
        assert not crashed.exists()
        assert leftovers() == {session.data_dir.name}


def test_a_running_or_just_started_session_is_left_alone(fast_kdf: KdfParams) -> None:
    starting = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))  # a second old, not a minute
    with PracticeSession(kdf=fast_kdf, keychain=None) as first:
        _age(first.data_dir, 3600)
        with PracticeSession(kdf=fast_kdf, keychain=None) as second:
            assert first.data_dir.exists()
            assert starting.exists()
            assert second.data_dir != first.data_dir
        assert first.data_dir.exists()
    starting.rmdir()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_the_sweep_never_follows_a_symbolic_link(tmp_path: Path, fast_kdf: KdfParams) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "real-notes.txt").write_text("not practice")
    link = Path(tempfile.gettempdir()) / f"{TEMP_PREFIX}trap"
    link.symlink_to(precious, target_is_directory=True)
    os.utime(link, (0, 0), follow_symlinks=False)
    try:
        with PracticeSession(kdf=fast_kdf, keychain=None):
            pass
        assert (precious / "real-notes.txt").read_text() == "not practice"
    finally:
        link.unlink()
