"""What the compose screen shows before and after a run, as plain data and text.

The screen must never build SQL itself, yet it previews the main query as
the engine's dialect will send it, walks relationships to offer them as
loader toggles, and folds a run's statements the way the ``query`` command
prints them. These pure helpers do that work (no Textual, no connection),
so they are tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper

from sqla_tui.core.catalog.mapping import relationship_info
from sqla_tui.core.catalog.naming import RelationshipInfo
from sqla_tui.core.grammar import counted
from sqla_tui.core.observe.capture import CapturedStatement
from sqla_tui.core.query.fanout import SqlGroup
from sqla_tui.core.query.root import Root
from sqla_tui.core.query.run import RunSummary
from sqla_tui.core.query.spec import QuerySpec
from sqla_tui.core.query.statement import build_select
from sqla_tui.core.sqltext import as_received, format_sql

STRATEGY_CYCLE: tuple[str | None, ...] = (
    None, "select", "joined", "selectin", "subquery", "immediate", "raise", "raise_on_sql", "noload", "joined_inner",
)  # fmt: skip
"""The order a key cycles a relationship's strategy in; None is the relationship's default."""


def next_strategy(current: str | None) -> str | None:
    """The strategy after ``current`` in ``STRATEGY_CYCLE``, wrapping back to the default."""
    position = STRATEGY_CYCLE.index(current) if current in STRATEGY_CYCLE else 0
    return STRATEGY_CYCLE[(position + 1) % len(STRATEGY_CYCLE)]


def main_query_sql(spec: QuerySpec, root: Root, dialect: Dialect) -> str:
    """The main query's SQL as ``dialect`` will receive it, formatted; nothing runs.

    IN lists are expanded to one placeholder per value, as they are sent, so
    the text can be copied and run. Eager loaders that emit their own
    statements (selectin, subquery) are not part of it; joined loaders are,
    as the JOINs they add.
    """
    compiled = build_select(spec, root).compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    return format_sql(as_received(str(compiled), dialect.paramstyle))


@dataclass(frozen=True)
class Relationship:
    """One relationship a loader toggle can be put on: its info and the class it leads to."""

    info: RelationshipInfo
    target: type


def relationships_of(entity: type) -> list[Relationship]:
    """The mapped relationships of a class, sorted by name, each with its target class."""
    mapper: Mapper[Any] = inspect(entity)
    found = mapper.relationships
    return [Relationship(relationship_info(found[key]), found[key].mapper.class_) for key in sorted(found.keys())]


@dataclass(frozen=True)
class StatementRun:
    """Consecutive statements of one shape and origin, folded into one line of the log."""

    first: int
    """Position of the first statement in the run (0-based)."""
    statements: tuple[CapturedStatement, ...]
    origin: str
    """The origin label, e.g. ``lazy load Post.comments (touched)``."""

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def rows(self) -> int:
        return sum(statement.rows for statement in self.statements)

    @property
    def ms(self) -> float:
        return sum(statement.ms for statement in self.statements)

    @property
    def bytes(self) -> int:
        return sum(statement.bytes for statement in self.statements)

    @property
    def is_n_plus_one(self) -> bool:
        """A lazy load repeated for one parent after another: what the log flags."""
        return self.count > 1 and self.statements[0].origin.kind == "lazy"

    @property
    def label(self) -> str:
        """``#3`` or ``#3-956 (x954)``, numbered from 1 like the ``query`` command."""
        if self.count == 1:
            return f"#{self.first + 1}"
        return f"#{self.first + 1}-{self.first + self.count} (x{self.count})"


def consecutive_runs(statements: list[CapturedStatement], origins: list[str]) -> list[StatementRun]:
    """Fold consecutive statements that share shape and origin, keeping the order they ran in."""
    runs: list[StatementRun] = []
    position = 0
    while position < len(statements):
        end = position + 1
        while (
            end < len(statements)
            and origins[end] == origins[position]
            and statements[end].shape == statements[position].shape
        ):
            end += 1
        runs.append(StatementRun(position, tuple(statements[position:end]), origins[position]))
        position = end
    return runs


def shown_of(shown: int, matched: int | None, words: Callable[[int], str]) -> str:
    """``100 of 275 users`` when the limit cut the root rows (``matched``: what the filters match), else ``10 users``.

    ``words(n)`` says n of the thing; a cut result never passes for all of it.
    """
    if matched is not None and matched != shown:
        return f"{shown:,} of {words(matched)}"
    return words(shown)


def summary_text(summary: RunSummary, matched_roots: int | None = None) -> str:
    """The run's one-line summary: statements, rows received, entities and root rows ("100 of 275 root rows")."""
    roots = shown_of(summary.root_rows, matched_roots, lambda count: counted(count, "root row"))
    return (
        f"{counted(summary.statements, 'statement')}, {counted(summary.rows, 'row')} received, "
        f"{counted(summary.entities, 'entity')} ({roots})"
    )


def statement_detail(statement: CapturedStatement, origin: str) -> str:
    """One statement in full, as SQL a reader can paste: formatted, then its numbers and parameters."""
    return (
        f"-- {origin}\n"
        f"-- rows {statement.rows:,} · {statement.ms:.2f} ms · ~{statement.bytes:,} bytes\n"
        f"-- params: {params_text(statement.params)}\n"
        f"{format_sql(statement.received)}"
    )


def params_text(params: Any) -> str:
    """A statement's parameters for reading: the first 20 of a long list, and how many there are."""
    if isinstance(params, (list, tuple)) and len(params) > 20:
        return f"{params[:20]!r}… ({len(params)} values)"
    return repr(params)


def leaf_paths(paths: list[str]) -> list[str]:
    """The paths no other path extends: ``posts.comments`` covers ``posts``; order kept."""
    return [path for path in paths if not any(other.startswith(f"{path}.") for other in paths)]


def grouped_sql_text(groups: list[SqlGroup]) -> str:
    """One strategy's statements as readable SQL: each shape's first statement, how often the shape ran, its rows."""
    return "\n\n".join(
        f"-- ran {counted(group.count, 'time')}, {counted(group.rows, 'row')}"
        f"{' (the first shown)' if group.count > 1 else ''}\n{format_sql(group.sql)};"
        for group in groups
    )
