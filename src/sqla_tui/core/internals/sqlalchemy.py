"""The private parts of SQLAlchemy that sqla-tui reads, named here and nowhere else.

SQLAlchemy offers no public way to see the rows an async cursor buffered
(exact row counts), a checkout waiting in the pool's queue (waiters and
acquire times), or some pool settings. Each such read goes through this
module, ``tests/test_internals.py`` fails naming the attribute when an
upgrade removes one, and every accessor degrades to "unknown" (None), so a
missing attribute costs a figure, never a wrong one, and never the import
of a screen. ``PRIVATE`` lists them all for that test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from types import MemberDescriptorType
from typing import Any

from sqlalchemy.pool import QueuePool
from sqlalchemy.pool import base as pool_base
from sqlalchemy.util.queue import AsyncAdaptedQueue

PRIVATE: dict[str, str] = {
    "sqlalchemy.connectors.asyncio.AsyncAdapt_dbapi_cursor._rows": "exact rows: what the driver handed over",
    "sqlalchemy.orm.strategies._SelectInLoader._chunksize": "how many keys one selectinload IN list holds",
    "sqlalchemy.sql.selectable.Select._compile_options": "the loader path behind a statement, read cheaply",
    "sqlalchemy.orm.context._ORMCompileState.default_compile_options._current_path": "the loader path behind a statement, read cheaply",
    "sqlalchemy.orm.context.QueryContext.default_load_options._lazy_loaded_from": "a lazy load told from an eager one, from the execution alone",
    "sqlalchemy.pool.Pool._return_conn": "a return, reported without the slower checkin event",
    "sqlalchemy.engine.Engine._sqla_logger_namespace": "an instrumented pool logs as SQLAlchemy's (log_as)",
    "sqlalchemy.pool.QueuePool._pool": "waiters: the queue checkouts wait in",
    "sqlalchemy.util.queue.AsyncAdaptedQueue._queue": "waiters: the asyncio queue an async pool's checkouts wait in",
    "asyncio.Queue._getters": "waiters: the checkouts an asyncio queue holds waiting",
    "sqlalchemy.util.queue.Queue.not_empty": "waiters: the condition a sync pool's checkouts wait on",
    "threading.Condition._waiters": "waiters: the threads a condition holds waiting",
    "sqlalchemy.pool.base._ConnectionFairy._connection_record": "which pooled connection a checkout got",
    "sqlalchemy.orm.Session.hash_key": "a statement's session, named without writing to it",
    "sqlalchemy.pool.Pool._recycle": "the pool's recycle setting",
    "sqlalchemy.pool.QueuePool._max_overflow": "the pool's max_overflow setting",
    "sqlalchemy.pool.Pool._pre_ping": "the pool's pre_ping setting",
    "sqlalchemy.pool.Pool._reset_on_return": "whether returned connections are reset",
    "sqlalchemy.util.concurrency._concurrency_shim._AsyncIoGreenlet.__sqlalchemy_greenlet_provider__": "an awaited call's greenlet told from an application's own (gevent, eventlet)",
}
"""Every private name read here, with what it gives the user."""


def _slot_reader(owner: type, name: str) -> Callable[[Any], Any]:
    """A C-level reader of one slot of ``owner``'s instances: the slot's own descriptor, called directly.

    A read through the instance (``attrgetter``, ``getattr``) goes through
    its class's attribute lookup, and ``_ConnectionFairy`` has a
    ``__getattr__``, so each read was three lookups in Python 3.11's
    type-attribute cache on every checkout. Where the name is no longer a
    slot of ``owner``, a getter that reads it the usual way.
    """
    descriptor = vars(owner).get(name)
    return descriptor.__get__ if isinstance(descriptor, MemberDescriptorType) else attrgetter(name)


connection_record: Callable[[Any], Any] = _slot_reader(getattr(pool_base, "_ConnectionFairy", object), "_connection_record")
"""The ``_ConnectionRecord`` behind a checked-out connection (this runs on every checkout)."""


def session_number(session: Any) -> int:
    """SQLAlchemy's own number for a ``Session``, given when it is made and unique in the process (``hash_key``,
    which its registry of sessions is keyed by; undocumented): a statement's session named without sqla-tui keeping
    a number of its own in the application's session. Read in Python, which 3.11 specializes to the instance's own
    value, rather than by a C-level getter, whose every read is a type-attribute-cache lookup."""
    return session.hash_key


SPAWNED_BY_SQLALCHEMY = "__sqlalchemy_greenlet_provider__"
"""The mark of the greenlet SQLAlchemy runs an awaited call in (``getattr(greenlet, SPAWNED_BY_SQLALCHEMY, False)``,
read where every checkout looks for its application line): a greenlet of gevent's or eventlet's, which a sync
application may run in, has none, and its parent is their hub rather than the awaiting coroutine."""


def buffered_rows(cursor: Any) -> Sequence[Any] | None:
    """The rows an async adapter's cursor buffered for this execution (or a sync driver's, e.g. PyMySQL's); None
    when it keeps none we can see.

    Whether a cursor's class keeps them is asked once per class: the read
    itself is then a plain attribute read, which Python 3.11 specializes to
    the slot or the instance's value, where ``getattr(cursor, "_rows",
    None)`` was a type-attribute-cache lookup on every statement.
    """
    keeps = _keeps_rows.get(type(cursor))
    if keeps is None:
        keeps = _keeps_rows[type(cursor)] = hasattr(cursor, "_rows")
    if not keeps:
        return None
    try:
        return cursor._rows
    except AttributeError:  # a cursor of a class whose first instance had them, without them
        return None


_keeps_rows: dict[type, bool] = {}


def statement_loader_path(statement: Any) -> Any:
    """The loader path an ORM SELECT was compiled for: the root path for a main query, a relationship's path
    for an eager or lazy load of it; None for a Core statement, which has no such path."""
    return getattr(getattr(statement, "_compile_options", None), "_current_path", None)


def lazy_loaded(execution_options: Any) -> bool:
    """Whether an execution with these options is a lazy load: the ORM's load options name the instance it loads for."""
    options = execution_options.get("_sa_orm_load_options")
    return options is not None and getattr(options, "_lazy_loaded_from", None) is not None


def orm_loads_visible() -> bool:
    """Whether ORM statements still say, where ``statement_loader_path`` and ``lazy_loaded`` read, what loaded them."""
    from sqlalchemy.orm.context import QueryContext, _ORMCompileState

    return hasattr(_ORMCompileState.default_compile_options, "_current_path") and hasattr(
        QueryContext.default_load_options, "_lazy_loaded_from"
    )


def async_cursor_keeps_rows() -> bool:
    """Whether SQLAlchemy's async cursor adapter still buffers rows where ``buffered_rows`` reads them."""
    from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_cursor

    return "_rows" in getattr(AsyncAdapt_dbapi_cursor, "__slots__", ())


def selectin_chunk_size() -> int | None:
    """How many keys SQLAlchemy puts in one selectinload IN list (500 in 2.x); None if it no longer says."""
    from sqlalchemy.orm import strategies

    loader = getattr(strategies, "_SelectInLoader", None)
    size = getattr(loader, "_chunksize", None)
    return size if isinstance(size, int) else None


def log_as(cls: type, base: type) -> None:
    """Have SQLAlchemy name the loggers of ``cls``'s instances as ``base``'s, as it does for its own ``Engine``.

    It names an instance's logger by its class's module and name unless the
    class says otherwise (``_sqla_logger_namespace``), so an instrumented
    pool, a class of ours, logged outside ``sqlalchemy.pool``: past the
    handler that keeps its recovered failures off the terminal
    (``core.connect.engine``) and past any logging setup for SQLAlchemy's
    pools, so a connection that failed to close as Ctrl-C stopped a command
    printed its traceback. Where SQLAlchemy stops reading the attribute,
    the test naming it fails.
    """
    namespace = getattr(base, "_sqla_logger_namespace", None) or f"{base.__module__}.{base.__name__}"
    cls._sqla_logger_namespace = namespace  # type: ignore[attr-defined]


def pool_return(base: type) -> Callable[..., Any] | None:
    """A pool class's method that takes a connection back (``_return_conn``); None if it is gone."""
    return getattr(base, "_return_conn", None)


def queue_waiters(pool: Any) -> int | None:
    """Checkouts waiting in a queue pool's queue now: asyncio's futures, or a sync queue's threads; 0 for a pool with
    no queue (it never waits), None when this SQLAlchemy keeps its queue where this cannot see.

    Read from another thread as well as the pool's: ``len`` of a deque runs in C, in one step.
    """
    if not isinstance(pool, QueuePool):
        return 0
    queue = getattr(pool, "_pool", None)
    if isinstance(queue, AsyncAdaptedQueue):
        waiting = vars(queue).get("_queue")  # made at the first checkout: none before
        if waiting is None:
            return 0
        getters = getattr(waiting, "_getters", None)
    else:
        getters = getattr(getattr(queue, "not_empty", None), "_waiters", None)
    return len(getters) if getters is not None else None


_UNSET = object()


@dataclass(frozen=True)
class PrivateSettings:
    """Pool settings SQLAlchemy keeps privately; None where the attribute is gone (unknown)."""

    recycle: int | None
    """Seconds, -1 for never; None when unknown."""
    max_overflow: int | None
    pre_ping: bool | None
    reset_on_return: Any
    """SQLAlchemy's reset marker; None when unknown."""


def private_settings(pool: Any) -> PrivateSettings:
    """Read the settings ``pool.size()`` and ``pool.timeout()`` do not give."""

    def read(name: str) -> Any:
        value = getattr(pool, name, _UNSET)
        return None if value is _UNSET else value

    pre_ping = read("_pre_ping")
    return PrivateSettings(
        recycle=read("_recycle"),
        max_overflow=read("_max_overflow"),
        pre_ping=None if pre_ping is None else bool(pre_ping),
        reset_on_return=read("_reset_on_return"),
    )
