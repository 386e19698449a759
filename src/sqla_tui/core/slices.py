"""Long pure-Python work written once as a generator of slices, run either straight through or yielding to the loop.

Naming a 2,000-table schema's relationships or adding its names to a tree
takes 50-100 ms of pure Python. On the TUI's event loop that is a stall the
user sees, and in a thread it is no better: it holds the GIL, so every
time the loop blocks in ``select`` it waits up to a switch interval to get
it back. Work that ``yield``s between slices of ~5 ms is run by ``finish``
where nobody is waiting (the CLI) and by ``finish_yielding`` on the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")

Slices = Generator[None, None, T]
"""Work that yields (nothing) between slices and returns its result."""


def finish(work: Slices[T]) -> T:
    """Run ``work`` straight through."""
    while True:
        try:
            next(work)
        except StopIteration as done:
            return done.value


async def finish_yielding(work: Slices[T]) -> T:
    """Run ``work`` on the event loop, letting every other task run between its slices."""
    while True:
        try:
            next(work)
        except StopIteration as done:
            return done.value
        await asyncio.sleep(0)
