"""Python bytecodes a request of the attach test application runs: plain, instrumented, and with a viewer attached.

callgrind's instruction counts (benchmarks/instructions.py) are what issue
16's throughput budget is measured in, but one tree's count moves by a point
or more with where its objects lie in memory (benchmarks/README.md, "Attach,
round 5" and "round 9"), so a change smaller than that cannot be seen in it.
The bytecodes a request runs do not depend on memory layout, the machine's
load or the hash seed: this counts them exactly (``sys.settrace`` with
opcode events, in every thread, the feed thread's encoding included) and
names the functions of sqla-tui that run them, so the cost of each piece of
the probe can be read directly.

The test application (tests/attach_app.py) runs in this process on
PostgreSQL (a database of the run's own), its ASGI interface called
directly; ``watched`` has ``sqla-tui attach --json`` reading the feed from
another process. The feed thread sends when woken at the end: its 10 Hz tick
(a pool snapshot and the sends) is off, as in instructions.py, since how many
ticks fell would follow the traced run's wall time.

    python benchmarks/attach_bytecodes.py [--server postgresql://postgres@127.0.0.1/postgres] [--path /fast|/n1]
        [--requests 100] [--top 30]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]

from asgi_app import attach_viewer, own_database, send_requests  # noqa: E402

import sqla_tui  # noqa: E402
from tests.attach_app import build  # noqa: E402

OURS = str(Path(sqla_tui.__file__).parent)
WARM_UP = 20


class Bytecodes:
    """Counts the opcodes each code object runs while ``counting``, in every thread it is installed in."""

    def __init__(self) -> None:
        self.counts: Counter[CodeType] = Counter()
        self.counting = False

    def install(self) -> None:
        sys.settrace(self._call)
        threading.settrace(self._call)

    def remove(self) -> None:
        sys.settrace(None)
        threading.settrace(None)

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        counts, code = self.counts, frame.f_code

        def opcode(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "opcode" and self.counting:
                counts[code] += 1
            return opcode

        return opcode


async def per_request(variant: str, url: str, path: str, requests: int, bytecodes: Bytecodes) -> Counter[CodeType]:
    """The bytecodes of each code object per request to ``path``, for one variant."""
    app = build(url, instrumented=variant != "plain")
    async with app.router.lifespan_context(app):
        handle = app.state.instrumentation.get("instrumentation")
        if handle is not None:
            handle._hub._interval = 3600.0  # no tick: its cost is per tenth of a second, not per request
        viewer = await attach_viewer(handle) if variant == "watched" else None
        await send_requests(app, path, 1, WARM_UP)
        bytecodes.counts.clear()
        bytecodes.counting = True
        await send_requests(app, path, 1, requests)
        if viewer is not None:
            await asyncio.to_thread(_flushed, handle)
        bytecodes.counting = False
        counted = Counter({code: count / requests for code, count in bytecodes.counts.items()})
    if viewer is not None:
        viewer.wait(60)
    return counted


def _flushed(handle: Any) -> None:
    """Wake the feed thread and wait until it has sent every queued event."""
    handle._hub.wake()
    while any(viewer.queue or viewer.pending for viewer in handle._hub.viewers):
        time.sleep(0.01)


def _name(code: CodeType) -> str:
    path = code.co_filename
    short = path[len(OURS) + 1 :] if path.startswith(OURS) else Path(path).name
    return f"{short}:{code.co_firstlineno} {code.co_name}"


async def run(args: argparse.Namespace) -> None:
    bytecodes = Bytecodes()
    bytecodes.install()
    found: dict[str, Counter[CodeType]] = {}
    try:
        for variant in ("plain", "idle", "watched"):
            async with own_database(args.server, f"bytecodes_{variant}") as url:
                found[variant] = await per_request(variant, url, args.path, args.requests, bytecodes)
    finally:
        bytecodes.remove()
    plain = sum(found["plain"].values())
    print(f"{args.path}, {args.requests} requests, Python bytecodes per request:")
    for variant, counts in found.items():
        total = sum(counts.values())
        extra = "" if variant == "plain" else f"  ({total - plain:+,.0f}, {total / plain - 1:+.2%})"
        print(f"  {variant:8} {total:9,.0f}{extra}")
    ours = Counter({code: count for code, count in found["watched"].items() if code.co_filename.startswith(OURS)})
    print(f"watched, sqla-tui's own functions ({sum(ours.values()):,.0f} a request), most first:")
    for code, count in ours.most_common(args.top):
        print(f"  {count:7.1f}  {_name(code)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1/postgres")
    parser.add_argument("--path", default="/fast", choices=("/fast", "/n1"))
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
