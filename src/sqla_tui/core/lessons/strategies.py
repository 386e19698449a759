"""What each loader strategy does, in a few lines: the one source of these words.

The loader tree's ``?``, the fan-out screen's side pane and the lessons all
print these notes, so a teacher reads the same sentence wherever the choice
is made. ``explain`` adds what the strategy costs *here* when the caller has
numbers from a run (statements and rows of the path, or a fan-out row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqla_tui.core.internals.sqlalchemy import selectin_chunk_size

if TYPE_CHECKING:
    from sqla_tui.core.observe.capture import CapturedStatement

CHUNK = selectin_chunk_size() or 500
"""Keys per selectinload IN list (500 in SQLAlchemy 2.x)."""


@dataclass(frozen=True)
class StrategyNote:
    """One strategy: the loader that asks for it, the SQL it emits, when to choose it, what bites."""

    name: str
    loader: str
    sql: str
    when: str
    hazards: str


NOTES: dict[str, StrategyNote] = {
    note.name: note
    for note in (
        StrategyNote(
            "select",
            "lazyload() · lazy='select' (the default)",
            "Nothing up front; one SELECT per parent the first time the attribute is touched.",
            "An attribute read for a few objects only, or never.",
            "Touched in a loop it is the N+1: 1 query for the parents, then 1 per parent. "
            "Under asyncio an untouched lazy load raises MissingGreenlet instead of running.",
        ),
        StrategyNote(
            "joined",
            "joinedload()",
            "A LEFT OUTER JOIN added to the main query: one statement, wider rows.",
            "To-one relationships (many-to-one, one-to-one): adds columns, never rows.",
            "On a collection every parent row repeats once per child (rows multiply, the parent's columns "
            "travel again each time), and the result needs .unique() before .scalars().all(). "
            "With LIMIT, SQLAlchemy wraps the main query in a subquery.",
        ),
        StrategyNote(
            "joined_inner",
            "joinedload(innerjoin=True)",
            "An INNER JOIN added to the main query.",
            "A to-one relationship whose foreign key is NOT NULL: the planner may use a cheaper join.",
            "Parents without a related row disappear from the result.",
        ),
        StrategyNote(
            "selectin",
            "selectinload()",
            f"After the main query, one SELECT ... WHERE key IN (...) per {CHUNK:,} parents.",
            "Collections (one-to-many, many-to-many): each child row arrives once, parents never repeat.",
            f"One extra statement per level and per {CHUNK:,} parents (IN lists are split into chunks of {CHUNK:,}); "
            "composite keys need a database that supports tuple IN.",
        ),
        StrategyNote(
            "subquery",
            "subqueryload()",
            "After the main query, one SELECT that joins the children to the main query re-run as a subquery.",
            "Rarely, today: selectinload does the same job without re-running the parent query.",
            "The parent query runs twice; under LIMIT/OFFSET without a unique ORDER BY the two runs can pick "
            "different parents.",
        ),
        StrategyNote(
            "immediate",
            "immediateload()",
            "One SELECT per parent, right as the parents load (a lazy load that is not deferred).",
            "A handful of parents whose collection is always needed, e.g. one object by primary key.",
            "It is the N+1, paid every time: one statement per parent.",
        ),
        StrategyNote(
            "raise",
            "raiseload() · lazy='raise'",
            "Nothing: touching the attribute raises InvalidRequestError.",
            "Code that must never lazy-load: an N+1 becomes an error in tests instead of a slow page.",
            "Also refuses attributes that need no SQL (a many-to-one already in the identity map).",
        ),
        StrategyNote(
            "raise_on_sql",
            "raiseload(sql_only=True) · lazy='raise_on_sql'",
            "Nothing: touching the attribute raises only if it would need a statement.",
            "Like raise, but lets a many-to-one come from the identity map for free.",
            "Whether it raises depends on what the session already holds.",
        ),
        StrategyNote(
            "noload",
            "noload() (deprecated)",
            "Nothing, ever: the attribute stays empty (None or []).",
            "Nowhere new: it is deprecated; use raiseload, or a write_only relationship to page a collection.",
            "Silently wrong data: an empty collection looks like 'no children'.",
        ),
    )
}


def note_lines(strategy: str | None) -> list[str]:
    """The note of ``strategy`` (None: the relationship's own default) as short labelled lines."""
    note = NOTES.get(strategy or "select")
    if note is None:
        return [f"{strategy}: no notes for this strategy"]
    heading = note.loader if strategy else f"default (the relationship's lazy=, usually) · {note.loader}"
    return [heading, f"SQL: {note.sql}", f"When: {note.when}", f"Hazards: {note.hazards}"]


def explain(strategy: str | None, *, collection: bool | None = None, here: str | None = None) -> str:
    """The note as text, with the shape of the path under the cursor and its measured cost when known.

    ``collection`` says whether the relationship is a collection (so joined's
    hazard applies); ``here`` is what a run measured, e.g. "2 statements, 1,953 rows".
    """
    lines = note_lines(strategy)
    if collection is not None:
        shape = "a collection" if collection else "to-one"
        fit = _fit(strategy or "select", collection)
        lines.append(f"This path is {shape}{': ' + fit if fit else '.'}")
    if here:
        lines.append(f"Here: {here}")
    return "\n".join(lines)


def _fit(strategy: str, collection: bool) -> str:
    if strategy == "joined" and collection:
        return "joined repeats the parent row per child; selectinload is usually the better fit."
    if strategy == "joined" and not collection:
        return "joined is the usual best fit."
    if strategy == "selectin" and not collection:
        return "selectin works, but joinedload gets it in the same statement."
    if strategy == "selectin":
        return "selectin is the usual best fit."
    return ""


def measured_here(statements: list[CapturedStatement], path: str, strategy: str | None) -> str | None:
    """What the last run spent on ``path``: its eager statements, its lazy loads, or (joined) the main query's rows."""
    if strategy in ("joined", "joined_inner"):
        main = [statement for statement in statements if statement.origin.kind == "main"]
        rows = sum(statement.rows for statement in main)
        return f"the last run loaded {path} inside the main query: {len(main):,} statement(s), {rows:,} rows" if main else None
    key = path.rsplit(".", 1)[-1]
    mine = [
        statement
        for statement in statements
        if (statement.origin.kind == "eager" and statement.origin.path == path)
        or (statement.origin.kind == "lazy" and statement.origin.path.rsplit(".", 1)[-1] == key)
    ]
    if not mine:
        return None
    rows = sum(statement.rows for statement in mine)
    kind = "lazy loads" if mine[0].origin.kind == "lazy" else "eager statements"
    return f"the last run sent {len(mine):,} {kind} for {path}, {rows:,} rows"


def plan_explanation(plan: str, *, here: str | None = None) -> str:
    """A fan-out plan's note; the composite plans show both strategies they combine."""
    parts = {"joined+selectin": ("joined", "selectin"), "mixed": ("joined", "selectin")}.get(plan, (plan,))
    lead = {"joined+selectin": "First hop joined, deeper hops selectin.\n\n",
            "mixed": "To-one hops joined, collections selectin.\n\n"}.get(plan, "")  # fmt: skip
    body = "\n\n".join(explain(part) for part in parts)
    return f"{lead}{body}" + (f"\nHere: {here}" if here else "")
