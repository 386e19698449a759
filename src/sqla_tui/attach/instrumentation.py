"""``instrument(engine)``: one line in someone's application that lets ``sqla-tui attach`` watch its engine.

It swaps the engine's pool for its instrumented twin in place (same object,
same connections; ``close()`` swaps it back), watches it with the pool
monitor the pool lab uses, listens for statements and transactions, and
serves the feed on a Unix socket only this user can open (or, when asked, on
a loopback TCP port behind a token). Nothing here imports Textual, Rich or
Typer.
"""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.attach import feed
from sqla_tui.attach.probe import Probe
from sqla_tui.attach.runtime import AttachError, parse_tcp, runtime_dir, slug, socket_path, write_card
from sqla_tui.attach.server import Hub
from sqla_tui.core.connect.masking import mask_url
from sqla_tui.core.fields import fields_of
from sqla_tui.core.observe.monitor import PoolMonitor
from sqla_tui.core.observe.pool import swap_in_twin, swap_out_twin

_WINDOW = 1024
"""Checkouts behind the acquire and hold p50/p95: sorting them is most of a snapshot's cost, ten times a
second inside someone else's process; 4,096 (the pool lab's) cost 2.3% of a core, 1,024 a quarter of it."""
_instrumented: set[int] = set()
_names: set[str] = set()
"""The names (as file names) this process's instrumented engines go by: each has its own socket and card."""
_guard = threading.Lock()


def _unique(name: str) -> str:
    """``name``, or ``name-2``, ``name-3``... when another engine of this process has it: a second engine (a
    reader beside a writer) had taken over the first one's socket and card. Call with ``_guard`` held."""
    candidate, number = name, 1
    while slug(candidate) in _names:
        number += 1
        candidate = f"{name}-{number}"
    _names.add(slug(candidate))
    return candidate


class Instrumentation:
    """The handle ``instrument`` returns: where viewers connect, how many are, and ``close()``."""

    def __init__(
        self,
        engine: AsyncEngine | Engine,
        *,
        name: str | None,
        address: str | None,
        capture_params: bool,
        buffer: int,
        leak_after: float,
        otel: Any = False,
    ) -> None:
        sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
        if not isinstance(sync, Engine):
            raise TypeError(f"instrument() takes a SQLAlchemy Engine or AsyncEngine, not {type(engine).__name__}")
        if buffer < 1:
            raise ValueError(f"buffer must be at least 1 event, not {buffer}")
        if address is not None and not address.startswith("unix:"):
            parse_tcp(address)  # refuse a bad address before touching the engine
        if otel:
            from sqla_tui.attach.otel import metrics_api

            metrics_api()  # and a missing OpenTelemetry
        with _guard:  # by dialect: an engine made with execution_options() shares its parent's, and its pool
            if id(sync.dialect) in _instrumented:
                raise AttachError(
                    "this engine (or the engine it was made from with execution_options()) is already instrumented; "
                    "close() the first Instrumentation"
                )
            _instrumented.add(id(sync.dialect))
            self.name = _unique(name or Path(sys.argv[0] or "python").stem or "python")
        self.token: str | None = None
        self._engine = sync
        self._closed = False
        self._started = time.perf_counter()
        try:
            listener, self.address, self._card = self._listen(address)
        except (OSError, AttachError) as error:
            with _guard:
                _instrumented.discard(id(sync.dialect))
                _names.discard(slug(self.name))
            if isinstance(error, AttachError):
                raise
            raise AttachError(f"cannot listen on {address or 'a Unix socket'}: {error.strerror or error}") from None
        self._original_pool = swap_in_twin(sync.pool)
        self._monitor = PoolMonitor(sync, leak_threshold=leak_after, window=_WINDOW)
        self._hello = self._describe(sync, capture_params, buffer, leak_after)
        self._hub = Hub(listener, hello=self._hello, buffer=buffer, token=self.token, snapshot=self._pool_event)
        self._probe = Probe(sync, self._hub, capture_params=capture_params, started=self._started)
        self._metrics = None
        if otel:
            from sqla_tui.attach.otel import PoolMetrics

            provider = None if otel is True else otel
            self._metrics = PoolMetrics(self._monitor.snapshot, name=self.name, provider=provider)
        self._hub.start()
        write_card(
            self._card, {**{k: self._hello[k] for k in _CARD_FIELDS}, "address": self.address, "token": self.token}
        )
        if self.token is not None:
            print(f"sqla-tui attach {self.address} --token {self.token}", file=sys.stderr)
        atexit.register(self.close)

    def _listen(self, address: str | None) -> tuple[socket.socket, str, Path]:
        """The listening socket, its address, and where its card goes; a stale socket of ours is replaced."""
        card = runtime_dir(create=True) / f"{os.getpid()}-{slug(self.name)}.json"
        if address is None or address.startswith("unix:"):
            if address == "unix:":
                raise AttachError("'unix:' names no socket: write unix:/path/to/app.sock, or leave address out")
            # absolute: the card is read from other directories, and close() removes the socket it names
            path = Path(address[5:]).absolute() if address else socket_path(os.getpid(), self.name)
            if path.is_socket():  # left by a process that died; never anything else of the user's
                path.unlink()
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                listener.bind(str(path))
                os.chmod(path, 0o600)  # inside a 0700 directory, so nobody else could reach it meanwhile
                listener.listen(16)
            except OSError:
                listener.close()
                raise
            return listener, str(path), card
        host, port = parse_tcp(address)
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, port))
            listener.listen(16)
        except OSError:
            listener.close()
            raise
        self.token = secrets.token_urlsafe(18)
        shown = f"[{host}]" if ":" in host else host
        return listener, f"tcp://{shown}:{listener.getsockname()[1]}", card

    def _describe(self, sync: Engine, capture_params: bool, buffer: int, leak_after: float) -> dict[str, Any]:
        original = self._original_pool or type(sync.pool)
        return {
            "type": "hello",
            "v": feed.VERSION,
            "pid": os.getpid(),
            "name": self.name,
            "dialect": sync.dialect.name,
            "driver": sync.dialect.driver,
            "poolclass": original.__name__,
            "url": mask_url(sync.url.render_as_string(hide_password=True)),  # and ?password=, which that leaves
            "started": round(time.time() - (time.perf_counter() - self._started), 3),
            "capture_params": capture_params,
            "buffer": buffer,
            "leak_after_s": leak_after,
        }

    def _pool_event(self) -> dict[str, Any]:
        """One pool snapshot event (the server thread calls it about ten times a second while someone watches).

        The snapshot's own dataclasses (percentiles, counters, leak suspects)
        stay as they are: the feed's encoder opens each as it meets it.
        """
        figures = fields_of(self._monitor.snapshot())
        figures["open_transactions"] = self._probe.open_transactions(self._monitor.leak_threshold)
        figures["holders"] = [
            {
                "file": where.file if where else None,
                "line": where.line if where else None,
                "location": str(where) if where else None,
                "connections": count,
                "oldest_s": oldest,
            }
            for where, count, oldest in self._monitor.holders()
        ]
        figures["t"] = round(time.perf_counter() - self._started, 4)
        figures["type"] = "pool"
        return figures

    @property
    def viewers(self) -> int:
        """Viewers connected now."""
        return len(self._hub.viewers)

    def wait_for_viewer(self, timeout: float | None = None, *, count: int = 1) -> bool:
        """Block until ``count`` viewers are connected (for tests and scripts); False if ``timeout`` came first."""
        return self._hub.wait_for_viewer(timeout, count)

    def close(self) -> None:
        """Say goodbye to the viewers, stop listening and give the engine its pool back exactly as it was."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        if self._metrics is not None:
            self._metrics.active = False
        self._hub.close({"type": "bye", "t": round(time.perf_counter() - self._started, 4)})
        self._card.unlink(missing_ok=True)
        self._undo()

    def _undo(self) -> None:
        """Stop listening and give the engine its pool back; free the engine for another ``instrument``."""
        self._probe.remove()
        self._monitor.close()
        swap_out_twin(self._engine.pool)  # the pool now, also when engine.dispose() made a new one
        if self.address.startswith("/"):
            Path(self.address).unlink(missing_ok=True)
        with _guard:
            _instrumented.discard(id(self._engine.dialect))
            _names.discard(slug(self.name))

    def __enter__(self) -> Instrumentation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CARD_FIELDS = ("pid", "name", "dialect", "poolclass", "url", "started")
