"""How many times a watched request walks out of SQLAlchemy's greenlet to find its application line.

The test application (tests/attach_app.py) is instrumented, ``sqla-tui attach
--json`` reads its feed from a process of its own, and ``--concurrency``
tasks send ``--requests`` ASGI requests each to ``--path`` on PostgreSQL (a
database of the run's own, dropped after). Each walk is counted by wrapping
``core.observe.origin._walk``. A ``/fast`` request checks out and
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
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]

from asgi_app import attach_viewer, own_database, send_requests  # noqa: E402

from sqla_tui.core.observe import origin  # noqa: E402
from tests.attach_app import build  # noqa: E402

walks = Counter()
_walk = origin._walk


def _counted(*args: object) -> object:
    walks["walks"] += 1
    return _walk(*args)  # type: ignore[arg-type]


origin._walk = _counted  # type: ignore[assignment]


async def per_request(server: str, path: str, concurrency: int, requests: int) -> float:
    """Walks per request over ``concurrency`` tasks sending ``requests`` each, with a viewer attached."""
    async with own_database(server, f"walks_{concurrency}") as url:
        app = build(url)
        async with app.router.lifespan_context(app):
            viewer = await attach_viewer(app.state.instrumentation["instrumentation"])
            walks.clear()
            await send_requests(app, path, concurrency, requests)
            counted = walks["walks"]
        viewer.wait(60)
        return counted / (concurrency * requests)


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
