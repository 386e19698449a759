"""What an instrumented engine tells the feed about statements and transactions.

Listeners on the user's engine (cursor executions, transaction begin and
end) and on every ORM ``Session`` (the loader or lazy attribute behind an
execution, and which session ran it). Each returns at once while no viewer
is connected, so an application nobody watches pays one attribute read per
statement. Rows are counted as ``core.observe.capture`` counts them: the rows
the driver handed over, read from the async adapter's buffer (or a sync
driver's, e.g. PyMySQL's); a sync driver that keeps none (sqlite3, psycopg2)
reports its ``rowcount`` when it knows it, else ``null``.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.orm import ORMExecuteState, Session

from sqla_tui.attach.server import Hub
from sqla_tui.core.internals.sqlalchemy import buffered_rows
from sqla_tui.core.observe.loaders import announce, announced
from sqla_tui.core.observe.origin import caller_location

_STARTED = "sqla_tui_attach_started"
_TX = "sqla_tui_attach_tx"


def task_name() -> str:
    """The asyncio task running this code, else the thread's name."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    return task.get_name() if task is not None else threading.current_thread().name


def statement_rows(cursor: Any) -> int | None:
    """Rows the driver handed over for this execution; 0 for a statement that returns none; None when unknown."""
    if getattr(cursor, "description", None) is None:
        return 0
    rows = buffered_rows(cursor)
    if rows is not None:
        return len(rows)
    count = getattr(cursor, "rowcount", -1)
    return count if isinstance(count, int) and count >= 0 else None


class Probe:
    """Turns one engine's statements and transactions into feed events, while anyone is watching."""

    def __init__(self, engine: Engine, hub: Hub, *, capture_params: bool, started: float) -> None:
        self._engine = engine
        self._hub = hub
        self._capture_params = capture_params
        self._started = started
        self._serials = itertools.count(1)
        self._session_key = f"sqla_tui_attach_session_{id(self)}"  # one probe per engine, each numbering its own
        self.open: dict[int, list[Any]] = {}
        """Transactions begun and not yet ended: serial -> [began, location, task, last statement] (perf_counter)."""
        self._engine_listeners: dict[str, Callable[..., Any]] = {
            "before_cursor_execute": self._before,
            "after_cursor_execute": self._after,
            "begin": self._begin,
            "commit": self._end,
            "rollback": self._end,
        }
        for name, listener in self._engine_listeners.items():
            event.listen(engine, name, listener, retval=name == "before_cursor_execute")
        event.listen(Session, "do_orm_execute", self._tag)

    def remove(self) -> None:
        for name, listener in self._engine_listeners.items():
            event.remove(self._engine, name, listener)
        event.remove(Session, "do_orm_execute", self._tag)

    # -- listeners -----------------------------------------------------------

    def _tag(self, state: ORMExecuteState) -> None:
        """Tell the cursor listener which loader and which session this ORM execution is for (``core.observe.loaders``)."""
        if self._hub.viewers:
            announce(state)

    def _serial(self, session: Session) -> int:
        """A number for this session, in the order the feed first saw them (kept in its ``info``, which it owns)."""
        serial = session.info.get(self._session_key)
        if serial is None:
            serial = session.info[self._session_key] = next(self._serials)
        return serial

    def _before(
        self,
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> tuple[str, Any]:
        if self._hub.viewers:
            conn.info[_STARTED] = time.perf_counter()
        return statement, parameters  # listening with retval=True spares SQLAlchemy's wrapper a call

    def _after(
        self,
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        if not self._hub.viewers:
            return
        info = conn.info
        started = info.pop(_STARTED, None)
        if started is None:  # the viewer came between this statement's start and its end
            return
        now = time.perf_counter()
        elapsed = now - started
        told = announced(context)
        where = caller_location()
        task = task_name()
        tx = info.get(_TX)
        if tx is not None:
            open_tx = self.open.get(tx)
            if open_tx is not None:
                open_tx[3] = now
                if open_tx[1] is None:  # the transaction began for this, its first statement: same place, same task
                    open_tx[1], open_tx[2] = where, task
        item: dict[str, Any] = {
            "type": "stmt",
            "t": now - self._started,
            "sql": statement,
            "ms": elapsed * 1000,
            "rows": statement_rows(cursor),
            "file": where.file if where else None,
            "line": where.line if where else None,
            "function": where.function if where else None,
            "loader": told.origin.kind if told else None,
            "attribute": told.origin.attribute if told else None,
            "session": self._serial(told.session) if told else None,
            "tx": tx,
            "task": task,
            "executemany": executemany,
        }
        if self._capture_params:
            item["params"] = parameters
        self._hub.publish(item)

    def _begin(self, conn: Connection) -> None:
        """Note a transaction; where and in which task it began is filled in by its first statement."""
        if not self._hub.viewers:
            return
        serial = next(self._serials)
        conn.info[_TX] = serial
        now = time.perf_counter()
        self.open[serial] = [now, None, None, now]

    def _end(self, conn: Connection) -> None:
        self.end(conn.info)

    def end(self, info: dict[str, Any]) -> None:
        """A transaction ended (commit, rollback, or its connection went back to the pool)."""
        serial = info.pop(_TX, None)
        if serial is not None:
            self.open.pop(serial, None)

    def open_transactions(self, older_than: float) -> list[dict[str, Any]]:
        """Transactions open longer than ``older_than`` seconds, oldest first: "idle in transaction", from the app's side."""
        now = time.perf_counter()
        found = []
        for serial, (began, where, task, last) in self.open.copy().items():
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
