"""Find the application line that checked out a connection or ran a statement.

This runs on every checkout, and for an attached viewer on every statement,
so it must cost a few microseconds, not tens. Under asyncio, pool events and
statements run inside SQLAlchemy's greenlet, whose own stack is SQLAlchemy's
sync implementation of the awaited call. While it runs, every coroutine of
the task is running too, and a running coroutine does not say what it awaits
(``cr_await`` is None): the application's line is found by walking outward
from the frame that switched into the greenlet (the parent greenlet's
``gr_frame``), past SQLAlchemy's few frames there (three for ``AsyncSession.scalars``:
it, ``AsyncSession.execute`` and ``greenlet_spawn``), to the first application
frame. Those frames are objects already (callgrind counts none made for the
walk), so what the walk costs is its own bytecode (reading the task's await
chain first, which tells nothing there, had cost 12,200 instructions a call
against 5,300 for the walk, round 3). Code of SQLAlchemy,
greenlet, contextlib and sqla-tui itself is never "the application":
sqla-tui's CLI and screens only pass requests on. Code that checks out on
behalf of someone else (the load generator) names that someone with
``origin_override``.

One thing the walk cannot see: a function handed to ``run_sync`` runs
inside SQLAlchemy's greenlet, so a checkout there is named by the line that
awaited ``run_sync``."""

from __future__ import annotations

import contextvars
import functools
import os
import sys
from asyncio import Task, current_task
from asyncio.events import _get_running_loop  # in asyncio.events.__all__: the running loop or None, never raising
from types import CodeType, FrameType
from typing import Any, NamedTuple

import greenlet
import sqlalchemy
from greenlet import getcurrent as _getcurrent

import sqla_tui
from sqla_tui.core.internals.sqlalchemy import SPAWNED_BY_SQLALCHEMY


class Location(NamedTuple):
    """A place in the code: absolute file, line and function (a tuple: made on every checkout)."""

    file: str
    line: int
    function: str

    def __str__(self) -> str:
        return f"{short_path(self.file)}:{self.line} in {self.function}"


_new_location = functools.partial(tuple.__new__, Location)
"""``Location(...)`` without the Python-level ``__new__`` a NamedTuple has (this runs on every checkout)."""

origin_override: contextvars.ContextVar[Location | None] = contextvars.ContextVar(
    "sqla_tui_origin_override", default=None
)
"""Set by code that checks out for a caller (tasks inherit it), used when no application frame is found."""

_APP, _OWN, _LIBRARY, _BOUNDARY = 0, 1, 2, 3
_PASSED_BY = frozenset((_OWN, _LIBRARY))
_HERE = os.path.dirname(sqla_tui.__file__ or "") + os.sep
_LIBRARY_DIRS = tuple(os.path.dirname(module.__file__ or "") + os.sep for module in (sqlalchemy, greenlet))
_STDLIB = os.path.dirname(contextvars.__file__ or "") + os.sep
_kinds: dict[str, int] = {}
"""Kinds by file name: a str caches its hash, a code object computes its own on every lookup."""


def _kind(code: CodeType) -> int:
    """Classify a code object by its file, once per file."""
    name = code.co_filename
    if name.startswith(_STDLIB + "asyncio" + os.sep):
        kind = _BOUNDARY
    elif name.startswith(_HERE):
        kind = _OWN
    elif name.startswith(_LIBRARY_DIRS) or name.startswith("<sqlalchemy") or name == _STDLIB + "contextlib.py":
        kind = _LIBRARY
    else:
        kind = _APP
    _kinds[name] = kind
    return kind


_lines: dict[tuple[int, int], tuple[CodeType, Location]] = {}
"""Locations by (code object, instruction offset): ``f_lineno`` reads the code's line table from its start to
the offset on every call (7,400 instructions at the end of a 35-line block), and a program runs its statements
from the same few places over and over (the same ``Location`` each time: one tuple, not one per statement).
Keyed by ``id`` (a code object hashes its whole contents), the code kept beside its location, so a freed code
object's address reused by another cannot be mistaken for it."""
_LINES_MAX = 8192


def _location(frame: FrameType) -> Location:
    code = frame.f_code
    key = (id(code), frame.f_lasti)
    known = _lines.get(key)
    if known is not None and known[0] is code:
        return known[1]
    if len(_lines) >= _LINES_MAX:
        _lines.clear()
    location = _new_location((code.co_filename, frame.f_lineno, code.co_name))
    _lines[key] = (code, location)
    return location


_FOUND = "_sqla_tui_application_line"
"""Where the application line found for a greenlet SQLAlchemy spawned for an awaited call is kept: on that greenlet,
as an attribute of ours (greenlets take attributes), so it lives exactly as long as the greenlet. One awaited call
(``session.execute``) checks out and then runs its statements in one greenlet, from the one application line
suspended at its ``await``, so a statement's walk would read the same frames to the same line. Kept per greenlet,
not in one slot: while a statement waits on the network, other tasks' awaited calls run (with one slot a /fast
request of the test application walked twice at 5 requests at once; once since). Read before anything else:
a statement's origin is then one attribute read (a dictionary of greenlets by address, checked through a weak
reference, cost twice the bytecode)."""


def running_task() -> Task[Any] | None:
    """The asyncio task running this code; None in a thread with no event loop (without the RuntimeError
    ``asyncio.current_task()`` raises there, which cost a sync application ~700 ns a statement, twice)."""
    return current_task() if _get_running_loop() is not None else None


def caller_location(skip: int = 0) -> Location | None:
    """Who asked SQLAlchemy for a connection or ran a statement: call it from inside a checkout or an execution.

    Inside the greenlet SQLAlchemy runs an awaited call in (every statement
    and checkout of an async engine) every coroutine of the task is running,
    so none says what it awaits: the innermost application frame outside
    the greenlet is read first (``_walk``), once per greenlet
    (``_FOUND``: a checkout and its statements are one walk). A greenlet
    of the application's own (gevent's, eventlet's) is read as a thread is. Otherwise, and when
    that finds none, the task's chain of suspended coroutines: the innermost
    application coroutine of it; else ``origin_override``; else the
    outermost sqla-tui coroutine (the load generator's task, say). The chain
    is read from the task's outermost coroutine inward: an ``asyncio``
    coroutine in it hides everything outside it (one task's await chain ends
    at the event loop), and it ends where an awaitable is not a coroutine (a
    future, another task, a wrapper). Without a running task (a checkout in
    a thread of a sync application) the override, else the thread's own
    frames, say, read past the first ``skip`` of them from the caller's
    own outward: the caller and its callers in sqla-tui, which are never the
    application (each frame read costs a frame object, ~3,000 instructions).
    """
    current = _getcurrent()
    found: Location | None = getattr(current, _FOUND, None)
    if found is not None:
        return found
    in_greenlet = getattr(current, SPAWNED_BY_SQLALCHEMY, False)
    if in_greenlet:
        parent = current.parent
        found = _walk(parent.gr_frame, parent) if parent is not None else None
        if found is not None:
            try:
                setattr(current, _FOUND, found)
            except AttributeError:  # a greenlet that takes no attributes: it walks for every statement
                pass
            return found
    task = running_task()
    if task is None:  # a thread's own stack, read past the caller and its ``skip`` callers in sqla-tui
        return origin_override.get() or _walk(sys._getframe(1 + skip), None)
    kinds, app, own, last = _kinds, None, None, None
    awaitable: Any = task.get_coro()
    while (code := getattr(awaitable, "cr_code", None)) is not None:
        kind = kinds.get(code.co_filename)
        if kind is None:
            kind = _kind(code)
        if kind == _APP:
            app = awaitable
        elif kind == _OWN and own is None:
            own = awaitable
        elif kind == _BOUNDARY:
            app = own = None
        last, awaitable = awaitable, awaitable.cr_await
    if app is not None:
        frame = app.cr_frame
        if app is last and not in_greenlet:  # running, not suspended: the code that asked may be deeper, in its frames
            return _walk(sys._getframe(1), current) or _location(frame)
        return _location(frame)
    override = origin_override.get()
    if override is not None or own is None:
        return override
    return _location(own.cr_frame)


def _walk(frame: FrameType | None, greenlet: Any) -> Location | None:
    """The innermost application frame from ``frame`` outward: a thread's (``greenlet`` None), or a greenlet's
    and then its parents'.

    In a greenlet the walk stops at asyncio's own code: a task's frames end
    at the event loop. Inside the greenlet SQLAlchemy spawned for an awaited
    call it starts at the coroutine that awaited it (its parent's frame,
    ``caller_location``): the ~20 frames of SQLAlchemy in between would cost
    a frame object each, and a function handed to ``run_sync`` is named by
    the line that awaited ``run_sync``, as everywhere else. A thread's stack
    (a sync application's) has no event-loop boundary to stop at. The frames
    of SQLAlchemy and sqla-tui in between are passed by in a loop of their
    own, the tightest this walk has: it runs for every one of them on every
    checkout (three for ``AsyncSession.execute``). One function for both, and
    for a greenlet's parents: each Python call a checkout makes is ~500
    instructions.
    """
    kinds, passed_by = _kinds, _PASSED_BY
    walking: Any = frame  # None where a stack ends: the inner loop reads its attributes and fails there
    kind: int | None
    while True:
        try:
            while walking is not None:
                while (kind := kinds.get(walking.f_code.co_filename)) in passed_by:
                    walking = walking.f_back
                if kind is None:
                    kind = _kind(walking.f_code)
                if kind == _APP:
                    return _location(walking)
                if kind == _BOUNDARY and greenlet is not None:
                    return None
                walking = walking.f_back  # an application-less stretch, or a file seen for the first time
        except AttributeError:  # the stack ended among SQLAlchemy's or sqla-tui's frames
            pass
        if greenlet is None:
            return None
        greenlet = greenlet.parent
        if greenlet is None:
            return None
        walking = greenlet.gr_frame


def application_caller() -> Location | None:
    """Where our caller was called from, if that is application code (for ``origin_override``).

    Only the direct caller counts: when sqla-tui's own screen or command
    builds the load, the frames beyond it are Textual's or Typer's, which
    would name the wrong culprit.
    """
    frame = sys._getframe(2)
    kind = _kinds.get(frame.f_code.co_filename)
    if kind is None:
        kind = _kind(frame.f_code)
    return _location(frame) if kind == _APP else None


def short_path(path: str) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
