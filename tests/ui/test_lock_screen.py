"""The lock screen and the lock/unlock cycle, driven the way a person would drive them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolBar,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.store import KdfParams, Vault, VaultInUse, WrongPassphrase
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.lock_screen import (
    MAX_RETRY_DELAY_SECONDS,
    new_passphrase_problem,
    recovery_code_lines,
    retry_delay_seconds,
)

from .driving import confirm_code, create_through_first_run, unlock

Find = Callable[..., QWidget]
NEW_PASSPHRASE = "blue kettle sings at dawn"
RECOVERY_CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}$")


def visible_titles() -> list[str]:
    return [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]


def file_bytes(directory: Path) -> dict[str, bytes]:
    # vault.lock is the OS lock's handle, not data: it is allowed to be touched.
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.name != "vault.lock"}


# -- first run ---------------------------------------------------------------------------


def test_first_run_explains_what_is_protected_and_asks_for_a_passphrase_twice(
    shell: AppWindow, by_name: Find
) -> None:
    screen = shell.lock_screen
    assert screen.current_page == "first run"
    text = " ".join(label.text() for label in screen.findChildren(QLabel) if label.isVisible())
    assert "encrypted" in text
    assert "watching your screen" in text
    assert "malware" in text
    assert "print or export" in text
    for name in ("Passphrase", "Confirm passphrase"):
        assert by_name(screen, QLineEdit, name).echoMode() == QLineEdit.EchoMode.Password
    assert by_name(screen, QPushButton, "Create vault").isEnabled()
    assert visible_titles() == ["peerdesk"]


def test_first_run_creates_the_vault_and_shows_a_working_recovery_code_once(
    qtbot: QtBot, shell: AppWindow, by_name: Find, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    shown = create_through_first_run(qtbot, shell, by_name, NEW_PASSPHRASE)

    code = shown.replace("\n", "-")
    assert RECOVERY_CODE.match(code), shown
    label = by_name(shell.lock_screen, QLabel, "Recovery code")
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert QFontInfo(label.font()).fixedPitch()  # the font actually used is monospaced
    assert {"vault.db", "keyslots.json"} <= {p.name for p in vault_directory.iterdir()}
    assert visible_titles() == ["peerdesk"]

    with qtbot.waitSignal(shell.unlocked):
        confirm_code(qtbot, shell.lock_screen, by_name, shown)
    assert label.text() == ""  # shown once: gone from the screen for good
    assert shell.workspace is not None
    assert shell.workspace.isVisible()
    assert not shell.lock_screen.isVisible()

    with qtbot.waitSignal(shell.locked):
        shell.lock()
    # The code on screen really opens the vault (and so does the passphrase).
    Vault.open(vault_directory, recovery_code=code, kdf=fast_kdf).close()
    Vault.open(vault_directory, NEW_PASSPHRASE, kdf=fast_kdf).close()


def test_create_shows_a_busy_state_and_never_blocks_the_window(
    qtbot: QtBot, shell: AppWindow, by_name: Find
) -> None:
    screen = shell.lock_screen
    qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), NEW_PASSPHRASE)
    qtbot.keyClicks(by_name(screen, QLineEdit, "Confirm passphrase"), NEW_PASSPHRASE)
    button = by_name(screen, QPushButton, "Create vault")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # The click returned before the vault thread could answer: the work is off
    # the GUI thread, and the screen says it is busy meanwhile.
    assert not button.isEnabled()
    assert by_name(screen, QWidget, "Creating the vault").isVisible()
    assert not by_name(screen, QLineEdit, "Passphrase").isEnabled()
    qtbot.waitUntil(lambda: screen.current_page == "recovery code")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (NEW_PASSPHRASE, NEW_PASSPHRASE + "x", "not the same"),
        ("", "", "Type a passphrase"),
        ("        ", "        ", "Type a passphrase"),
        ("short", "short", "at least 8 characters"),
    ],
    ids=["mismatch", "empty", "only spaces", "too short"],
)
def test_a_bad_new_passphrase_is_explained_and_creates_nothing(
    qtbot: QtBot,
    shell: AppWindow,
    by_name: Find,
    vault_directory: Path,
    first: str,
    second: str,
    expected: str,
) -> None:
    screen = shell.lock_screen
    qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), first)
    qtbot.keyClicks(by_name(screen, QLineEdit, "Confirm passphrase"), second)
    qtbot.mouseClick(by_name(screen, QPushButton, "Create vault"), Qt.MouseButton.LeftButton)

    message = by_name(screen, QLabel, "Problem")
    assert expected in message.text()
    assert screen.current_page == "first run"
    assert not vault_directory.exists()
    assert not shell.vault_thread.busy  # nothing was even attempted
    # Both fields are emptied, so nobody has to guess which one was wrong.
    assert by_name(screen, QLineEdit, "Passphrase").text() == ""
    assert by_name(screen, QLineEdit, "Confirm passphrase").text() == ""


def test_new_passphrase_rules() -> None:
    assert new_passphrase_problem(NEW_PASSPHRASE, NEW_PASSPHRASE) is None
    assert new_passphrase_problem("  spaces are fine  ", "  spaces are fine  ") is None
    assert new_passphrase_problem("ñandú 東京 😀 ok", "ñandú 東京 😀 ok") is None
    assert new_passphrase_problem("abc", "abc") is not None
    assert new_passphrase_problem("abcdefgh", "abcdefgH") is not None


def test_recovery_code_is_shown_on_two_rows_of_four_groups() -> None:
    code = "7K2QM-ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567-89ABC"
    assert recovery_code_lines(code) == "7K2QM-ABCDE-FGHJK-MNPQR\nSTVWX-YZ012-34567-89ABC"


# -- unlock ------------------------------------------------------------------------------


def test_an_existing_vault_gets_the_unlock_page(
    qtbot: QtBot, existing_vault: str, vault_directory: Path, fast_kdf: KdfParams, by_name: Find
) -> None:
    shell = AppWindow(vault_directory, kdf=fast_kdf)
    qtbot.addWidget(shell)
    try:
        shell.show()
        assert shell.lock_screen.current_page == "unlock"
        assert by_name(shell.lock_screen, QLineEdit, "Passphrase").echoMode() == (
            QLineEdit.EchoMode.Password
        )
    finally:
        shell.shutdown()


@pytest.fixture
def locked_shell(
    qtbot: QtBot, existing_vault: str, vault_directory: Path, fast_kdf: KdfParams
) -> AppWindow:
    shell = AppWindow(vault_directory, kdf=fast_kdf)
    qtbot.addWidget(shell)
    shell.show()
    qtbot.waitExposed(shell)
    yield shell
    shell.shutdown()


def test_wrong_passphrase_is_explained_changes_nothing_and_the_wait_grows(
    qtbot: QtBot, locked_shell: AppWindow, by_name: Find, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    screen = locked_shell.lock_screen
    with pytest.raises(WrongPassphrase) as raised:
        Vault.open(vault_directory, "not my passphrase", kdf=fast_kdf)
    before = file_bytes(vault_directory)
    button = by_name(screen, QPushButton, "Unlock")

    unlock(qtbot, locked_shell, by_name, "not my passphrase")
    qtbot.waitUntil(lambda: screen.retry_delay == 1)
    message = by_name(screen, QLabel, "Problem").text()
    assert message == str(raised.value)  # the vault's own words
    assert "not my passphrase" not in message
    assert by_name(screen, QLineEdit, "Passphrase").text() == ""
    assert not button.isEnabled()
    assert "1 second" in by_name(screen, QLabel, "Wait before trying again").text()
    assert file_bytes(vault_directory) == before
    assert locked_shell.vault is None
    assert locked_shell.workspace is None

    # Enter during the wait does nothing: no second attempt is started.
    field = by_name(screen, QLineEdit, "Passphrase")
    qtbot.keyClicks(field, "guess")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not locked_shell.vault_thread.busy
    assert screen.retry_delay == 1

    qtbot.waitUntil(button.isEnabled, timeout=3000)
    field.clear()
    unlock(qtbot, locked_shell, by_name, "still not it")
    qtbot.waitUntil(lambda: screen.retry_delay == 2)
    assert "2 seconds" in by_name(screen, QLabel, "Wait before trying again").text()
    assert not button.isEnabled()
    assert file_bytes(vault_directory) == before
    assert visible_titles() == ["peerdesk"]


def test_retry_delay_doubles_and_is_capped() -> None:
    assert [retry_delay_seconds(n) for n in range(8)] == [0, 1, 2, 4, 8, 16, 30, 30]
    assert retry_delay_seconds(10_000) == MAX_RETRY_DELAY_SECONDS


def test_a_vault_in_use_is_explained_without_adding_a_wait(
    qtbot: QtBot,
    locked_shell: AppWindow,
    existing_vault: str,
    by_name: Find,
    vault_directory: Path,
    fast_kdf: KdfParams,
) -> None:
    other = Vault.open(vault_directory, existing_vault, kdf=fast_kdf)  # "another window"
    try:
        with pytest.raises(VaultInUse) as raised:
            Vault.open(vault_directory, existing_vault, kdf=fast_kdf)
        unlock(qtbot, locked_shell, by_name, existing_vault)
        qtbot.waitUntil(lambda: not locked_shell.vault_thread.busy)
        message = by_name(locked_shell.lock_screen, QLabel, "Problem")
        assert message.text() == str(raised.value)
        assert locked_shell.lock_screen.retry_delay == 0
        assert by_name(locked_shell.lock_screen, QPushButton, "Unlock").isEnabled()
    finally:
        other.close()


def test_the_right_passphrase_opens_the_main_window(
    qtbot: QtBot, locked_shell: AppWindow, existing_vault: str, by_name: Find
) -> None:
    with qtbot.waitSignal(locked_shell.unlocked):
        unlock(qtbot, locked_shell, by_name, existing_vault)
    window = locked_shell.workspace
    assert window is not None
    assert window.isVisible()
    assert not locked_shell.lock_screen.isVisible()
    assert locked_shell.vault is not None
    assert not locked_shell.vault.closed
    assert visible_titles() == ["peerdesk"]
    assert existing_vault not in window.windowTitle()


# -- lock --------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["Ctrl+L", "toolbar Lock button"])
def test_locking_destroys_the_main_window_and_closes_the_vault(
    qtbot: QtBot,
    locked_shell: AppWindow,
    existing_vault: str,
    by_name: Find,
    vault_directory: Path,
    fast_kdf: KdfParams,
    how: str,
) -> None:
    with qtbot.waitSignal(locked_shell.unlocked):
        unlock(qtbot, locked_shell, by_name, existing_vault)
    window = locked_shell.workspace
    vault = locked_shell.vault
    assert window is not None
    assert vault is not None
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    with qtbot.waitSignals([locked_shell.locked, window.destroyed]):
        if how == "Ctrl+L":
            qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        else:
            toolbar = locked_shell.findChild(QToolBar, "mainToolbar")
            lock_button = next(
                b for b in toolbar.findChildren(QToolButton) if b.text() == "Lock"
            )
            qtbot.mouseClick(lock_button, Qt.MouseButton.LeftButton)

    assert not shiboken6.isValid(window)  # destroyed, not merely hidden
    assert vault.closed
    assert locked_shell.vault is None
    assert locked_shell.workspace is None
    assert locked_shell.lock_screen.isVisible()
    assert locked_shell.lock_screen.current_page == "unlock"
    assert by_name(locked_shell.lock_screen, QLineEdit, "Passphrase").text() == ""
    assert visible_titles() == ["peerdesk"]
    # Closed for real: the OS lock is released, so another open succeeds.
    Vault.open(vault_directory, existing_vault, kdf=fast_kdf).close()

    # And the same screen unlocks again.
    with qtbot.waitSignal(locked_shell.unlocked):
        unlock(qtbot, locked_shell, by_name, existing_vault)


def test_window_titles_never_show_the_passphrase_or_the_folder(
    qtbot: QtBot, shell: AppWindow, by_name: Find, vault_directory: Path
) -> None:
    titles: set[str] = set(visible_titles())
    shown = create_through_first_run(qtbot, shell, by_name, NEW_PASSPHRASE)
    titles.update(visible_titles())
    with qtbot.waitSignal(shell.unlocked):
        confirm_code(qtbot, shell.lock_screen, by_name, shown)
    titles.update(visible_titles())
    with qtbot.waitSignal(shell.locked):
        shell.lock()
    titles.update(visible_titles())
    assert titles == {"peerdesk"}
    assert QApplication.applicationName() == "peerdesk"


def test_any_text_a_person_can_type_works_as_a_passphrase(
    qtbot: QtBot, shell: AppWindow, by_name: Find, hostile_text: str
) -> None:
    passphrase = hostile_text + " passphrase"
    screen = shell.lock_screen
    by_name(screen, QLineEdit, "Passphrase").setText(passphrase)
    by_name(screen, QLineEdit, "Confirm passphrase").setText(passphrase)
    qtbot.mouseClick(by_name(screen, QPushButton, "Create vault"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.current_page == "recovery code")
    shown = by_name(screen, QLabel, "Recovery code").text()
    with qtbot.waitSignal(shell.unlocked):
        confirm_code(qtbot, screen, by_name, shown)
    with qtbot.waitSignal(shell.locked):
        shell.lock()
    with qtbot.waitSignal(shell.unlocked):
        by_name(screen, QLineEdit, "Passphrase").setText(passphrase)
        qtbot.mouseClick(by_name(screen, QPushButton, "Unlock"), Qt.MouseButton.LeftButton)
    assert visible_titles() == ["peerdesk"]


def test_quitting_on_the_recovery_code_page_closes_the_new_vault(
    qtbot: QtBot, shell: AppWindow, by_name: Find, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    create_through_first_run(qtbot, shell, by_name, NEW_PASSPHRASE)
    shell.shutdown()
    Vault.open(vault_directory, NEW_PASSPHRASE, kdf=fast_kdf).close()  # not left locked


def test_quitting_while_unlocked_closes_the_vault_and_the_main_window(
    qtbot: QtBot, locked_shell: AppWindow, existing_vault: str, by_name: Find
) -> None:
    with qtbot.waitSignal(locked_shell.unlocked):
        unlock(qtbot, locked_shell, by_name, existing_vault)
    window, vault = locked_shell.workspace, locked_shell.vault
    assert window is not None
    assert vault is not None
    with qtbot.waitSignal(window.destroyed):
        locked_shell.shutdown()
    assert vault.closed


def test_the_recovery_code_has_the_focus_not_the_dismiss_button(
    qtbot: QtBot, shell: AppWindow, by_name: Find
) -> None:
    create_through_first_run(qtbot, shell, by_name, NEW_PASSPHRASE)
    qtbot.waitUntil(lambda: by_name(shell.lock_screen, QLabel, "Recovery code").hasFocus())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert shell.lock_screen.current_page == "recovery code"  # still there


def test_locking_during_setup_hides_the_code_and_closes_the_new_vault(
    qtbot: QtBot, shell: AppWindow, by_name: Find, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    # Quick-hide while the code is on screen: it must not stay there, nor the vault open.
    shown = create_through_first_run(qtbot, shell, by_name, NEW_PASSPHRASE)
    with qtbot.waitSignal(shell.locked):
        shell.lock()
    screen = shell.lock_screen
    assert screen.current_page == "unlock"
    assert all(shown[:5] not in label.text() for label in screen.findChildren(QLabel))
    qtbot.waitUntil(lambda: not shell.vault_thread.busy)
    Vault.open(vault_directory, NEW_PASSPHRASE, kdf=fast_kdf).close()  # closed, not in use
    with qtbot.waitSignal(shell.unlocked):
        unlock(qtbot, shell, by_name, NEW_PASSPHRASE)


def test_the_unlock_page_offers_the_recovery_code(locked_shell: AppWindow, by_name: Find) -> None:
    screen = locked_shell.lock_screen
    link = by_name(screen, QPushButton, "Use recovery code")
    assert link.isEnabled()
    link.click()
    assert screen.current_page == "recovery unlock"
    assert by_name(screen, QLineEdit, "Recovery code").echoMode() == QLineEdit.EchoMode.Password
