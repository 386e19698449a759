"""The detail pane of one table: columns with keys, indexes, checks, relationships and the row estimate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sqla_tui.core.catalog.naming import RelationshipInfo, column_label
from sqla_tui.core.catalog.schema import TableInfo
from sqla_tui.tui.widgets.fact_table import FactTable
from sqla_tui.words.catalog import column_keys, direction, partitioning, row_estimate, via

_SECTIONS = {
    "columns": ("column", "type", "null", "keys", "default"),
    "indexes": ("index", "columns", "unique"),
    "checks": ("check", "expression"),
    "relationships": ("relationship", "direction", "target", "via"),
    "partitions": ("partition", "bound", "rows"),
}


class TableDetail(VerticalScroll, can_focus=True):
    """Shows a name at once and the table's facts when the catalog has them.

    Focusable as a whole (arrow keys scroll it); the tables inside are not, so
    Tab goes filter → tree → detail and back without visiting every grid.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sections: dict[str, list[tuple[str, ...]]] = {section: [] for section in _SECTIONS}
        """What each section shows, kept until its grid is mounted."""

    def compose(self) -> ComposeResult:
        yield Static("select a table", id="detail-title")
        yield Static(id="detail-note")

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_grids)

    async def _mount_grids(self) -> None:
        """The grids come after the screen's first frame, whose set-up they would otherwise lengthen.

        Mounting the schema screen stalled the loop 100-170 ms, their styles
        and layout a good part of it; nothing shows in them until a table's
        facts are in anyway.
        """
        grids = [FactTable(*headers, id=f"detail-{section}") for section, headers in _SECTIONS.items()]
        for grid in grids:
            grid.display = False  # until ``_fill`` gives it rows: an empty grid's headers flashed in a frame before it
        await self.mount_all(grids)
        self._fill(self._sections)

    def show_pending(self, name: str, note: str) -> None:
        """A table the catalog has not described (yet): its name, and why there is nothing more."""
        self._set_header(name, note)
        self._fill({section: [] for section in _SECTIONS})

    def show(
        self,
        table: TableInfo,
        relationships: Sequence[RelationshipInfo],
        unmappable: str | None,
        attributes: dict[str, str],
        partitions: Sequence[TableInfo] = (),
    ) -> None:
        """Everything about one table; ``unmappable`` says why the ORM cannot map it, if it cannot;
        ``attributes`` names the attribute of each column its class maps under another name."""
        facts = [table.kind, partitioning(table), row_estimate(table), table.comment or ""]
        self._set_header(f"{table.name}  ·  " + "  ·  ".join(fact for fact in facts if fact), unmappable or "")
        self._fill(
            {
                "columns": [
                    (
                        column_label(column.name, attributes),
                        column.type,
                        "yes" if column.nullable else "no",
                        column_keys(table, column),
                        column.generated or column.default or "",
                    )
                    for column in table.columns
                ],
                "indexes": [
                    (index.name or "(unnamed)", ", ".join(index.columns), "yes" if index.unique else "")
                    for index in table.indexes
                ],
                "checks": [(check.name or "(unnamed)", check.sqltext) for check in table.checks],
                "relationships": [(rel.name, direction(rel), rel.target, via(rel)) for rel in relationships],
                "partitions": [
                    (partition.name, partition.partition_bound or "", row_estimate(partition)) for partition in partitions
                ],
            }
        )

    def rows(self, section: str) -> list[tuple[str, ...]]:
        """The rows one section shows now, as text; what tests compare against."""
        return self.query_one(f"#detail-{section}", FactTable).rows_text

    def _set_header(self, title: str, note: str) -> None:
        self.query_one("#detail-title", Static).update(Content(title))
        self.query_one("#detail-note", Static).update(Content(note))
        self.query_one("#detail-note").display = bool(note)

    def _fill(self, sections: dict[str, list[tuple[str, ...]]]) -> None:
        self._sections = sections
        for section, rows in sections.items():
            for grid in self.query(f"#detail-{section}").results(FactTable):
                grid.show(rows)
                grid.display = bool(rows)
