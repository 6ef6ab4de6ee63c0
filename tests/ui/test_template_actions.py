"""Tools → Import / Export checklist template: clear refusals, nothing half-done, exact bytes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot

from peerdesk.checklists import TemplateLibrary
from peerdesk.paths import resource_path
from peerdesk.store import KdfParams, Vault
from peerdesk.ui import dialogs, file_dialogs
from peerdesk.ui.app_window import AppWindow
from peerdesk.ui.checklist_panel import ChecklistPanel
from peerdesk.ui.template_actions import export_template_file, import_template_file

OWN_TITLE = "Our own first conversation"


@pytest.fixture
def vault(tmp_path: Path, fast_kdf: KdfParams) -> Iterator[Vault]:
    opened, _code = Vault.create(tmp_path / "v", "pass phrase here", kdf=fast_kdf)
    yield opened
    opened.close()


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """What the supporter is told, in order, as (text, is_a_problem)."""
    said: list[tuple[str, bool]] = []

    def inform(parent: QWidget | None, text: str, *, problem: bool = False) -> None:
        said.append((text, problem))

    monkeypatch.setattr(dialogs, "inform", inform)
    dialogs.clear_answers()
    return said


def own_template() -> bytes:
    """A coordinator's template: the built-in first conversation under its own id."""
    source = (resource_path("checklists") / "first-conversation.toml").read_bytes()
    source = source.replace(b'id = "first-conversation"', b'id = "coordinators-own"', 1)
    return source.replace(b'title = "First conversation"', f'title = "{OWN_TITLE}"'.encode(), 1)


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path | None, kind: str) -> None:
    def fake(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return (str(path) if path is not None else "", "")

    monkeypatch.setattr(QFileDialog, kind, staticmethod(fake))


def offered_titles(vault: Vault) -> set[str]:
    return {t.title for t in TemplateLibrary.from_vault(vault).current()}


# -- import ---------------------------------------------------------------------------------


def test_a_bad_file_says_file_line_and_field_and_nothing_changes(
    tmp_path: Path, vault: Vault, told: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "own.toml"
    first_label = b'label = "Find somewhere private and say how much time you have"'
    bad.write_bytes(own_template().replace(first_label, b"label = 42", 1))
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if text == "label = 42")
    before = (vault.templates.list(), offered_titles(vault))
    choose_file(monkeypatch, bad, "getOpenFileName")

    assert import_template_file(None, vault) is None
    ((text, problem),) = told
    assert problem
    assert "Nothing was changed" in text
    assert f"own.toml, line {line}, sections[0].items[0].label: must be text" in text
    assert str(tmp_path) not in text  # the file's name only, never its folder
    assert (vault.templates.list(), offered_titles(vault)) == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe not utf-8 \x80",
        b"id = [[[",
        b"x" * (2 * 1024 * 1024),
    ],
    ids=["empty", "bad encoding", "not toml", "huge"],
)
def test_hostile_files_are_refused_with_a_clear_message(
    tmp_path: Path,
    vault: Vault,
    told: list[tuple[str, bool]],
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
) -> None:
    path = tmp_path / "hostile.toml"
    path.write_bytes(content)
    choose_file(monkeypatch, path, "getOpenFileName")
    assert import_template_file(None, vault) is None
    ((text, problem),) = told
    assert problem
    assert text.count("hostile.toml") >= 1
    assert vault.templates.list() == []


def test_a_good_file_is_added_said_and_offered_for_new_sessions(
    qtbot: QtBot,
    tmp_path: Path,
    vault: Vault,
    told: list[tuple[str, bool]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = tmp_path / "own.toml"
    good.write_bytes(own_template())
    choose_file(monkeypatch, good, "getOpenFileName")
    person = vault.people.add("Heron")
    session = vault.sessions.add(person.id)
    panel = ChecklistPanel(vault, session.id)
    qtbot.addWidget(panel)
    panel.fill_add_menu()  # read once before the import, as an open session would have
    assert OWN_TITLE not in {a.text() for a in panel.add_menu.actions()}

    template = import_template_file(None, vault)
    assert template is not None
    ((text, problem),) = told
    assert not problem
    assert f"Added “{OWN_TITLE}”, version 1" in text
    panel.add_menu.aboutToShow.emit()
    assert OWN_TITLE in {a.text() for a in panel.add_menu.actions()}


def test_cancelling_the_file_question_changes_nothing(
    vault: Vault, told: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    choose_file(monkeypatch, None, "getOpenFileName")
    assert import_template_file(None, vault) is None
    assert told == []


# -- export ---------------------------------------------------------------------------------


def test_export_writes_the_exact_source_privately_and_remembers_the_path(
    tmp_path: Path, vault: Vault, told: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    file_dialogs.forget_remembered_files()
    target = tmp_path / "out" / "first.toml"
    target.parent.mkdir()
    choose_file(monkeypatch, target, "getSaveFileName")
    dialogs.answer_next("first-conversation")  # which template

    assert export_template_file(None, vault) == target
    shipped = (resource_path("checklists") / "first-conversation.toml").read_bytes()
    assert target.read_bytes() == shipped
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["first.toml"]  # no temp file left
    assert str(target.resolve()) in file_dialogs._touched  # scrubbed from recent files at lock
    ((text, problem),) = told
    assert not problem
    assert "Exported “First conversation”, version 1" in text


def test_an_imported_template_exports_byte_for_byte(
    tmp_path: Path, vault: Vault, told: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = own_template().replace(b"\n", b"\r\n")  # Windows line ends stay as they were
    own = tmp_path / "own.toml"
    own.write_bytes(source)
    choose_file(monkeypatch, own, "getOpenFileName")
    assert import_template_file(None, vault) is not None
    target = tmp_path / "back.toml"
    choose_file(monkeypatch, target, "getSaveFileName")
    dialogs.answer_next("coordinators-own")
    assert export_template_file(None, vault) == target
    assert target.read_bytes() == source


def test_cancelling_the_export_writes_nothing(
    tmp_path: Path, vault: Vault, told: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogs.answer_next(None)  # no template chosen
    assert export_template_file(None, vault) is None
    target = tmp_path / "never.toml"
    choose_file(monkeypatch, None, "getSaveFileName")
    dialogs.answer_next("first-conversation")
    assert export_template_file(None, vault) is None
    assert not target.exists()
    assert told == []


# -- the menu ---------------------------------------------------------------------------------


def test_the_tools_menu_has_both_actions_and_they_wait_for_the_vault(
    qtbot: QtBot, vault_directory: Path, fast_kdf: KdfParams
) -> None:
    window = AppWindow(vault_directory, kdf=fast_kdf)
    qtbot.addWidget(window)
    try:
        menus = {menu.title(): menu for menu in window.menuBar().findChildren(QMenu)}
        tools = menus["&Tools"]
        texts = [action.text() for action in tools.actions() if not action.isSeparator()]
        assert texts[:2] == ["Import checklist template…", "Export checklist template…"]
        assert not any(a.isEnabled() for a in tools.actions() if not a.isSeparator())  # locked
    finally:
        window.shutdown()
