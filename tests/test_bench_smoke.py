"""The benchmark (``python -m bench``) runs at a toy size and writes valid JSON.

Only that it runs: the numbers are not asserted (timings belong to the benchmark,
not to tests). The slow measures (start-up subprocesses, backup, memory) are left out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_writes_json_with_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    subprocess.run(
        [
            sys.executable, "-m", "bench", "--quick",
            "--data", str(tmp_path / "data"),
            "--json", str(out),
            "--only", "search,paint,autosave,export",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    report = json.loads(out.read_text())
    assert report["size"] == "quick"
    assert report["machine"]["cores"] >= 1
    names = [row["name"] for row in report["results"]]
    assert any(name.startswith("search p95") for name in names)
    assert any(name.startswith("first paint: people list") for name in names)
    assert any(name.startswith("autosave") for name in names)
    assert any(name.startswith("export") for name in names)
    for row in report["results"]:
        assert row["result"] in ("pass", "MISS", "info")
        # A measure that crashed is reported with no value: the bench itself broke.
        assert row["value"] is not None, row
    # The generated vault went to the folder asked for, never into the repository.
    assert any((tmp_path / "data").iterdir())
