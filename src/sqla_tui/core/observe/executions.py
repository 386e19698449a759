"""Seeing an engine's statements where its dialect runs them: the one hook the StatementLog and the attach probe share.

Both wrap the dialect's own ``do_execute`` and its two twins, public dialect
methods, on the dialect's class (``hooks`` says why not on the instance), rather than listen to
``before``/``after_cursor_execute``: an engine or connection with any
connection-event listener dispatches that whole family on every statement
(+3.3% and +5.3% of a 10-row ORM statement's instructions with no-op
listeners). Listening to the dialect's own ``do_execute`` events cost less
but still ~4,000 instructions a statement nobody records and ~8,700 one the
attach probe records (callgrind, an async 10-row ORM statement: SQLAlchemy's
dispatch loop, its listener collection's iterator and one more frame of
ours); the class's method is one call. An engine is hooked once and
stays hooked while anything may record on it; a statement nobody records
costs the wrapper's two calls, a dictionary miss and one attribute read.

Two kinds of recorder: one per ``Connection`` (a StatementLog recording one
run's connection) and one for the whole engine (the attach probe, which
sets its watch only while a viewer is connected). A statement the engine's
watch alone records is handed to it by the wrapper directly, the commonest
case in someone else's application and the one that runs on every one of
its statements: working out who records, in ``Hooks.run``, cost a watched
statement 58 bytecodes more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

RECORDER_DEPTH = 1
"""Frames between the engine's watch and SQLAlchemy's code that ran the statement (the dialect method's wrapper): a
watch looking for the application's line can start its walk above them. Where ``Hooks.run`` hands it over (a
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

    Kept by the dialect's address (``hooks``): an engine made with
    ``execution_options()`` shares its parent's dialect (and pool), so it
    shares these hooks rather than wrapping the wrappers, which releasing
    one set would then have taken from both.
    """

    def __init__(self, dialect: Any) -> None:
        self.connections: dict[Any, Recorder] = {}
        """Which recorder takes each ``Connection``'s statements (keyed by the root connection)."""
        self.watch: EngineWatch | None = None
        self._dialect = dialect

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
        with _patching:
            if _hooked.get(id(dialect)) is self:
                del _hooked[id(dialect)]
            if not any(type(other._dialect) is type(dialect) for other in _hooked.values()):
                _unpatch(type(dialect))

    def run(
        self,
        method: Callable[..., None],
        dialect: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        arguments: tuple[Any, ...],
        context: Any,
        many: bool,
    ) -> bool:
        """Run the statement through the dialect's own ``method`` (its class's) and hand it to whoever records it: its
        connection's recorder, and the engine's watch if there is one (the class's wrappers hand a statement to the
        watch themselves when no connection's recorder is set).

        False when nobody does: the wrapper then calls the dialect's method itself.
        What SQLAlchemy sends when it first connects (the server's version,
        its settings: nobody's statements) is handed to the watch too, which
        leaves it out where it reads the connection's pool entry anyway (that
        one connection has none): asking ``in_transaction()`` here was a
        Python call on every watched statement.
        """
        if context is None:  # a default's own statement
            return False
        record = self.connections.get(context.root_connection)
        watch = self.watch
        if record is None and watch is None:
            return False
        started = time.perf_counter()
        method(dialect, cursor, statement, *arguments, context)
        if record is not None:
            record(started, cursor, statement, parameters, context, many)
        if watch is not None:  # called from here, one frame further from SQLAlchemy's than ``RECORDER_DEPTH``
            watch.record(started, cursor, statement, parameters, context, many)
        return True


_hooked: dict[int, Hooks] = {}
"""Hooks by the address of the dialect they are for (which they keep alive until released)."""
_patched: dict[type, dict[str, Any]] = {}
"""Each dialect class whose methods are wrapped, with the methods its own namespace held before (a name missing
there was inherited), to give back when no dialect of it is hooked."""
_patching = threading.Lock()
_ORIGINAL = "_sqla_tui_original"
"""Where a wrapper keeps the method it wraps: a subclass wrapped after its base wraps the original, never the
base's wrapper (which would hand each statement over twice)."""


def hooks(sync_engine: Any) -> Hooks:
    """``sync_engine``'s hooks, hooking its dialect on first use.

    The wrappers go on the dialect's class, not on the dialect: an attribute
    written to the instance gave it a dictionary of its own where CPython
    had kept its attributes inline, and every one of SQLAlchemy's reads of
    the dialect's attributes, dozens a statement, became a dictionary
    lookup: +40,000 instructions a request to the attach test application's
    /fast (+2%, callgrind, plain with one attribute written, two seeds),
    about half of what watching it cost. The class's wrappers look the
    dialect up by its address, so the engines of that class nobody records
    pay one dictionary miss a statement while it is wrapped.
    """
    dialect = sync_engine.dialect
    with _patching:
        found = _hooked.get(id(dialect))
        if found is None:
            found = _hooked[id(dialect)] = Hooks(dialect)
            _patch(type(dialect))
    return found


def is_hooked(dialect: Any) -> bool:
    """Whether statements of this dialect are handed to a recorder (its class's methods wrapped for it)."""
    return id(dialect) in _hooked and getattr(type(dialect).do_execute, _ORIGINAL, None) is not None


def _patch(cls: type) -> None:
    """Wrap ``cls``'s ``do_execute``, ``do_executemany`` and ``do_execute_no_params``, once (under ``_patching``)."""
    if cls in _patched:
        return
    _patched[cls] = {name: cls.__dict__[name] for name in _METHODS if name in cls.__dict__}
    originals = {name: getattr(getattr(cls, name), _ORIGINAL, getattr(cls, name)) for name in _METHODS}
    wrappers = {
        "do_execute": _with_parameters(originals["do_execute"], False),
        "do_executemany": _with_parameters(originals["do_executemany"], True),
        "do_execute_no_params": _without_parameters(originals["do_execute_no_params"]),
    }
    for name, wrapper in wrappers.items():
        setattr(wrapper, _ORIGINAL, originals[name])
        setattr(cls, name, wrapper)


def _unpatch(cls: type) -> None:
    """Give ``cls`` back the methods it had (under ``_patching``)."""
    own = _patched.pop(cls, None)
    if own is None:
        return
    for name in _METHODS:
        if name in own:
            setattr(cls, name, own[name])
        else:
            delattr(cls, name)


_METHODS = ("do_execute", "do_executemany", "do_execute_no_params")


def _with_parameters(method: Callable[..., None], many: bool) -> Callable[..., None]:
    """The class's ``do_execute`` or ``do_executemany``: the engine's watch alone is handed the statement here,
    anyone else through ``Hooks.run``, a dialect nobody hooked goes straight on."""
    perf_counter = time.perf_counter

    def wrapper(self: Any, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        hooked = _hooked.get(id(self))
        if hooked is None:
            method(self, cursor, statement, parameters, context)
            return
        watch = hooked.watch
        if watch is not None and context is not None and not hooked.connections:
            started = perf_counter()
            method(self, cursor, statement, parameters, context)
            watch.record(started, cursor, statement, parameters, context, many)
        elif not hooked.run(method, self, cursor, statement, parameters, (parameters,), context, many):
            method(self, cursor, statement, parameters, context)

    return wrapper


def _without_parameters(method: Callable[..., None]) -> Callable[..., None]:
    """The class's ``do_execute_no_params`` (only with the ``no_parameters`` execution option: rare enough to go
    through ``Hooks.run`` every time)."""

    def wrapper(self: Any, cursor: Any, statement: str, context: Any = None) -> None:
        hooked = _hooked.get(id(self))
        if hooked is None or not hooked.run(method, self, cursor, statement, (), (), context, False):
            method(self, cursor, statement, context)

    return wrapper
