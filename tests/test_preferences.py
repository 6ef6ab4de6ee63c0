"""Settings declared once, read safely, written strictly, and kept inside the vault."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from peerdesk import preferences
from peerdesk.preferences import (
    ALL_SETTINGS,
    AUTO_LOCK_MINUTES,
    CLIPBOARD_CLEAR_SECONDS,
    LOCK_ON_MINIMISE,
    SUPPORTER_CONTACT,
    SUPPORTER_NAME,
    SUPPORTER_ROLE,
    MemorySettings,
    Preferences,
    by_key,
)
from peerdesk.store import KdfParams, Vault

from .conftest import HOSTILE_TEXTS, LONE_SURROGATE


@pytest.fixture
def prefs() -> Preferences:
    return Preferences(MemorySettings())


def test_defaults_are_the_ones_the_issue_asks_for(prefs: Preferences) -> None:
    assert prefs.get(AUTO_LOCK_MINUTES) == 5
    assert prefs.get(LOCK_ON_MINIMISE) is False
    assert prefs.get(CLIPBOARD_CLEAR_SECONDS) == 30
    assert prefs.get(SUPPORTER_NAME) == ""
    assert prefs.get(SUPPORTER_ROLE) == ""
    assert prefs.get(SUPPORTER_CONTACT) == ""


def test_each_setting_is_declared_once_with_a_label() -> None:
    keys = [s.key for s in ALL_SETTINGS]
    assert len(keys) == len(set(keys))
    labels = [s.label for s in ALL_SETTINGS]
    assert all(labels)
    assert len(labels) == len(set(labels))
    for setting in ALL_SETTINGS:
        assert isinstance(setting.default, setting.kind)
        assert setting.problem(setting.default) is None
        assert by_key(setting.key) is setting
    with pytest.raises(KeyError):
        by_key("no.such.setting")


def test_limits() -> None:
    assert (AUTO_LOCK_MINUTES.minimum, AUTO_LOCK_MINUTES.maximum) == (1, 240)
    assert (CLIPBOARD_CLEAR_SECONDS.minimum, CLIPBOARD_CLEAR_SECONDS.maximum) == (5, 600)
    for text_setting in (SUPPORTER_NAME, SUPPORTER_ROLE, SUPPORTER_CONTACT):
        assert text_setting.max_length == 200


def test_values_round_trip(prefs: Preferences) -> None:
    prefs.set(AUTO_LOCK_MINUTES, 240)
    prefs.set(LOCK_ON_MINIMISE, True)
    prefs.set(CLIPBOARD_CLEAR_SECONDS, 5)
    prefs.set(SUPPORTER_NAME, "Sam Okafor")
    assert prefs.get(AUTO_LOCK_MINUTES) == 240
    assert prefs.get(LOCK_ON_MINIMISE) is True
    assert prefs.get(CLIPBOARD_CLEAR_SECONDS) == 5
    assert prefs.get(SUPPORTER_NAME) == "Sam Okafor"


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        (AUTO_LOCK_MINUTES, 0, "from 1 to 240"),
        (AUTO_LOCK_MINUTES, 241, "from 1 to 240"),
        (AUTO_LOCK_MINUTES, True, "whole number"),
        (AUTO_LOCK_MINUTES, 2.5, "whole number"),
        (AUTO_LOCK_MINUTES, "5", "whole number"),
        (CLIPBOARD_CLEAR_SECONDS, 4, "from 5 to 600"),
        (CLIPBOARD_CLEAR_SECONDS, 601, "from 5 to 600"),
        (LOCK_ON_MINIMISE, 1, "on or off"),
        (SUPPORTER_NAME, "x" * 201, "at most 200"),
        (SUPPORTER_ROLE, "Peer\nsupporter", "one line"),
        (SUPPORTER_CONTACT, "ext\u2028 4417", "one line"),
        (SUPPORTER_CONTACT, "ext\x00 4417", "control characters"),
        (SUPPORTER_NAME, LONE_SURROGATE, "broken character"),
        (SUPPORTER_NAME, None, "type some text"),
    ],
)
def test_writing_a_bad_value_raises_a_clear_message_and_stores_nothing(
    setting: preferences.Setting[int], value: object, says: str
) -> None:
    store = MemorySettings()
    with pytest.raises(ValueError, match=says) as raised:
        Preferences(store).set(setting, value)  # type: ignore[arg-type]
    assert setting.label in str(raised.value)
    assert store.values == {}


def test_the_longest_allowed_text_is_accepted(prefs: Preferences) -> None:
    prefs.set(SUPPORTER_CONTACT, "x" * 200)
    assert prefs.get(SUPPORTER_CONTACT) == "x" * 200


@pytest.mark.parametrize("name", ["right-to-left marks", "emoji", "cjk and devanagari"])
def test_names_in_any_script_are_accepted(prefs: Preferences, name: str) -> None:
    prefs.set(SUPPORTER_NAME, HOSTILE_TEXTS[name])
    assert prefs.get(SUPPORTER_NAME) == HOSTILE_TEXTS[name]


@pytest.mark.parametrize(
    ("setting", "stored"),
    [
        (AUTO_LOCK_MINUTES, "ten"),
        (AUTO_LOCK_MINUTES, 0),
        (AUTO_LOCK_MINUTES, 10_000),
        (AUTO_LOCK_MINUTES, True),
        (AUTO_LOCK_MINUTES, 7.0),
        (AUTO_LOCK_MINUTES, None),
        (LOCK_ON_MINIMISE, "yes"),
        (LOCK_ON_MINIMISE, 1),
        (CLIPBOARD_CLEAR_SECONDS, [30]),
        (SUPPORTER_NAME, {"first": "Sam"}),
        (SUPPORTER_NAME, "two\nlines"),
        (SUPPORTER_NAME, "y" * 5000),
    ],
)
def test_a_bad_stored_value_reads_as_the_default(
    setting: preferences.Setting[int], stored: object
) -> None:
    store = MemorySettings({setting.key: stored})  # type: ignore[dict-item]
    assert Preferences(store).get(setting) == setting.default


def test_an_unreadable_store_value_reads_as_the_default() -> None:
    class Broken(MemorySettings):
        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            raise ValueError("Expecting value: line 1 column 1")

    assert Preferences(Broken()).get(AUTO_LOCK_MINUTES) == 5


def test_settings_live_inside_the_vault_and_nowhere_else(
    tmp_path: Path, fast_kdf: KdfParams, isolated_environment: Path
) -> None:
    directory = tmp_path / "vault"
    vault, _code = Vault.create(directory, "correct horse battery staple", kdf=fast_kdf)
    with vault:
        prefs = Preferences(vault.settings)
        prefs.set(SUPPORTER_NAME, "Zanele Pillay-Whitcombe")
        prefs.set(AUTO_LOCK_MINUTES, 12)
    with Vault.open(directory, "correct horse battery staple", kdf=fast_kdf) as reopened:
        prefs = Preferences(reopened.settings)
        assert prefs.get(SUPPORTER_NAME) == "Zanele Pillay-Whitcombe"
        assert prefs.get(AUTO_LOCK_MINUTES) == 12
    # Not in any file in plain text: not the vault's, not a config file.
    for root in (tmp_path, isolated_environment):
        for path in root.rglob("*"):
            if path.is_file():
                assert b"Pillay-Whitcombe" not in path.read_bytes(), path


def test_preferences_do_not_import_qt() -> None:
    # Qt-free, so the domain (PDF rendering) can read the supporter's name headless.
    import subprocess

    code = (
        "import sys, peerdesk.preferences as p; "
        "p.Preferences(p.MemorySettings()).get(p.SUPPORTER_NAME); "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_source_that_is_locked_reads_defaults(prefs: Preferences) -> None:
    prefs.set(AUTO_LOCK_MINUTES, 9)
    assert preferences.read(prefs, AUTO_LOCK_MINUTES) == 9
    assert preferences.read(lambda: prefs, AUTO_LOCK_MINUTES) == 9
    assert preferences.read(lambda: None, AUTO_LOCK_MINUTES) == 5


def test_a_closed_vault_reads_defaults(tmp_path: Path, fast_kdf: KdfParams) -> None:
    vault, _code = Vault.create(tmp_path / "vault", "correct horse battery staple", kdf=fast_kdf)
    prefs = Preferences(vault.settings)
    prefs.set(LOCK_ON_MINIMISE, True)
    vault.close()
    assert prefs.get(LOCK_ON_MINIMISE) is False
