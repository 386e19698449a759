"""Run a QuerySpec and report what the ORM really did.

The query runs in an ``AsyncSession``; "touching" relationship paths
afterwards happens inside ``run_sync``, where attribute access may emit SQL
just as it would in a synchronous application: that is where the lazy loads
(the N+1) and the ``raise`` refusals show up. The result tree is built from
already-loaded attributes only, so showing results never emits SQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from sqla_tui.core.connect.cancel import stopped_on_cancel
from sqla_tui.core.connect.failures import translate_error
from sqla_tui.core.observe.capture import (
    CapturedStatement,
    NPlusOne,
    Origin,
    StatementLog,
    find_n_plus_one,
)
from sqla_tui.core.query.inner_joins import left_out_select, left_out_warning
from sqla_tui.core.query.loader_tree import LoaderTree
from sqla_tui.core.query.ordering import limit_is_ambiguous, subquery_limit_warning
from sqla_tui.core.query.root import Root, column_keys, column_names, mapped_class
from sqla_tui.core.query.spec import QuerySpec
from sqla_tui.core.query.statement import build_select, count_select, python_source

_LOADER_NAMES = {
    "joined": "joinedload",
    "joined_inner": "joinedload(innerjoin)",
    "selectin": "selectinload",
    "subquery": "subqueryload",
    "immediate": "immediateload",
}
_CHILDREN_SHOWN = 20
_RESULT_DEPTH = 3


@dataclass(frozen=True)
class RaisedAccess:
    """An attribute access that a ``raise`` strategy refused."""

    attribute: str
    count: int
    message: str


@dataclass
class ResultNode:
    """One loaded entity: its loaded column values and loaded relationships; or one row of a ``Table`` root."""

    label: str
    values: dict[str, Any]
    relationships: dict[str, list[ResultNode]] = field(default_factory=dict)
    more: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RunSummary:
    statements: int
    rows: int
    entities: int
    root_rows: int
    by_class: dict[str, int]


@dataclass
class RunResult:
    """Everything one run produced, as plain data."""

    statements: list[CapturedStatement]
    origins: list[str]
    summary: RunSummary
    n_plus_one: list[NPlusOne]
    raised: list[RaisedAccess]
    python: str
    results: list[ResultNode]
    dropped: int = 0
    warnings: list[str] = field(default_factory=list)
    """Hazards of the query itself, e.g. subqueryload under a LIMIT without a unique order."""
    columns: list[str] = field(default_factory=list)
    """The root's column keys in mapping (a ``Table``: table) order, what each result's ``values`` are keyed by."""
    headers: list[str] = field(default_factory=list)
    """The database's name of each of ``columns`` (``user id`` for ``user_id``): the header of its rows, even when
    none came back."""
    matched_roots: int | None = None
    """Root rows the filters match without limit and offset, counted only when the limit may have cut them."""


def origin_label(origin: Origin, spec: QuerySpec, touched: bool = False) -> str:
    """How a statement's origin reads in the log: ``selectinload User.posts``.

    A lazy load that ran while the query itself was loading can only be an
    immediate load; one that ran while paths were touched is the N+1 kind.
    """
    if origin.kind == "main":
        return "main query"
    if origin.kind == "other":
        return "other"
    if origin.kind == "lazy":
        return f"lazy load {origin.attribute} (touched)" if touched else f"immediateload {origin.attribute}"
    strategy = _eager_strategy(origin, spec)
    return f"{_LOADER_NAMES.get(strategy, strategy)} {origin.attribute}"


def _eager_strategy(origin: Origin, spec: QuerySpec) -> str:
    """The strategy an eager load ran under: chosen in the spec, else the relationship's own ``lazy=``."""
    return spec.strategy_for(origin.path) or origin.configured


def touch_paths(session: Session, roots: list[Any], paths: list[str]) -> list[RaisedAccess]:
    """Walk each path over the loaded objects, as application code would."""
    refused: dict[str, list[str]] = {}
    for path in paths:
        level = roots
        for key in path.split("."):
            following: list[Any] = []
            for obj in level:
                try:
                    value = getattr(obj, key)
                except sa_exc.InvalidRequestError as error:
                    refused.setdefault(f"{type(obj).__name__}.{key}", []).append(str(error).splitlines()[0])
                    continue
                if value is None:
                    continue
                following.extend(value if isinstance(value, (list, set, tuple)) else [value])
            level = following
    return [RaisedAccess(attribute, len(messages), messages[0]) for attribute, messages in refused.items()]


def _result_node(obj: Any, depth: int) -> ResultNode:
    state = inspect(obj)
    mapper = state.mapper
    unloaded = state.unloaded
    values = {key: getattr(obj, key) for key in mapper.column_attrs.keys() if key not in unloaded}  # noqa: SIM118 - iterating yields properties
    identity = ", ".join(str(part) for part in (state.identity or ()))
    node = ResultNode(label=f"{type(obj).__name__}({identity})", values=values)
    if depth <= 0:
        return node
    for key, relationship in mapper.relationships.items():
        if key in unloaded:
            continue
        value = getattr(obj, key)
        items = list(value) if relationship.uselist else ([value] if value is not None else [])
        node.relationships[key] = [_result_node(item, depth - 1) for item in items[:_CHILDREN_SHOWN]]
        if len(items) > _CHILDREN_SHOWN:
            node.more[key] = len(items) - _CHILDREN_SHOWN
    return node


@dataclass
class Execution:
    """What one execution loaded: roots, every entity, refusals, and where touching began."""

    roots: list[Any]
    entities: list[Any]
    raised: list[RaisedAccess]
    statements: list[CapturedStatement]
    touched_from: int


async def execute(
    engine: AsyncEngine, root: Root, spec: QuerySpec, log: StatementLog, touch: list[str] | tuple[str, ...] = ()
) -> Execution:
    """Run the spec in a fresh session, then touch paths; ``log`` records that session's connection only.

    Over a ``Table`` the roots are the rows themselves, duplicates and all-NULL
    rows included: no identity map folds them, and no entity is loaded.
    """
    statement = build_select(spec, root)
    if touch:
        validation = LoaderTree(mapped_class(root, "so no relationships to touch: drop --touch"))
        for path in touch:
            validation.node(path)
    mark = log.mark()
    async with fresh_session(engine) as session:
        with log.recording(await session.connection()):
            result = await session.execute(statement)
            roots = list(result.all() if isinstance(root, Table) else result.unique().scalars().all())
            touched_from = log.mark()
            raised = await session.run_sync(touch_paths, roots, list(touch)) if touch else []
            entities = list(session.identity_map.values())
    return Execution(roots, entities, raised, log.since(mark), touched_from)


@asynccontextmanager
async def fresh_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A new session on its own connection: cancelling the task stops the server's statement too,
    and a database error (a missing privilege, a table dropped since mapping, a lost server) is one line."""
    try:
        async with (
            AsyncSession(engine, expire_on_commit=False) as session,
            stopped_on_cancel(await session.connection()),
        ):
            yield session
    except sa_exc.DBAPIError as error:
        raise translate_error(error, engine.url) from None


async def run_spec(
    engine: AsyncEngine,
    root: Root,
    spec: QuerySpec,
    *,
    touch: list[str] | tuple[str, ...] = (),
    log: StatementLog | None = None,
) -> RunResult:
    """Execute the spec, optionally touch paths, and return the captured story."""
    log = log or StatementLog()
    done = await execute(engine, root, spec, log, touch)
    statements = done.statements
    matched, left_out = await _matched_and_left_out(engine, root, spec, _maybe_cut(spec, len(done.roots)))
    subquery = any(s.origin.kind == "eager" and _eager_strategy(s.origin, spec) == "subquery" for s in statements)
    return RunResult(
        statements=statements,
        origins=[origin_label(s.origin, spec, touched=s.index >= done.touched_from) for s in statements],
        summary=RunSummary(
            statements=len(statements),
            rows=sum(s.rows for s in statements),
            entities=len(done.entities),
            root_rows=len(done.roots),
            by_class=dict(Counter(type(obj).__name__ for obj in done.entities)),
        ),
        n_plus_one=find_n_plus_one(statements),
        raised=done.raised,
        python=python_source(spec, root, engine.dialect),
        results=_result_nodes(root, done.roots),
        dropped=log.dropped,
        warnings=[
            *([subquery_limit_warning(spec)] if subquery and limit_is_ambiguous(spec, root) else []),
            *left_out,
        ],
        columns=column_keys(root),
        headers=column_names(root),
        matched_roots=matched if _maybe_cut(spec, len(done.roots)) else None,
    )


async def _matched_and_left_out(engine: AsyncEngine, root: Root, spec: QuerySpec, cut: bool) -> tuple[int | None, list[str]]:
    """The root rows the filters match (when the page may have left some out, or a ``joined_inner`` chain may
    have: ``inner_joins``), counted once, and the warning for those the chain left out, in one session."""
    narrowed = left_out_select(count_select(spec, root), root, spec)
    if narrowed is None and not cut:
        return None, []
    async with fresh_session(engine) as session:
        matched = int(await session.scalar(count_select(spec, root)) or 0)
        if narrowed is None:
            return matched, []
        kept_statement, paths = narrowed
        kept = int(await session.scalar(kept_statement) or 0)
    return matched, [left_out_warning(spec, paths, matched - kept, matched)] if kept < matched else []


def _result_nodes(root: Root, loaded: list[Any]) -> list[ResultNode]:
    """What the results show: each entity with its loaded relationships, or each row of a ``Table`` by column key."""
    if isinstance(root, Table):
        keys = column_keys(root)
        return [ResultNode(f"{root.name} row {number}", dict(zip(keys, row))) for number, row in enumerate(loaded, 1)]
    return [_result_node(entity, _RESULT_DEPTH) for entity in loaded]


def _maybe_cut(spec: QuerySpec, roots: int) -> bool:
    """True when the limit or offset may have left root rows out: a full page, or any offset."""
    return bool(spec.offset) or (spec.limit is not None and roots >= spec.limit)
