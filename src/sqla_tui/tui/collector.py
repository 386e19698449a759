"""The cyclic garbage collector held off while a burst of long-lived objects is made.

Used while a big catalog fills the schema screen, and while the app
imports SQLAlchemy at start-up (``SqlaTuiApp._resolve_url``). Loading
2,000 tables allocates ~125,000 long-lived objects (columns,
relationships, tree nodes), and each one the collector sees pushes it
towards a full collection: four or five of them, 80-180 ms each, in the
two seconds of a load, the worst stalls the user sees. Like Textual's own
``PAUSE_GC_ON_SCROLL``, the collector is paused for the load; what exists
afterwards is then frozen (``gc.freeze``): the catalog lives as long as
the session, so later full collections need not walk it again. The price
is that garbage cycles made during the load are never collected (a few MB
per load, measured in benchmarks/README.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
