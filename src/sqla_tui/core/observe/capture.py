"""StatementLog: every statement the ORM sends, with exact rows and its origin.

Rows are counted where they leave the driver: SQLAlchemy's async adapters
fetch a buffered result completely into the adapted cursor before
``after_cursor_execute`` fires, so its length is exactly what the database
handed over for that statement, before the ORM de-duplicates anything. That
private buffer is read through ``core.internals.sqlalchemy``; a StatementLog
refuses to start (one line) on a SQLAlchemy that no longer keeps it, rather
than count zero rows.

Origins come from the execution context alone (``core.observe.loaders``):
the loader path the ORM compiled the statement for and its load options.
"""

from __future__ import annotations

import datetime
import itertools
import operator
import re
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sqla_tui.core.errors import UserError
from sqla_tui.core.grammar import counted
from sqla_tui.core.internals.sqlalchemy import async_cursor_keeps_rows, buffered_rows
from sqla_tui.core.observe.executions import hooks
from sqla_tui.core.observe.loaders import Origin, executed_origin
from sqla_tui.core.sqltext import as_received, one_line

ROWS_HIDDEN = (
    "this SQLAlchemy no longer shows the rows its async cursors buffer, so statements cannot be counted exactly; "
    "install the SQLAlchemy version sqla-tui pins (pip install -e . or the constraints file)"
)
_SAMPLED_ROWS = 256
_MEASURED_LATER = 32
"""Results of up to this many rows are measured when first read, not while the statement runs: most statements
are this small, measuring is half of what recording one would cost, and many are never read. Larger results are
measured at once, so the log never keeps more than this many rows of any statement."""
_IN_LIST = re.compile(r"\(\s*(?:\?|\$\d+|%s|%\(\w+\)s|:\w+)(?:\s*,\s*(?:\?|\$\d+|%s|%\(\w+\)s|:\w+))+\s*\)")


@dataclass(slots=True)
class CapturedStatement:
    """One cursor execution as the driver saw it.

    Not frozen, though nothing changes what it says once made: a frozen
    dataclass sets each field through ``object.__setattr__``, which made
    building one a seventh of what watching cost per statement.
    """

    index: int
    sql: str
    """The text handed to the driver, with its placeholders: what running it again needs."""
    params: Any
    origin: Origin
    rows: int
    ms: float
    paramstyle: str = "qmark"
    """The driver's placeholder style; with ``format``/``pyformat`` it halves every ``%%``."""
    measured: tuple[int, int] | None = field(default=None, compare=False)
    """(columns, approximate bytes), once measured; see ``payload_bytes``."""
    unmeasured: tuple[Any, ...] = field(default=(), repr=False, compare=False)
    """A small result's rows, kept until ``columns`` or ``bytes`` is first read and measured then."""

    @property
    def columns(self) -> int:
        return self._measured()[0]

    @property
    def bytes(self) -> int:
        """Approximately what the driver handed over, by ``payload_bytes``' rule."""
        return self._measured()[1]

    def _measured(self) -> tuple[int, int]:
        if self.measured is None:
            self.measured, self.unmeasured = payload_bytes(self.unmeasured), ()
        return self.measured

    @property
    def received(self) -> str:
        """The text as the database received it, placeholders aside: what to show and copy."""
        return as_received(self.sql, self.paramstyle)

    @property
    def shape(self) -> str:
        """The SQL with IN-lists folded, so statements that differ only in parameters match."""
        return shape(self.received)


def shape(sql: str) -> str:
    """``sql`` with IN-lists of placeholders folded to ``(…)``, so statements that differ only in parameters match."""
    return _IN_LIST.sub("(…)", sql)


@dataclass(frozen=True)
class StatementGroup:
    """Statements with the same shape and origin, in first-seen order."""

    shape: str
    origin: Origin
    count: int
    rows: int
    ms: float
    indexes: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class NPlusOne:
    """A lazy load repeated once per parent: the N+1 pattern."""

    sql: str
    count: int
    attribute: str
    message: str


def _value_size(value: Any) -> int:
    """Approximate wire size of one value; the same rule for every strategy."""
    if value is None:
        return 1
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return len(value)
    if isinstance(value, (bool, int, float, datetime.datetime, datetime.date, datetime.time)):
        return 8
    return len(str(value))


_SIZED = frozenset({str, bytes, bytearray, memoryview})
_FIXED = frozenset({bool, int, float, datetime.datetime, datetime.date, datetime.time})
_NONE = type(None)


def _column_size(values: tuple[Any, ...]) -> int:
    """``_value_size`` summed over one column, by the column's types: C-level loops where they are all alike."""
    kinds = set(map(type, values))
    nulls = sum(map(operator.is_, values, itertools.repeat(None))) if _NONE in kinds else 0
    kinds.discard(_NONE)
    if kinds <= _SIZED:  # an empty str or bytes is falsy and its length 0: dropping it changes no sum
        return nulls + sum(map(len, filter(None, values)))
    if kinds <= _FIXED:
        return nulls + 8 * (len(values) - nulls)
    return sum(map(_value_size, values))


def payload_bytes(rows: Any) -> tuple[int, int]:
    """(columns, approximate bytes) of a fetched result.

    Up to 256 evenly spaced rows are measured and the mean is scaled to the
    row count, so the estimate costs the same for 10 rows or 100,000. The
    sample is measured a column at a time, so one statement costs a few
    calls per column rather than several per value.
    """
    count = len(rows)
    if count == 0:
        return 0, 0
    sample = rows if count <= _SAMPLED_ROWS else list(itertools.islice(rows, 0, None, count // _SAMPLED_ROWS))
    columns = list(zip(*sample, strict=True))
    measured = sum(map(_column_size, columns))
    return len(columns), round(measured * count / len(sample))


_STARTED = "sqla_tui_started"


class StatementLog:
    """Records statements on an engine; keeps the newest ``cap`` and counts the rest.

    ``recording(connection)`` for one run's connection, or ``attach`` to a
    whole engine. ``mark()`` and ``since(mark)`` slice out one run's
    statements.
    """

    def __init__(self, cap: int = 10_000) -> None:
        if not async_cursor_keeps_rows():
            raise UserError(ROWS_HIDDEN)
        self.cap = cap
        self.dropped = 0
        self._entries: deque[CapturedStatement] = deque(maxlen=cap)
        self._counter = itertools.count()
        self._engines: list[Any] = []

    # -- wiring ---------------------------------------------------------------
    def attach(self, engine: AsyncEngine) -> None:
        """Start recording every cursor execution on ``engine``.

        Through the engine's cursor events, not the dialect's: those fire
        for the statements SQLAlchemy sends when it first connects (the
        server's version, its settings), which are nobody's and would be
        counted in the first step that uses a new engine.
        """
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._before, retval=True)
        event.listen(sync_engine, "after_cursor_execute", self._after)
        self._engines.append(sync_engine)

    @contextmanager
    def recording(self, connection: AsyncConnection) -> Iterator[None]:
        """Record every cursor execution on this one connection until the block ends.

        A run records on its own connection rather than on the engine, so
        what other work does on the same engine meanwhile (a pool load, the
        schema screen reading the catalog) is never counted in its numbers.
        A recording inside another one on the same connection takes its
        statements until it ends.
        """
        sync_connection = connection.sync_connection
        logs = hooks(connection.engine.sync_engine).connections
        outer = logs.get(sync_connection)
        logs[sync_connection] = self._record
        try:
            yield
        finally:
            if outer is None:
                del logs[sync_connection]
            else:
                logs[sync_connection] = outer

    def detach(self) -> None:
        """Stop recording on every attached engine."""
        for sync_engine in self._engines:
            event.remove(sync_engine, "before_cursor_execute", self._before)
            event.remove(sync_engine, "after_cursor_execute", self._after)
        self._engines.clear()

    # -- recording ------------------------------------------------------------
    @staticmethod
    def _before(conn, cursor, statement, parameters, context, executemany) -> tuple[Any, Any]:
        conn.info[_STARTED] = time.perf_counter()
        return statement, parameters

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._record(conn.info[_STARTED], cursor, statement, parameters, context, executemany, conn.dialect)

    def _record(
        self,
        started: float,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        many: bool,
        dialect: Any = None,
    ) -> None:
        """A ``core.observe.executions`` recorder (``dialect`` only where ``context`` may be None)."""
        elapsed = time.perf_counter() - started
        rows = buffered_rows(cursor) or ()
        count = len(rows)
        if len(self._entries) == self.cap:
            self.dropped += 1
        self._entries.append(
            CapturedStatement(
                next(self._counter),
                statement,
                parameters,
                executed_origin(context),
                count,
                elapsed * 1000,
                (dialect or context.dialect).paramstyle,
                None if count <= _MEASURED_LATER else payload_bytes(rows),
                tuple(rows) if count <= _MEASURED_LATER else (),
            )
        )

    # -- reading --------------------------------------------------------------
    @property
    def entries(self) -> list[CapturedStatement]:
        return list(self._entries)

    def mark(self) -> int:
        """A position to slice from later: the index the next statement will get."""
        return self._entries[-1].index + 1 if self._entries else 0

    def since(self, mark: int) -> list[CapturedStatement]:
        return [entry for entry in self._entries if entry.index >= mark]

    def clear(self) -> None:
        self._entries.clear()
        self.dropped = 0


def group_statements(statements: list[CapturedStatement]) -> list[StatementGroup]:
    """Fold statements that differ only in parameters (and IN-list length)."""
    groups: dict[tuple[str, Origin], list[CapturedStatement]] = {}
    for statement in statements:
        groups.setdefault((statement.shape, statement.origin), []).append(statement)
    return [
        StatementGroup(
            shape=shape,
            origin=origin,
            count=len(members),
            rows=sum(member.rows for member in members),
            ms=sum(member.ms for member in members),
            indexes=[member.index for member in members],
        )
        for (shape, origin), members in groups.items()
    ]


def find_n_plus_one(statements: list[CapturedStatement], threshold: int = 2) -> list[NPlusOne]:
    """Lazy loads of one attribute that ran ``threshold`` or more times."""
    found = []
    for group in group_statements(statements):
        if group.origin.kind == "lazy" and group.count >= threshold:
            sql = one_line(group.shape)
            found.append(
                NPlusOne(
                    sql=sql,
                    count=group.count,
                    attribute=group.origin.attribute,
                    message=f"{sql} ran {counted(group.count, 'time')}, from {group.origin.attribute}",
                )
            )
    return found

