"""Find the application line that checked out a connection.

Under asyncio, pool events run inside SQLAlchemy's greenlet, whose own stack
is all SQLAlchemy; the code that asked for the connection is suspended in the
parent greenlet. So the walk continues into ``greenlet.getcurrent().parent``
and stops at the event loop (``asyncio``), which is where one task's await
chain ends. Frames of SQLAlchemy, greenlet, contextlib and sqla-tui itself
are never "the application": sqla-tui's CLI and screens only pass requests
on. Code that checks out on behalf of someone else (the load generator)
names that someone with ``origin_override``.
"""

from __future__ import annotations

import contextvars
import os
import sys
from types import CodeType, FrameType
from typing import NamedTuple

import greenlet
import sqlalchemy

import sqla_tui


class Location(NamedTuple):
    """A place in the code: absolute file, line and function (a tuple: made on every checkout)."""

    file: str
    line: int
    function: str

    def __str__(self) -> str:
        return f"{_short(self.file)}:{self.line} in {self.function}"


origin_override: contextvars.ContextVar[Location | None] = contextvars.ContextVar(
    "sqla_tui_origin_override", default=None
)
"""Set by code that checks out for a caller (tasks inherit it), used when no application frame is found."""

_APP, _OWN, _LIBRARY, _BOUNDARY = 0, 1, 2, 3
_HERE = os.path.dirname(sqla_tui.__file__ or "") + os.sep
_LIBRARY_DIRS = tuple(os.path.dirname(module.__file__ or "") + os.sep for module in (sqlalchemy, greenlet))
_STDLIB = os.path.dirname(contextvars.__file__ or "") + os.sep
_kinds: dict[CodeType, int] = {}


def _kind(code: CodeType) -> int:
    """Classify a code object by its file, once."""
    name = code.co_filename
    if name.startswith(_STDLIB + "asyncio" + os.sep):
        kind = _BOUNDARY
    elif name.startswith(_HERE):
        kind = _OWN
    elif name.startswith(_LIBRARY_DIRS) or name == _STDLIB + "contextlib.py":
        kind = _LIBRARY
    else:
        kind = _APP
    _kinds[code] = kind
    return kind


def _walk(frame: FrameType | None) -> tuple[FrameType | None, FrameType | None]:
    """The innermost application frame and the outermost sqla-tui frame before it.

    Walks this greenlet's frames outward, then each parent greenlet's, up to
    the event loop. Runs on every checkout, so it is a plain loop over frames
    whose code objects are classified once and then looked up.
    """
    kinds, own = _kinds, None
    current = greenlet.getcurrent()
    while True:
        while frame is not None:
            code = frame.f_code
            kind = kinds.get(code)
            if kind is None:
                kind = _kind(code)
            if kind == _APP:
                return frame, own
            if kind == _BOUNDARY:
                return None, own
            if kind == _OWN:
                own = frame
            frame = frame.f_back
        current = current.parent
        if current is None:
            return None, own
        frame = current.gr_frame


def _location(frame: FrameType) -> Location:
    return Location(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)


def caller_location(skip: int = 1) -> Location | None:
    """Who asked SQLAlchemy for a connection.

    The innermost application frame; else ``origin_override``; else the
    outermost sqla-tui frame (the load generator's task, say).
    """
    app, own = _walk(sys._getframe(skip))
    if app is not None:
        return _location(app)
    override = origin_override.get()
    if override is not None or own is None:
        return override
    return _location(own)


def application_caller() -> Location | None:
    """Where our caller was called from, if that is application code (for ``origin_override``).

    Only the direct caller counts: when sqla-tui's own screen or command
    builds the load, the frames beyond it are Textual's or Typer's, which
    would name the wrong culprit.
    """
    frame = sys._getframe(2)
    kind = _kinds.get(frame.f_code)
    if kind is None:
        kind = _kind(frame.f_code)
    return _location(frame) if kind == _APP else None


def _short(path: str) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
