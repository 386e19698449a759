"""The viewer's end of the feed: find an instrumented application, connect, and read its events.

Also reads a recorded feed (``--record FILE``) back, so ``sqla-tui replay``
goes through the same digest and screens as a live attach.
"""

from __future__ import annotations

import os
import socket
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
    sock: socket.socket, *, duration: float | None = None, record: IO[bytes] | None = None
) -> Iterator[dict[str, Any]]:
    """Events from a live feed until it ends (the app closed or exited) or ``duration`` seconds pass.

    The first must be a ``hello`` this version understands; every raw line
    is also written to ``record`` as it arrives.
    """
    deadline = None if duration is None else time.monotonic() + duration
    sock.settimeout(_READ_TIMEOUT)
    buffered = b""
    first = True
    try:
        while deadline is None or time.monotonic() < deadline:
            try:
                chunk = sock.recv(1 << 16)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffered += chunk
            *lines, buffered = buffered.split(b"\n")
            for line in lines:
                event = feed.decode(line)
                if first:
                    check_hello(event)
                    first = False
                if record is not None:
                    record.write(line + b"\n")
                yield event
    finally:
        sock.close()


def check_hello(event: dict[str, Any]) -> None:
    """Refuse, in one line, a feed that does not start with a hello of a version this viewer reads."""
    if event.get("type") == "bye" and event.get("error"):
        raise AttachError(event["error"])
    if event.get("type") != "hello":
        raise AttachError("this is not a sqla-tui attach feed (it does not start with a hello line)")
    if event.get("v") != feed.VERSION:
        raise AttachError(
            f"feed version {event.get('v')} is not the {feed.VERSION} this sqla-tui reads; upgrade sqla-tui"
        )


def replay_events(path: Path) -> Iterator[dict[str, Any]]:
    """The events of a recorded feed; one line, at once, when the file is missing or does not start like a feed."""
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
    return _recorded(path, handle, first)


def _recorded(path: Path, handle: IO[bytes], first: dict[str, Any]) -> Iterator[dict[str, Any]]:
    with handle:
        yield first
        for number, line in enumerate(handle, 2):
            if line.strip():
                yield _event(path, number, line)


def _event(path: Path, number: int, line: bytes) -> dict[str, Any]:
    try:
        return feed.decode(line)
    except ValueError:
        raise AttachError(f"{path} line {number} is not a feed event; pass a file written by --record") from None
