"""What an instrumented engine tells the feed about statements and transactions.

Statements through the hook the StatementLog uses (``core.observe.executions``:
the dialect's ``do_execute`` wrapped, no cursor listeners, which would make
SQLAlchemy dispatch every connection event on every statement), with their
origin read from the execution context alone (``core.observe.loaders``), so
no ``do_orm_execute`` listener runs on every ORM execution of every session
of the application. While no viewer is connected a statement costs the hook
one dictionary miss and one look at the viewers. A transaction gets its
serial at its first statement a viewer sees and ends where the dialect
commits or rolls back (``core.observe.executions``: engine ``begin``/``commit``/
``rollback`` listeners made SQLAlchemy take its connection-event branch on
every statement, +3.1%); sessions are numbered by a ``Session``
``after_begin`` listener, once per transaction, returning at once while
nobody watches. Rows are counted as ``core.observe.capture`` counts them: the rows
the driver handed over, read from the async adapter's buffer (or a sync
driver's, e.g. PyMySQL's); a sync driver that keeps none (sqlite3, psycopg2)
reports its ``rowcount`` when it knows it, else ``null``.
"""

from __future__ import annotations

import itertools
from asyncio import current_task
from asyncio.events import _get_running_loop  # in asyncio.events.__all__: the running loop or None, never raising
from threading import current_thread
from time import perf_counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.orm import Session, SessionTransaction

from sqla_tui.attach.feed import NO_PARAMS, new_statement
from sqla_tui.attach.server import Hub
from sqla_tui.core.internals.sqlalchemy import buffered_rows, connection_info, execution_info
from sqla_tui.core.observe.executions import RECORDER_DEPTH, hooks
from sqla_tui.core.observe.loaders import executed_origin
from sqla_tui.core.observe.origin import caller_location

_TX = "sqla_tui_attach_tx"
_SESSION = "sqla_tui_attach_session"


class Probe:
    """Turns one engine's statements and transactions into feed events, while anyone is watching."""

    def __init__(self, engine: Engine, hub: Hub, *, capture_params: bool, started: float) -> None:
        self._engine = engine
        self._hub = hub
        self._capture_params = capture_params
        self._started = started
        self._serials = itertools.count(1)
        self._session_key = f"sqla_tui_attach_session_{id(self)}"  # one probe per engine, each numbering its own
        self._tx_key = f"{_TX}_{id(self)}"  # a transaction a closed probe saw begin is not this one's
        self.open: dict[int, list[Any]] = {}
        """Transactions begun and not yet ended: serial -> [serial, began, location, task, last statement]
        (perf_counter), the same list the connection's ``info`` holds while the transaction lasts."""
        self.watching = False
        """Whether anyone is connected: the hook reads it before timing a statement (the hub keeps it current)."""
        hub.tell(self._watched)
        event.listen(Session, "after_begin", self._session_begun)
        self._hooks = hooks(engine)
        self._hooks.watch_engine(self)

    def remove(self) -> None:
        self._hooks.unwatch_engine()
        event.remove(Session, "after_begin", self._session_begun)

    # -- listeners -----------------------------------------------------------

    def _watched(self, watched: bool) -> None:
        self.watching = watched

    def _session_begun(self, session: Session, transaction: SessionTransaction, connection: Connection) -> None:
        """Note which session this connection's transaction is for: its statements' ``session``, until it ends.

        Once per session transaction and connection, not per statement; a
        connection that is no session's (``engine.connect()``) has none.
        """
        if self.watching and connection.engine is self._engine:
            # a number for this session, in the order the feed first saw them, kept among its attributes under a
            # name of this probe's: ``session.info`` is a memoized property, a Python call for each new session
            numbers = vars(session)
            serial = numbers.get(self._session_key)
            if serial is None:
                serial = numbers[self._session_key] = next(self._serials)
            connection_info(connection)[_SESSION] = serial

    def record(
        self,
        started: float,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext,
        executemany: bool,
    ) -> None:
        """A statement the driver just ran, while someone watches (``core.observe.executions`` asked ``watching``).

        Only what must be read now, in the application's thread (where in
        its code, which task, the rows its driver buffered), goes into a
        raw ``Statement`` tuple; the feed thread formats it. What SQLAlchemy
        sends when it first connects (the server's version, its settings:
        nobody's statements, which its cursor events never showed either)
        is left out: that connection has no pool entry to hold a transaction.
        """
        now = perf_counter()
        try:
            info = execution_info(context)  # the pool entry's
        except NotImplementedError:  # SQLAlchemy's first-connect queries
            return
        where = caller_location(skip=1 + RECORDER_DEPTH)  # itself and the hook's frames below SQLAlchemy's
        # the asyncio task, else the thread (``origin.running_task`` inline: each Python call here is ~700 instructions)
        task = current_task(loop) if (loop := _get_running_loop()) is not None else None
        name = task.get_name() if task is not None else current_thread().name
        # rows the driver handed over; 0 for a statement that returns none; None when unknown. A driver's buffer
        # first: it is empty for a statement that returns none, and an async cursor's ``description`` is two
        # Python properties deep
        if (buffered := buffered_rows(cursor)) is not None:
            rows: int | None = len(buffered)
        elif cursor.description is None:
            rows = 0
        else:
            count = getattr(cursor, "rowcount", -1)
            rows = count if isinstance(count, int) and count >= 0 else None
        tx = info.get(self._tx_key)
        if tx is None:  # its first statement seen: where the database began it, in this place and task
            serial = next(self._serials)
            tx = info[self._tx_key] = self.open[serial] = [serial, started, where, name, now]
        else:
            tx[4] = now
        self._hub.publish(
            new_statement(
                (
                    now - self._started,
                    (now - started) * 1000,
                    statement,
                    rows,
                    where,
                    executed_origin(context),
                    info.get(_SESSION),
                    tx[0],
                    name,
                    executemany,
                    parameters if self._capture_params else NO_PARAMS,
                )
            )
        )

    def transaction_ended(self, info: dict[str, Any]) -> None:
        """A transaction ended (commit, rollback, or its connection went back to the pool)."""
        info.pop(_SESSION, None)
        tx = info.pop(self._tx_key, None)
        if tx is not None:
            self.open.pop(tx[0], None)

    def open_transactions(self, older_than: float) -> list[dict[str, Any]]:
        """Transactions open longer than ``older_than`` seconds, oldest first: "idle in transaction", from the app's side."""
        now = perf_counter()
        found = []
        for serial, began, where, task, last in list(self.open.values()):
            if now - began >= older_than:
                found.append(
                    {
                        "tx": serial,
                        "file": where.file if where else None,
                        "line": where.line if where else None,
                        "location": str(where) if where else None,
                        "task": task,
                        "open_s": round(now - began, 3),
                        "idle_s": round(now - last, 3),
                    }
                )
        return sorted(found, key=lambda item: -item["open_s"])
