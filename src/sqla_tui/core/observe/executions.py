"""Seeing an engine's statements where its dialect runs them: the one hook the StatementLog and the attach probe share.

Both wrap the dialect's own ``do_execute`` and its two twins, public dialect
methods, on the engine's dialect instance, rather than listen to
``before``/``after_cursor_execute``: an engine or connection with any
connection-event listener dispatches that whole family on every statement
(+3.3% and +5.3% of a 10-row ORM statement's instructions with no-op
listeners). Listening to the dialect's own ``do_execute`` events cost less
but still ~4,000 instructions a statement nobody records and ~8,700 one the
attach probe records (callgrind, an async 10-row ORM statement: SQLAlchemy's
dispatch loop, its listener collection's iterator and one more frame of
ours); the instance's method is one call. An engine is hooked once and
stays hooked while anything may record on it; a statement nobody records
costs the wrapper's two calls, a dictionary miss and one attribute read.

Two kinds of recorder: one per ``Connection`` (a StatementLog recording one
run's connection) and one for the whole engine (the attach probe, which
sets its watch only while a viewer is connected). A statement the engine's
watch alone records is handed to it by the wrapper directly, the commonest
case in someone else's application and the one that runs on every one of
its statements: working out who records, in ``Hooks._run``, cost a watched
statement 58 bytecodes more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

RECORDER_DEPTH = 1
"""Frames between the engine's watch and SQLAlchemy's code that ran the statement (the dialect method's wrapper): a
watch looking for the application's line can start its walk above them. Where ``Hooks._run`` hands it over (a
StatementLog records too) there is one frame more, sqla-tui's own, which such a walk passes by."""

Recorder = Callable[[float, Any, str, Any, Any, bool], None]
"""Called after the driver ran a statement: (perf_counter when it started, cursor, statement, parameters, context,
executemany)."""


class EngineWatch(Protocol):
    """What records every statement on an engine while it is the hooks' ``watch``."""

    def record(
        self, started: float, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        """A statement the driver ran; also those of SQLAlchemy's first connect, which the watch leaves out."""


class Hooks:
    """One dialect's execution hooks and who records through them: its engine's, and those made from it.

    They live on the dialect they wrap (``hooks``): an engine made with
    ``execution_options()`` shares its parent's dialect (and pool), so it
    shares these hooks rather than wrapping the wrappers, which releasing
    one set would then have taken from both.
    """

    def __init__(self, dialect: Any) -> None:
        self.connections: dict[Any, Recorder] = {}
        """Which recorder takes each ``Connection``'s statements (keyed by the root connection)."""
        self.watch: EngineWatch | None = None
        self._dialect = dialect
        run, connections, perf_counter = self._run, self.connections, time.perf_counter
        no_params = dialect.do_execute_no_params

        def with_parameters(method: Callable[..., None], many: bool) -> Callable[..., None]:
            """The wrapper of ``do_execute`` or ``do_executemany``: the engine's watch alone is handed the statement
            here, anyone else through ``_run``."""

            def wrapper(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
                watch = self.watch
                if watch is not None and context is not None and not connections:
                    started = perf_counter()
                    method(cursor, statement, parameters, context)
                    watch.record(started, cursor, statement, parameters, context, many)
                elif not run(method, cursor, statement, parameters, (parameters,), context, many):
                    method(cursor, statement, parameters, context)

            return wrapper

        def do_execute_no_params(cursor: Any, statement: str, context: Any = None) -> None:
            # only with the ``no_parameters`` execution option: rare enough to go through ``_run`` every time
            if not run(no_params, cursor, statement, (), (), context, False):
                no_params(cursor, statement, context)

        dialect.do_execute, dialect.do_execute_no_params, dialect.do_executemany = (
            with_parameters(dialect.do_execute, False),
            do_execute_no_params,
            with_parameters(dialect.do_executemany, True),
        )

    def watch_engine(self, watch: EngineWatch) -> None:
        """Hand ``watch`` every statement on the engine."""
        self.watch = watch

    def unwatch_engine(self) -> None:
        """Stop handing statements to the engine's watch; the dialect's methods are its own again once nothing
        records."""
        self.watch = None
        self.release()

    def release(self) -> None:
        """Unhook the engine once nothing records on it (an instrumented engine given back as it was)."""
        if self.connections or self.watch is not None:
            return
        dialect = self._dialect
        del dialect.do_execute, dialect.do_execute_no_params, dialect.do_executemany, dialect._sqla_tui_hooks

    def _run(
        self,
        method: Callable[..., None],
        cursor: Any,
        statement: str,
        parameters: Any,
        arguments: tuple[Any, ...],
        context: Any,
        many: bool,
    ) -> bool:
        """Run the statement through the dialect's own ``method`` (its class's) and hand it to whoever records it: its
        connection's recorder, and the engine's watch if there is one (the wrappers hand a statement to the watch
        themselves when no connection's recorder is set).

        False when nobody does: the wrapper then calls the dialect's method itself.
        What SQLAlchemy sends when it first connects (the server's version,
        its settings: nobody's statements) is handed to the watch too, which
        leaves it out where it reads the connection's pool entry anyway (that
        one connection has none): asking ``in_transaction()`` here was a
        Python call on every watched statement. Who records is worked out
        here, in the one frame every statement passes through, not in a
        helper: a Python call is ~500 instructions of a statement nobody watches.
        """
        if context is None:  # a default's own statement
            return False
        connection = context.root_connection
        record = self.connections.get(connection)
        watch = self.watch
        if record is None and watch is None:
            return False
        started = time.perf_counter()
        method(cursor, statement, *arguments, context)
        if record is not None:
            record(started, cursor, statement, parameters, context, many)
        if watch is not None:  # called from here, one frame further from SQLAlchemy's than ``RECORDER_DEPTH``
            watch.record(started, cursor, statement, parameters, context, many)
        return True


def hooks(sync_engine: Any) -> Hooks:
    """``sync_engine``'s hooks, kept on its dialect (an attribute of ours), hooking it on first use."""
    dialect = sync_engine.dialect
    found: Hooks | None = dialect.__dict__.get("_sqla_tui_hooks")
    if found is None:
        found = dialect._sqla_tui_hooks = Hooks(dialect)
    return found
