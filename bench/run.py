"""Run the benchmark: ``python -m bench`` (full size) or ``python -m bench --quick``.

Prints a table (measured value, target, pass or miss) and writes the same as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench import generate
from bench.measures import Result

ALL = ("startup", "unlock", "paint", "search", "autosave", "export", "backup", "memory",
       "responsiveness")


def machine() -> dict[str, object]:
    import PySide6
    import sqlcipher3

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    with contextlib.suppress(ValueError, OSError):
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    conn = sqlcipher3.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    conn.close()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(ram / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "sqlcipher": f"{cipher} (SQLite {sqlite})",
        "qt_platform": os.environ.get("QT_QPA_PLATFORM", ""),
    }


def table(results: list[Result]) -> str:
    rows = [("measure", "measured", "target", "result")]
    for r in results:
        value = "-" if r.value is None else f"{r.value:g} {r.unit}"
        rows.append((r.name, value, r.target or "-", r.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a toy-sized vault, few repeats")
    parser.add_argument("--json", metavar="PATH", default=str(Path(__file__).with_name(
        "results.json")), help="where to write the results (default: bench/results.json)")
    parser.add_argument("--data", metavar="DIR", help="the generated-vault cache folder")
    parser.add_argument("--only", metavar="NAMES", help=f"comma-separated subset of {ALL}")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    size = generate.QUICK if args.quick else generate.FULL
    only = set(args.only.split(",")) if args.only else set(ALL)
    unknown = only - set(ALL)
    if unknown:
        parser.error(f"unknown measures: {sorted(unknown)}")
    reps = {"startup": 2, "unlock": 3, "paint": 2, "search": 1, "autosave": 10, "export": 2,
            "backup": 1} if args.quick else {"startup": 15, "unlock": 9, "paint": 5, "search": 5,
                                             "autosave": 60, "export": 5, "backup": 3}

    from PySide6.QtWidgets import QApplication

    from peerdesk.app import configure_application

    app = QApplication.instance() or QApplication([sys.argv[0]])
    configure_application(app)  # the app's look, so paints cost what they cost in peerdesk

    from bench import measures

    started = time.perf_counter()
    gen = generate.ensure(size, Path(args.data) if args.data else None,
                          log=lambda m: print(m, file=sys.stderr))
    results: list[Result] = [
        Result("generation: vault rows + FTS index, one transaction", round(gen.seconds, 1), "s",
               "", None, ("cached from an earlier run" if gen.cached else "this run")
               + f"; {size.people} people, {size.sessions} sessions, {size.incidents} incidents")
    ]
    steps = [
        ("startup", lambda: measures.startup(gen, reps["startup"])),
        ("unlock", lambda: measures.unlock(gen, reps["unlock"])),
        ("paint", lambda: measures.first_paint(gen, reps["paint"])),
        ("search", lambda: measures.search(gen, reps["search"])),
        ("autosave", lambda: measures.autosave(gen, reps["autosave"])),
        ("export", lambda: measures.export(reps["export"])),
        ("backup", lambda: measures.backup(gen, reps["backup"])),
        ("memory", lambda: measures.memory(gen)),
        ("responsiveness", lambda: measures.responsiveness(gen)),
    ]
    for name, measure in steps:
        if name not in only:
            continue
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        try:
            results.extend(measure())
        except Exception as exc:  # noqa: BLE001 - one broken measure must not hide the rest
            failed = f"failed: {type(exc).__name__}: {exc}"
            results.append(Result(name, None, "", "", False, failed))
    print(table(results))
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    if notes:
        print("\n" + "\n".join(notes))
    out = {
        "size": "quick" if args.quick else "full",
        "vault": {"people": size.people, "sessions": size.sessions, "incidents": size.incidents,
                  "words_per_note": size.words_per_note},
        "machine": machine(),
        "seconds": round(time.perf_counter() - started, 1),
        "results": [
            {"name": r.name, "value": r.value, "unit": r.unit, "target": r.target,
             "result": r.verdict, "note": r.note, **({"extra": r.extra} if r.extra else {})}
            for r in results
        ],
    }
    Path(args.json).write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nwrote {args.json}", file=sys.stderr)
    return 0 if all(r.ok is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
