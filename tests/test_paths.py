"""Where the data folder is, and finding bundled resources from a checkout and from a wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import peerdesk
from peerdesk.paths import DATA_DIR_ENV, resolve_data_dir, resource_path, vault_dir

REPO = Path(__file__).resolve().parent.parent
QSS = ("style", "peerdesk.qss")


# -- data folder --------------------------------------------------------------------------


def test_command_line_wins_over_environment(tmp_path: Path) -> None:
    env = {DATA_DIR_ENV: str(tmp_path / "from-env")}
    assert resolve_data_dir(str(tmp_path / "from-cli"), env) == tmp_path / "from-cli"


def test_environment_wins_over_the_default(tmp_path: Path) -> None:
    env = {DATA_DIR_ENV: str(tmp_path / "from-env")}
    assert resolve_data_dir(None, env) == tmp_path / "from-env"


def test_default_is_the_platform_user_data_folder(isolated_environment: Path) -> None:
    # conftest points XDG_DATA_HOME at the test's own folder; platformdirs follows it.
    expected = isolated_environment / "data" / "peerdesk"
    assert resolve_data_dir(None, {}) == expected
    assert resolve_data_dir(None) == expected  # the real environment, isolated by conftest


def test_empty_values_count_as_not_given(isolated_environment: Path) -> None:
    assert resolve_data_dir("", {DATA_DIR_ENV: ""}) == isolated_environment / "data" / "peerdesk"


def test_home_is_expanded_and_relative_paths_made_absolute(
    isolated_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_data_dir("~/notes", {}) == isolated_environment / "notes"
    assert resolve_data_dir(None, {DATA_DIR_ENV: "~/env-notes"}) == (
        isolated_environment / "env-notes"
    )
    monkeypatch.chdir(tmp_path)
    resolved = resolve_data_dir("relative/dir", {})
    assert resolved.is_absolute()
    assert resolved == tmp_path / "relative" / "dir"


def test_the_vault_is_the_vault_subfolder(tmp_path: Path) -> None:
    assert vault_dir(tmp_path) == tmp_path / "vault"


# -- resources ----------------------------------------------------------------------------


def test_stylesheet_is_found_in_this_checkout() -> None:
    found = resource_path(*QSS)
    assert found == REPO / "resources" / "style" / "peerdesk.qss"
    assert "QLineEdit" in found.read_text(encoding="utf-8")


def _fake_layout(root: Path, *, packaged: bool, checkout: bool) -> Path:
    package = root / "peerdesk"
    package.mkdir(parents=True)
    for base, present in ((package, packaged), (root, checkout)):
        if present:
            (base / "resources" / "style").mkdir(parents=True)
            (base / "resources" / "style" / "peerdesk.qss").write_text(str(base))
    return package


def test_the_packaged_copy_is_preferred(tmp_path: Path) -> None:
    package = _fake_layout(tmp_path, packaged=True, checkout=True)
    assert resource_path(*QSS, package_dir=package) == package / "resources/style/peerdesk.qss"


def test_the_checkout_copy_is_the_fallback(tmp_path: Path) -> None:
    package = _fake_layout(tmp_path, packaged=False, checkout=True)
    assert resource_path(*QSS, package_dir=package) == tmp_path / "resources/style/peerdesk.qss"


def test_a_missing_resource_is_an_error(tmp_path: Path) -> None:
    package = _fake_layout(tmp_path, packaged=False, checkout=False)
    with pytest.raises(FileNotFoundError, match="style/peerdesk.qss"):
        resource_path(*QSS, package_dir=package)


@pytest.mark.parametrize("parts", [(), ("..", "pyproject.toml"), ("/etc", "passwd"), ("",)])
def test_resource_names_stay_inside_resources(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="relative names"):
        resource_path(*parts)


def test_an_installed_wheel_carries_and_finds_its_resources(tmp_path: Path) -> None:
    """Build the real wheel, unpack it, and import peerdesk from there, not from the checkout.

    Unpacking is what installing a pure-Python wheel does to the package files,
    without a second virtual environment: a couple of seconds, not a minute.
    """
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("peerdesk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "peerdesk/resources/style/peerdesk.qss" in names
        assert "peerdesk/paths.py" in names
        site = tmp_path / "site"
        archive.extractall(site)

    probe = (
        "import peerdesk, peerdesk.paths as p; "
        "print(peerdesk.__file__); print(p.resource_path('style', 'peerdesk.qss'))"
    )
    # PYTHONPATH comes before site-packages (and so before the editable checkout);
    # running from tmp_path keeps the current folder from shadowing it.
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    package_file, qss = (Path(line) for line in run.stdout.splitlines())
    assert package_file == site / "peerdesk" / "__init__.py"
    assert qss == site / "peerdesk" / "resources" / "style" / "peerdesk.qss"
    assert qss.read_bytes() == (REPO / "resources" / "style" / "peerdesk.qss").read_bytes()
    assert Path(peerdesk.__file__).resolve().parent == REPO / "peerdesk"  # this process untouched
