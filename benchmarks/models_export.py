"""``sqla-tui models`` beside sqlacodegen on a 2,000-table PostgreSQL schema, in one run.

Builds the schema of ``large_schema.py`` (15 columns per table, each table's
``prev_id`` referencing the previous one, an index on it) in a throwaway
database, then runs both command lines alternately, ``--runs`` times each,
after one warm-up each, and prints the median wall time (and every run's),
peak RSS, the ratio and the load average.
The database is dropped afterwards, whatever happens.

sqlacodegen is not a dependency: install it in a throwaway venv first, e.g.

    python3 -m venv /tmp/sqlacodegen-venv
    /tmp/sqlacodegen-venv/bin/pip install sqlacodegen==4.0.4 psycopg2-binary
    python benchmarks/models_export.py [--tables 2000] [--runs 3] [--sqlacodegen /tmp/sqlacodegen-venv/bin/sqlacodegen]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from large_schema import build, drop

URL = "postgresql://postgres@127.0.0.1:5432/{database}"


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one command, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode() if process.stderr else status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlacodegen", default="/tmp/sqlacodegen-venv/bin/sqlacodegen")
    args = parser.parse_args()
    if not Path(args.sqlacodegen).exists():
        raise SystemExit(f"no sqlacodegen at {args.sqlacodegen}; install it in a throwaway venv (see --help)")
    ours = shutil.which("sqla-tui") or str(Path(sys.executable).parent / "sqla-tui")
    database = f"sqla_tui_models_{uuid.uuid4().hex[:8]}"
    asyncio.run(build(database, args.tables))
    try:
        url = URL.format(database=database)
        with tempfile.TemporaryDirectory() as folder:
            commands = {
                "sqla-tui models": [ours, "models", url, "-o", f"{folder}/ours.py"],
                "sqlacodegen 4.0.4": [
                    args.sqlacodegen,
                    url.replace("postgresql://", "postgresql+psycopg2://"),
                    "--outfile",
                    f"{folder}/theirs.py",
                ],
            }
            measured: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
            for command in commands.values():
                timed(command)  # a warm-up each: the new database's catalog read once from disk, not counted
            for _ in range(args.runs):
                for name, command in commands.items():
                    measured[name].append(timed(command))
            lines = {
                name: len(Path(folder, "ours.py" if name.startswith("sqla") else "theirs.py").read_text().splitlines())
                for name in commands
            }
    finally:
        asyncio.run(drop(database))
    load = os.getloadavg()[0]
    print(
        f"{datetime.date.today()}  {args.tables} tables x 15 columns, FK chain; median of {args.runs} runs; load {load:.1f}"
    )
    print(f"{'command':<20} {'seconds':>8} {'peak RSS MiB':>13} {'lines':>7}")
    medians = {}
    for name, runs in measured.items():
        medians[name] = statistics.median(seconds for seconds, _ in runs)
        rss = max(peak for _, peak in runs)
        every = ", ".join(f"{seconds:.2f}" for seconds, _ in runs)
        print(f"{name:<20} {medians[name]:>8.2f} {rss:>13.0f} {lines[name]:>7}   runs: {every}")
    ratio = medians["sqla-tui models"] / medians["sqlacodegen 4.0.4"]
    print(f"ratio: {ratio:.3f}x of sqlacodegen's time (target <= 0.15x)")


if __name__ == "__main__":
    main()
