"""Composer: the query being composed over one root, held in core rather than in a screen.

The compose screen edits it key by key; every change is checked by building
the statement with the same rules a run uses, so a filter that cannot work
is refused with one line and the spec is left as it was. The previews (the
Python a user would paste, the main query's SQL in the engine's dialect)
come from here too, so the screen holds widgets, not SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Dialect

from sqla_tui.core.query.preview import main_query_sql
from sqla_tui.core.query.root import Root
from sqla_tui.core.query.run import RunResult
from sqla_tui.core.query.spec import DEFAULT_LIMIT, Filter, LoadOption, Order, QuerySpec
from sqla_tui.core.query.statement import build_select, python_source

Runner = Callable[[QuerySpec, Root, list[str]], Awaitable[RunResult]]
"""How a run is carried out: the workbench's ``run``, on a connection of its own."""


@dataclass(frozen=True)
class Preview:
    """What the spec will do, shown before anything runs."""

    python: str
    sql: str


@dataclass
class Composer:
    """One root's mapped class (or ``Table``), the dialect it previews for, and the spec as composed so far."""

    root: str
    entity: Root
    """The mapped class, or the ``Table`` of a relation the ORM cannot map (a view): see ``core.query.root``."""
    dialect: Dialect
    runner: Runner = field(repr=False)
    schema: str | None = None
    """The root's schema; None is the connection's default."""
    spec: QuerySpec = field(init=False)

    def __post_init__(self) -> None:
        self.spec = QuerySpec(self.root, limit=DEFAULT_LIMIT, schema=self.schema)

    def change(self, **changes: Any) -> None:
        """Apply ``changes`` to the spec if the statement still builds; otherwise raise UserError, change nothing."""
        candidate = replace(self.spec, **changes)
        build_select(candidate, self.entity)
        self.spec = candidate

    def add_filter(self, new: Filter) -> None:
        self.change(filters=[*self.spec.filters, new])

    def remove_filter(self, index: int) -> None:
        self.change(filters=[f for position, f in enumerate(self.spec.filters) if position != index])

    def set_order(self, order: list[Order], default_order: bool = True) -> None:
        """Order by ``order``; with none, ``default_order`` says whether a limited query is ordered by the key."""
        self.change(order_by=order, default_order=default_order)

    def set_limit(self, limit: int | None) -> None:
        self.change(limit=limit)

    def set_loads(self, loads: list[LoadOption]) -> None:
        self.change(loads=loads)

    def preview(self) -> Preview:
        """The Python and the main query's SQL for the spec as it stands; nothing runs."""
        return Preview(
            python_source(self.spec, self.entity, self.dialect), main_query_sql(self.spec, self.entity, self.dialect)
        )

    async def run(self, touch: list[str]) -> RunResult:
        """Run the spec as composed, then touch ``touch`` as application code would."""
        return await self.runner(self.spec, self.entity, touch)
