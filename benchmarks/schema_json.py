"""``sqla-tui schema URL --json`` on a 2,000-table PostgreSQL schema, whole process, beside a plain ``MetaData.reflect`` script.

Builds the schema of benchmarks/large_schema.py in a throwaway database, then
alternates, round by round so both see the same machine:

- ``sqla-tui schema URL --json`` with stdout a pipe (compact JSON), launch to
  exit, and its peak RSS (``ru_maxrss`` of that child, from ``os.wait4``);
- the same with ``--indent``;
- a plain script in a fresh interpreter: ``create_engine`` + ``MetaData.reflect``
  of the same schema (what someone without sqla-tui writes), launch to exit;
- ``--rev REV``: the command as that git revision runs it.

then times ``load_catalog`` in-process ``--runs`` times (the catalog budget:
≤ 1.0 s in every run). The database is dropped afterwards, whatever happens.

    python benchmarks/schema_json.py [--tables 2000] [--rounds 5] [--runs 5] [--rev REV]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from large_schema import build, drop  # benchmarks/ is on sys.path: the script's own directory
from startup import export_rev

from sqla_tui.core.catalog.schema import load_catalog
from sqla_tui.core.connect.engine import connect


def reflect_script() -> list[str]:
    """A fresh interpreter reflecting the whole schema with SQLAlchemy's async engine, as a script would."""
    code = (
        "import asyncio, sys\n"
        "from sqlalchemy import MetaData\n"
        "from sqlalchemy.ext.asyncio import create_async_engine\n"
        "async def main():\n"
        "    engine = create_async_engine(sys.argv[1].replace('postgresql://', 'postgresql+asyncpg://'))\n"
        "    metadata = MetaData()\n"
        "    async with engine.connect() as conn:\n"
        "        await conn.run_sync(metadata.reflect)\n"
        "    await engine.dispose()\n"
        "    print(len(metadata.tables))\n"
        "asyncio.run(main())\n"
    )
    return [sys.executable, "-c", code]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Seconds from launch to exit, peak RSS in MiB, and bytes written to stdout."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{command[:3]} exited {process.returncode}: {process.stderr.read().decode()[-500:]}")
        return elapsed, usage.ru_maxrss / 1024, out.tell()


async def catalog_runs(url: str, runs: int) -> list[float]:
    engine, _ = await connect(url)
    try:
        await load_catalog(engine)  # warm-up: the server's catalog caches, as in any second look
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await load_catalog(engine)
            times.append(time.perf_counter() - started)
        return times
    finally:
        await engine.dispose()


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rev", action="append", default=[])
    args = parser.parse_args()
    database = f"sqla_tui_bench_{uuid.uuid4().hex[:8]}"
    url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    sqla_tui = str(Path(sys.executable).with_name("sqla-tui"))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}  # as installed
    print(f"load average at the start {_load()}")
    with tempfile.TemporaryDirectory() as trees:
        commands = {
            "sqla-tui schema --json (pipe: compact)": ([sqla_tui, "schema", url, "--json"], env),
            "sqla-tui schema --json --indent": ([sqla_tui, "schema", url, "--json", "--indent"], env),
            "script: MetaData.reflect": ([*reflect_script(), url], env),
        }
        for rev in args.rev:
            tree = Path(trees) / rev
            tree.mkdir()
            command = export_rev(rev, tree)
            commands[f"rev {rev} schema --json"] = ([*command, "schema", url, "--json"], {**env, "PYTHONPATH": str(tree / "src")})
        try:
            asyncio.run(build(database, args.tables))
            results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
            for command, command_env in commands.values():
                timed(command, command_env)  # warm-up: bytecode and file caches
            for _ in range(args.rounds):
                for name, (command, command_env) in commands.items():
                    results[name].append(timed(command, command_env))
            catalog = asyncio.run(catalog_runs(url, args.runs))
        finally:
            asyncio.run(drop(database))
    print(f"{args.tables} tables, {args.rounds} alternating rounds after a warm-up")
    medians = {}
    for name, samples in results.items():
        times = [elapsed for elapsed, _, _ in samples]
        medians[name] = statistics.median(times)
        print(f"  {name:40s} median {medians[name]:.3f} s (min {min(times):.3f}, max {max(times):.3f}); "
              f"peak RSS {max(rss for _, rss, _ in samples):.0f} MiB; {samples[0][2] / 1e6:.1f} MB out")
    ratio = medians["sqla-tui schema --json (pipe: compact)"] / medians["script: MetaData.reflect"]
    print(f"  ratio schema --json / MetaData.reflect script: {ratio:.2f}x (target <= 0.25x, and <= 1.5 s)")
    print(f"  load_catalog in-process, {args.runs} runs: " + ", ".join(f"{t:.3f}" for t in catalog)
          + " s (target <= 1.0 s in every run)")
    print(f"load average at the end {_load()}")


if __name__ == "__main__":
    main()
