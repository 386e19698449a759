"""The feed server: one daemon thread that accepts viewers and sends them events, so the application never waits.

The application's threads only ``publish``: append an event (a statement's
line, or a dict) to each viewer's bounded deque, or count a drop when it is
full. Everything else happens on the server thread: encoding the dicts,
non-blocking sends, accepting, the 10 Hz pool snapshot. A viewer that reads
slowly, never reads, or is killed costs the application one ``len`` and one
``append`` per event (and the drops it is told about); a killed viewer is
forgotten at the next send.

The thread wakes ten times a second, with the snapshot, and sends what
queued meanwhile; between ticks only when a viewer's socket that was full
takes more again, a viewer comes or goes, or ``wake`` asks (``close``
does). Each wake-up takes the GIL from the application twice (after
``select`` and after ``send``, each a switch the application is made to
give up within its switch interval): at fifty sends a second, as it was, a
served request at 200 in flight made 0.14–0.16 voluntary context switches
where a plain one made none, and 0.04–0.07 at ten, for statements seen up to
0.1 s later rather than 0.02 s.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import selectors
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sqla_tui.attach.feed import encode, encode_all

Event = str | dict[str, Any]
"""What the application's threads publish: a statement as its line (``feed.statement_line``), anything else as the
event's dict."""

_CLOSING_TICK = 0.005
"""How often ``close`` looks whether everything queued has gone out (s)."""
_BATCH = 512
_TOKEN_LINE_MAX = 256
_CLOSE_FLUSH_S = 1.0
_TOKEN_WAIT_S = 2.0
"""How long a TCP connection may take to send its token: any local user can connect to a loopback port, and each
connection waiting is a file descriptor of the application's."""
_WAITING_MAX = 8
"""TCP connections waiting to send their token at once; more are closed as they come, so nobody can use up the
application's file descriptors (its own database connections need them) by connecting and saying nothing."""
_VIEWERS_MAX = 32
"""Viewers at once: each is a queue of up to ``buffer`` events the application fills."""


class Viewer:
    """One connected viewer: its bounded queue of events, its drop count and the bytes not yet sent."""

    __slots__ = ("_lock", "dropped", "dropped_statements", "full", "pending", "queue", "reported", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.queue: deque[Event] = deque()
        self.dropped = 0
        self.dropped_statements = 0
        self.reported = 0
        self.pending = memoryview(b"")
        self.full = False
        """Its socket took no more at the last send: the thread then waits for it to be writable, not for a tick."""
        self._lock = threading.Lock()

    def drop(self, event: Event) -> None:
        """Count one event this viewer will never get (any thread; only the full-buffer path takes the lock)."""
        with self._lock:
            self.dropped += 1
            if type(event) is str:
                self.dropped_statements += 1


class Hub:
    """Viewers of one instrumented engine and the thread that serves them."""

    def __init__(
        self,
        listener: socket.socket,
        *,
        hello: dict[str, Any],
        buffer: int,
        token: str | None,
        snapshot: Callable[[], dict[str, Any]],
        interval: float = 0.1,
    ) -> None:
        """``interval`` is the pool snapshot's period, and the send's: events reach a viewer within about this long."""
        self.viewers: tuple[Viewer, ...] = ()
        self._told: Callable[[bool], None] = _nobody
        self._listener = listener
        self._hello = encode(hello)
        self._buffer = buffer
        self._token = token
        self._snapshot = snapshot
        self._interval = interval
        self._stopping = threading.Event()
        self._joined = threading.Condition()
        self._selector = selectors.DefaultSelector()
        self._wake, self._waker = socket.socketpair()
        """A byte written to ``_waker`` has the thread, asleep until its next tick, send at once (``wake``)."""
        self._waker.setblocking(False)  # a full pair already has the thread awake: wake() never waits for it
        self._wake.setblocking(False)
        self._thread = threading.Thread(target=self._serve, name="sqla-tui-attach", daemon=True)
        self._waiting: dict[socket.socket, float] = {}
        """TCP connections that have not sent their token yet, and when they must have (server thread only)."""

    # -- the application's side (any thread) -----------------------------------

    def publish(self, event: Event) -> None:
        """Queue one event for every viewer; a full queue counts a drop instead. Never blocks."""
        limit = self._buffer
        for viewer in self.viewers:
            queue = viewer.queue
            if len(queue) < limit:
                queue.append(event)
            else:
                viewer.drop(event)

    def tell(self, told: Callable[[bool], None]) -> None:
        """Call ``told`` with whether anyone is connected, now and whenever a viewer comes or goes (from the
        server thread): what publishes reads it as a plain attribute per statement, not ``len(viewers)``."""
        self._told = told
        told(bool(self.viewers))

    def wait_for_viewer(self, timeout: float | None, count: int = 1) -> bool:
        """Wait until ``count`` viewers are connected; False when ``timeout`` passed first."""
        with self._joined:
            return self._joined.wait_for(lambda: len(self.viewers) >= count, timeout)

    def start(self) -> None:
        self._listener.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._selector.register(self._wake, selectors.EVENT_READ, _WAKE)
        self._thread.start()

    def wake(self) -> None:
        """Have the thread send what is queued now rather than at its next tick: ``close`` says goodbye at once."""
        with contextlib.suppress(OSError):  # the thread is gone already: nothing left to send
            self._waker.send(b"x")

    def close(self, farewell: dict[str, Any]) -> None:
        """Send a last pool snapshot and ``farewell`` to everyone (up to a second), then close every socket."""
        if not self._thread.is_alive():
            return
        if self.viewers:
            self._publish_snapshot()
        self.publish(farewell)
        self._stopping.set()
        self.wake()
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def _publish_snapshot(self) -> None:
        """The pool's figures for everyone; a failure to read them ends up in the feed, never in the application."""
        try:
            event = self._snapshot()
        except Exception as error:  # noqa: BLE001 - someone else's process: report, never raise
            event = {"type": "error", "message": f"pool snapshot failed: {type(error).__name__}: {error}"}
        self.publish(event)

    # -- the server thread ----------------------------------------------------

    def _serve(self) -> None:
        next_tick = 0.0
        try:
            while not self._stopping.is_set():
                for key, events in self._selector.select(max(0.0, next_tick - time.monotonic())):
                    self._ready(key, events)
                now = time.monotonic()
                if now >= next_tick:
                    next_tick = now + self._interval
                    if self.viewers:
                        self._publish_snapshot()
                    self._flush_all()
                    self._close_silent(now)
            deadline = time.monotonic() + _CLOSE_FLUSH_S
            while time.monotonic() < deadline and any(viewer.queue or viewer.pending for viewer in self.viewers):
                self._flush_all()
                time.sleep(_CLOSING_TICK)
        finally:
            for viewer in self.viewers:
                self._forget(viewer)
            for sock in self._waiting:
                sock.close()
            self._selector.close()
            self._listener.close()
            self._wake.close()
            self._waker.close()

    def _ready(self, key: selectors.SelectorKey, events: int) -> None:
        data = key.data
        if data is None:
            self._accept()
        elif data is _WAKE:
            with contextlib.suppress(OSError):
                self._wake.recv(64)
            self._flush_all()
        elif isinstance(data, Viewer):
            if events & selectors.EVENT_WRITE:
                self._flush(data)
            if not events & selectors.EVENT_READ or data.sock.fileno() < 0:  # forgotten by the flush
                return
            try:
                gone = not data.sock.recv(4096)  # a viewer sends nothing after its token: b"" is its hang-up
            except BlockingIOError:
                return
            except OSError:
                gone = True
            if gone:
                self._forget(data)
        else:
            self._read_token(key.fileobj, data)  # type: ignore[arg-type]  # a key registered with a socket as its fileobj

    def _accept(self) -> None:
        try:
            sock, _ = self._listener.accept()
        except OSError:
            return
        sock.setblocking(False)
        if len(self.viewers) >= _VIEWERS_MAX:
            self._refuse(sock, f"{_VIEWERS_MAX} viewers are attached already")
        elif self._token is None:
            if not _same_user(sock):
                sock.close()
                return
            self._admit(sock)
        elif len(self._waiting) >= _WAITING_MAX:
            sock.close()
        else:
            self._waiting[sock] = time.monotonic() + _TOKEN_WAIT_S
            self._selector.register(sock, selectors.EVENT_READ, bytearray())

    def _close_silent(self, now: float) -> None:
        """Close the TCP connections that sent no token in time (``_TOKEN_WAIT_S``)."""
        for sock, deadline in list(self._waiting.items()):
            if now >= deadline:
                self._waiting.pop(sock)
                with contextlib.suppress(KeyError, ValueError):
                    self._selector.unregister(sock)
                sock.close()

    def _refuse(self, sock: socket.socket, why: str) -> None:
        with contextlib.suppress(OSError):
            sock.send(encode({"type": "bye", "error": why}))
        sock.close()

    def _read_token(self, sock: socket.socket, received: bytearray) -> None:
        """A TCP viewer's first line is the token the application printed; anything else closes it."""
        try:
            chunk = sock.recv(_TOKEN_LINE_MAX)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        received += chunk
        if chunk and b"\n" not in received and len(received) < _TOKEN_LINE_MAX:
            return
        self._selector.unregister(sock)
        self._waiting.pop(sock, None)
        offered = bytes(received).split(b"\n", 1)[0].strip()
        if chunk and hmac.compare_digest(offered, self._token.encode()):  # type: ignore[union-attr]  # only reached with a token set (TCP)
            self._admit(sock)
            return
        self._refuse(sock, "wrong token: use the token the application printed")

    def _admit(self, sock: socket.socket) -> None:
        viewer = Viewer(sock)
        viewer.pending = memoryview(self._hello)
        self._selector.register(sock, selectors.EVENT_READ, viewer)
        with self._joined:
            self.viewers = (*self.viewers, viewer)
            self._told(True)
            self._joined.notify_all()
        self._flush(viewer)  # its hello now, not at the next tick

    def _forget(self, viewer: Viewer) -> None:
        self.viewers = tuple(other for other in self.viewers if other is not viewer)
        self._told(bool(self.viewers))
        with contextlib.suppress(KeyError, ValueError):  # already unregistered, or its socket already closed
            self._selector.unregister(viewer.sock)
        viewer.sock.close()
        viewer.queue.clear()

    def _flush_all(self) -> None:
        for viewer in self.viewers:
            self._flush(viewer)

    def _flush(self, viewer: Viewer) -> None:
        """Send what this viewer's socket takes now; refill from its queue until it would block."""
        while True:
            if not viewer.pending:
                lines = []
                if viewer.dropped != viewer.reported:
                    viewer.reported = viewer.dropped
                    lines.append(
                        encode({"type": "dropped", "total": viewer.reported, "statements": viewer.dropped_statements})
                    )
                queue = viewer.queue
                batch = [queue.popleft() for _ in range(min(len(queue), _BATCH))]
                if batch:
                    lines.append(encode_all(batch))
                if not lines:
                    self._wait_writable(viewer, False)
                    return
                viewer.pending = memoryview(b"".join(lines))
            try:
                sent = viewer.sock.send(viewer.pending, socket.MSG_NOSIGNAL)
            except BlockingIOError:
                self._wait_writable(viewer, True)
                return
            except OSError:  # the viewer went away (killed, closed): forget it, the app goes on
                self._forget(viewer)
                return
            viewer.pending = viewer.pending[sent:]
            if viewer.pending:
                self._wait_writable(viewer, True)
                return

    def _wait_writable(self, viewer: Viewer, full: bool) -> None:
        """Wake when a full socket takes more (a viewer reading a backlog gets it as fast as it reads), or stop
        asking once everything went out."""
        if viewer.full is not full:
            viewer.full = full
            self._selector.modify(viewer.sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if full else 0), viewer)


_WAKE = object()
"""The selector's mark on the socket ``wake`` writes to."""


def _nobody(watched: bool) -> None:
    """Whom a hub tells of its viewers until someone asks (``tell``)."""


def _same_user(sock: socket.socket) -> bool:
    """On Linux, whether the peer runs as this user (the socket's mode already says so; this checks again)."""
    peercred = getattr(socket, "SO_PEERCRED", None)
    if peercred is None:
        return True
    _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, peercred, struct.calcsize("3i")))
    return uid == os.getuid()
