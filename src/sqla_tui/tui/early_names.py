"""The table names, read through the raw driver on a thread of their own from the moment the launch knows its target.

``sqla-tui URL`` starts the read before it imports Textual (``launch.open_app``):
a SQLite file's names take milliseconds and a local server's tens, while
importing Textual takes ~0.15 s, so the home screen usually has them when it
mounts and the tables are in the first frame, not one frame after it
(benchmarks/startup.py). A read still running then hands its names over
when it ends. Nothing here imports Textual or SQLAlchemy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqla_tui.core.connect.target import Target, demo_path, demo_url
from sqla_tui.core.errors import UserError

if TYPE_CHECKING:
    from sqla_tui.core.catalog.names import TableName

NamesReceiver = Callable[["list[TableName]"], None]


class EarlyNames:
    """One read of ``target``'s names: started once, its names taken now or handed over later, exactly once."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._thread = threading.Thread(target=self._read, name="sqla-tui early names", daemon=True)
        self._lock = threading.Lock()
        self._done = False
        self._names: list[TableName] | None = None
        self._later: NamesReceiver | None = None

    def start(self) -> EarlyNames:
        self._thread.start()
        return self

    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the read to end (the head start it gets before SQLAlchemy's import)."""
        self._thread.join(timeout)

    def now_or_later(self, later: NamesReceiver) -> list[TableName] | None:
        """The names if the read has ended with some; else None, and ``later`` gets them from the reading thread.

        A read that found none (a demo not built yet, a URL this way cannot
        open exactly as the engine would, a server that refused) calls nobody:
        the names come with the engine, which says what went wrong.
        """
        with self._lock:
            if not self._done:
                self._later = later
            return self._names

    def _read(self) -> None:
        from sqla_tui.core.catalog.raw_names import read_names
        from sqla_tui.core.connect.url import check_url

        raw = demo_url(demo_path()) if self.target.is_demo else self.target.url or ""
        try:
            names = read_names(check_url(raw))
        except UserError:
            names = None
        with self._lock:
            self._done, self._names, later = True, names, self._later
        if later is not None and names is not None:
            later(names)
