"""The feed's wire format: JSON lines, one event an object with a ``type``, the first a ``hello`` with ``v``.

Kept apart from the server and the viewer so both read one definition; the
README lists every event and field. A viewer refuses a feed whose major
version it does not know, in one line, rather than misread it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any, NamedTuple

from sqla_tui.core.fields import json_value

if TYPE_CHECKING:  # the viewer reads the feed without loading SQLAlchemy's ORM
    from sqla_tui.core.observe.loaders import Origin
    from sqla_tui.core.observe.origin import Location

VERSION = 1
"""Bumped when a field changes meaning or goes away; new fields and events do not bump it."""


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=json_value)
"""One encoder for every event: ``json.dumps`` with any option set builds a new one per call. Dataclasses (a
pool snapshot's figures) are opened as it meets them; values JSON cannot hold (parameters: dates, decimals,
bytes) become their str()."""

NO_PARAMS: Any = object()
"""A statement's ``params`` when the application did not ask for them (``None`` is a statement's own value)."""


class Statement(NamedTuple):
    """A statement's fields, in the order ``statement_line`` takes them (``as_event`` names them)."""

    t: float
    """Seconds since ``instrument()``, when it ended."""
    ms: float
    sql: str
    rows: int | None
    where: Location | None
    origin: Origin
    """One of the few origin objects ``core.observe.loaders`` keeps for good: it is cached by identity."""
    session: int | None
    tx: int | None
    task: str
    executemany: bool
    params: Any = NO_PARAMS

    def as_event(self) -> dict[str, Any]:
        """The event's fields, in the order of its line."""
        where, origin = self.where, self.origin
        event = {
            "type": "stmt",
            "t": self.t,
            "sql": self.sql,
            "ms": self.ms,
            "rows": self.rows,
            "file": where.file if where else None,
            "line": where.line if where else None,
            "function": where.function if where else None,
            "loader": origin.kind,
            "attribute": origin.attribute or None,
            "session": self.session,
            "tx": self.tx,
            "task": self.task,
            "executemany": self.executemany,
        }
        if self.params is not NO_PARAMS:
            event["params"] = self.params
        return event


_LINE = '{"type":"stmt","t":%.6f,"ms":%.3f,"rows":%s,"session":%s,"tx":%s,"task":%s,"executemany":%s,%s'
"""A statement's line without parameters, up to its end (``_SOURCE``): one format operation an event."""
_SOURCE = '"sql":%s,"file":%s,"line":%s,"function":%s,"loader":%s,"attribute":%s}\n'
_sources: dict[tuple[str, Location | None, int], str] = {}
"""The end of a statement's line by (SQL, place in the code, origin): what repeats, made into JSON once each."""
_CACHED_MAX = 4096


def statement_line(
    t: float,
    ms: float,
    sql: str,
    rows: int | None,
    where: Location | None,
    origin: Origin,
    session: int | None,
    tx: int | None,
    task: str,
    executemany: bool,
    params: Any = NO_PARAMS,
) -> str:
    """A statement's ``stmt`` line (a ``Statement``'s fields), made where it ran, in the application's thread.

    A line is a str, which the garbage collector never looks at: a tuple of
    the fields, queued for the feed thread to format, was one more tracked
    object per statement, and queued statements are what a busy or slow
    viewer's buffer holds by the thousand, each one counted towards the
    application's next collection and walked by it (two collections per
    queued statement before it is old enough to be left alone). Without
    parameters, the feed's commonest event by far, a line is one format
    operation: its times to the microsecond, its rows, session, transaction
    and task, and its end from a cache, since a program runs the same
    statements from the same lines over and over.
    """
    if params is not NO_PARAMS:
        fields = Statement(t, ms, sql, rows, where, origin, session, tx, task, executemany, params)
        return _ENCODER.encode(fields.as_event()) + "\n"
    return _LINE % (
        t,
        ms,
        "null" if rows is None else rows,
        "null" if session is None else session,
        "null" if tx is None else tx,
        encode_basestring_ascii(task),
        "true" if executemany else "false",
        _sources.get(place := (sql, where, id(origin))) or _source(place, where, origin),
    )


def _source(key: tuple[str, Location | None, int], where: Location | None, origin: Origin) -> str:
    if len(_sources) >= _CACHED_MAX:
        _sources.clear()
    text = _sources[key] = _SOURCE % (
        encode_basestring_ascii(key[0]),
        encode_basestring_ascii(where.file) if where else "null",
        "null" if where is None or where.line is None else where.line,  # f_lineno can be None
        encode_basestring_ascii(where.function) if where else "null",
        encode_basestring_ascii(origin.kind),
        encode_basestring_ascii(origin.attribute) if origin.attribute else "null",
    )
    return text


def encode(event: str | dict[str, Any]) -> bytes:
    """One event as one line."""
    return encode_all((event,))


def encode_all(events: Iterable[str | dict[str, Any]]) -> bytes:
    """Events as lines, one after another: a statement's is made already (``statement_line``), the rest are
    dicts, made JSON here."""
    return "".join([event if type(event) is str else _ENCODER.encode(event) + "\n" for event in events]).encode()


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
