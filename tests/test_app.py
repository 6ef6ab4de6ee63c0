"""The command line and the composition root: flags, data folder, hygiene, lazy imports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import peerdesk
from peerdesk import app
from peerdesk.paths import DATA_DIR_ENV, vault_dir

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("PySide6", "shiboken6", "reportlab")


def run_peerdesk(
    *args: str, env: dict[str, str] | None = None, python_flags: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *python_flags, "-m", "peerdesk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


# -- flags --------------------------------------------------------------------------------


def test_version_prints_name_and_version() -> None:
    result = run_peerdesk("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"peerdesk {peerdesk.__version__}\n"
    assert peerdesk.__version__ == "0.1.0"


def test_the_installed_command_answers_too() -> None:
    command = Path(sys.executable).parent / "peerdesk"
    if not command.exists():
        pytest.skip("peerdesk is not installed as a command in this environment")
    result = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "peerdesk 0.1.0\n")


def test_help_names_the_data_folder_and_where_it_is_by_default(
    isolated_environment: Path,
) -> None:
    result = run_peerdesk("--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # argparse wraps lines wherever it likes
    assert text.startswith("usage: peerdesk")
    assert "--data-dir DIR" in text
    assert "--version" in text
    assert DATA_DIR_ENV in text
    assert str(isolated_environment / "data" / "peerdesk") in text


def test_an_unknown_flag_is_a_usage_error() -> None:
    result = run_peerdesk("--frobnicate")
    assert result.returncode == 2
    assert "usage: peerdesk" in result.stderr
    assert app.main(["--frobnicate"]) == 2


def test_main_returns_exit_codes_instead_of_raising(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--version"]) == 0
    assert capsys.readouterr().out == "peerdesk 0.1.0\n"
    assert app.main(["--help"]) == 0


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_never_import_qt_or_reportlab(flag: str) -> None:
    # -X importtime lists every module imported, on stderr, whatever the code does.
    result = run_peerdesk(flag, python_flags=("-X", "importtime"))
    assert result.returncode == 0
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "peerdesk.app" in imported  # the probe works
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    assert heavy == []


def test_sys_modules_stays_free_of_qt_after_main_version() -> None:
    probe = textwrap.dedent(
        """
        import sys
        from peerdesk.app import main
        assert main(["--version"]) == 0
        print(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r}))
        """
    ).format(heavy=set(HEAVY))
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# -- data folder --------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Stand-ins for the hardening and the GUI, recording what main() hands them, in order."""
    calls: list[object] = []
    monkeypatch.setattr(app, "harden_process", lambda: calls.append("hardened"))

    def run_gui(data_dir: Path) -> int:
        calls.append(vault_dir(data_dir))  # where the window will look for the vault
        return 0

    monkeypatch.setattr(app, "run_gui", run_gui)
    return calls


def test_data_dir_flag_picks_the_vault_folder(started: list[object], tmp_path: Path) -> None:
    assert app.main(["--data-dir", str(tmp_path / "d")]) == 0
    assert started == ["hardened", tmp_path / "d" / "vault"]  # hardened before anything else


def test_data_dir_flag_expands_home(started: list[object], isolated_environment: Path) -> None:
    assert app.main(["--data-dir", "~/private"]) == 0
    assert started[-1] == isolated_environment / "private" / "vault"


def test_environment_variable_is_used_without_the_flag(
    started: list[object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert app.main([]) == 0
    assert started[-1] == tmp_path / "env" / "vault"


def test_flag_wins_over_environment_variable(
    started: list[object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "env"))
    assert app.main(["--data-dir", str(tmp_path / "cli")]) == 0
    assert started[-1] == tmp_path / "cli" / "vault"


def test_platform_default_without_flag_or_variable(
    started: list[object], isolated_environment: Path
) -> None:
    assert app.main([]) == 0
    assert started[-1] == isolated_environment / "data" / "peerdesk" / "vault"


# -- hygiene and the real start ------------------------------------------------------------


def test_hardening_sets_a_private_umask_and_disables_core_dumps() -> None:
    # In a child process: the hard core limit cannot be raised again afterwards.
    probe = (
        "import os, resource; from peerdesk.app import harden_process; harden_process(); "
        "print(oct(os.umask(0o077))); print(resource.getrlimit(resource.RLIMIT_CORE))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["0o77", "(0, 0)"]


def test_the_real_start_shows_the_first_run_screen_and_writes_nothing(tmp_path: Path) -> None:
    """``python -m peerdesk --data-dir X`` for real, offscreen, quitting once the screen is up."""
    data = tmp_path / "data"
    probe = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        import peerdesk.ui.app_window as window_module

        original_show = window_module.AppWindow.show

        def show_then_quit(self):
            original_show(self)

            def report():
                app = QApplication.instance()
                windows = [w for w in app.topLevelWidgets() if w.isVisible()]
                print("titles", [w.windowTitle() for w in windows])
                print("page", self.lock_screen.current_page)
                print("names", app.applicationName(), app.organizationName())
                print("styled", "QLineEdit" in app.styleSheet())
                app.quit()

            QTimer.singleShot(0, report)

        window_module.AppWindow.show = show_then_quit
        from peerdesk.app import main
        sys.exit(main(["--data-dir", sys.argv[1]]))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "titles ['peerdesk']" in lines
    assert "page first run" in lines
    assert "names peerdesk peerdesk" in lines
    assert "styled True" in lines
    assert not data.exists()  # nothing is written until the person creates a vault
    assert "Traceback" not in result.stderr


# -- the README and CI agree ----------------------------------------------------------------


def readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^(python3 -m venv \.venv && .+)$", readme, flags=re.MULTILINE)


def test_readme_gives_exactly_two_setup_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2, commands
    run, test = commands
    assert run.endswith(".venv/bin/peerdesk")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_practice_mode_shows_its_banner_and_leaves_nothing_behind(
    isolated_environment: Path,
) -> None:
    probe = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QLabel
        import peerdesk.ui.app_window as window_module

        original_show = window_module.AppWindow.show

        def show_then_quit(self):
            original_show(self)

            def report():
                banner = [w for w in self.findChildren(QLabel)
                          if w.accessibleName() == "Practice mode" and w.isVisible()]
                print("banner", bool(banner) and "fictional" in banner[0].text())
                print("page", self.lock_screen.current_page)
                self.close()

            QTimer.singleShot(0, report)

        window_module.AppWindow.show = show_then_quit
        from peerdesk.app import main
        sys.exit(main(["--practice"]))
        """
    )
    temp = isolated_environment / "tmp"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(temp)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "banner True" in result.stdout.splitlines()
    assert "page unlock" in result.stdout.splitlines()
    assert list(temp.glob("peerdesk-practice-*")) == []
    assert "Traceback" not in result.stderr


def test_practice_mode_never_takes_a_data_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--practice", "--data-dir", "/tmp/real"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


# -- peerdesk stats merge -------------------------------------------------------------------


def stats_file(path: Path, count: int) -> Path:
    from peerdesk.stats import Month, suppress, to_csv
    from peerdesk.store.statistics import Activity

    activity = Activity(
        conversations={("2025-01", "phone"): count, ("2025-02", "chat"): 2},
        concerns={"threats": count},
    )
    path.write_bytes(to_csv(suppress(activity, Month(2025, 1), Month(2025, 2))))
    return path


def test_stats_merge_writes_a_pdf_of_the_sums(tmp_path: Path) -> None:
    a, b = stats_file(tmp_path / "a.csv", 6), stats_file(tmp_path / "b.csv", 8)
    out = tmp_path / "report.pdf"
    result = run_peerdesk("stats", "merge", str(a), str(b), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "report.pdf" in result.stdout
    assert "2 reports" in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600
    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(out).pages)
    assert "14" in text
    assert "January 2025 to February 2025" in text


def test_stats_merge_writes_a_csv_by_extension(tmp_path: Path) -> None:
    a, b = stats_file(tmp_path / "a.csv", 6), stats_file(tmp_path / "b.csv", 8)
    out = tmp_path / "merged.csv"
    assert app.main(["stats", "merge", str(a), str(b), "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[3] == "reports,2"
    assert "concerns,threats,,14" in lines
    assert "sessions,chat,2025-02,<=8" in lines  # two hidden counts: a ceiling, not a 4


def test_stats_merge_names_a_malformed_file_and_writes_nothing(tmp_path: Path) -> None:
    a = stats_file(tmp_path / "report-a.csv", 6)
    b = stats_file(tmp_path / "report-b.csv", 6)
    lines = b.read_text().splitlines()
    lines[6] = lines[6].rsplit(",", 1)[0] + ",abc"
    b.write_text("\n".join(lines) + "\n")
    out = tmp_path / "report.pdf"
    result = run_peerdesk("stats", "merge", str(a), str(b), "-o", str(out))
    assert result.returncode == 1
    assert result.stderr == "peerdesk: report-b.csv, line 7: 'abc' is not a count\n"
    assert not out.exists()
    assert "Traceback" not in result.stderr


def test_stats_merge_wants_a_pdf_or_csv_and_some_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = stats_file(tmp_path / "a.csv", 6)
    assert app.main(["stats", "merge", str(a), "-o", str(tmp_path / "r.txt")]) == 2
    assert ".pdf or .csv" in capsys.readouterr().err
    assert app.main(["stats", "merge", "-o", str(tmp_path / "r.pdf")]) == 2
    assert not (tmp_path / "r.pdf").exists()


def test_stats_merge_never_imports_qt(tmp_path: Path) -> None:
    a = stats_file(tmp_path / "a.csv", 6)
    result = run_peerdesk(
        "stats", "merge", str(a), "-o", str(tmp_path / "r.csv"), python_flags=("-X", "importtime")
    )
    assert result.returncode == 0
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "peerdesk.stats" in imported
    assert not [m for m in imported if m.split(".")[0] in ("PySide6", "shiboken6", "reportlab")]
