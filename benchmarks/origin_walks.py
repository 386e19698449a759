"""How many times a watched request walks out of SQLAlchemy's greenlet to find its application line.

The test application (tests/attach_app.py) is instrumented, ``sqla-tui attach
--json`` reads its feed from a process of its own, and ``--concurrency``
tasks send ``--requests`` ASGI requests each to ``--path`` on PostgreSQL (a
database of the run's own, dropped after). Each walk is counted by wrapping
``core.observe.origin._greenlet_caller``. A ``/fast`` request checks out and
runs its one statement in one awaited call: one walk is all it needs, the
statement taking the checkout's line; with requests at once, other tasks'
calls run while a statement waits on the network, and a cache of the last
greenlet only made it walk again. A count, not a time: the same on a busy
machine as on a quiet one.

    python benchmarks/origin_walks.py [--server postgresql://postgres@127.0.0.1/postgres] [--path /fast]
        [--concurrency 1 5 20] [--requests 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import asyncpg  # noqa: E402

from sqla_tui.core.observe import origin  # noqa: E402
from tests.attach_app import build  # noqa: E402

walks = Counter()
_walk = origin._greenlet_caller


def _counted(*args: object) -> object:
    walks["walks"] += 1
    return _walk(*args)  # type: ignore[arg-type]


origin._greenlet_caller = _counted  # type: ignore[assignment]


async def per_request(server: str, path: str, concurrency: int, requests: int) -> float:
    """Walks per request over ``concurrency`` tasks sending ``requests`` each, with a viewer attached."""
    name = f"bench_walks_{os.getpid()}_{concurrency}"
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    try:
        app = build(f"{server.rsplit('/', 1)[0]}/{name}")
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        }  # fmt: skip

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            pass

        async with app.router.lifespan_context(app):
            handle = app.state.instrumentation["instrumentation"]
            viewer = subprocess.Popen(
                [sys.executable, "-m", "sqla_tui", "attach", str(os.getpid()), "--json"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            )  # fmt: skip
            assert await asyncio.to_thread(handle.wait_for_viewer, 60)

            async def client() -> None:
                for _ in range(requests):
                    await app(scope, receive, send)

            walks.clear()
            await asyncio.gather(*(client() for _ in range(concurrency)))
            counted = walks["walks"]
        viewer.wait(60)
        return counted / (concurrency * requests)
    finally:
        admin = await asyncpg.connect(server)
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1/postgres")
    parser.add_argument("--path", default="/fast", choices=("/fast", "/n1"))
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    for concurrency in args.concurrency:
        found = asyncio.run(per_request(args.server, args.path, concurrency, args.requests))
        print(f"{args.path}, {concurrency} at once: {found:.2f} walks per request", flush=True)


if __name__ == "__main__":
    main()
