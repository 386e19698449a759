"""Which loader an ORM execution runs for: the main query, an eager loader for a path, a lazy load of an attribute.

The StatementLog reads it from the cursor execution's context alone
(``executed_origin``): the loader path the ORM compiled the statement for
and the load options it executes with say it all, so no ``do_orm_execute``
listener is needed (one cost +1.9% of a 10-row ORM statement's instructions
before it did anything).

The attach probe also needs the session, which only ``do_orm_execute``
knows: its listener (``announce``) hands the cursor listener (``announced``)
an ``Announcement`` through a context variable, not through
``update_execution_options`` (which merges immutable dicts on every
execution): the cursor execution that follows runs in the same thread, or in
a greenlet that shares its task's context. The announcement names the
statement it is for, and the cursor listener takes it only when the
execution it sees invoked that very statement, so an ORM execution that
emits nothing (a cache hit, an error before the cursor) never lends its
origin to a later statement (a flush, another session's statement). Both
ways classify with ``loader_origin``.
"""

from __future__ import annotations

import contextvars
import functools
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy.engine import ExecutionContext
from sqlalchemy.orm import ORMExecuteState, RelationshipProperty, Session

from sqla_tui.core.internals.sqlalchemy import lazy_loaded, loader_path, orm_loads_visible, statement_loader_path


@dataclass(frozen=True)
class Origin:
    """Why a statement ran: the main query, an eager loader, or a lazy load."""

    kind: str  # "main" | "eager" | "lazy" | "other"
    path: str = ""  # relationship keys, from the root for eager loads, from the owner for lazy ones
    attribute: str = ""  # the relationship that loaded, e.g. "Post.comments"
    configured: str = ""  # the relationship's own lazy= setting, e.g. "select"


MAIN = Origin("main")
OTHER = Origin("other")


class Announcement(NamedTuple):
    """What ``announce`` tells the cursor listener about the statement an ORM execution is about to send."""

    statement: Any
    """The statement the ORM hands to the connection: matched by identity with the cursor's ``invoked_statement``."""
    origin: Origin
    session: Session


_new_announcement = functools.partial(tuple.__new__, Announcement)
"""``Announcement(...)`` without the Python-level ``__new__`` a NamedTuple has (this runs on every ORM execution)."""
_announced: contextvars.ContextVar[Announcement | None] = contextvars.ContextVar("sqla_tui_announced", default=None)
_relationship_origins: dict[tuple[Any, bool], Origin] = {}
"""Origins by (loader path, lazy): one per relationship path a program loads, so each is worked out once."""
_LOADS_VISIBLE = orm_loads_visible()


def describe_origin(state: ORMExecuteState) -> Origin:
    """Classify an ORM execution from what the session tells about it."""
    if not state.is_select:
        return OTHER
    return loader_origin(loader_path(state), lazy=state.lazy_loaded_from is not None)


def executed_origin(context: ExecutionContext | None) -> Origin:
    """Classify a cursor execution from its context alone: the loader path the ORM compiled the statement for,
    and whether its load options say it is a lazy load. A Core SELECT has no path and counts as a main query,
    as it does through a session; on a SQLAlchemy whose ORM statements no longer say, every origin is "other"."""
    if context is None:
        return OTHER
    statement = context.invoked_statement
    if statement is None or not statement.is_select or not _LOADS_VISIBLE:
        return OTHER
    return loader_origin(statement_loader_path(statement), lazy=lazy_loaded(context.execution_options))


def loader_origin(path: Any, *, lazy: bool) -> Origin:
    """The origin of a SELECT compiled for this loader path (None for a Core SELECT): the one rule for both ways."""
    if path is None or path.is_root:
        return MAIN
    key = (path.path, lazy)
    origin = _relationship_origins.get(key)
    if origin is None:
        origin = _relationship_origins[key] = _relationship_origin(path.path, lazy=lazy)
    return origin


def _relationship_origin(path: tuple[Any, ...], *, lazy: bool) -> Origin:
    # entity, relationship, entity...: a relationship load's path holds relationships between its entities
    properties = [prop for prop in path[1::2] if isinstance(prop, RelationshipProperty)]
    last = properties[-1]
    return Origin("lazy" if lazy else "eager", ".".join(prop.key for prop in properties), str(last), str(last.lazy))


def announce(state: ORMExecuteState) -> None:
    """A ``do_orm_execute`` listener: tell the cursor listener which loader and session this execution is for."""
    _announced.set(_new_announcement((state.statement, describe_origin(state), state.session)))


def announced(context: ExecutionContext | None) -> Announcement | None:
    """The announcement for the statement this cursor execution runs; None for one no ORM execution announced."""
    found = _announced.get()
    if found is None or context is None or context.invoked_statement is not found.statement:
        return None
    return found
