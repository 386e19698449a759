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
from collections.abc import Iterator
from dataclasses import dataclass
from types import CodeType, FrameType

import greenlet
import sqlalchemy

import sqla_tui


@dataclass(frozen=True)
class Location:
    """A place in the code: absolute file, line and function."""

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
    kind = _kinds.get(code)
    if kind is None:
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


def _frames(start: FrameType | None) -> Iterator[FrameType]:
    """This greenlet's frames outward, then each parent greenlet's, up to the event loop."""
    frame, current = start, greenlet.getcurrent()
    while True:
        while frame is not None:
            if _kind(frame.f_code) == _BOUNDARY:
                return
            yield frame
            frame = frame.f_back
        current = current.parent
        if current is None:
            return
        frame = current.gr_frame


def _location(frame: FrameType) -> Location:
    return Location(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)


def caller_location(skip: int = 1) -> Location | None:
    """Who asked SQLAlchemy for a connection.

    The innermost application frame; else ``origin_override``; else the
    outermost sqla-tui frame (the load generator's task, say).
    """
    own = None
    for frame in _frames(sys._getframe(skip)):
        kind = _kind(frame.f_code)
        if kind == _APP:
            return _location(frame)
        if kind == _OWN:
            own = frame
    override = origin_override.get()
    if override is not None or own is None:
        return override
    return _location(own)


def application_caller() -> Location | None:
    """The innermost application frame on the stack, for ``origin_override``."""
    for frame in _frames(sys._getframe(1)):
        if _kind(frame.f_code) == _APP:
            return _location(frame)
    return None


def _short(path: str) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
