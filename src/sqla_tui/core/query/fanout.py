"""Run one query under several loading strategies and compare what each cost.

Every plan runs in fresh sessions: one warm-up (its statements give the
exact counts), then ``runs`` timed executions (median, min, max). Asked for
the memory peak, the warm-up runs under tracemalloc, which slows Python down
several times: a comparison then costs 1.4–1.7× the plans run bare instead
of ~1.05× (benchmarks/capture_overhead.py), so the peak is opt-in and the
timed runs are never traced.

Counts are exact: rows are what the driver returned; entities are distinct
objects in the session; "rows per root" are main-query rows per root entity
and "duplicated rows" those beyond one per root (what joinedload on a
collection adds); "duplicated cells" are
cells received beyond one copy of each materialised entity's columns. Plans
are compared by identity too: one that loaded other entities than the rest
measured other data (say, other root rows under a LIMIT without a unique
order), and is marked so that it is never recommended.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.capture import CapturedStatement, StatementLog, group_statements
from sqla_tui.core.query.loader_tree import LoaderTree
from sqla_tui.core.query.ordering import limit_is_ambiguous, subquery_limit_warning
from sqla_tui.core.query.root import Root, mapped_class
from sqla_tui.core.query.run import Execution, execute, fresh_session, touch_paths
from sqla_tui.core.query.spec import LoadOption, QuerySpec
from sqla_tui.core.query.statement import build_select
from sqla_tui.core.query.verdict import verdict

PLANS = ("joined", "selectin", "subquery", "immediate", "select", "joined+selectin", "mixed")
DEFAULT_PLANS = ("joined", "selectin", "subquery", "immediate", "select", "mixed")
NO_FANOUT = "so no relationships to compare loading strategies over: fan-out needs a table with a class"
"""Why a relation without a class has no fan-out (the end of ``mapped_class``'s refusal)."""


@dataclass(frozen=True)
class SqlGroup:
    """Statements of one shape (IN lists of any length) and origin: the first as it ran, how many, their rows."""

    sql: str
    count: int
    rows: int


@dataclass
class PlanResult:
    """The measurements of one strategy (``strategy`` is the plan name)."""

    strategy: str
    statements: int
    rows: int
    entities: int
    root_rows: int
    rows_per_root: float
    """Main-query rows per root entity: how often each root row repeats (1.0 means never)."""
    duplicated_rows: int
    duplicated_cells: int
    cells: int
    bytes: int
    ms_median: float | None
    """None (as ``ms_min`` and ``ms_max``) with no timed runs (``--runs 0``): the counts alone, nothing timed."""
    ms_min: float | None
    ms_max: float | None
    peak_kib: float | None
    sql: list[SqlGroup] = field(default_factory=list)
    same_entities: bool = True
    """Whether this plan loaded the entities (by identity) that the most plans agree on."""


@dataclass
class FanoutReport:
    root: str
    paths: list[str]
    results: list[PlanResult]
    verdict: str
    warnings: list[str] = field(default_factory=list)
    """Hazards of the query itself, e.g. subqueryload under a LIMIT without a unique order."""


def _segments(paths: list[str]) -> list[str]:
    """Every prefix of every path, parents first: posts, posts.comments."""
    found: list[str] = []
    for path in paths:
        parts = path.split(".")
        for depth in range(1, len(parts) + 1):
            prefix = ".".join(parts[:depth])
            if prefix not in found:
                found.append(prefix)
    return found


def plan_loads(plan: str, entity: type, paths: list[str]) -> tuple[list[LoadOption], list[str]]:
    """The loader options (and paths to touch) that make up a plan."""
    tree = LoaderTree(entity)
    loads = []
    for segment in _segments(paths):
        depth = segment.count(".")
        if plan == "mixed":
            strategy = "selectin" if _is_collection(tree, segment) else "joined"
        elif plan == "joined+selectin":
            strategy = "joined" if depth == 0 else "selectin"
        else:
            strategy = plan
        loads.append(LoadOption(segment, strategy))
    return loads, (paths if plan == "select" else [])


def _is_collection(tree: LoaderTree, path: str) -> bool:
    node = tree.node(path)
    return bool(inspect(node.owner).relationships[node.key].uselist)


def _sql_groups(statements: list[CapturedStatement]) -> list[SqlGroup]:
    """Each group's first statement exactly as the database received it, so the text shown can be run."""
    sent = {statement.index: statement.received for statement in statements}
    return [SqlGroup(sent[group.indexes[0]], group.count, group.rows) for group in group_statements(statements)]


def _entity_cells(entities: list[Any]) -> int:
    """Cells needed to carry each materialised entity once."""
    columns: dict[type, int] = {}
    total = 0
    for obj in entities:
        kind = type(obj)
        if kind not in columns:
            columns[kind] = len(inspect(kind).column_attrs)
        total += columns[kind]
    return total


async def _traced(
    engine: AsyncEngine, entity: type, spec: QuerySpec, log: StatementLog, touch: list[str]
) -> tuple[Execution, int]:
    """One execution under tracemalloc, and its peak Python memory in bytes."""
    tracemalloc.start()
    try:
        done = await execute(engine, entity, spec, log, touch)
        return done, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def _timed_run(engine: AsyncEngine, statement: Any, touch: list[str]) -> float:
    """One execution as application code would run it, in milliseconds.

    No statement capture: the warm-up already gave the exact counts, and
    capturing here would time the capture along with the strategy.
    """
    started = time.perf_counter()
    async with fresh_session(engine) as session:
        roots = (await session.execute(statement)).unique().scalars().all()
        if touch:
            await session.run_sync(touch_paths, list(roots), touch)
    return (time.perf_counter() - started) * 1000


async def measure_plan(
    engine: AsyncEngine, entity: type, spec: QuerySpec, paths: list[str], plan: str, runs: int, memory: bool = False
) -> tuple[PlanResult, frozenset[Any]]:
    """Warm up (under tracemalloc when ``memory``: the peak), then time ``runs`` executions.

    Also returns the identity keys of every entity the warm-up loaded, to compare plans by.
    """
    loads, touch = plan_loads(plan, entity, paths)
    planned = replace(spec, loads=[*spec.loads, *loads])
    log = StatementLog(cap=1_000_000)
    if memory:
        warm, peak = await _traced(engine, entity, planned, log, touch)
    else:
        warm, peak = await execute(engine, entity, planned, log, touch), None
    statement = build_select(planned, entity)
    timings = [await _timed_run(engine, statement, touch) for _ in range(runs)]
    statements = warm.statements
    rows = sum(s.rows for s in statements)
    cells = sum(s.rows * s.columns for s in statements)
    entities = len(warm.entities)
    main_rows = statements[0].rows if statements else 0
    result = PlanResult(
        strategy=plan,
        statements=len(statements),
        rows=rows,
        entities=entities,
        root_rows=len(warm.roots),
        rows_per_root=round(main_rows / len(warm.roots), 3) if warm.roots else 0.0,
        duplicated_rows=max(0, main_rows - len(warm.roots)),
        duplicated_cells=max(0, cells - _entity_cells(warm.entities)),
        cells=cells,
        bytes=sum(s.bytes for s in statements),
        ms_median=round(statistics.median(timings), 3) if timings else None,
        ms_min=round(min(timings), 3) if timings else None,
        ms_max=round(max(timings), 3) if timings else None,
        peak_kib=round(peak / 1024, 1) if peak is not None else None,
        sql=_sql_groups(statements),
    )
    return result, frozenset(inspect(obj).identity_key for obj in warm.entities)


async def compare(
    engine: AsyncEngine,
    root: Root,
    spec: QuerySpec,
    paths: list[str],
    plans: list[str] | tuple[str, ...] = DEFAULT_PLANS,
    runs: int = 5,
    progress: Callable[[str, int, int], None] | None = None,
    memory: bool = False,
) -> FanoutReport:
    """Measure every plan on the same query; ``progress(plan, done, total)`` after each."""
    entity = mapped_class(root, NO_FANOUT)
    if not paths:
        raise UserError("name at least one relationship path to compare, e.g. --path posts")
    unknown = [plan for plan in plans if plan not in PLANS]
    if unknown:
        raise UserError(f"unknown strategy {unknown[0]!r}; choose from: {', '.join(PLANS)}")
    if not 0 <= runs <= 100:
        raise UserError(f"--runs must be between 0 and 100, got {runs}")
    tree = LoaderTree(entity)
    for path in paths:
        tree.node(path)
    results, loaded = [], []
    for done, plan in enumerate(plans, start=1):
        result, identities = await measure_plan(engine, entity, spec, paths, plan, runs, memory)
        results.append(result)
        loaded.append(identities)
        if progress is not None:
            progress(plan, done, len(plans))
    _mark_other_entities(results, loaded)
    has_collection = any(_is_collection(tree, segment) for segment in _segments(paths))
    ambiguous = limit_is_ambiguous(spec, entity)
    subquery = "subquery" in plans or any(load.strategy == "subquery" for load in spec.loads)
    return FanoutReport(
        spec.root,
        paths,
        results,
        verdict(results, spec.root, has_collection, ambiguous),
        [subquery_limit_warning(spec)] if ambiguous and subquery else [],
    )


def _mark_other_entities(results: list[PlanResult], loaded: list[frozenset[Any]]) -> None:
    """Mark the plans whose entities differ from the set most plans loaded; all of them if no set leads."""
    tally = Counter(loaded).most_common()
    leader = tally[0][0] if len(tally) == 1 or (tally and tally[0][1] > tally[1][1]) else None
    for result, identities in zip(results, loaded):
        result.same_entities = identities == leader
