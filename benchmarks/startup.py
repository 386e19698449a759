"""Start-up: time from launch to a first screen that lists the demo's tables.

Drives each app in a real terminal (tmux), polling ``capture-pane`` every
10 ms until the marker text is on screen, alternating sqla-tui and Harlequin
round by round so both see the same machine. Also times ``sqla-tui --help``
and reads the app's peak RSS (VmHWM) once its tables are visible.

    python benchmarks/startup.py [--rounds 7] [--harlequin /path/to/venv/bin/harlequin] [--rev REV ...]

Harlequin is never a project dependency: install it in a throwaway venv
(``python3 -m venv /tmp/harlequin-venv && /tmp/harlequin-venv/bin/pip install harlequin``)
and pass its executable. Without it only sqla-tui is measured.

``--url URL`` (repeatable) also times ``sqla-tui URL`` on a database holding
the demo's tables (load them with ``sqla-tui demo --url URL``, or
``--path FILE`` for a SQLite file): a real URL's names are read through the
raw driver while SQLAlchemy imports, as the demo's are from its file. With
``--harlequin``, Harlequin opens the same SQLite file (``-a sqlite``) and the
same PostgreSQL database (``-a postgres``, needs ``harlequin-postgres`` in its
venv) in the same rounds, and the ratio is printed per URL.

``--rev REV`` (repeatable) also times that git revision of this project, side
by side: its tree is exported and run as ``python -m sqla_tui`` with its
``src`` first on ``PYTHONPATH``, so before/after figures come from one run
(``--rev HEAD`` times the committed tree the same way).
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

SESSION = f"sqla_tui_bench_{os.getpid()}"  # per process: other benchmarks may drive tmux at the same time
POLL = 0.01
TIMEOUT = 30.0


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def launch(command: list[str], env: dict[str, str]) -> int:
    """Start ``command`` in a fresh 160x45 tmux session; returns the pane's process id.

    Killing the last session stops the tmux server, and a new session asked
    for while it is still exiting fails; the second attempt finds no server
    and starts one.
    """
    _tmux("kill-session", "-t", SESSION)
    new_session = ["tmux", "new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45",
                   *[f"-e{k}={v}" for k, v in env.items()], " ".join(command)]  # fmt: skip
    if subprocess.run(new_session, check=False).returncode != 0:
        time.sleep(0.2)
        subprocess.run(new_session, check=True)
    return int(_tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").split()[0])


def time_to_markers(command: list[str], markers: list[str], env: dict[str, str]) -> tuple[list[float], int]:
    """Seconds from launch until each of ``markers`` is on screen, and the peak RSS (KiB) once the last is."""
    started = time.perf_counter()
    pid = launch(command, env)
    seen: dict[str, float] = {}
    try:
        while time.perf_counter() - started < TIMEOUT:
            screen = _tmux("capture-pane", "-p", "-t", SESSION)
            elapsed = time.perf_counter() - started
            for marker in markers:
                if marker not in seen and marker in screen:
                    seen[marker] = elapsed
            if len(seen) == len(markers):
                return [seen[marker] for marker in markers], _peak_rss_kib(pid)
            time.sleep(POLL)
        missing = [marker for marker in markers if marker not in seen]
        raise TimeoutError(f"{missing!r} did not appear within {TIMEOUT} s for {' '.join(command)}")
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


def export_rev(rev: str, into: Path) -> list[str]:
    """Export ``rev`` into ``into``; the command that runs it (its ``src`` is on PYTHONPATH, see main)."""
    root = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(root), "archive", rev, "src", "demo_db"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "demo_db").rename(into / "src" / "sqla_tui" / "demo_db")  # where the installed package has it
    return [sys.executable, "-m", "sqla_tui"]


_BACKEND_LABEL = {"postgresql": "PG", "postgres": "PG", "mysql": "MariaDB", "mariadb": "MariaDB", "sqlite": "SQLite"}
_HARLEQUIN_ADAPTER = {"SQLite": "sqlite", "PG": "postgres"}
"""Harlequin's adapter for a URL's backend; MariaDB needs harlequin-mysql, not measured."""
_CONNECTED_MARKER = "Pool · "
"""The banner names the pool class once the engine is up; before, it shows the URL, driver and all."""


def _rev_tree(rev: str, cache: Path) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run git revision ``rev`` (exported under ``cache``)."""
    tree = cache / f"rev-{rev}"
    tree.mkdir()
    return export_rev(rev, tree), {"PYTHONPATH": str(tree / "src")}


def _harlequin_on(harlequin: str, backend: str, url: str) -> tuple[list[str], list[str]]:
    """Harlequin's command line for ``url`` and its markers: the catalog panel, then the database's node.

    Harlequin names a SQLite file's node ``main db`` and a PostgreSQL database's ``<name> db``.
    """
    adapter = _HARLEQUIN_ADAPTER[backend]
    if adapter == "sqlite":
        return [harlequin, "-a", adapter, url.split(":///", 1)[1]], ["Data Catalog", "main db"]
    database = url.rsplit("/", 1)[1].split("?", 1)[0]
    return [harlequin, "-a", adapter, f"'{url}'"], ["Data Catalog", f"{database} db"]


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--harlequin", help="path to a harlequin executable in a throwaway venv")
    parser.add_argument("--rev", action="append", default=[], help="also time this git revision (repeatable)")
    parser.add_argument("--url", action="append", default=[], help="also time sqla-tui URL (demo tables loaded there)")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # --help too runs with bytecode caching, as installed
    sqla_tui = shutil.which("sqla-tui") or str(Path(sys.executable).with_name("sqla-tui"))
    with tempfile.TemporaryDirectory() as cache:
        # Bytecode caching on, as for any installed package (pip compiles on install; an editable
        # install writes __pycache__ on first run); the warm-up round fills it and the file cache.
        env = {"XDG_CACHE_HOME": cache, "TERM": "xterm-256color", "PYTHONDONTWRITEBYTECODE": ""}
        os.environ["XDG_CACHE_HOME"] = cache
        demo = asyncio.run(ensure_demo_sqlite())
        # Markers: the first frame, then the tables, then (sqla-tui) the banner naming the driver, which
        # shows once the engine is up and the screen keys work: the demo's names are read from its file
        # before that (core/catalog/raw_names.py). Harlequin 2.17 paints its "Data Catalog" panel, then adds
        # the collapsed "main db" node once it has connected; its tables only show after a key press
        # expands that node, so for Harlequin "tables" is measured as "catalog node on screen".
        ours = ["Where to go", "order_items", "sqlite+aiosqlite"]
        apps = {"sqla-tui": ([sqla_tui], ours, env)}
        revs = {f"rev {rev}": _rev_tree(rev, Path(cache)) for rev in args.rev}
        for name, (command, rev_env) in revs.items():
            apps[name] = (command, ours, {**env, **rev_env})
        for url in args.url:
            backend = _BACKEND_LABEL[url.split(":", 1)[0].split("+")[0]]
            url_markers = [ours[0], ours[1], _CONNECTED_MARKER]
            apps[f"{backend} URL"] = ([sqla_tui, f"'{url}'"], url_markers, env)
            for name, (command, rev_env) in revs.items():
                apps[f"{backend} {name}"] = ([*command, f"'{url}'"], url_markers, {**env, **rev_env})
            if args.harlequin and backend in _HARLEQUIN_ADAPTER:
                apps[f"harlequin {backend}"] = (*_harlequin_on(args.harlequin, backend, url), env)
        if args.harlequin:
            apps["harlequin"] = ([args.harlequin, "-a", "sqlite", str(demo)], ["Data Catalog", "main db"], env)
        results: dict[str, list[tuple[list[float], int]]] = {name: [] for name in apps}
        for command, markers, app_env in apps.values():
            time_to_markers(command, markers, app_env)
        for _ in range(args.rounds):
            for name, (command, markers, app_env) in apps.items():
                results[name].append(time_to_markers(command, markers, app_env))
    print(f"start-up on the demo database (tmux, median of {args.rounds} alternating rounds after a warm-up); load average {_load()}")
    medians = {}
    for name, samples in results.items():
        first = [times[0] for times, _ in samples]
        tables = [times[1] for times, _ in samples]
        medians[name] = statistics.median(tables), statistics.median(first)
        rss = max(r for _, r in samples) / 1024
        what = "catalog node (tables need a key press)" if name.startswith("harlequin") else "tables listed"
        connected = [times[2] for times, _ in samples if len(times) > 2]
        engine = f"; connected median {statistics.median(connected):.3f} s" if connected else ""
        print(f"  {name:20s} first frame median {medians[name][1]:.3f} s; {what} median {medians[name][0]:.3f} s "
              f"(min {min(tables):.3f}, max {max(tables):.3f}){engine}; peak RSS {rss:.0f} MiB")
    if "harlequin" in medians:
        ratio = medians["sqla-tui"][0] / medians["harlequin"][0]
        ratio_first = medians["sqla-tui"][0] / medians["harlequin"][1]
        print(f"  ratio sqla-tui tables / harlequin catalog node: {ratio:.2f}x; "
              f"/ harlequin first frame: {ratio_first:.2f}x (target <= 0.35x)")
    for backend in _HARLEQUIN_ADAPTER:
        if f"harlequin {backend}" in medians:
            ours, theirs = medians[f"{backend} URL"], medians[f"harlequin {backend}"]
            print(f"  ratio {backend} URL tables / harlequin {backend} catalog node: {ours[0] / theirs[0]:.2f}x; "
                  f"first frames {ours[1]:.3f} / {theirs[1]:.3f} s (target <= 0.35x)")
    print(f"  sqla-tui --help median {time_help(sqla_tui, args.rounds):.3f} s (target <= 0.3 s)")
    if args.harlequin:
        print(f"  harlequin --help median {time_help(args.harlequin, args.rounds):.3f} s")
    print(f"  load average at the end {_load()}")


if __name__ == "__main__":
    main()
