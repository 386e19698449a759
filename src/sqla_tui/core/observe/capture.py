"""StatementLog: every statement the ORM sends, with exact rows and its origin.

Rows are counted where they leave the driver: SQLAlchemy's async adapters
fetch a buffered result completely into the adapted cursor before
``after_cursor_execute`` fires, so its length is exactly what the database
handed over for that statement, before the ORM de-duplicates anything. That
private buffer is read through ``core.internals.sqlalchemy``; a StatementLog
refuses to start (one line) on a SQLAlchemy that no longer keeps it, rather
than count zero rows.

Origins come from the session: ``do_orm_execute`` tags each ORM execution
(main query, eager loader for a path, lazy load of an attribute) through an
execution option that the cursor event reads back.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import re
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import ORMExecuteState, RelationshipProperty, Session

from sqla_tui.core.errors import UserError
from sqla_tui.core.grammar import counted
from sqla_tui.core.internals.sqlalchemy import async_cursor_keeps_rows, buffered_rows
from sqla_tui.core.sqltext import as_received, one_line

ROWS_HIDDEN = (
    "this SQLAlchemy no longer shows the rows its async cursors buffer, so statements cannot be counted exactly; "
    "install the SQLAlchemy version sqla-tui pins (pip install -e . or the constraints file)"
)
_ORIGIN_OPTION = "sqla_tui_origin"
_SAMPLED_ROWS = 256
_IN_LIST = re.compile(r"\(\s*(?:\?|\$\d+|%s|%\(\w+\)s|:\w+)(?:\s*,\s*(?:\?|\$\d+|%s|%\(\w+\)s|:\w+))+\s*\)")


@dataclass(frozen=True)
class Origin:
    """Why a statement ran: the main query, an eager loader, or a lazy load."""

    kind: str  # "main" | "eager" | "lazy" | "other"
    path: str = ""  # relationship keys, from the root for eager loads, from the owner for lazy ones
    attribute: str = ""  # the relationship that loaded, e.g. "Post.comments"
    configured: str = ""  # the relationship's own lazy= setting, e.g. "select"


MAIN = Origin("main")
OTHER = Origin("other")


@dataclass(frozen=True)
class CapturedStatement:
    """One cursor execution as the driver saw it."""

    index: int
    sql: str
    """The text handed to the driver, with its placeholders: what running it again needs."""
    params: Any
    origin: Origin
    rows: int
    columns: int
    bytes: int
    ms: float
    paramstyle: str = "qmark"
    """The driver's placeholder style; with ``format``/``pyformat`` it halves every ``%%``."""

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
    if isinstance(value, decimal.Decimal):
        return len(str(value))
    return len(str(value))


def payload_bytes(rows: Any) -> tuple[int, int]:
    """(columns, approximate bytes) of a fetched result.

    Up to 256 evenly spaced rows are measured and the mean is scaled to the
    row count, so the estimate costs the same for 10 rows or 100,000.
    """
    count = len(rows)
    if count == 0:
        return 0, 0
    step = max(1, count // _SAMPLED_ROWS)
    sample = list(itertools.islice(rows, 0, None, step))
    measured = sum(_value_size(value) for row in sample for value in row)
    return len(sample[0]), round(measured * count / len(sample))




def describe_origin(state: ORMExecuteState) -> Origin:
    """Classify an ORM execution from what the session tells about it."""
    path = state.loader_strategy_path
    if not state.is_relationship_load or path is None:
        return MAIN if state.is_select else OTHER
    # entity, relationship, entity...: a relationship load's path holds relationships between its entities
    properties = [prop for prop in path.path[1::2] if isinstance(prop, RelationshipProperty)]
    keys = ".".join(prop.key for prop in properties)
    last = properties[-1]
    kind = "lazy" if state.lazy_loaded_from is not None else "eager"
    return Origin(kind, keys, str(last), str(last.lazy))


class StatementLog:
    """Records statements on an engine; keeps the newest ``cap`` and counts the rest.

    ``recording(connection)`` for one run's connection, or ``attach`` to a
    whole engine; ``watch`` a session to learn origins. ``mark()`` and
    ``since(mark)`` slice out one run's statements.
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
        """Start recording every cursor execution on ``engine``."""
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)
        self._engines.append(sync_engine)

    @contextmanager
    def recording(self, connection: AsyncConnection) -> Iterator[None]:
        """Record every cursor execution on this one connection until the block ends.

        A run records on its own connection rather than on the engine, so
        what other work does on the same engine meanwhile (a pool load, the
        schema screen reading the catalog) is never counted in its numbers.
        """
        sync_connection = connection.sync_connection
        event.listen(sync_connection, "before_cursor_execute", self._before)
        event.listen(sync_connection, "after_cursor_execute", self._after)
        try:
            yield
        finally:
            event.remove(sync_connection, "before_cursor_execute", self._before)
            event.remove(sync_connection, "after_cursor_execute", self._after)

    def detach(self) -> None:
        """Stop recording on every attached engine."""
        for sync_engine in self._engines:
            event.remove(sync_engine, "before_cursor_execute", self._before)
            event.remove(sync_engine, "after_cursor_execute", self._after)
        self._engines.clear()

    @staticmethod
    def watch(session: AsyncSession) -> None:
        """Tag this session's ORM executions with their origin."""
        event.listen(session.sync_session, "do_orm_execute", _tag_origin)

    @staticmethod
    def watch_class(session_class: type[Session]) -> None:
        """Tag the ORM executions of every session of this (own, subclassed) Session class."""
        event.listen(session_class, "do_orm_execute", _tag_origin)

    # -- events ---------------------------------------------------------------
    @staticmethod
    def _before(conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info.setdefault("sqla_tui_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        elapsed = time.perf_counter() - conn.info["sqla_tui_started"].pop()
        rows = buffered_rows(cursor) or ()
        columns, size = payload_bytes(rows)
        origin = context.execution_options.get(_ORIGIN_OPTION, OTHER) if context is not None else OTHER
        if len(self._entries) == self.cap:
            self.dropped += 1
        self._entries.append(
            CapturedStatement(
                index=next(self._counter),
                sql=statement,
                params=parameters,
                origin=origin,
                rows=len(rows),
                columns=columns,
                bytes=size,
                ms=elapsed * 1000,
                paramstyle=conn.dialect.paramstyle,
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


def _tag_origin(state: ORMExecuteState) -> None:
    state.update_execution_options(**{_ORIGIN_OPTION: describe_origin(state)})
