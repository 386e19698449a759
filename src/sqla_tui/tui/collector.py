"""The cyclic garbage collector held off while a burst of long-lived objects is made, and full collections made rarer.

Used while a big catalog fills the schema screen, while the launch imports
Textual and the app (``launch.open_app``: ~10 ms of a ~0.23 s first frame),
and while the app imports SQLAlchemy at start-up (``SqlaTuiApp._resolve``). Loading
2,000 tables allocates ~125,000 long-lived objects (columns,
relationships, tree nodes), and each one the collector sees pushes it
towards a full collection: four or five of them, 80-180 ms each, in the
two seconds of a load, the worst stalls the user sees. Like Textual's own
``PAUSE_GC_ON_SCROLL``, the collector is paused for the load; what exists
afterwards is then frozen (``gc.freeze``): the catalog lives as long as
the session, so later full collections need not walk it again. The price
is that garbage cycles made during the load are never collected (a few MB
per load, measured in benchmarks/README.md).

A busy screen grows the tracked set too: the pool screen under a load goes
from ~21,000 tracked objects to ~60,000, mostly Textual's rendered lines
and the caches each keeps, and a full collection walks every one of them
with the GIL held: 70-110 ms, 100-220 ms with another process on the
other core, one or two per pool run on either thread (benchmarks/README.md,
"UI lag"). While the app runs, ``rarer_full_collections`` has CPython wait
for ten times as many young collections before a full one; the young
generations, where most garbage dies, are collected as before.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

FULL_COLLECTION_SPACING = 10
"""How many times CPython's usual number of middle-generation collections pass between two full ones."""


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause cyclic collection inside; freeze what exists on the way out and resume (unless it was already off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def rarer_full_collections() -> Callable[[], None]:
    """Space full collections ``FULL_COLLECTION_SPACING`` times wider; call what it returns to put the threshold back."""
    young, middle, oldest = gc.get_threshold()
    gc.set_threshold(young, middle, oldest * FULL_COLLECTION_SPACING)

    def restore() -> None:
        now_young, now_middle, _ = gc.get_threshold()
        gc.set_threshold(now_young, now_middle, oldest)

    return restore
