"""First run: the strength meter, the one-time recovery code, its copies, and "Remember"."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.recovery_sheet import recovery_sheet, same_group
from peerdesk.store import KdfParams, Keychain, KeychainUnavailable, Vault
from peerdesk.ui import recovery_code_page
from peerdesk.ui.lock_screen import LockScreen
from peerdesk.ui.recovery_code_page import print_document
from peerdesk.ui.vault_thread import VaultThread

Find = Callable[..., QWidget]
STRONG = "blue kettle sings at dawn"
WEAK = "Summer2023!"


class MemoryKeyring(KeyringBackend):
    """This process's stand-in for the OS keychain; ``gate`` can hold a store back."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, gate: threading.Event | None = None) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.gate = gate

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.gate is not None:
            self.gate.wait(timeout=5)
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def opened() -> list[Vault]:
    """Every vault the lock screen handed over, closed on its thread at the end."""
    return []


@pytest.fixture
def screen(
    qtbot: QtBot,
    vault_directory: Path,
    fast_kdf: KdfParams,
    vault_thread: VaultThread,
    opened: list[Vault],
) -> Iterator[LockScreen]:
    screen = LockScreen(vault_directory, fast_kdf, vault_thread)
    screen.unlocked.connect(opened.append)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitExposed(screen)
    yield screen
    held = screen.release_vault()
    for vault in [*opened, *([held] if held is not None else [])]:
        vault_thread.submit(vault.close)
    qtbot.waitUntil(lambda: not vault_thread.busy)


def use_keychain(monkeypatch: pytest.MonkeyPatch, backend: KeyringBackend) -> list[int]:
    """Make "this computer's keychain" the in-memory one; returns a list counting asks."""
    asked: list[int] = []

    def from_system(cls: type[Keychain], **_kwargs: object) -> Keychain:
        asked.append(1)
        return cls(backend)

    monkeypatch.setattr(Keychain, "from_system", classmethod(from_system))
    return asked


def titles() -> set[str]:
    return {w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()}


def create(qtbot: QtBot, screen: LockScreen, by_name: Find, passphrase: str = STRONG) -> str:
    """Fill in the first-run page, press Create and return the code shown."""
    qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), passphrase)
    qtbot.keyClicks(by_name(screen, QLineEdit, "Confirm passphrase"), passphrase)
    qtbot.mouseClick(by_name(screen, QPushButton, "Create vault"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.current_page == "recovery code")
    return by_name(screen, QLabel, "Recovery code").text().replace("\n", "-")


def asked_groups(screen: QWidget) -> list[QLineEdit]:
    return [
        field
        for field in screen.findChildren(QLineEdit)
        if field.accessibleName().startswith("Group ") and field.isVisibleTo(screen)
    ]


def type_groups(qtbot: QtBot, screen: LockScreen, code: str, *, wrong: int = 0) -> list[int]:
    """Type the asked groups (the first ``wrong`` of them mistyped); return their numbers."""
    groups = code.split("-")
    numbers = []
    for index, field in enumerate(asked_groups(screen)):
        number = int(field.accessibleName().removeprefix("Group "))
        numbers.append(number)
        field.clear()
        group = groups[number - 1]
        if index < wrong:
            group = group[:2] + ("Z" if group[2] != "Z" else "Y") + group[3:]
        qtbot.keyClicks(field, group)
    return numbers


def go_to_confirm(qtbot: QtBot, screen: LockScreen, by_name: Find) -> None:
    qtbot.mouseClick(by_name(screen, QPushButton, "I have a copy"), Qt.MouseButton.LeftButton)
    assert screen.current_page == "confirm recovery code"


# -- the strength meter --------------------------------------------------------------------


def test_the_meter_follows_typing_and_never_shows_the_passphrase(
    qtbot: QtBot, screen: LockScreen, by_name: Find
) -> None:
    field = by_name(screen, QLineEdit, "Passphrase")
    bar = by_name(screen, QProgressBar, "Passphrase strength")
    words = by_name(screen, QLabel, "Passphrase strength in words")
    assert bar.value() == 0
    assert "four or more unrelated words" in words.text()

    qtbot.keyClicks(field, WEAK)
    weak_value = bar.value()
    assert bar.property("strength") in ("weak", "fair")
    assert "could be guessed" in words.text()
    assert "common passwords" in words.text()
    assert bar.accessibleDescription() == words.text()  # a screen reader hears the same
    assert WEAK.lower() not in words.text().lower()

    field.clear()
    qtbot.keyClicks(field, STRONG)
    assert bar.value() > weak_value
    assert bar.property("strength") in ("good", "strong")
    assert "hard to guess" in words.text()
    assert "kettle" not in words.text()

    field.clear()
    assert bar.value() == 0


def test_a_weak_passphrase_is_refused_with_the_reason_and_creates_nothing(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    vault_directory: Path,
    vault_thread: VaultThread,
) -> None:
    qtbot.keyClicks(by_name(screen, QLineEdit, "Passphrase"), WEAK)
    qtbot.keyClicks(by_name(screen, QLineEdit, "Confirm passphrase"), WEAK)
    create_button = by_name(screen, QPushButton, "Create vault")
    assert create_button.isEnabled()  # it explains on press, rather than greying out
    qtbot.mouseClick(create_button, Qt.MouseButton.LeftButton)

    message = by_name(screen, QLabel, "Problem").text()
    assert "common passwords" in message
    assert "four or more ordinary words" in message
    assert WEAK not in message
    assert screen.current_page == "first run"
    assert not vault_thread.busy
    assert not vault_directory.exists()


def test_a_strong_passphrase_is_accepted(
    qtbot: QtBot, screen: LockScreen, by_name: Find, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    code = create(qtbot, screen, by_name)
    assert Vault.exists(vault_directory)
    assert same_group(code.split("-")[0].lower(), code.split("-")[0])
    assert titles() == {"peerdesk"}


# -- copies of the code ----------------------------------------------------------------------


def test_save_as_pdf_writes_an_owner_only_sheet_with_the_code(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = create(qtbot, screen, by_name)
    chosen = tmp_path / "my recovery code"  # no ".pdf": it is added
    asked: list[str] = []

    def answer(*args: object) -> tuple[str, str]:
        asked.append(str(args[2]))  # the suggested path
        return str(chosen), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    qtbot.mouseClick(by_name(screen, QPushButton, "Save as PDF…"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved as a PDF" in by_name(screen, QLabel, "Note").text())

    saved = chosen.with_name("my recovery code.pdf")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    text = PdfReader(saved).pages[0].extract_text()
    for group in code.split("-"):
        assert group in text
    assert asked == [str(Path.home() / "peerdesk-recovery-code.pdf")]
    assert code not in " ".join(titles())


def test_cancelling_the_save_dialog_writes_nothing(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    vault_thread: VaultThread,
) -> None:
    create(qtbot, screen, by_name)
    before = sorted(tmp_path.rglob("*"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    qtbot.mouseClick(by_name(screen, QPushButton, "Save as PDF…"), Qt.MouseButton.LeftButton)
    assert not vault_thread.busy
    assert sorted(tmp_path.rglob("*")) == before
    assert by_name(screen, QLabel, "Recovery code").text() != ""


def test_the_print_document_holds_the_numbered_groups_and_the_advice() -> None:
    from peerdesk.store import recovery

    code = recovery.generate()
    text = print_document(recovery_sheet(code, date(2025, 3, 12))).toPlainText()
    for group in code.split("-"):
        assert group in text
    assert "2025-03-12" in text
    assert "Keep it safe" in text
    assert "Use recovery code" in text


def test_print_sends_the_sheet_to_the_chosen_printer(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A PDF "printer" stands in for the system dialog and a real printer.
    code = create(qtbot, screen, by_name)
    target = tmp_path / "printed.pdf"

    def pdf_printer(_parent: QWidget) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(recovery_code_page, "ask_printer", pdf_printer)
    qtbot.mouseClick(by_name(screen, QPushButton, "Print…"), Qt.MouseButton.LeftButton)
    assert "Sent to the printer" in by_name(screen, QLabel, "Note").text()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    for group in code.split("-"):
        assert group in text


def test_a_cancelled_print_dialog_prints_nothing(
    qtbot: QtBot, screen: LockScreen, by_name: Find, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(qtbot, screen, by_name)
    monkeypatch.setattr(recovery_code_page, "ask_printer", lambda _parent: None)
    qtbot.mouseClick(by_name(screen, QPushButton, "Print…"), Qt.MouseButton.LeftButton)
    note = [w for w in screen.findChildren(QLabel) if w.accessibleName() == "Note"]
    assert not any(label.isVisible() for label in note)


# -- typing part of it back ----------------------------------------------------------------


@pytest.mark.parametrize("wrong", [1, 2])
def test_wrong_groups_are_refused_by_number_and_nothing_goes_on(
    qtbot: QtBot, screen: LockScreen, by_name: Find, opened: list[Vault], wrong: int
) -> None:
    code = create(qtbot, screen, by_name)
    go_to_confirm(qtbot, screen, by_name)
    # The code is off the screen while they type from their copy.
    assert all(code.split("-")[0] not in label.text() for label in visible_labels(screen))

    numbers = type_groups(qtbot, screen, code, wrong=wrong)
    qtbot.mouseClick(by_name(screen, QPushButton, "Continue"), Qt.MouseButton.LeftButton)

    message = by_name(screen, QLabel, "Problem").text()
    if wrong == 2:
        assert message.startswith(f"Groups {numbers[0]} and {numbers[1]} do not match")
    else:
        assert message.startswith(f"Group {numbers[0]} does not match")
        assert str(numbers[1]) not in message
    assert screen.current_page == "confirm recovery code"
    assert opened == []


def visible_labels(screen: QWidget) -> list[QLabel]:
    return [label for label in screen.findChildren(QLabel) if label.isVisible()]


def test_the_right_groups_continue_whatever_the_case_and_spacing(
    qtbot: QtBot, screen: LockScreen, by_name: Find, opened: list[Vault]
) -> None:
    code = create(qtbot, screen, by_name)
    go_to_confirm(qtbot, screen, by_name)
    groups = code.split("-")
    for field in asked_groups(screen):
        group = groups[int(field.accessibleName().removeprefix("Group ")) - 1]
        qtbot.keyClicks(field, " " + group[:2].lower() + " " + group[2:] + " ")
    with qtbot.waitSignal(screen.unlocked):
        qtbot.keyClick(asked_groups(screen)[1], Qt.Key.Key_Return)
    assert len(opened) == 1
    assert not opened[0].closed
    # Shown once: no widget holds the code any more.
    assert all(groups[0] not in label.text() for label in screen.findChildren(QLabel))
    assert all(code not in t for t in titles())


def test_the_code_can_be_shown_again_before_confirming(
    qtbot: QtBot, screen: LockScreen, by_name: Find
) -> None:
    code = create(qtbot, screen, by_name)
    go_to_confirm(qtbot, screen, by_name)
    qtbot.mouseClick(by_name(screen, QPushButton, "Show the code again"), Qt.MouseButton.LeftButton)
    assert screen.current_page == "recovery code"
    assert by_name(screen, QLabel, "Recovery code").text().replace("\n", "-") == code


def test_same_group_forgives_case_spaces_and_look_alike_letters() -> None:
    assert same_group(" 7k2 qm ", "7K2QM")
    assert same_group("O1L1U", "0111V")  # O for 0, I/L for 1, U for V, as when unlocking
    assert not same_group("7K2QN", "7K2QM")
    assert not same_group("", "7K2QM")


# -- remember on this computer ------------------------------------------------------------------


def finish(qtbot: QtBot, screen: LockScreen, by_name: Find, code: str) -> None:
    go_to_confirm(qtbot, screen, by_name)
    type_groups(qtbot, screen, code)
    with qtbot.waitSignal(screen.unlocked):
        qtbot.mouseClick(by_name(screen, QPushButton, "Continue"), Qt.MouseButton.LeftButton)


def test_remember_is_off_by_default_and_the_keychain_is_never_asked(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    vault_directory: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = use_keychain(monkeypatch, MemoryKeyring())
    assert not by_name(screen, QCheckBox, "Remember on this computer").isChecked()
    finish(qtbot, screen, by_name, create(qtbot, screen, by_name))
    assert asked == []
    assert not Vault.is_remembered(vault_directory)


def test_remember_on_stores_a_key_in_the_keychain_off_the_gui_thread(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    vault_directory: Path,
    fast_kdf: KdfParams,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Vault],
    vault_thread: VaultThread,
) -> None:
    backend = MemoryKeyring()
    use_keychain(monkeypatch, backend)
    by_name(screen, QCheckBox, "Remember on this computer").setChecked(True)
    code = create(qtbot, screen, by_name)
    qtbot.waitUntil(lambda: "will remember" in by_name(screen, QLabel, "Note").text())
    finish(qtbot, screen, by_name, code)
    assert Vault.is_remembered(vault_directory)
    vault_thread.submit(opened.pop().close)
    qtbot.waitUntil(lambda: not vault_thread.busy)
    Vault.open_remembered(vault_directory, Keychain(backend), kdf=fast_kdf).close()


def test_no_keychain_is_explained_plainly_and_setup_carries_on(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    vault_directory: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Vault],
) -> None:
    def unavailable(cls: type[Keychain], **_kwargs: object) -> Keychain:
        raise KeychainUnavailable("This computer has no system keychain that peerdesk can use.")

    monkeypatch.setattr(Keychain, "from_system", classmethod(unavailable))
    by_name(screen, QCheckBox, "Remember on this computer").setChecked(True)
    code = create(qtbot, screen, by_name)
    qtbot.waitUntil(lambda: by_name(screen, QLabel, "Note").isVisible())
    note = by_name(screen, QLabel, "Note").text()
    assert "could not remember" in note
    assert "no system keychain" in note
    finish(qtbot, screen, by_name, code)
    assert len(opened) == 1
    assert not Vault.is_remembered(vault_directory)


def test_continue_waits_for_a_slow_keychain_before_handing_over_the_vault(
    qtbot: QtBot,
    screen: LockScreen,
    by_name: Find,
    vault_directory: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Vault],
) -> None:
    gate = threading.Event()
    use_keychain(monkeypatch, MemoryKeyring(gate))
    by_name(screen, QCheckBox, "Remember on this computer").setChecked(True)
    code = create(qtbot, screen, by_name)
    go_to_confirm(qtbot, screen, by_name)
    type_groups(qtbot, screen, code)
    qtbot.mouseClick(by_name(screen, QPushButton, "Continue"), Qt.MouseButton.LeftButton)
    assert by_name(screen, QWidget, "Finishing setting up").isVisible()
    assert opened == []  # the key file is still being written

    with qtbot.waitSignal(screen.unlocked):
        gate.set()
    assert Vault.is_remembered(vault_directory)


def test_every_field_is_named_as_its_label_reads(
    qtbot: QtBot, screen: LockScreen, by_name: Find
) -> None:
    # A screen reader says what a sighted person reads, on every page.
    def check_page() -> None:
        for label in visible_labels(screen):
            buddy = label.buddy()
            if buddy is not None:
                assert buddy.accessibleName() == label.text()
        for box in screen.findChildren(QCheckBox):
            assert box.accessibleName() == box.text()

    check_page()
    code = create(qtbot, screen, by_name)
    go_to_confirm(qtbot, screen, by_name)
    check_page()
    assert len(asked_groups(screen)) == 2
    finish_from_confirm(qtbot, screen, by_name, code)


def finish_from_confirm(qtbot: QtBot, screen: LockScreen, by_name: Find, code: str) -> None:
    type_groups(qtbot, screen, code)
    with qtbot.waitSignal(screen.unlocked):
        qtbot.mouseClick(by_name(screen, QPushButton, "Continue"), Qt.MouseButton.LeftButton)
