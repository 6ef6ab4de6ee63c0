"""The composition root: parse arguments, harden the process, pick the vault folder, run the GUI.

Qt and everything heavy is imported inside :func:`run_gui` only, so that
``peerdesk --version`` and ``--help`` answer at once, need no display, and never
load a GUI toolkit into a process that only wanted to print a line.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .i18n import _
from .paths import APP_NAME, DATA_DIR_ENV, resolve_data_dir, vault_dir

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from .store import KdfParams



class _ArgumentParser(argparse.ArgumentParser):
    """An argument parser whose epilog is written only when help is shown."""

    lazy_epilog: Callable[[], str] | None = None

    def format_help(self) -> str:
        if self.lazy_epilog is not None:
            self.epilog, self.lazy_epilog = self.lazy_epilog(), None
        return super().format_help()


def _data_folder_epilog() -> str:
    # The OS default folder costs an import (platformdirs): worked out for --help only.
    default_dir = resolve_data_dir(None, environ={})
    return _(
        "The data folder is the first of:\n"
        "  --data-dir DIR\n"
        "  the {env} environment variable\n"
        "  {default}\n"
        "The vault is kept in its 'vault' subfolder."
    ).format(env=DATA_DIR_ENV, default=default_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog=APP_NAME,
        description=_("peerdesk: an offline, encrypted notebook for workplace peer supporters."),
        # Raw, so a long default path is never broken at a hyphen.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.lazy_epilog = _data_folder_epilog
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_("use DIR as the data folder (for example a folder on an encrypted drive)"),
    )
    # Exclusive with --data-dir: practice must never touch a real vault.
    where.add_argument(
        "--practice",
        action="store_true",
        help=_(
            "open a throwaway vault of fictional colleagues, for training "
            "(passphrase: practice); it is deleted when peerdesk closes"
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    stats = commands.add_parser(
        "stats",
        help=_("programme statistics without opening a vault (see: peerdesk stats merge --help)"),
        description=_("Anonymous programme statistics."),
    )
    stats_commands = stats.add_subparsers(dest="stats_command", metavar="ACTION", required=True)
    merge = stats_commands.add_parser(
        "merge",
        help=_("add up several supporters' statistics CSV files into one report"),
        description=_(
            "Add up statistics CSV files exported by several supporters (for the same "
            "months) into one report: a PDF with charts, or a CSV, chosen by the output "
            "file's extension. Counts below 5 stay hidden; where one was hidden, the "
            "sum is shown as a range. A file that is not a valid peerdesk statistics "
            "file is named with the line at fault, and nothing is written."
        ),
    )
    merge.add_argument("files", nargs="+", metavar="FILE", help=_("a statistics CSV file"))
    merge.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="REPORT",
        help=_("where to write the merged report: a .pdf or .csv file"),
    )
    return parser


def run_stats_merge(files: Sequence[str], output: str) -> int:
    """``peerdesk stats merge``: check every file, add them up, write one report.

    Any problem goes to stderr with the file (and line) at fault, and the exit
    status is 1; nothing is written unless everything checked out.
    """
    from .stats import StatsFileError, read_and_merge, template_titles, write_report
    from .store import VaultError

    target = Path(output)
    if target.suffix.lower() not in (".pdf", ".csv"):
        print(
            _("{prog}: the report must be a .pdf or .csv file, not {name!r}").format(
                prog=APP_NAME, name=target.name
            ),
            file=sys.stderr,
        )
        return 2
    try:
        report = read_and_merge([Path(name) for name in files])
        write_report(target, report, template_titles())
    except (StatsFileError, VaultError) as exc:
        print(f"{APP_NAME}: {exc}", file=sys.stderr)
        return 1
    if report.reports == 1:
        done = _("Wrote {name} from one report.")
    else:
        done = _("Wrote {name}, adding up {count} reports.")
    print(done.format(name=target.name, count=report.reports))
    return 0


def harden_process() -> None:
    """Process-wide hygiene before any secret is in memory.

    - umask 077: anything this process creates (vault files, SQLite's WAL and
      shared-memory files, Qt's caches) is private to the user from the start.
    - no core dumps: a crash must not write the unlocked data key or note text
      to disk (systemd-coredump, apport, ``core`` files).
    No logging is configured anywhere: there is nothing to leak into a log.
    """
    os.umask(0o077)
    try:
        import resource
    except ImportError:  # Windows has no RLIMIT_CORE (and no core files).
        return
    # A sandbox may refuse; peerdesk still runs, as safe as the system allows.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for the ``peerdesk`` command and ``python -m peerdesk``."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    harden_process()
    if args.command == "stats":
        return run_stats_merge(args.files, args.output)
    if args.practice:
        from .practice import PracticeSession

        with PracticeSession() as practice:
            return run_gui(practice.data_dir, practice=True)
    return run_gui(resolve_data_dir(args.data_dir))


def configure_application(app: QApplication) -> None:
    """Names and look. The names only locate QSettings; peerdesk never writes content there."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    from .ui.look import apply_look, follow_system_look

    apply_look(app)
    follow_system_look(app)


def build_main_window(
    data_dir: Path, *, kdf: KdfParams | None = None, practice: bool = False
) -> QMainWindow:
    """Build the whole app for ``data_dir`` without entering the event loop.

    ``kdf=None`` calibrates Argon2id on this machine; only tests pass cheaper
    parameters, explicitly. Production never weakens the KDF. ``practice`` marks
    every screen as practice mode (fictional data).
    """
    from PySide6.QtWidgets import QApplication

    from .ui.app_window import AppWindow

    app = QApplication.instance()
    if app is None:
        # Qt sees only the program name: our own arguments were parsed already, and
        # Qt's (-platform, -style, ...) are not part of peerdesk's interface.
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    if isinstance(app, QApplication):
        configure_application(app)
    return AppWindow(vault_dir(Path(data_dir)), kdf=kdf, practice=practice)


def run_gui(data_dir: Path, *, practice: bool = False) -> int:
    """Build the window, show it, and run the event loop until quit."""
    import signal

    from PySide6.QtWidgets import QApplication

    window = build_main_window(data_dir, practice=practice)
    window.show()
    # SIGTERM (logout, shutdown) becomes an orderly quit: save, lock, close the vault,
    # and let practice mode remove its folder.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: window.close())
    # Python runs signal handlers only between bytecodes; a slow idle timer gives
    # it that chance while Qt's event loop waits in C++.
    from PySide6.QtCore import QTimer

    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(500)
    return QApplication.exec()
