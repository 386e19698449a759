"""What an instrumented engine tells the feed about statements and transactions.

Statements through the hook the StatementLog uses (``core.observe.executions``:
the dialect's ``do_execute`` wrapped, no cursor listeners, which would make
SQLAlchemy dispatch every connection event on every statement), with their
origin read from the execution context alone (``core.observe.loaders``), so
no ``do_orm_execute`` listener runs on every ORM execution of every session
of the application. The dialect is hooked only while a viewer is connected:
a statement nobody watches runs SQLAlchemy's code alone. A transaction is
SQLAlchemy's own ``RootTransaction`` of the statement's connection: it gets
its serial at its first statement a viewer sees, and says itself when it has
ended (``is_active``), read when the feed asks which are open. Nothing is
told of commits and rollbacks: engine ``commit``/``rollback`` listeners made
SQLAlchemy take its connection-event branch on every statement (+3.1%), and
wrapping the dialect's ``do_commit`` and ``do_rollback`` cost two calls of
ours a request, for watched and unwatched applications alike. Sessions are
numbered by a ``Session`` ``after_begin`` listener, once per transaction,
returning at once while nobody watches. Rows are counted as ``core.observe.capture`` counts them: the rows
the driver handed over, read from the async adapter's buffer (or a sync
driver's, e.g. PyMySQL's); a sync driver that keeps none (sqlite3, psycopg2)
reports its ``rowcount`` when it is positive, else ``null``: before the rows
are fetched sqlite3 says -1 for a SELECT and 0 for an INSERT ... RETURNING.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from asyncio import current_task
from asyncio.events import _get_running_loop  # in asyncio.events.__all__: the running loop or None, never raising
from threading import current_thread
from time import perf_counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.orm import Session, SessionTransaction

from sqla_tui.attach.feed import NO_PARAMS, statement_line
from sqla_tui.attach.server import Hub
from sqla_tui.core.internals.sqlalchemy import buffered_rows, session_number
from sqla_tui.core.observe.executions import RECORDER_DEPTH, Hooks, hooks
from sqla_tui.core.observe.loaders import executed_origin
from sqla_tui.core.observe.origin import caller_location

_SKIPPED = 1 + RECORDER_DEPTH
"""Frames a statement's own walk (a thread's) passes first: ``record`` itself and the hook's below SQLAlchemy's."""


class _Seen(weakref.ref):
    """A weak reference to a transaction the probe saw, knowing its key in ``Probe.open``: the callback that forgets
    the transaction when it is gone reads the key here (the transaction's address, no longer readable from it)."""

    __slots__ = ("key",)
    key: int


class Probe:
    """Turns one engine's statements and transactions into feed events, while anyone is watching."""

    def __init__(self, engine: Engine, hub: Hub, *, capture_params: bool, started: float) -> None:
        self._engine = engine
        self._hub = hub
        self._capture_params = capture_params
        self._started = started
        self._serials = itertools.count(1)
        self.open: dict[int, list[Any]] = {}
        """Transactions seen and not yet gone, by the address of their ``RootTransaction``: [serial, began,
        location, task, last statement (perf_counter), a weak reference to the transaction (``_Seen``), session];
        location and task are None from a session's beginning to its first statement. One that has ended but is
        still referenced stays, and ``open_transactions`` leaves it out; one that is gone is forgotten as it goes
        (``_gone``)."""
        self._forget = self._gone
        """The callback of every transaction's reference: one bound method, not one made per transaction."""
        self._hooks: Hooks | None = None
        """The engine's hooks while anyone watches (the hub says when), else None: the session listener reads it."""
        self._hooking = threading.Lock()
        """Taken to hook or unhook the dialect: the hub's thread does as viewers come and go, ``remove`` at close."""
        self._removed = False
        event.listen(Session, "after_begin", self._session_begun)
        hub.tell(self._watched)

    def remove(self) -> None:
        """Unhook for good: a viewer the hub's thread still admits sees no statements."""
        self._removed = True
        self._watched(False)
        event.remove(Session, "after_begin", self._session_begun)

    # -- listeners -----------------------------------------------------------

    def _watched(self, watched: bool) -> None:
        """Hook the engine's dialect while anyone watches, and give it its own methods back when nobody does: a
        statement nobody watches then costs nothing at all, not the hook's two calls."""
        with self._hooking:
            if watched and self._hooks is None and not self._removed:
                self._hooks = hooks(self._engine)
                self._hooks.watch_engine(self)
            elif not watched and self._hooks is not None:
                self._hooks.unwatch_engine()
                self._hooks = None

    def _session_begun(self, session: Session, transaction: SessionTransaction, connection: Connection) -> None:
        """Note which session this connection's transaction is for: its statements' ``session``.

        Once per session transaction and connection, not per statement; a
        connection that is no session's (``engine.connect()``) has none. The
        session's number is SQLAlchemy's own (``session_number``); nothing
        of sqla-tui's is written to the session. It goes to the
        connection's transaction, which the probe numbers here when it has
        not seen it yet: its place in the code and its task come with its
        first statement.
        """
        if self._hooks is not None and connection.engine is self._engine:
            trans = connection.get_transaction()
            tx = self.open.get(id(trans)) or self._began(trans, perf_counter(), None, None)
            tx[6] = session_number(session)

    def record(
        self,
        started: float,
        cursor: DBAPICursor,
        statement: str,
        parameters: Any,
        context: ExecutionContext,
        executemany: bool,
    ) -> None:
        """A statement the driver just ran, while someone watches (the engine is hooked only then: ``_watched``).

        Its line is made here, in the application's thread (``statement_line``
        says why), and queued for the feed thread to send. What SQLAlchemy
        sends when it first connects (the server's version, its settings:
        nobody's statements, which its cursor events never showed either)
        is left out: that connection begins no transaction.
        """
        now = perf_counter()
        trans = context.root_connection.get_transaction()
        if trans is None:  # SQLAlchemy's first-connect queries
            return
        where = caller_location(_SKIPPED)
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
            count = getattr(cursor, "rowcount", -1)  # sqlite3 says 0 for an INSERT ... RETURNING not yet fetched
            rows = count if isinstance(count, int) and count > 0 else None
        tx = self.open.get(id(trans))  # the entry under a live transaction's address is its own (``_gone``)
        if tx is None:  # its first statement seen: where it began, in this place and task
            tx = self._began(trans, started, where, name)
        elif tx[2] is None:  # numbered when its session began it: its first statement says where and in which task
            tx[2], tx[3] = where, name
        tx[4] = now
        self._hub.publish(
            statement_line(
                now - self._started,
                (now - started) * 1000,
                statement,
                rows,
                where,
                executed_origin(context),
                tx[6],
                tx[0],
                name,
                executemany,
                parameters if self._capture_params else NO_PARAMS,
            )
        )

    def _began(self, trans: Any, began: float, where: Any, task: str | None) -> list[Any]:
        """A transaction seen for the first time (its first statement, or its session's beginning): number it.

        It is forgotten when it is gone, by its weak reference's callback,
        in whichever thread frees it: its address cannot be another's until
        then, so adding and forgetting need no lock. (Looking for ended ones
        every 64 new transactions kept each request's list and reference
        alive over dozens of requests, and then let them go all at once:
        two objects a request that the application's next cyclic collection
        counted towards its start, and the bytecode of the search.)
        """
        seen = _Seen(trans, self._forget)
        seen.key = key = id(trans)
        tx = self.open[key] = [next(self._serials), began, where, task, began, seen, None]
        return tx

    def _gone(self, seen: _Seen) -> None:
        """Forget a transaction that no longer exists (its reference's callback): the entry under its address is its
        own, as nothing else could have had that address while it lived."""
        self.open.pop(seen.key, None)

    def open_transactions(self, older_than: float) -> list[dict[str, Any]]:
        """Transactions open longer than ``older_than`` seconds, oldest first: "idle in transaction", from the app's side."""
        now = perf_counter()
        found = []
        for tx in list(self.open.values()):
            serial, began, where, task, last = tx[:5]
            if now - began >= older_than and _is_open(tx):
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


def _is_open(tx: list[Any]) -> bool:
    """Whether a transaction the probe saw is still open: its object is alive and says it is active."""
    trans = tx[5]()
    return trans is not None and bool(trans.is_active)
