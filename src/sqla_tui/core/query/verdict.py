"""The fan-out comparison in plain words: what each plan cost, and which one to use.

The recommendation is structural (no repeated root rows, then fewest
statements, then fewest bytes): on a laptop-sized database timings are noise,
while repeated rows and round trips are what grow with the data. The fastest
plan of the run is named separately.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqla_tui.core.grammar import counted, with_article
from sqla_tui.core.internals.sqlalchemy import selectin_chunk_size

if TYPE_CHECKING:
    from sqla_tui.core.query.fanout import PlanResult

PLAN_TITLES = {
    "joined": "joinedload",
    "selectin": "selectinload",
    "subquery": "subqueryload",
    "immediate": "immediateload",
    "select": "lazy (touched)",
    "joined+selectin": "joined, then selectin",
    "mixed": "to-one joined, collections selectin",
}
SELECTIN_BATCH = selectin_chunk_size()
"""Keys per IN list before SQLAlchemy splits a selectin statement (500 in 2.1); None if it no longer says."""


def verdict(results: list[PlanResult], root: str, has_collection: bool, ambiguous_limit: bool = False) -> str:
    """Explain the comparison in plain words, from the measurements and the paths' shape.

    ``has_collection`` says whether a path goes through a collection: it comes
    from the relationships, never from the rows (one child per parent repeats
    nothing, yet the path is one-to-many). ``ambiguous_limit`` (a LIMIT/OFFSET
    without a unique order) explains why plans that loaded other entities did.
    """
    by_plan = {result.strategy: result for result in results}
    sentences = []
    joined, selectin = by_plan.get("joined"), by_plan.get("selectin")
    if joined and selectin:
        if has_collection and joined.duplicated_rows:
            sentences.append(
                f"joinedload received {counted(joined.rows, 'row')} for "
                f"{counted(joined.root_rows, f'row of {root}', f'rows of {root}')} (~{joined.rows_per_root:.1f} each: "
                f"{counted(joined.duplicated_rows, 'repeat')} of {with_article(f'{root} row')}), "
                f"{_ratio(joined.cells, selectin.cells)} the cells of selectinload "
                f"({counted(joined.duplicated_cells, 'duplicated cell')})."
            )
        elif has_collection:
            sentences.append(
                f"joinedload repeated no {root} rows here only because no {root} row has more than one related row: "
                f"the path is a collection, so with more, each {root} row would repeat once per related row."
            )
        else:
            sentences.append(
                f"joinedload needed {counted(joined.statements, 'statement')} "
                f"and repeated no {root} rows: a to-one path adds columns, not rows."
            )
        batches = [g for g in selectin.sql if g.count > 1 and "IN" in g.sql.upper()]
        batch_note = f" (IN lists are split into batches of {SELECTIN_BATCH} keys)" if batches and SELECTIN_BATCH else ""
        sentences.append(f"selectinload needed {counted(selectin.statements, 'statement')}{batch_note}.")
    for plan in ("select", "immediate"):
        if plan in by_plan:
            sentences.append(f"{PLAN_TITLES[plan]} needed {counted(by_plan[plan].statements, 'statement')}.")
    sentences += _other_entities(results, root, ambiguous_limit)
    recommended = recommend(results)
    if recommended is not None:
        repeated = counted(recommended.duplicated_rows, f"repeated {root} row") if recommended.duplicated_rows else ""
        sentences.append(
            f"Recommended: {PLAN_TITLES[recommended.strategy]} ({counted(recommended.statements, 'statement')}, "
            f"{counted(recommended.bytes, 'byte')}, {repeated or f'no repeated {root} rows'})."
        )
    timed = [result for result in results if result.ms_median is not None and result.same_entities]
    if timed:
        best = min(timed, key=lambda result: (result.ms_median, result.statements))
        sentences.append(f"Fastest in this run: {PLAN_TITLES[best.strategy]} ({best.ms_median:.1f} ms median).")
    return " ".join(sentences)


def recommend(results: list[PlanResult]) -> PlanResult | None:
    """Of the plans that loaded the same entities, the one that repeats no root rows, then needs fewest
    statements, then fewest bytes; None when no plans agree."""
    comparable = [result for result in results if result.same_entities]
    if not comparable:
        return None
    return min(comparable, key=lambda result: (result.duplicated_rows > 0, result.statements, result.bytes))


def _other_entities(results: list[PlanResult], root: str, ambiguous_limit: bool) -> list[str]:
    """Name the plans that loaded other entities than the rest: they measured other data, so are never recommended."""
    other = [result for result in results if not result.same_entities]
    if not other:
        return []
    cause = (
        f": a LIMIT without an ORDER BY on unique columns lets each statement pick its own {root} rows"
        if ambiguous_limit
        else ""
    )
    agreeing = [result for result in results if result.same_entities]
    if not agreeing:
        loaded = ", ".join(f"{PLAN_TITLES[result.strategy]} {result.entities:,}" for result in results)
        return [f"The plans loaded different entities ({loaded}), so none is recommended{cause}."]
    usual = agreeing[0].entities
    return [
        f"{PLAN_TITLES[result.strategy]} loaded {counted(result.entities, 'entity')} "
        + (f"where the other plans loaded {usual:,}" if result.entities != usual else "but not the ones the other plans loaded")
        + f", so it is not recommended{cause}."
        for result in other
    ]


def _ratio(ours: int, theirs: int) -> str:
    return f"{ours / theirs:.1f}×" if theirs else "∞×"
