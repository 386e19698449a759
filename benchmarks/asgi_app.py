"""The attach test application (tests/attach_app.py) driven in-process through its ASGI interface, for benchmarks.

A database of the run's own on a PostgreSQL server (made and dropped here),
requests sent straight to the ASGI app by ``concurrency`` tasks (no HTTP
server or client, whose work is the same with and without sqla-tui), and
``sqla-tui attach --json`` as the viewer in a process of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent


@contextlib.asynccontextmanager
async def own_database(server: str, label: str) -> AsyncIterator[str]:
    """The URL of a database made for this run on ``server`` (a URL of a database there), dropped after; ``sqlite``:
    a SQLite file of the run's own, in the temporary directory, removed after."""
    name = f"bench_{label}_{os.getpid()}"
    if server == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{name}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            path.unlink(missing_ok=True)
        return
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    try:
        yield f"{server.rsplit('/', 1)[0]}/{name}"
    finally:
        admin = await asyncpg.connect(server)
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def send_requests(app: Any, path: str, concurrency: int, requests: int) -> None:
    """``requests`` GETs of ``path`` from each of ``concurrency`` tasks, answered by the ASGI app itself."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"{path} answered {message['status']}")

    async def client() -> None:
        for _ in range(requests):
            await app(scope, receive, send)

    await asyncio.gather(*(client() for _ in range(concurrency)))


async def attach_viewer(handle: Any) -> subprocess.Popen[bytes]:
    """``sqla-tui attach --json`` on this process, once it is connected (this tree's sqla_tui)."""
    viewer = subprocess.Popen(
        [sys.executable, "-m", "sqla_tui", "attach", str(os.getpid()), "--json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    if not await asyncio.to_thread(handle.wait_for_viewer, 60):
        viewer.kill()
        raise SystemExit("the viewer did not connect within 60 s")
    return viewer
