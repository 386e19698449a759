"""The viewer's end of the feed: find an instrumented application, connect, and read its events.

Also reads a recorded feed (``--record FILE``) back, so ``sqla-tui replay``
goes through the same digest and screens as a live attach.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqla_tui.attach import feed
from sqla_tui.attach.runtime import AttachError, cards, find_card, parse_tcp

TOKEN_ENV = "SQLA_TUI_ATTACH_TOKEN"
_READ_TIMEOUT = 0.2


def connect(target: str, token: str | None = None) -> socket.socket:
    """A connected socket to ``target``: a pid, a name, ``PID-NAME``, a socket path, or ``tcp://127.0.0.1:PORT``."""
    address = target
    if not (target.startswith(("tcp://", "unix:", "/")) or os.sep in target):
        card = find_card(target)
        address, token = card.address, token or card.token
    if address.startswith("tcp://"):
        host, port = parse_tcp(address)
        token = token or os.environ.get(TOKEN_ENV) or _card_token(address)
        if not token:
            raise AttachError(f"{address} needs the token the application printed: pass --token or set {TOKEN_ENV}")
        try:
            sock = socket.create_connection((host, port), timeout=5)
        except OSError as error:
            raise AttachError(
                f"cannot reach {address}: {error.strerror or error}; is the application running?"
            ) from None
        sock.sendall(token.encode() + b"\n")
        return sock
    path = address.removeprefix("unix:")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError as error:
        sock.close()
        reason = "no such socket" if isinstance(error, FileNotFoundError) else error.strerror or str(error)
        raise AttachError(
            f"cannot attach to {path}: {reason}; run `sqla-tui attach` to list running applications"
        ) from None
    return sock


def _card_token(address: str) -> str | None:
    return next((card.token for card in cards() if card.address == address), None)


def read_events(
    sock: socket.socket,
    *,
    duration: float | None = None,
    record: IO[bytes] | None = None,
    stop: threading.Event | None = None,
) -> Iterator[dict[str, Any]]:
    """Events from a live feed until it ends (the app closed or exited), ``duration`` seconds pass or ``stop`` is set.

    The first must be a ``hello`` this version understands, and a peer that
    hangs up or speaks before sending one (a database's port, say) is no
    feed; every raw line is also written to ``record`` as it arrives.
    ``stop`` is for the screen's reader thread, which another thread ends:
    it is looked at between reads, every ``_READ_TIMEOUT``, since a live feed
    never ends on its own and the interpreter waits on that thread at exit.
    """
    deadline = None if duration is None else time.monotonic() + duration
    sock.settimeout(_READ_TIMEOUT)
    buffered = b""
    first = True
    try:
        while (deadline is None or time.monotonic() < deadline) and not (stop is not None and stop.is_set()):
            try:
                chunk = sock.recv(1 << 16)
            except TimeoutError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                if first:
                    raise AttachError(f"{_NOT_A_FEED}: the other end hung up without one")
                return
            buffered += chunk
            if first and len(buffered) > _HELLO_MAX and b"\n" not in buffered:
                raise AttachError(_NOT_A_FEED)
            *lines, buffered = buffered.split(b"\n")
            for line in lines:
                try:
                    event = feed.decode(line)
                except ValueError:
                    raise AttachError(_NOT_A_FEED if first else "the feed sent a line that is not an event") from None
                if first:
                    check_hello(event)
                    first = False
                if record is not None:
                    record.write(line + b"\n")
                yield event
        if first and not (stop is not None and stop.is_set()):  # a server that waits for us to speak first
            raise AttachError(f"{_NOT_A_FEED}: nothing came in {duration:g} s")
    finally:
        sock.close()


_NOT_A_FEED = "this is not a sqla-tui attach feed (it does not start with a hello line)"
_HELLO_MAX = 1 << 16
"""More than a hello can be without its line ending: another protocol's bytes, not a feed."""


def check_hello(event: dict[str, Any]) -> None:
    """Refuse, in one line, a feed that does not start with a hello of a version this viewer reads."""
    if event.get("type") == "bye" and event.get("error"):
        raise AttachError(event["error"])
    if event.get("type") != "hello":
        raise AttachError(_NOT_A_FEED)
    if event.get("v") != feed.VERSION:
        raise AttachError(
            f"feed version {event.get('v')} is not the {feed.VERSION} this sqla-tui reads; upgrade sqla-tui"
        )


def replay_events(path: Path, stop: threading.Event | None = None) -> Iterator[dict[str, Any]]:
    """The events of a recorded feed; one line, at once, when the file is missing or does not start like a feed.

    A recording whose last line was cut off (a copy stopped short, a full
    disk) gives its whole lines, then a ``cut`` event naming the line: what
    was recorded up to there is still the incident.
    """
    try:
        handle = path.open("rb")
    except OSError as error:
        raise AttachError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        first = _event(path, 1, handle.readline())
        check_hello(first)
    except AttachError:
        handle.close()
        raise
    return _recorded(path, handle, first, stop)


def _recorded(
    path: Path, handle: IO[bytes], first: dict[str, Any], stop: threading.Event | None
) -> Iterator[dict[str, Any]]:
    with handle:
        yield first
        for number, line in enumerate(handle, 2):
            if stop is not None and stop.is_set():
                return
            if not line.strip():
                continue
            if not line.endswith(b"\n"):  # the last line, cut off
                try:
                    event = feed.decode(line)
                except ValueError:
                    yield {"type": "cut", "line": number}
                    return
                yield event
                continue
            yield _event(path, number, line)


def _event(path: Path, number: int, line: bytes) -> dict[str, Any]:
    try:
        return feed.decode(line)
    except ValueError:
        raise AttachError(f"{path} line {number} is not a feed event; pass a file written by --record") from None
