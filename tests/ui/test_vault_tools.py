"""The Tools menu through the real window, and the notices above the workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import VaultMode
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.backup_dialog import BackupDialog
from peerdesk.ui.integrity_dialog import IntegrityDialog
from peerdesk.ui.stats_dialog import StatisticsDialog

from .conftest import EXISTING_PASSPHRASE
from .driving import unlock

Find = Callable[..., QWidget]
TOOLS = (
    "Import checklist template…",
    "Export checklist template…",
    "Back up…",
    "Check the vault…",
    "Review closed cases…",
    "Programme statistics…",
)


def _tools_menu(window: AppWindow) -> list[str]:
    (tools,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Tools"]
    assert tools is not None
    return [a.text() for a in tools.actions() if a.isVisible() and not a.isSeparator()]


def _action(window: AppWindow, text: str) -> None:
    (action,) = [a for a in window.actions() if a.text() == text]
    assert action.isEnabled(), text
    action.trigger()


def _open(qtbot: QtBot, window: AppWindow, by_name: Find) -> None:
    with qtbot.waitSignal(window.unlocked):
        unlock(qtbot, window, by_name, EXISTING_PASSPHRASE)


def _dialog(kind: type[QDialog]) -> QDialog:
    (dialog,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return dialog


def test_the_tools_menu_offers_backup_checks_retention_and_statistics(
    qtbot: QtBot, existing_vault: str, shell: AppWindow, by_name: Find
) -> None:
    assert _tools_menu(shell) == list(TOOLS)
    for text in TOOLS:  # nothing to do while locked
        (action,) = [a for a in shell.actions() if a.text() == text]
        assert not action.isEnabled()
    _open(qtbot, shell, by_name)

    _action(shell, "Back up…")
    backup = _dialog(BackupDialog)
    assert backup.windowTitle() == "Back up \u2014 peerdesk"  # no name, no path
    backup.reject()
    _action(shell, "Check the vault…")
    check = _dialog(IntegrityDialog)
    qtbot.waitUntil(
        lambda: any(
            "Everything checked out" in label.text() for label in check.findChildren(QLabel)
        ),
        timeout=10_000,
    )
    check.reject()
    _action(shell, "Programme statistics…")
    stats = _dialog(StatisticsDialog)

    # Locking closes what read the vault: nothing of it outlives the lock.
    with qtbot.waitSignal(shell.locked):
        shell.lock()
    qtbot.waitUntil(lambda: not shiboken6.isValid(stats) or not stats.isVisible())


def test_a_backup_overdue_is_a_notice_that_can_wait_until_next_time(
    qtbot: QtBot, existing_vault: str, shell: AppWindow, by_name: Find
) -> None:
    _open(qtbot, shell, by_name)
    assert shell.notices.texts() == []  # a new vault is not overdue
    # A month on, and never backed up.
    shell.tools.refresh_notices(today=date.today() + timedelta(days=30))

    (text,) = shell.notices.texts()
    assert "back up" in text.lower()
    assert shell.notices.isVisible()
    qtbot.mouseClick(by_name(shell.notices, QPushButton, "Not now"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shell.notices.isVisible())

    # The next unlock asks again; a lock takes the notice away with everything else.
    with qtbot.waitSignal(shell.locked):
        shell.lock()
    assert shell.notices.texts() == []
    _open(qtbot, shell, by_name)
    shell.tools.refresh_notices(today=date.today() + timedelta(days=30))
    assert len(shell.notices.texts()) == 1
    qtbot.mouseClick(by_name(shell.notices, QPushButton, "Back up now…"), Qt.MouseButton.LeftButton)
    _dialog(BackupDialog).reject()


def test_closed_cases_due_for_deletion_are_a_notice_naming_no_one(
    qtbot: QtBot, existing_vault: str, shell: AppWindow, by_name: Find
) -> None:
    _open(qtbot, shell, by_name)
    vault = shell.vault
    assert vault is not None
    person = vault.people.add("Quinn from stores")
    vault.people.close(person.id, at=datetime.now(UTC) - timedelta(days=800))
    shell.tools.refresh_notices(today=date.today())

    texts = shell.notices.texts()
    assert any("closed" in text.lower() for text in texts), texts
    assert not any("Quinn" in text for text in texts)


@pytest.fixture
def contact_log_vault(vault_directory: Path, fast_kdf: KdfParams) -> None:
    vault, _code = Vault.create(
        vault_directory, EXISTING_PASSPHRASE, kdf=fast_kdf, mode=VaultMode.CONTACT_LOG
    )
    vault.close()


def test_a_contact_log_has_no_closed_cases_to_review(
    qtbot: QtBot, contact_log_vault: None, shell: AppWindow, by_name: Find
) -> None:
    _open(qtbot, shell, by_name)
    assert "Review closed cases…" not in _tools_menu(shell)
    assert {"Back up…", "Check the vault…", "Programme statistics…"} <= set(_tools_menu(shell))
