"""Settings: a form built from the declarations, the keychain off the GUI thread, passphrase."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.preferences import (
    ALL_SETTINGS,
    AUTO_LOCK_MINUTES,
    CLIPBOARD_CLEAR_SECONDS,
    LOCK_ON_MINIMISE,
    SUPPORTER_CONTACT,
    SUPPORTER_NAME,
    Preferences,
)
from peerdesk.store import KdfParams, Keychain, KeychainUnavailable, Vault, WrongPassphrase
from peerdesk.store.keychain import NO_KEYCHAIN
from peerdesk.ui.change_passphrase import ChangePassphraseDialog
from peerdesk.ui.settings_dialog import SettingsDialog, open_settings
from peerdesk.ui.vault_thread import VaultThread

Find = Callable[..., QWidget]
PASSPHRASE = "maple river quietly 42"
NEW_PASSPHRASE = "lighthouse parsnip orbit cradle"


class MemoryKeyring:
    """A keychain backend in this process, noting which thread called it."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}
        self.threads: set[str] = set()

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.add(threading.current_thread().name)
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.threads.add(threading.current_thread().name)
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    vault, _code = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=fast_kdf)
    yield vault
    vault.close()


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def dialog(
    qtbot: QtBot, vault: Vault, vault_thread: VaultThread, keyring_backend: MemoryKeyring
) -> SettingsDialog:
    dialog = SettingsDialog(vault, vault_thread, keychain=lambda: Keychain(keyring_backend))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


# -- the declared settings ---------------------------------------------------------------


def test_every_declared_setting_has_a_widget_named_as_its_label(
    dialog: SettingsDialog, by_name: Find
) -> None:
    kinds = {int: QSpinBox, bool: QCheckBox, str: QLineEdit}
    for setting in ALL_SETTINGS:
        editor = by_name(dialog, kinds[setting.kind], setting.label)
        if isinstance(editor, QCheckBox):
            assert editor.text() == setting.label
        else:
            labels = [w for w in dialog.findChildren(QLabel) if w.buddy() is editor]
            assert [label.text() for label in labels] == [setting.label]
        if isinstance(editor, QSpinBox):
            assert (editor.minimum(), editor.maximum()) == (setting.minimum, setting.maximum)
        if isinstance(editor, QLineEdit):
            assert editor.maxLength() == setting.max_length


def test_it_shows_the_defaults_then_what_was_saved(
    dialog: SettingsDialog, vault: Vault, by_name: Find, qtbot: QtBot
) -> None:
    assert by_name(dialog, QSpinBox, AUTO_LOCK_MINUTES.label).value() == 5
    assert by_name(dialog, QSpinBox, CLIPBOARD_CLEAR_SECONDS.label).value() == 30
    assert not by_name(dialog, QCheckBox, LOCK_ON_MINIMISE.label).isChecked()
    assert by_name(dialog, QLineEdit, SUPPORTER_NAME.label).text() == ""

    minutes = by_name(dialog, QSpinBox, AUTO_LOCK_MINUTES.label)
    minutes.selectAll()
    qtbot.keyClicks(minutes, "15")
    # From the keyboard: the form scrolls, so the box may be out of the mouse's sight.
    minimise = by_name(dialog, QCheckBox, LOCK_ON_MINIMISE.label)
    minimise.setFocus()
    qtbot.keyClick(minimise, Qt.Key.Key_Space)
    qtbot.keyClicks(by_name(dialog, QLineEdit, SUPPORTER_NAME.label), "Sam Okafor")
    qtbot.mouseClick(by_name(dialog, QPushButton, "Save"), Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    prefs = Preferences(vault.settings)
    assert prefs.get(AUTO_LOCK_MINUTES) == 15
    assert prefs.get(LOCK_ON_MINIMISE) is True
    assert prefs.get(SUPPORTER_NAME) == "Sam Okafor"
    assert prefs.get(SUPPORTER_CONTACT) == ""


def test_a_bad_value_is_explained_and_nothing_is_saved(
    dialog: SettingsDialog, vault: Vault, by_name: Find
) -> None:
    by_name(dialog, QLineEdit, SUPPORTER_NAME.label).setText("Sam")
    by_name(dialog, QLineEdit, SUPPORTER_CONTACT.label).setText("ext 4417\u2028room 2")
    assert not dialog.save()
    problem = by_name(dialog, QLabel, "Problem")
    assert "one line" in problem.text()
    assert dialog.isVisible()
    assert Preferences(vault.settings).get(SUPPORTER_NAME) == ""


def test_cancel_saves_nothing(dialog: SettingsDialog, vault: Vault, by_name: Find) -> None:
    by_name(dialog, QLineEdit, SUPPORTER_NAME.label).setText("Sam")
    by_name(dialog, QPushButton, "Cancel").click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert Preferences(vault.settings).get(SUPPORTER_NAME) == ""


def test_settings_never_reach_qsettings(
    dialog: SettingsDialog, by_name: Find, isolated_environment: Path
) -> None:
    by_name(dialog, QLineEdit, SUPPORTER_NAME.label).setText("Zanele Pillay-Whitcombe")
    assert dialog.save()
    for path in isolated_environment.rglob("*"):
        if path.is_file():
            assert b"Pillay" not in path.read_bytes(), path


# -- remember on this computer ------------------------------------------------------------


def test_remembering_runs_off_the_gui_thread_and_says_so(
    qtbot: QtBot,
    dialog: SettingsDialog,
    vault: Vault,
    by_name: Find,
    keyring_backend: MemoryKeyring,
) -> None:
    remember = by_name(dialog, QCheckBox, "Remember on this computer")
    assert not remember.isChecked()
    remember.click()
    assert dialog.busy
    assert by_name(dialog, QProgressBar, "Asking the system keychain").isVisible()
    assert not remember.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert vault.remembered
    assert remember.isChecked()
    assert "without asking for your passphrase" in by_name(dialog, QLabel, "Note").text()
    assert keyring_backend.entries
    assert threading.main_thread().name not in keyring_backend.threads

    remember.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert not vault.remembered
    assert not remember.isChecked()
    assert not keyring_backend.entries


def test_without_a_keychain_the_box_stays_unticked_with_the_reason(
    qtbot: QtBot, vault: Vault, vault_thread: VaultThread, by_name: Find
) -> None:
    def no_keychain() -> Keychain:
        raise KeychainUnavailable(NO_KEYCHAIN)

    dialog = SettingsDialog(vault, vault_thread, keychain=no_keychain)
    qtbot.addWidget(dialog)
    dialog.show()
    remember = by_name(dialog, QCheckBox, "Remember on this computer")
    remember.click()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert not remember.isChecked()
    assert not vault.remembered
    assert by_name(dialog, QLabel, "Problem").text() == NO_KEYCHAIN
    assert remember.isEnabled()


def test_while_the_keychain_is_asked_the_dialog_cannot_be_dismissed(
    qtbot: QtBot, vault: Vault, vault_thread: VaultThread, by_name: Find
) -> None:
    release = threading.Event()

    def slow_keychain() -> Keychain:
        release.wait(10)
        raise KeychainUnavailable(NO_KEYCHAIN)

    dialog = SettingsDialog(vault, vault_thread, keychain=slow_keychain)
    qtbot.addWidget(dialog)
    dialog.show()
    by_name(dialog, QCheckBox, "Remember on this computer").click()
    assert not by_name(dialog, QPushButton, "Save").isEnabled()
    dialog.reject()  # Escape
    assert dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: not dialog.busy)
    dialog.reject()
    assert not dialog.isVisible()


# -- change passphrase ----------------------------------------------------------------------


def open_change_dialog(dialog: SettingsDialog, by_name: Find, qtbot: QtBot) -> QDialog:
    qtbot.mouseClick(by_name(dialog, QPushButton, "Change passphrase…"), Qt.MouseButton.LeftButton)
    changer = dialog.findChild(ChangePassphraseDialog)
    assert changer is not None
    qtbot.waitExposed(changer)
    return changer


def test_change_passphrase_asks_twice_and_runs_argon2_off_the_gui_thread(
    qtbot: QtBot, dialog: SettingsDialog, vault: Vault, by_name: Find, fast_kdf: KdfParams
) -> None:
    changer = open_change_dialog(dialog, by_name, qtbot)
    first = by_name(changer, QLineEdit, "New passphrase")
    again = by_name(changer, QLineEdit, "Type it again")
    assert first.echoMode() == QLineEdit.EchoMode.Password
    for field in (first, again):
        labels = [w.text() for w in changer.findChildren(QLabel) if w.buddy() is field]
        assert labels == [field.accessibleName()]
    qtbot.keyClicks(first, NEW_PASSPHRASE)
    qtbot.keyClick(first, Qt.Key.Key_Return)  # moves on, does not submit or cancel
    assert changer.focusWidget() is again
    assert first.text() == NEW_PASSPHRASE
    assert changer.isVisible()
    qtbot.keyClicks(again, NEW_PASSPHRASE)
    with qtbot.waitSignal(changer.changed, timeout=10_000):
        qtbot.keyClick(again, Qt.Key.Key_Return)
        assert by_name(changer, QProgressBar, "Changing the passphrase").isVisible()
        assert first.text() == "" and again.text() == ""  # noqa: PT018
    assert by_name(dialog, QLabel, "Note").text() == "Your passphrase has been changed."

    directory = vault.directory
    vault.close()
    with pytest.raises(WrongPassphrase):
        Vault.open(directory, PASSPHRASE, kdf=fast_kdf)
    Vault.open(directory, NEW_PASSPHRASE, kdf=fast_kdf).close()


@pytest.mark.parametrize(
    ("typed", "again", "says"),
    [
        ("password1", "password1", "common passwords"),
        ("short", "short", "at least 8 characters"),
        (NEW_PASSPHRASE, NEW_PASSPHRASE + "x", "not the same"),
    ],
)
def test_a_refused_new_passphrase_changes_nothing(
    qtbot: QtBot,
    dialog: SettingsDialog,
    vault: Vault,
    by_name: Find,
    fast_kdf: KdfParams,
    typed: str,
    again: str,
    says: str,
) -> None:
    before = (vault.directory / "keyslots.json").read_bytes()
    changer = open_change_dialog(dialog, by_name, qtbot)
    qtbot.keyClicks(by_name(changer, QLineEdit, "New passphrase"), typed)
    qtbot.keyClicks(by_name(changer, QLineEdit, "Type it again"), again)
    qtbot.mouseClick(by_name(changer, QPushButton, "Change passphrase"), Qt.MouseButton.LeftButton)
    assert says in by_name(changer, QLabel, "Problem").text()
    assert changer.isVisible()
    assert (vault.directory / "keyslots.json").read_bytes() == before


# -- closing on lock --------------------------------------------------------------------------


class FakeWindow(QObject):
    locked = Signal()


def test_a_lock_closes_the_settings_and_forgets_what_was_typed(
    qtbot: QtBot, vault: Vault, vault_thread: VaultThread
) -> None:
    window = FakeWindow()
    seen: list[SettingsDialog] = []

    def lock_while_open() -> None:
        dialog = next(w for w in _top_levels() if isinstance(w, SettingsDialog))
        seen.append(dialog)
        dialog.editors[SUPPORTER_NAME.key].setText("typed, never saved")  # type: ignore[union-attr]
        window.locked.emit()

    QTimer.singleShot(0, lock_while_open)
    assert open_settings(None, vault, vault_thread, closed_by=window.locked) is False
    assert seen
    assert Preferences(vault.settings).get(SUPPORTER_NAME) == ""


def test_open_settings_without_a_worker_uses_its_own(qtbot: QtBot, vault: Vault) -> None:
    def save_when_open() -> None:
        dialog = next(w for w in _top_levels() if isinstance(w, SettingsDialog))
        dialog.editors[SUPPORTER_NAME.key].setText("Sam")  # type: ignore[union-attr]
        dialog.save()

    QTimer.singleShot(0, save_when_open)
    assert open_settings(None, vault) is True
    assert Preferences(vault.settings).get(SUPPORTER_NAME) == "Sam"


def _top_levels() -> list[QWidget]:
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]
