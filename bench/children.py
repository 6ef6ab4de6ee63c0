"""Small programs the benchmark runs in a fresh process: ``python -m bench.children WHAT ...``.

- ``bare``: a bare PySide6 window; prints the wall-clock time of its first paint.
- ``app DATA_DIR``: peerdesk as ``peerdesk --data-dir DATA_DIR`` starts it; prints the
  wall-clock time the lock screen is first painted.
- ``memory VAULT_DIR QUERIES_JSON``: the workspace over the unlocked vault, searched
  with every query; prints peak RSS in KiB.
"""

from __future__ import annotations

import json
import sys
import time


def _first_paint_then_quit(window, app) -> None:  # noqa: ANN001
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Probe(QObject):
        done = False

        def eventFilter(self, watched, event):  # noqa: ANN001, N802
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                # After this paint is delivered, the window is on screen.
                QTimer.singleShot(0, lambda: (print(f"{time.time():.6f}", flush=True), app.quit()))
            return False

    probe = Probe(window)
    target = getattr(window, "lock_screen", window)
    target.installEventFilter(probe)
    window._bench_probe = probe  # noqa: SLF001 - keep it alive


def bare() -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1180, 760)
    _first_paint_then_quit(window, app)
    window.show()
    return app.exec()


def peerdesk_app(data_dir: str) -> int:
    # The same path as ``peerdesk --data-dir DIR`` (peerdesk.app.main -> run_gui), minus
    # the SIGTERM handler, with a probe for the lock screen's first paint.
    from pathlib import Path

    from peerdesk.app import build_main_window, build_parser, harden_process

    build_parser().parse_args(["--data-dir", data_dir])
    harden_process()
    from PySide6.QtWidgets import QApplication

    window = build_main_window(Path(data_dir))
    _first_paint_then_quit(window, QApplication.instance())
    window.show()
    return QApplication.exec()


def memory(vault_dir: str, queries_json: str) -> int:
    import resource
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from bench.generate import open_vault
    from peerdesk.app import configure_application
    from peerdesk.store.models import PersonId
    from peerdesk.ui.workspace import Workspace

    app = QApplication([sys.argv[0]])
    configure_application(app)
    vault = open_vault(Path(vault_dir))
    workspace = Workspace(vault)
    workspace.resize(1180, 760)
    workspace.show()
    app.processEvents()
    workspace.people.select(PersonId(1))  # the person with the longest timeline
    app.processEvents()
    for query in json.loads(queries_json):
        workspace.search(query)
        app.processEvents()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(peak, flush=True)
    workspace.deleteLater()
    vault.close()
    return 0


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "bare":
        sys.exit(bare())
    if what == "app":
        sys.exit(peerdesk_app(sys.argv[2]))
    if what == "memory":
        sys.exit(memory(sys.argv[2], sys.argv[3]))
    sys.exit(f"unknown: {what}")
