"""Tools → Back up… and Check the vault…, and First run → Restore from a backup…"""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
)
from pytestqt.qtbot import QtBot

from peerdesk.store import KdfParams, Vault
from peerdesk.store import backup as backups
from peerdesk.ui import backup_dialog, restore_page
from peerdesk.ui.backup_actions import back_up, check_integrity
from peerdesk.ui.lock_screen import LockScreen
from peerdesk.ui.vault_thread import VaultThread

from .driving import find

VAULT_WORDS = "pass phrase here"  # tests/ui/conftest.py's vault fixture
BACKUP_WORDS = "tin lantern over quiet harbour"
NEW_WORDS = "seven orange kites drifting"


def click(qtbot: QtBot, widget: QPushButton | QRadioButton | QCheckBox) -> None:
    if isinstance(widget, QPushButton):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:  # a check box or radio button answers on its box and text, not its whole width
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | None, kind: str) -> list[int]:
    """Answer the next file dialogs with ``path``; returns a list counting the questions."""
    asked: list[int] = []

    def fake(*_args: object, **_kwargs: object) -> tuple[str, str]:
        asked.append(1)
        return (str(path) if path is not None else "", "")

    monkeypatch.setattr(QFileDialog, kind, staticmethod(fake))
    return asked


class Gate:
    """Holds real work at its first progress report until the test opens it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def wrap(self, work: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, progress: Callable[[float], None], **kwargs: Any) -> Any:
            def hold(fraction: float) -> None:
                if not self.reached.is_set():
                    self.reached.set()
                    self.opened.wait(10)
                progress(fraction)

            return work(*args, progress=hold, **kwargs)

        return gated


@pytest.fixture
def backup_file(vault: Vault, tmp_path: Path) -> Path:
    person = vault.people.add(alias="Robin")
    vault.sessions.add(person.id, notes="About the team meeting.")
    path = tmp_path / "saved" / "peerdesk-2026-11-29.peerdesk-backup"
    path.parent.mkdir()
    access = vault.read_access()
    backups.write_backup(access, path)
    access.wipe()
    return path


# -- back up ---------------------------------------------------------------------------------


def test_back_up_with_progress(
    qtbot: QtBot, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.people.add(alias="Robin")
    target = tmp_path / "usb" / "peerdesk-2026-11-29.peerdesk-backup"
    target.parent.mkdir()
    choose_file(monkeypatch, target, "getSaveFileName")
    dialog = back_up(None, vault)
    qtbot.addWidget(dialog)
    assert find(dialog, QRadioButton, "Open it with this vault's passphrase").isChecked()
    assert dialog.windowTitle() == "Back up — peerdesk"
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    assert find(dialog, QProgressBar, "Backup progress").isVisible() or dialog.saved_to
    qtbot.waitUntil(lambda: dialog.saved_to is not None)
    assert "Backup saved as “peerdesk-2026-11-29.peerdesk-backup”" in dialog.outcome.text()
    assert find(dialog, QPushButton, "Close").isVisible()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert vault.audit.list()[0].action == "backup_made"
    assert backups.last_backup_at(vault) is not None


def test_a_name_without_the_ending_gets_it(
    qtbot: QtBot, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, tmp_path / "my copy", "getSaveFileName")
    dialog = back_up(None, vault)
    qtbot.addWidget(dialog)
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    qtbot.waitUntil(lambda: dialog.saved_to is not None)
    assert (tmp_path / "my copy.peerdesk-backup").is_file()


def test_cancel_mid_backup_leaves_no_file(
    qtbot: QtBot, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(backup_dialog, "write_backup", gate.wrap(backups.write_backup))
    out = tmp_path / "usb"
    out.mkdir()
    choose_file(monkeypatch, out / "b.peerdesk-backup", "getSaveFileName")
    dialog = back_up(None, vault)
    qtbot.addWidget(dialog)
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    assert gate.reached.wait(10)
    assert dialog.busy
    assert find(dialog, QProgressBar, "Backup progress").isVisible()
    cancel = find(dialog, QPushButton, "Cancel")  # the accessible name stays put
    assert cancel.text() == "Cancel backup"
    click(qtbot, cancel)
    assert dialog.isVisible()  # it stays to say what happened
    gate.opened.set()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.outcome.text() == "Backup cancelled. No file was saved."
    assert list(out.iterdir()) == []
    assert backups.last_backup_at(vault) is None


def test_separate_backup_passphrase(
    qtbot: QtBot, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "sep.peerdesk-backup"
    asked = choose_file(monkeypatch, target, "getSaveFileName")
    dialog = back_up(None, vault)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, find(dialog, QRadioButton, "Protect it with a separate backup passphrase"))
    qtbot.keyClicks(find(dialog, QLineEdit, "Backup passphrase"), BACKUP_WORDS)
    qtbot.keyClicks(find(dialog, QLineEdit, "Type it again"), "something else entirely")
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    assert dialog.problem.isVisible()
    assert asked == []  # refused before asking where
    qtbot.keyClicks(find(dialog, QLineEdit, "Backup passphrase"), BACKUP_WORDS)
    qtbot.keyClicks(find(dialog, QLineEdit, "Type it again"), BACKUP_WORDS)
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    qtbot.waitUntil(lambda: dialog.saved_to is not None)
    assert backups.read_info(target).separate_passphrase
    assert dialog.fields.first.text() == ""  # handed on, then emptied
    assert dialog.fields.confirm.text() == ""


def test_cancelling_the_file_question_starts_nothing(
    qtbot: QtBot, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, None, "getSaveFileName")
    dialog = back_up(None, vault)
    qtbot.addWidget(dialog)
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    assert not dialog.busy
    assert dialog.saved_to is None


def test_unwritable_folder_says_so(
    qtbot: QtBot, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, tmp_path / "no such folder" / "b.peerdesk-backup", "getSaveFileName")
    dialog = back_up(None, vault)
    qtbot.addWidget(dialog)
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem.isVisible())
    assert "Could not save the backup" in dialog.problem.text()


class Window(QObject):
    locked = Signal()


def test_a_lock_cancels_the_backup_and_closes_the_dialog(
    qtbot: QtBot, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(backup_dialog, "write_backup", gate.wrap(backups.write_backup))
    out = tmp_path / "usb"
    out.mkdir()
    choose_file(monkeypatch, out / "b.peerdesk-backup", "getSaveFileName")
    window = Window()
    dialog = back_up(None, vault, closed_by=window.locked)
    click(qtbot, find(dialog, QPushButton, "Choose where to save…"))
    assert gate.reached.wait(10)
    window.locked.emit()
    assert not dialog.isVisible()
    gate.opened.set()
    workers = [t for t in threading.enumerate() if t.name == "peerdesk-job"]
    for worker in workers:
        worker.join(10)
    assert list(out.iterdir()) == []


# -- check the vault --------------------------------------------------------------------------


def test_check_integrity_reports_in_plain_words(qtbot: QtBot, vault: Vault) -> None:
    dialog = check_integrity(None, vault)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.report is not None)
    label = find(dialog, QLabel, "Result")
    assert label.text().startswith("Everything checked out: ")
    assert label.text().endswith(" pages read, no problems.")
    click(qtbot, find(dialog, QPushButton, "Close"))
    assert not dialog.isVisible()


# -- restore from the first-run page ------------------------------------------------------


@pytest.fixture
def screen(
    qtbot: QtBot, vault_directory: Path, fast_kdf: KdfParams, vault_thread: VaultThread
) -> LockScreen:
    lock_screen = LockScreen(vault_directory, fast_kdf, vault_thread)
    qtbot.addWidget(lock_screen)
    lock_screen.show()
    qtbot.waitExposed(lock_screen)
    assert lock_screen.current_page == "first run"
    click(qtbot, find(lock_screen, QPushButton, "Restore from a backup…"))
    assert lock_screen.current_page == "restore"
    return lock_screen


def _close_on_thread(qtbot: QtBot, thread: VaultThread, vault: Vault) -> None:
    with qtbot.waitCallback() as closed:
        thread.submit(vault.close, on_result=closed)


def test_restore_from_first_run(
    qtbot: QtBot,
    screen: LockScreen,
    backup_file: Path,
    vault_directory: Path,
    vault_thread: VaultThread,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose_file(monkeypatch, backup_file, "getOpenFileName")
    click(qtbot, find(screen, QPushButton, "Choose backup file…"))
    assert backup_file.name in find(screen, QLabel, "Backup file").text()
    assert "passphrase the vault had" in find(screen, QLabel, "How this backup opens").text()
    qtbot.keyClicks(find(screen, QLineEdit, "Passphrase"), VAULT_WORDS)
    with qtbot.waitSignal(screen.unlocked, timeout=10_000) as opened:
        click(qtbot, find(screen, QPushButton, "Restore"))
    restored: Vault = opened.args[0]
    try:
        assert restored.directory == vault_directory
        assert [p.alias for p in restored.people.list()] == ["Robin"]
        assert restored.audit.list()[0].action == "vault_restored"
    finally:
        _close_on_thread(qtbot, vault_thread, restored)
    assert screen.restore_page.passphrase.text() == ""  # handed on, then emptied


def test_restore_a_separate_passphrase_backup_shows_a_new_recovery_code(
    qtbot: QtBot,
    screen: LockScreen,
    vault: Vault,
    tmp_path: Path,
    vault_directory: Path,
    vault_thread: VaultThread,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "sep.peerdesk-backup"
    access = vault.read_access()
    backups.write_backup(access, path, backup_passphrase=BACKUP_WORDS)
    access.wipe()
    choose_file(monkeypatch, path, "getOpenFileName")
    click(qtbot, find(screen, QPushButton, "Choose backup file…"))
    qtbot.keyClicks(find(screen, QLineEdit, "Backup passphrase"), BACKUP_WORDS)
    qtbot.keyClicks(find(screen, QLineEdit, "New passphrase for this vault"), NEW_WORDS)
    qtbot.keyClicks(find(screen, QLineEdit, "Confirm new passphrase"), NEW_WORDS)
    click(qtbot, find(screen, QPushButton, "Restore"))
    qtbot.waitUntil(lambda: screen.current_page == "recovery code", timeout=10_000)
    code = find(screen, QLabel, "Recovery code").text()
    restored = screen.release_vault()
    assert restored is not None
    _close_on_thread(qtbot, vault_thread, restored)
    Vault.open(vault_directory, NEW_WORDS, kdf=fast_kdf).close()
    Vault.open(vault_directory, recovery_code=code, kdf=fast_kdf).close()


def test_wrong_passphrase_is_a_plain_message_and_changes_nothing(
    qtbot: QtBot,
    screen: LockScreen,
    backup_file: Path,
    vault_directory: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    choose_file(monkeypatch, backup_file, "getOpenFileName")
    click(qtbot, find(screen, QPushButton, "Choose backup file…"))
    qtbot.keyClicks(find(screen, QLineEdit, "Passphrase"), "not the passphrase")
    click(qtbot, find(screen, QPushButton, "Restore"))
    qtbot.waitUntil(lambda: screen.restore_page.message.isVisible(), timeout=10_000)
    assert (
        find(screen, QLabel, "Problem")
        .text()
        .startswith("That passphrase does not open this backup.")
    )
    assert not vault_directory.exists()
    assert screen.current_page == "restore"


def test_restore_with_the_recovery_code(
    qtbot: QtBot,
    screen: LockScreen,
    vault_directory: Path,
    vault_thread: VaultThread,
    tmp_path: Path,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source, code = Vault.create(tmp_path / "old", VAULT_WORDS, kdf=fast_kdf)
    access = source.read_access()
    backups.write_backup(access, tmp_path / "b.peerdesk-backup")
    access.wipe()
    source.close()
    choose_file(monkeypatch, tmp_path / "b.peerdesk-backup", "getOpenFileName")
    click(qtbot, find(screen, QPushButton, "Choose backup file…"))
    click(qtbot, find(screen, QCheckBox, "Use the recovery code instead"))
    qtbot.keyClicks(find(screen, QLineEdit, "Recovery code"), code)
    with qtbot.waitSignal(screen.unlocked, timeout=10_000) as opened:
        click(qtbot, find(screen, QPushButton, "Restore"))
    _close_on_thread(qtbot, vault_thread, opened.args[0])
    Vault.open(vault_directory, VAULT_WORDS, kdf=fast_kdf).close()


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"\x89PNG\r\n\x1a\n"])
def test_a_foreign_file_is_refused_at_once(
    qtbot: QtBot,
    screen: LockScreen,
    tmp_path: Path,
    vault_directory: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
) -> None:
    foreign = tmp_path / "letter.pdf"
    foreign.write_bytes(content)
    choose_file(monkeypatch, foreign, "getOpenFileName")
    click(qtbot, find(screen, QPushButton, "Choose backup file…"))
    assert screen.restore_page.message.isVisible()
    assert "not a peerdesk backup" in screen.restore_page.message.text()
    assert not find(screen, QPushButton, "Restore").isEnabled()
    assert not vault_directory.exists()


def test_cancel_mid_restore_leaves_the_folder_as_it_was(
    qtbot: QtBot,
    screen: LockScreen,
    backup_file: Path,
    vault_directory: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gate = Gate()
    monkeypatch.setattr(restore_page, "restore_backup", gate.wrap(backups.restore_backup))
    choose_file(monkeypatch, backup_file, "getOpenFileName")
    click(qtbot, find(screen, QPushButton, "Choose backup file…"))
    qtbot.keyClicks(find(screen, QLineEdit, "Passphrase"), VAULT_WORDS)
    click(qtbot, find(screen, QPushButton, "Restore"))
    assert gate.reached.wait(10)
    assert find(screen, QProgressBar, "Restore progress").isVisible()
    click(qtbot, find(screen, QPushButton, "Cancel restore"))
    gate.opened.set()
    qtbot.waitUntil(lambda: not screen.restore_page.busy, timeout=10_000)
    assert screen.restore_page.note.text() == "Restore cancelled. Nothing was changed."
    assert not vault_directory.exists()
    assert screen.current_page == "restore"


def test_back_returns_to_first_run(qtbot: QtBot, screen: LockScreen) -> None:
    click(qtbot, find(screen, QPushButton, "Back"))
    assert screen.current_page == "first run"
