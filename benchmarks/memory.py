"""Memory: peak RSS while browsing a 1,000,000-row SQLite table, headless and in the TUI.

Builds ``events`` (1,000,000 rows, ~60 bytes each: id, kind, a 40-character
payload; a recursive-CTE insert as in tests/test_bounded.py) in a throwaway
file, then measures the peak RSS (VmHWM) of each process:

* ``sqla-tui query URL events --limit 100`` and ``--limit 10000`` (output
  discarded), beside the same ``select(events).limit(N)`` run with plain
  SQLAlchemy (async engine, aiosqlite, rows fetched into a list) and beside
  ``sqla-tui --help``, the interpreter's floor for our entry point;
* the TUI opening that file in tmux until its tables list is on screen, and
  then the schema explorer on ``events`` (Enter on the table).

Each process's own peak comes from ``os.wait4`` (the rusage of that child
alone; ``RUSAGE_CHILDREN`` would be the maximum over all children so far);
the TUI's from /proc/PID/status VmHWM while it runs. Rounds alternate, and
the maximum over rounds is reported, since a bound is what we state.

    python benchmarks/memory.py [--rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from startup import SESSION, _peak_rss_kib, _tmux, launch

PLAIN = """
import asyncio, sys
from sqlalchemy import MetaData, Table, select
from sqlalchemy.ext.asyncio import create_async_engine

async def main(url, limit):
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        events = await conn.run_sync(lambda sync: Table("events", MetaData(), autoload_with=sync))
        rows = (await conn.execute(select(events).limit(limit))).all()
    assert len(rows) == limit
    await engine.dispose()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def build(path: Path, rows: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT)")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO events SELECT i, 'kind' || (i % 7), printf('%040d', i) FROM n",
            (rows,),
        )


def child_peak_mib(command: list[str]) -> float:
    """Run ``command`` to completion; its own peak RSS in MiB (ru_maxrss from wait4, KiB on Linux)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return usage.ru_maxrss / 1024


def tui_peak_mib(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Peak RSS of the TUI once its tables list is on screen, and after opening ``events`` in the schema explorer."""
    pid = launch(command, env)
    try:
        _wait_for("Tables (1)")
        listed = _peak_rss_kib(pid) / 1024
        _wait_for("QueuePool")  # the names paint before the engine is up; a key pressed before then does nothing
        _tmux("send-keys", "-t", SESSION, "Enter")
        _wait_for("payload")
        time.sleep(1.0)  # let the explorer's catalog load and detail pane settle
        browsed = _peak_rss_kib(pid) / 1024
        return listed, browsed
    finally:
        _tmux("kill-session", "-t", SESSION)


def _wait_for(marker: str, timeout: float = 30.0) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if marker in _tmux("capture-pane", "-p", "-t", SESSION):
            return
        time.sleep(0.02)
    raise TimeoutError(f"{marker!r} did not appear within {timeout} s:\n{_tmux('capture-pane', '-p', '-t', SESSION)}")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sqla_tui = shutil.which("sqla-tui") or str(Path(sys.executable).with_name("sqla-tui"))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "big.db"
        started = time.perf_counter()
        build(path, args.rows)
        size = path.stat().st_size / 2**20
        print(f"events: {args.rows:,} rows, file {size:.0f} MiB, built in {time.perf_counter() - started:.1f} s; "
              f"load average {_load()}")  # fmt: skip
        url = f"sqlite:///{path}"
        commands = {
            "sqla-tui --help": [sqla_tui, "--help"],
            "plain SQLAlchemy, limit 100": [sys.executable, "-c", PLAIN, f"sqlite+aiosqlite:///{path}", "100"],
            "sqla-tui query --limit 100": [sqla_tui, "query", url, "events", "--limit", "100"],
            "plain SQLAlchemy, limit 10000": [sys.executable, "-c", PLAIN, f"sqlite+aiosqlite:///{path}", "10000"],
            "sqla-tui query --limit 10000": [sqla_tui, "query", url, "events", "--limit", "10000"],
            "sqla-tui query --limit 10000 --json": [sqla_tui, "query", url, "events", "--limit", "10000", "--json"],
        }
        peaks: dict[str, list[float]] = {name: [] for name in [*commands, "TUI: tables listed", "TUI: events in schema explorer"]}
        env = {"TERM": "xterm-256color", "XDG_CACHE_HOME": scratch}
        for _ in range(args.rounds):
            for name, command in commands.items():
                peaks[name].append(child_peak_mib(command))
            listed, browsed = tui_peak_mib([sqla_tui, url], env)
            peaks["TUI: tables listed"].append(listed)
            peaks["TUI: events in schema explorer"].append(browsed)
    print(f"peak RSS (VmHWM), max of {args.rounds} alternating rounds; load average {_load()}")
    for name, values in peaks.items():
        print(f"  {name:38s} {max(values):6.1f} MiB   (min {min(values):.1f})")


if __name__ == "__main__":
    main()
