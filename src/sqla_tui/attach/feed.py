"""The feed's wire format: JSON lines, one event an object with a ``type``, the first a ``hello`` with ``v``.

Kept apart from the server and the viewer so both read one definition; the
README lists every event and field. A viewer refuses a feed whose major
version it does not know, in one line, rather than misread it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring_ascii
from typing import Any

VERSION = 1
"""Bumped when a field changes meaning or goes away; new fields and events do not bump it."""


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=str)
"""One encoder for every event: ``json.dumps`` with any option set builds a new one per call."""
_STATEMENT = (
    '{"type":"stmt","t":%.6f,"sql":%s,"ms":%.3f,"rows":%s,"file":%s,"line":%s,"function":%s,'
    '"loader":%s,"attribute":%s,"session":%s,"tx":%s,"task":%s,"executemany":%s}\n'
)
_STATEMENT_KEYS = frozenset(
    ("type", "t", "sql", "ms", "rows", "file", "line", "function", "loader", "attribute", "session", "tx", "task",
     "executemany")
)  # fmt: skip
_texts: dict[str | None, str] = {None: "null"}
"""JSON forms of the strings statements repeat (SQL text, file, function, loader, attribute), made once each."""
_TEXTS_MAX = 4096


def encode(event: dict[str, Any]) -> bytes:
    """One event as one line; values JSON cannot hold (parameters: dates, decimals, bytes) become their str()."""
    return _line(event).encode()


def encode_all(events: Iterable[dict[str, Any]]) -> bytes:
    """Events as lines, the same bytes ``encode`` gives each."""
    return "".join(map(_line, events)).encode()


def _line(event: dict[str, Any]) -> str:
    """One event's line. A statement without parameters, the feed's commonest event by far, is formatted
    directly, its times to the microsecond and its repeated strings from a cache: a third of what ``json``
    takes for it (callgrind: ~21,000 instructions against ~63,000)."""
    if event.keys() != _STATEMENT_KEYS:
        return _ENCODER.encode(event) + "\n"
    texts = _texts
    if len(texts) > _TEXTS_MAX:
        texts.clear()
        texts[None] = "null"
    rows, line, session, tx = event["rows"], event["line"], event["session"], event["tx"]
    return _STATEMENT % (
        event["t"],
        texts.get(sql := event["sql"]) or _remember(sql),
        event["ms"],
        "null" if rows is None else rows,
        texts.get(file := event["file"]) or _remember(file),
        "null" if line is None else line,
        texts.get(function := event["function"]) or _remember(function),
        texts.get(loader := event["loader"]) or _remember(loader),
        texts.get(attribute := event["attribute"]) or _remember(attribute),
        "null" if session is None else session,
        "null" if tx is None else tx,
        encode_basestring_ascii(event["task"]),
        "true" if event["executemany"] else "false",
    )


def _remember(text: str) -> str:
    found = _texts[text] = encode_basestring_ascii(text)
    return found


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
