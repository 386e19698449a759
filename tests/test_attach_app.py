"""Attach to a real web application (Starlette on uvicorn, its own process) under 200 concurrent requests.

The application counts the statements each endpoint executed and answers a
pool timeout with 503; the test adds those up and compares them with what
``sqla-tui attach --json`` (another process) reports: exact statement
counts, the pool's timeouts, and the application's own file:line for the
leak, the held connection and the N+1.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.attach_helpers import APP_FILE, marked_line, sqla_tui, start_app, start_viewer
from tests.databases import TestDatabase
from tests.server_probes import until

REQUESTS = {"/n1": 40, "/hold": 120, "/slow": 20, "/fast": 20}
"""200 requests at once against a pool of 5 + 10 with a 1 s timeout."""
HOLDERS = 14
"""Connections left for /hold once /leak's session keeps one of the 15 for good: the most that can park."""


async def _load(base: str) -> tuple[int, Counter[str], int, int]:
    """The crowd, then the N+1s; (statements the app says it ran, successes per path, timeouts, holds parked).

    With the gate closed, a /hold that gets a connection keeps it (parks), so a
    /hold can only park or time out: once every request has answered or
    parked, at least 120 - 14 holds timed out on an exhausted pool, however
    fast or busy this machine is (on a busy one the other endpoints can keep
    the connections past the holds' 1 s, and fewer than 14 park). Then the
    gate opens and 40 /n1 run.
    """
    paths = [path for path, count in REQUESTS.items() for _ in range(count)]
    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=len(paths))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        answers = [await client.get("/leak")]  # one leaked session, before the crowd
        await client.get("/gate/close")
        crowd = [asyncio.create_task(client.get(path)) for path in paths]
        parked = 0

        async def settled() -> bool:
            nonlocal parked
            parked = (await client.get("/gate")).json()["parked"]
            return sum(task.done() for task in crowd) + parked == len(crowd)

        await until(settled, "every request to answer or park at the gate")
        await client.get("/gate/open")
        answers += await asyncio.gather(*crowd)
        answers += await asyncio.gather(*(client.get("/n1") for _ in range(40)))
    statements, timeouts, done = 0, 0, Counter[str]()
    for answer in answers:
        body = answer.json()
        statements += body["statements"]
        if answer.status_code == 503:
            timeouts += 1
        else:
            assert answer.status_code == 200, answer.text
            done[answer.url.path] += 1
    return statements, done, timeouts, parked


async def test_the_viewer_sees_exactly_what_the_application_did(
    empty_db: TestDatabase, runtime: Path, tmp_path: Path
) -> None:
    app = start_app(empty_db.url)
    record = tmp_path / "incident.jsonl"
    viewer = None
    try:
        viewer = start_viewer(str(app.pid), "--json", "--record", str(record))
        await asyncio.to_thread(app.wait_for_viewers, 1)
        statements, done, timeouts, parked = await _load(app.base)
    finally:
        httpx.get(f"{app.base}/gate/open", timeout=30)  # a failed wait must not leave holders to hang the shutdown
        app.stop()
        if viewer is not None:
            out, err = viewer.communicate(timeout=60)
    assert viewer.returncode == 0, err
    summary = json.loads(out)

    assert 0 < parked <= HOLDERS and done["/hold"] == parked  # the parked holds came back once the gate opened
    assert timeouts >= REQUESTS["/hold"] - parked  # every other hold waited in vain
    assert summary["statements"] == statements
    assert summary["dropped"] == 0
    assert summary["target"]["pid"] == app.pid and summary["target"]["name"] == "attach-app"
    assert (
        summary["target"]["dialect"]
        == {"sqlite": "sqlite", "postgresql": "postgresql", "mariadb": "mysql"}[empty_db.backend]
    )
    pool = summary["pool"]
    assert (pool["size"], pool["max_overflow"]) == (5, 10)
    assert pool["max_checked_out"] == 15
    assert pool["max_waiters"] > 0
    assert pool["timeouts"] == timeouts
    assert pool["acquire_ms"]["max"] >= 1000  # a timed-out checkout waited the whole timeout

    app_file = str(APP_FILE)
    leaks = {(leak["file"], leak["line"]) for leak in summary["leaks"]}
    assert (app_file, marked_line("leak")) in leaks
    assert (app_file, marked_line("hold_checkout")) in leaks
    open_tx = {(tx["file"], tx["line"]) for tx in summary["open_transactions"]}
    assert (app_file, marked_line("leak")) in open_tx
    assert (app_file, marked_line("hold_begin")) in open_tx

    [n_plus_one] = summary["n_plus_one"]
    assert n_plus_one["attribute"] == "Author.books"
    assert n_plus_one["origin"] == f"{app_file}:{marked_line('n_plus_one')}"
    assert n_plus_one["count"] == 10 * done["/n1"] and n_plus_one["sessions"] == done["/n1"]

    replayed = sqla_tui("replay", str(record), "--json")
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout) == summary
