"""The other ways in: the recovery code (with a new passphrase) and this computer's keychain."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.store import (
    KdfParams,
    Keychain,
    KeychainUnavailable,
    Vault,
    WrongPassphrase,
    recovery,
)
from peerdesk.ui.lock_screen import LockScreen
from peerdesk.ui.vault_thread import VaultThread

Find = Callable[..., QWidget]
OLD = "maple river quietly 42"
NEW = "lantern harbour violet seven"


class MemoryKeyring(KeyringBackend):
    """This process's stand-in for the OS keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def code(vault_directory: Path, fast_kdf: KdfParams) -> str:
    """A closed vault with passphrase OLD; returns its recovery code."""
    vault, code = Vault.create(vault_directory, OLD, kdf=fast_kdf)
    vault.close()
    return code


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def remembered(
    vault_directory: Path,
    fast_kdf: KdfParams,
    keyring_backend: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A closed vault remembered by the (in-memory) keychain of "this computer"."""
    vault, _code = Vault.create(vault_directory, OLD, kdf=fast_kdf)
    try:
        vault.remember_on_this_computer(Keychain(keyring_backend))
    finally:
        vault.close()
    monkeypatch.setattr(
        Keychain, "from_system", classmethod(lambda cls, **_kw: cls(keyring_backend))
    )


@pytest.fixture
def opened() -> list[Vault]:
    return []


@pytest.fixture
def make_screen(
    qtbot: QtBot,
    vault_directory: Path,
    fast_kdf: KdfParams,
    vault_thread: VaultThread,
    opened: list[Vault],
) -> Iterator[Callable[[], LockScreen]]:
    """Builds the lock screen once the vault is as the test wants it; closes what it opened."""

    def build() -> LockScreen:
        screen = LockScreen(vault_directory, fast_kdf, vault_thread)
        screen.unlocked.connect(opened.append)
        qtbot.addWidget(screen)
        screen.show()
        qtbot.waitExposed(screen)
        return screen

    yield build
    for vault in opened:
        vault_thread.submit(vault.close)
    qtbot.waitUntil(lambda: not vault_thread.busy)


@pytest.fixture
def screen(code: str, make_screen: Callable[[], LockScreen]) -> LockScreen:
    """The lock screen of an existing vault, on its unlock page."""
    return make_screen()


def snapshot(directory: Path) -> dict[str, bytes]:
    # vault.lock is the OS lock's handle, not data: it is allowed to be touched.
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.name != "vault.lock"}


def titles() -> set[str]:
    return {w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()}


def open_recovery_page(qtbot: QtBot, screen: LockScreen, by_name: Find) -> None:
    assert screen.current_page == "unlock"
    qtbot.mouseClick(by_name(screen, QPushButton, "Use recovery code"), Qt.MouseButton.LeftButton)
    assert screen.current_page == "recovery unlock"


def fill(qtbot: QtBot, screen: LockScreen, by_name: Find, code: str, passphrase: str) -> None:
    qtbot.keyClicks(by_name(screen, QLineEdit, "Recovery code"), code)
    qtbot.keyClicks(by_name(screen, QLineEdit, "New passphrase"), passphrase)
    qtbot.keyClicks(by_name(screen, QLineEdit, "Confirm new passphrase"), passphrase)
    qtbot.mouseClick(
        by_name(screen, QPushButton, "Set passphrase and unlock"), Qt.MouseButton.LeftButton
    )


def mistype(code: str, group: int) -> str:
    """``code`` with one character of group ``group`` (1-based) changed."""
    index = (group - 1) * 6 + 1
    wrong = "Z" if code[index] != "Z" else "Y"
    return code[:index] + wrong + code[index + 1 :]


# -- recovery code ---------------------------------------------------------------------------


def test_the_recovery_code_page_hides_the_code_unless_asked(
    qtbot: QtBot, screen: LockScreen, by_name: Find
) -> None:
    open_recovery_page(qtbot, screen, by_name)
    field = by_name(screen, QLineEdit, "Recovery code")
    assert field.echoMode() == QLineEdit.EchoMode.Password
    by_name(screen, QCheckBox, "Show the code as I type").setChecked(True)
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    for name in ("New passphrase", "Confirm new passphrase"):
        assert by_name(screen, QLineEdit, name).echoMode() == QLineEdit.EchoMode.Password


@pytest.mark.parametrize("group", [1, 5, 8])
def test_a_typo_in_the_code_names_its_group_and_changes_nothing(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    code: str,
    vault_directory: Path,
    vault_thread: VaultThread,
    opened: list[Vault],
    group: int,
) -> None:
    before = snapshot(vault_directory)
    open_recovery_page(qtbot, screen, by_name)
    fill(qtbot, screen, by_name, mistype(code, group), NEW)

    message = by_name(screen, QLabel, "Problem").text()
    assert f"Group {group} " in message
    assert code[:5] not in message
    assert not vault_thread.busy  # caught before any key derivation
    assert snapshot(vault_directory) == before
    assert screen.current_page == "recovery unlock"
    assert opened == []
    # The code stays, to be corrected; nothing else is lost either.
    assert by_name(screen, QLineEdit, "Recovery code").text() == mistype(code, group)


def test_a_weak_new_passphrase_is_refused_with_the_reason(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    code: str,
    vault_directory: Path,
    vault_thread: VaultThread,
) -> None:
    before = snapshot(vault_directory)
    open_recovery_page(qtbot, screen, by_name)
    fill(qtbot, screen, by_name, code, "password123")
    message = by_name(screen, QLabel, "Problem").text()
    assert "common passwords" in message
    assert not vault_thread.busy
    assert snapshot(vault_directory) == before
    assert by_name(screen, QLineEdit, "New passphrase").text() == ""


def test_the_recovery_code_sets_a_new_passphrase_and_unlocks(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    code: str,
    vault_directory: Path,
    fast_kdf: KdfParams,
    vault_thread: VaultThread,
    opened: list[Vault],
) -> None:
    open_recovery_page(qtbot, screen, by_name)
    typed = code.lower().replace("-", " ")  # as it might be typed from paper
    with qtbot.waitSignal(screen.unlocked):
        fill(qtbot, screen, by_name, typed, NEW)
    assert len(opened) == 1
    assert not opened[0].closed
    assert all(code not in t and NEW not in t for t in titles())

    vault_thread.submit(opened.pop().close)
    qtbot.waitUntil(lambda: not vault_thread.busy)
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_directory, OLD, kdf=fast_kdf)
    Vault.open(vault_directory, NEW, kdf=fast_kdf).close()
    Vault.open(vault_directory, recovery_code=code, kdf=fast_kdf).close()  # still works


def test_the_fields_are_emptied_once_the_vault_is_open(
    qtbot: QtBot, screen: LockScreen, by_name: Find, code: str
) -> None:
    open_recovery_page(qtbot, screen, by_name)
    with qtbot.waitSignal(screen.unlocked):
        fill(qtbot, screen, by_name, code, NEW)
    texts = [field.text() for field in screen.findChildren(QLineEdit)]
    assert texts == [""] * len(texts)


def test_a_code_from_another_vault_is_refused_and_changes_nothing(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    vault_directory: Path,
    fast_kdf: KdfParams,
    opened: list[Vault],
) -> None:
    with pytest.raises(WrongPassphrase) as raised:
        Vault.open(vault_directory, recovery_code=recovery.generate(), kdf=fast_kdf)
    before = snapshot(vault_directory)
    open_recovery_page(qtbot, screen, by_name)
    fill(qtbot, screen, by_name, recovery.generate(), NEW)
    qtbot.waitUntil(lambda: by_name(screen, QLabel, "Problem").isVisible())
    assert by_name(screen, QLabel, "Problem").text() == str(raised.value)
    assert snapshot(vault_directory) == before
    assert opened == []
    assert by_name(screen, QPushButton, "Set passphrase and unlock").isEnabled()


def test_back_returns_to_the_passphrase_and_forgets_what_was_typed(
    qtbot: QtBot, screen: LockScreen, by_name: Find, code: str
) -> None:
    open_recovery_page(qtbot, screen, by_name)
    qtbot.keyClicks(by_name(screen, QLineEdit, "Recovery code"), code)
    qtbot.mouseClick(by_name(screen, QPushButton, "Back"), Qt.MouseButton.LeftButton)
    assert screen.current_page == "unlock"
    assert all(field.text() == "" for field in screen.findChildren(QLineEdit))


# -- this computer's keychain ------------------------------------------------------------------


def keychain_button(screen: LockScreen) -> list[QPushButton]:
    name = "Unlock with this computer's keychain"
    return [
        b for b in screen.findChildren(QPushButton) if b.accessibleName() == name and b.isVisible()
    ]


def test_the_keychain_is_offered_only_for_a_remembered_vault(
    screen: LockScreen, vault_directory: Path
) -> None:
    assert not Vault.is_remembered(vault_directory)
    assert keychain_button(screen) == []


def test_a_remembered_vault_unlocks_with_the_keychain(
    qtbot: QtBot,
    remembered: None,
    make_screen: Callable[[], LockScreen],
    opened: list[Vault],
) -> None:
    screen = make_screen()
    [button] = keychain_button(screen)
    with qtbot.waitSignal(screen.unlocked):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1


def test_a_keychain_failure_is_explained_and_the_passphrase_still_works(
    qtbot: QtBot,
    remembered: None,
    make_screen: Callable[[], LockScreen],
    vault_thread: VaultThread,
    by_name: Find,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def locked(cls: type[Keychain], **_kwargs: object) -> Keychain:
        raise KeychainUnavailable("The system keychain did not answer in time (it may be locked).")

    monkeypatch.setattr(Keychain, "from_system", classmethod(locked))
    screen = make_screen()
    [button] = keychain_button(screen)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not vault_thread.busy)
    assert "did not answer in time" in by_name(screen, QLabel, "Problem").text()
    assert screen.retry_delay == 0  # not a guess: no wait imposed
    assert keychain_button(screen) == [button]  # can be tried again
    with qtbot.waitSignal(screen.unlocked):
        qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), OLD)
        qtbot.mouseClick(by_name(screen, QPushButton, "Unlock"), Qt.MouseButton.LeftButton)


def test_a_keychain_that_lost_the_key_says_so(
    qtbot: QtBot,
    remembered: None,
    keyring_backend: MemoryKeyring,
    make_screen: Callable[[], LockScreen],
    vault_thread: VaultThread,
    opened: list[Vault],
    by_name: Find,
) -> None:
    keyring_backend.entries.clear()
    screen = make_screen()
    qtbot.mouseClick(keychain_button(screen)[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not vault_thread.busy)
    assert "no longer holds" in by_name(screen, QLabel, "Problem").text()
    assert opened == []


def test_every_field_is_named_as_its_label_reads(
    qtbot: QtBot, screen: LockScreen, by_name: Find
) -> None:
    open_recovery_page(qtbot, screen, by_name)
    labels = [label for label in screen.findChildren(QLabel) if label.isVisible()]
    buddies = [label for label in labels if label.buddy() is not None]
    assert [label.text() for label in buddies] == [
        "Recovery code",
        "New passphrase",
        "Confirm new passphrase",
    ]
    for label in buddies:
        buddy = label.buddy()
        assert buddy is not None
        assert buddy.accessibleName() == label.text()
