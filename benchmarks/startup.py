"""Start-up: time from launch to a first screen that lists the demo's tables.

Drives each app in a real terminal (tmux), polling ``capture-pane`` every
10 ms until the marker text is on screen, alternating sqla-tui and Harlequin
round by round so both see the same machine. Also times ``sqla-tui --help``
and reads the app's peak RSS (VmHWM) once its tables are visible.

    python benchmarks/startup.py [--rounds 7] [--harlequin /path/to/venv/bin/harlequin]

Harlequin is never a project dependency: install it in a throwaway venv
(``python3 -m venv /tmp/harlequin-venv && /tmp/harlequin-venv/bin/pip install harlequin``)
and pass its executable. Without it only sqla-tui is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqla_tui.demo_db.load import ensure_demo_sqlite

SESSION = "sqla_tui_bench"
POLL = 0.01
TIMEOUT = 30.0


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def time_to_marker(command: list[str], marker: str, env: dict[str, str]) -> tuple[float, int]:
    """Seconds from launch until ``marker`` is on screen, and the peak RSS (KiB) at that point."""
    _tmux("kill-session", "-t", SESSION)
    started = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45", *[f"-e{k}={v}" for k, v in env.items()],
         " ".join(command)],
        check=True,
    )  # fmt: skip
    pid = int(_tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").split()[0])
    try:
        while time.perf_counter() - started < TIMEOUT:
            if marker in _tmux("capture-pane", "-p", "-t", SESSION):
                elapsed = time.perf_counter() - started
                return elapsed, _peak_rss_kib(pid)
            time.sleep(POLL)
        raise TimeoutError(f"{marker!r} did not appear within {TIMEOUT} s for {' '.join(command)}")
    finally:
        _tmux("kill-session", "-t", SESSION)


def _peak_rss_kib(pid: int) -> int:
    """VmHWM of the app, or of its heaviest child when the pane runs a wrapper."""
    candidates = [pid, *_children(pid)]
    peaks = []
    for candidate in candidates:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
        except OSError:
            continue
    return max(peaks, default=0)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def time_help(executable: str, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([executable, "--help"], capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--harlequin", help="path to a harlequin executable in a throwaway venv")
    args = parser.parse_args()
    sqla_tui = shutil.which("sqla-tui") or str(Path(sys.executable).with_name("sqla-tui"))
    with tempfile.TemporaryDirectory() as cache:
        env = {"XDG_CACHE_HOME": cache, "TERM": "xterm-256color"}
        os.environ["XDG_CACHE_HOME"] = cache
        demo = asyncio.run(ensure_demo_sqlite())
        apps = {"sqla-tui": ([sqla_tui], "order_items")}
        if args.harlequin:
            apps["harlequin"] = ([args.harlequin, "-a", "sqlite", str(demo)], "order_items")
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in apps}
        for _ in range(args.rounds):
            for name, (command, marker) in apps.items():
                results[name].append(time_to_marker(command, marker, env))
    print(f"start-up to the demo's tables on screen (tmux, median of {args.rounds} alternating rounds)")
    medians = {}
    for name, samples in results.items():
        seconds = [s for s, _ in samples]
        medians[name] = statistics.median(seconds)
        rss = max(r for _, r in samples) / 1024
        print(f"  {name:10s} median {medians[name]:.3f} s  (min {min(seconds):.3f}, max {max(seconds):.3f})  peak RSS {rss:.0f} MiB")
    if "harlequin" in medians:
        print(f"  ratio sqla-tui / harlequin: {medians['sqla-tui'] / medians['harlequin']:.2f}x (target <= 0.65x)")
    print(f"  sqla-tui --help median {time_help(sqla_tui, args.rounds):.3f} s (target <= 0.3 s)")
    if args.harlequin:
        print(f"  harlequin --help median {time_help(args.harlequin, args.rounds):.3f} s")


if __name__ == "__main__":
    main()
