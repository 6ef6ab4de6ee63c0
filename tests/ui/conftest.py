"""UI fixtures: the real look, a vault folder per test, and finders by accessible name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.app import configure_application
from peerdesk.paths import vault_dir
from peerdesk.store import KdfParams, Vault
from peerdesk.store.models import PersonId
from peerdesk.ui import dialogs
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.referrals_tab import ReferralsTab
from peerdesk.ui.vault_thread import VaultThread
from peerdesk.ui.workspace import Workspace

from .driving import find

W = TypeVar("W", bound=QWidget)

EXISTING_PASSPHRASE = "maple river quietly 42"


@pytest.fixture(autouse=True)
def styled_app(qapp: QApplication) -> QApplication:
    """The application as peerdesk configures it: names and the real stylesheet."""
    configure_application(qapp)
    return qapp


@pytest.fixture
def vault_directory(tmp_path: Path) -> Path:
    return vault_dir(tmp_path / "peerdesk-data")


@pytest.fixture
def existing_vault(vault_directory: Path, fast_kdf: KdfParams) -> str:
    """A closed vault in ``vault_directory``; returns its passphrase."""
    vault, _code = Vault.create(vault_directory, EXISTING_PASSPHRASE, kdf=fast_kdf)
    vault.close()
    return EXISTING_PASSPHRASE


@pytest.fixture
def vault_thread() -> Iterator[VaultThread]:
    thread = VaultThread()
    yield thread
    thread.stop()


@pytest.fixture
def shell(qtbot: QtBot, vault_directory: Path, fast_kdf: KdfParams) -> Iterator[AppWindow]:
    """peerdesk's window as the composition root builds it, with a cheap KDF, showing."""
    window = AppWindow(vault_directory, kdf=fast_kdf)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.shutdown()


@pytest.fixture
def by_name() -> Callable[..., QWidget]:
    """``find`` as a fixture, so test modules need not import from a conftest."""
    return find


@pytest.fixture(autouse=True)
def british_dates() -> Iterator[None]:
    """Dates as the tests assert them ("Mon 3 Mar 2025, 09:30"), whatever the machine's locale."""
    before = QLocale()
    QLocale.setDefault(QLocale("en_GB"))
    yield
    QLocale.setDefault(before)


@pytest.fixture(autouse=True)
def empty_clipboard(qapp: QApplication) -> Iterator[None]:
    yield
    # PySide6 can crash at exit while the clipboard still owns a QMimeData we made.
    QApplication.clipboard().clear()


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    """An open vault of its own for each test, closed afterwards."""
    opened, _code = Vault.create(tmp_path / "v", "pass phrase here", kdf=fast_kdf)
    yield opened
    opened.close()


@pytest.fixture
def workspace(qtbot: QtBot, vault: Vault) -> Iterator[Workspace]:
    dialogs.clear_answers()
    ws = Workspace(vault)
    qtbot.addWidget(ws)
    ws.resize(1280, 800)
    ws.show()
    qtbot.waitExposed(ws)
    ws.activateWindow()
    yield ws
    ws.flush()
    assert dialogs.pending_answers() == 0


@pytest.fixture
def tab(qtbot: QtBot, vault: Vault, person: PersonId) -> Iterator[ReferralsTab]:
    """A person's Referrals tab, showing; ``person`` is each test module's own fixture."""
    dialogs.clear_answers()
    widget = ReferralsTab(vault, person)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    if widget.wizard is not None:
        widget.wizard.hide()
    assert dialogs.pending_answers() == 0
