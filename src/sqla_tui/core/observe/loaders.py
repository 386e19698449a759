"""Which loader an ORM execution runs for: the main query, an eager loader for a path, a lazy load of an attribute.

Read from the cursor execution's context alone (``executed_origin``), by
both the StatementLog and the attach probe: the loader path the ORM compiled
the statement for and the load options it executes with say it all, so no
``do_orm_execute`` listener is needed (one cost +1.9% of a 10-row ORM
statement's instructions before it did anything, and the probe's, on the
``Session`` class, ran for every session of the application).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import ExecutionContext
from sqlalchemy.orm import RelationshipProperty

from sqla_tui.core.internals.sqlalchemy import lazy_loaded, orm_loads_visible, statement_loader_path


@dataclass(frozen=True)
class Origin:
    """Why a statement ran: the main query, an eager loader, or a lazy load."""

    kind: str  # "main" | "eager" | "lazy" | "other"
    path: str = ""  # relationship keys, from the root for eager loads, from the owner for lazy ones
    attribute: str = ""  # the relationship that loaded, e.g. "Post.comments"
    configured: str = ""  # the relationship's own lazy= setting, e.g. "select"


MAIN = Origin("main")
OTHER = Origin("other")


_relationship_origins: dict[tuple[Any, bool], Origin] = {}
"""Origins by (loader path, lazy): one per relationship path a program loads, so each is worked out once."""
_LOADS_VISIBLE = orm_loads_visible()


def executed_origin(context: ExecutionContext | None) -> Origin:
    """Classify a cursor execution from its context alone: the loader path the ORM compiled the statement for,
    and whether its load options say it is a lazy load. A Core SELECT has no path and counts as a main query,
    as it does through a session; on a SQLAlchemy whose ORM statements no longer say, every origin is "other".

    Worked out once per compiled statement (``_by_compiled``): an ORM
    statement's loader path is part of its cache key, so every execution
    of one ``Compiled`` has the path of the first, and only a relationship's
    load reads its execution's options, for lazy or eager, which picks one of
    the two origins its entry holds. Each execution then costs one attribute
    read and a dictionary hit, rather than a Python call and four reads of
    the statement's class and options, each a lookup in Python 3.11's
    type-attribute cache (which its bytecode cannot specialize away); an N+1's
    every lazy load, one more read (``lazy_loaded``), not a call to
    ``loader_origin`` as well.
    """
    if context is None:
        return OTHER
    known = _by_compiled.get(context.compiled) or _classify(context)
    origin, eager_or_lazy = known
    if origin is not None:
        return origin
    return eager_or_lazy[lazy_loaded(context.execution_options)]


_by_compiled: dict[Any, tuple[Origin | None, Any]] = {}
"""By compiled statement (a ``Compiled`` hashes by identity; None for a driver-level execution, which is always
"other"): its executions' origin, or None and (eager, lazy) origins for a relationship's load. Holding the compiled
statements keeps them alive: with SQLAlchemy's statement cache off every execution compiles anew, so the entries
are cleared at ``_BY_COMPILED_MAX``."""
_BY_COMPILED_MAX = 512


def _classify(context: ExecutionContext) -> tuple[Origin | None, Any]:
    """A compiled statement's entry in ``_by_compiled``, from its first execution's invoked statement."""
    statement = context.invoked_statement
    known: tuple[Origin | None, Any]
    if statement is None or not statement.is_select or not _LOADS_VISIBLE:
        known = (OTHER, None)
    else:
        path = statement_loader_path(statement)
        if path is None or path.is_root:
            known = (MAIN, None)  # a main query's options need not be read
        else:
            known = (None, (loader_origin(path, lazy=False), loader_origin(path, lazy=True)))
    if len(_by_compiled) >= _BY_COMPILED_MAX:
        _by_compiled.clear()
    _by_compiled[context.compiled] = known
    return known


def loader_origin(path: Any, *, lazy: bool) -> Origin:
    """The origin of a SELECT compiled for this loader path (None for a Core SELECT), worked out once per path."""
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
