"""Where peerdesk keeps its data, and where its bundled resources are. No Qt.

The data folder holds the vault in its ``vault`` subfolder, so that later
additions (exports staging, logs of non-content events) never mix with the
vault's own files, and backing up means copying one folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "peerdesk"
DATA_DIR_ENV = "PEERDESK_DATA_DIR"
VAULT_SUBDIR = "vault"

# peerdesk/ : in an installed wheel, pyproject force-includes resources/ here.
_PACKAGE_DIR = Path(__file__).resolve().parent


def resolve_data_dir(cli_value: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder: ``--data-dir`` wins, then ``$PEERDESK_DATA_DIR``, then the OS default.

    ``~`` is expanded and the result made absolute, so a later change of working
    directory cannot move the vault. An empty value counts as not given: an
    exported-but-empty variable should not put the vault in the current folder.
    """
    env = os.environ if environ is None else environ
    for value in (cli_value, env.get(DATA_DIR_ENV)):
        if value:
            return Path(value).expanduser().absolute()
    import platformdirs  # only here: it imports tempfile, shutil, bz2, ... at start-up

    # appauthor=False: no "peerdesk\peerdesk" nesting on Windows.
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).absolute()


def vault_dir(data_dir: Path) -> Path:
    """The vault folder inside a data folder (``vault.db``, ``keyslots.json``, ``vault.lock``)."""
    return data_dir / VAULT_SUBDIR


def resource_path(*parts: str, package_dir: Path = _PACKAGE_DIR) -> Path:
    """Path to a bundled resource such as ``resource_path("style", "peerdesk.qss")``.

    An installed wheel carries the resources inside the package
    (``peerdesk/resources``); a checkout or editable install has them at the
    repository root. The packaged copy is preferred, so an installed peerdesk
    never picks up files from whatever folder it happens to sit beside.
    """
    if not parts or any(p in ("", ".", "..") or Path(p).is_absolute() for p in parts):
        raise ValueError("resource_path takes relative names inside resources/")
    for root in (package_dir / "resources", package_dir.parent / "resources"):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"peerdesk resource not found: {'/'.join(parts)}")
