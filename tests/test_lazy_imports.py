"""Start-up stays light: the lock screen shows before the vault's heavy modules load.

The window is built in a fresh process, as ``peerdesk --data-dir DIR`` builds it
(peerdesk.app: parse, harden, build_main_window, show), and its ``sys.modules`` is
read once the lock screen has been shown. The cryptography, Argon2, SQLCipher,
keyring and PDF libraries, the vault's own modules, and the lock-screen pages not
shown are all imported on first use instead, not before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import peerdesk.store
from peerdesk.store import KdfParams, Keychain, Vault
from peerdesk.ui import lock_screen

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"

# Not imported while the lock screen is shown, whichever page it shows.
NEVER_AT_START = (
    "sqlcipher3",
    "cryptography",
    "argon2",
    "keyring",
    "reportlab",
    "pypdf",
    "platformdirs",
    "peerdesk.store.vault",
    "peerdesk.store.db",
    "peerdesk.store.backup",
    "peerdesk.store.keychain",
    "peerdesk.store.audit",
    "peerdesk.store.integrity",
    "peerdesk.store.settings",
    "peerdesk.passphrase_strength",
    "peerdesk.recovery_sheet",
    "peerdesk.ui.restore_page",
    "peerdesk.ui.backup_dialog",
    "peerdesk.ui.recovery_code_page",
    "peerdesk.ui.recovery_unlock_page",
    "peerdesk.ui.file_dialogs",
    "peerdesk.ui.workspace",
    "peerdesk.ui.vault_tools",
)

PROBE = textwrap.dedent(
    """
    import json
    import sys
    from pathlib import Path

    from peerdesk.app import build_main_window, build_parser, harden_process

    data_dir = sys.argv[1]
    build_parser().parse_args(["--data-dir", data_dir])
    harden_process()
    window = build_main_window(Path(data_dir))
    window.show()
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    state = {
        "page": window.lock_screen.current_page,
        "keychain_offered": not window.lock_screen.unlock_page.keychain_button.isHidden()
        if window.lock_screen.current_page == "unlock"
        else None,
        "modules": sorted(sys.modules),
    }
    print(json.dumps(state))
    window.shutdown()
    """
)


class _MemoryKeyring:
    """Just enough of a keyring backend for ``Keychain``: this process only."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def _start(data_dir: Path) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(  # noqa: S603 - our own interpreter, our own probe
        [sys.executable, "-c", PROBE, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    state: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return state


def _loaded(state: dict[str, object], names: tuple[str, ...]) -> list[str]:
    modules = state["modules"]
    assert isinstance(modules, list)
    return sorted(
        m for m in modules if any(m == name or m.startswith(name + ".") for name in names)
    )


def test_first_run_shows_without_the_heavy_modules(tmp_path: Path) -> None:
    state = _start(tmp_path / "data")
    assert state["page"] == "first run"
    assert "peerdesk.ui.first_run_page" in state["modules"]  # type: ignore[operator]
    assert _loaded(state, (*NEVER_AT_START, "peerdesk.store.keyslots")) == []


def test_unlock_shows_without_the_heavy_modules(tmp_path: Path, fast_kdf: KdfParams) -> None:
    Vault.create(tmp_path / "data" / "vault", PASSPHRASE, kdf=fast_kdf)[0].close()
    state = _start(tmp_path / "data")
    assert state["page"] == "unlock"
    assert state["keychain_offered"] is False
    not_shown = ("peerdesk.ui.first_run_page", "peerdesk.ui.vault_mode_choice")
    assert _loaded(state, (*NEVER_AT_START, *not_shown, "peerdesk.store.keyslots")) == []


def test_a_remembered_vault_offers_the_keychain_still_without_crypto(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    vault = Vault.create(tmp_path / "data" / "vault", PASSPHRASE, kdf=fast_kdf)[0]
    try:
        vault.remember_on_this_computer(Keychain(_MemoryKeyring()))
    finally:
        vault.close()
    state = _start(tmp_path / "data")
    assert state["page"] == "unlock"
    assert state["keychain_offered"] is True
    assert _loaded(state, NEVER_AT_START) == []


# -- the lock screen's light reading of the vault folder agrees with Vault's --------


def _folders(tmp_path: Path, fast_kdf: KdfParams) -> dict[str, Path]:
    folders = {name: tmp_path / name for name in ("missing", "empty", "plain", "remembered")}
    folders["empty"].mkdir()
    Vault.create(folders["plain"], PASSPHRASE, kdf=fast_kdf)[0].close()
    vault = Vault.create(folders["remembered"], PASSPHRASE, kdf=fast_kdf)[0]
    try:
        vault.remember_on_this_computer(Keychain(_MemoryKeyring()))
    finally:
        vault.close()
    slots = (folders["remembered"] / lock_screen.SLOTS_NAME).read_bytes()
    # Damaged in several ways (garbled, truncated, a folder in its place), and one
    # with the keychain slot's kind written with a \u escape: the same slots.
    for name, raw in {
        "garbled": b"\x00\xff not json",
        "truncated": slots[: len(slots) // 2],
        "escaped": slots.replace(b'"keychain"', b'"\\u006beychain"'),
        "directory": None,
    }.items():
        folder = folders[name] = tmp_path / name
        folder.mkdir()
        if raw is None:
            (folder / lock_screen.SLOTS_NAME).mkdir()
        else:
            (folder / lock_screen.SLOTS_NAME).write_bytes(raw)
    only_db = folders["only db"] = tmp_path / "only db"
    only_db.mkdir()
    (only_db / lock_screen.DB_NAME).write_bytes(b"")
    return folders


def test_the_light_folder_checks_agree_with_the_vault(tmp_path: Path, fast_kdf: KdfParams) -> None:
    from peerdesk.store import keyslots, vault

    assert (lock_screen.SLOTS_NAME, lock_screen.DB_NAME) == (vault.SLOTS_NAME, vault.DB_NAME)
    assert keyslots.KEYCHAIN == "keychain"
    folders = _folders(tmp_path, fast_kdf)
    for name, folder in folders.items():
        assert lock_screen.vault_exists(folder) == Vault.exists(folder), name
        assert lock_screen.vault_is_remembered(folder) == Vault.is_remembered(folder), name
    assert lock_screen.vault_is_remembered(folders["remembered"])
    assert not lock_screen.vault_is_remembered(folders["plain"])


def test_an_escaped_keychain_kind_is_still_read_as_a_keychain_slot(
    tmp_path: Path, fast_kdf: KdfParams
) -> None:
    """The quick "no 'keychain' in the file" answer is never taken for a \\u escape."""
    from peerdesk.store.keyslots import KeySlots

    folder = tmp_path / "vault"
    vault = Vault.create(folder, PASSPHRASE, kdf=fast_kdf)[0]
    try:
        vault.remember_on_this_computer(Keychain(_MemoryKeyring()))
    finally:
        vault.close()
    slots_file = folder / lock_screen.SLOTS_NAME
    slots = KeySlots.from_bytes(slots_file.read_bytes())
    doc = json.loads(slots.to_bytes())  # the checks hold: they cover the decoded slots
    text = json.dumps(doc).replace('"keychain"', '"\\u006beychain"')
    assert "keychain" not in text
    slots_file.write_text(text)
    assert Vault.is_remembered(folder)
    assert lock_screen.vault_is_remembered(folder)


# -- the store package: every name still importable from it ---------------------------


@pytest.mark.parametrize("name", peerdesk.store.__all__)
def test_every_store_name_is_still_importable(name: str) -> None:
    value = getattr(peerdesk.store, name)
    module = peerdesk.store._LAZY.get(name, "errors")  # noqa: SLF001
    assert value is getattr(sys.modules[f"peerdesk.store.{module}"], name)


def test_an_unknown_store_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = peerdesk.store.no_such_name
    with pytest.raises(ImportError):
        from peerdesk.store import no_such_name  # noqa: F401


def test_the_lock_screen_still_re_exports_the_page_decisions() -> None:
    from peerdesk.passphrase_strength import new_passphrase_problem
    from peerdesk.recovery_sheet import recovery_code_lines

    assert lock_screen.new_passphrase_problem is new_passphrase_problem
    assert lock_screen.recovery_code_lines is recovery_code_lines
    with pytest.raises(AttributeError):
        _ = lock_screen.no_such_name
