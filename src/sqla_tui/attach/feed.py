"""The feed's wire format: JSON lines, one event an object with a ``type``, the first a ``hello`` with ``v``.

Kept apart from the server and the viewer so both read one definition; the
README lists every event and field. A viewer refuses a feed whose major
version it does not know, in one line, rather than misread it.
"""

from __future__ import annotations

import json
from typing import Any

VERSION = 1
"""Bumped when a field changes meaning or goes away; new fields and events do not bump it."""


def encode(event: dict[str, Any]) -> bytes:
    """One event as one line; values JSON cannot hold (parameters: dates, decimals, bytes) become their str()."""
    return json.dumps(event, separators=(",", ":"), default=str).encode() + b"\n"


def decode(line: bytes | str) -> dict[str, Any]:
    """One line back into an event; ValueError for a line that is not a feed event."""
    event = json.loads(line)
    if not isinstance(event, dict) or "type" not in event:
        raise ValueError("not a feed event")
    return event


def driver_params(event: dict[str, Any]) -> Any:
    """A statement's parameters as its driver took them (JSON made the positional tuple a list); None without them."""
    params = event.get("params")
    if isinstance(params, list) and not any(isinstance(value, (list, dict)) for value in params):
        return tuple(params)
    return params
