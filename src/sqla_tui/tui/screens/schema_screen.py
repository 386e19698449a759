"""The schema explorer: a filterable tree of tables beside the selected table's details."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.naming import RelationshipPlan, plan_catalog
from sqla_tui.core.schema import TableInfo, list_names
from sqla_tui.tui.session import Session
from sqla_tui.tui.widgets.schema_tree import SchemaTree
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.tui.widgets.table_detail import TableDetail


class SchemaScreen(Screen[None]):
    """Names paint from one fast query; the bulk catalog and relationship names fill in behind them."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_filter", "Filter"),
        Binding("down", "focus_tree", "Tree", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.tables: dict[str, TableInfo] | None = None
        self.plan: RelationshipPlan | None = None
        self._catalog_note = "loading catalog…"
        self._wanted: str | None = None

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.session.info.url, info=self.session.info)
        with Horizontal(id="schema-body"):
            with Vertical(id="schema-side"):
                yield Input(placeholder="filter tables and views…  (/)", id="schema-filter")
                yield SchemaTree(id="schema-tree")
            yield TableDetail(id="table-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SchemaTree).loading = True
        self.query_one(TableDetail).loading = True
        self.load_names()
        self.load_catalog()

    def reveal(self, name: str) -> None:
        """Put the cursor on ``name`` (clearing the filter), now or as soon as the names are in."""
        self._wanted = name
        if self.is_mounted:
            self._reveal_wanted()

    def _reveal_wanted(self) -> None:
        tree = self.query_one(SchemaTree)
        if self._wanted is None:
            return
        self.query_one("#schema-filter", Input).value = ""
        tree.filter_text = ""
        if tree.select_table(self._wanted):
            self._wanted = None
        tree.focus()

    @work(exclusive=True, exit_on_error=False, group="schema-names")
    async def load_names(self) -> None:
        """One quick query for names, so the tree paints long before the catalog is in."""
        tree = self.query_one(SchemaTree)
        try:
            tree.show_names(await list_names(self.session.engine))
        finally:
            tree.loading = False
        tree.focus()
        self._reveal_wanted()

    @work(exclusive=True, exit_on_error=False, group="schema-catalog")
    async def load_catalog(self) -> None:
        """The bulk catalog, then relationship naming in a thread (pure Python, big on big schemas)."""
        tree = self.query_one(SchemaTree)
        try:
            catalog = await self.session.catalog()
            plan = await asyncio.to_thread(plan_catalog, catalog)
        except Exception:
            self._catalog_note = "the catalog could not be loaded (see the notification); names only"
            self._show_detail(tree.cursor_node)
            raise
        finally:
            self.query_one(TableDetail).loading = False
        self.tables, self.plan = {table.name: table for table in catalog.tables}, plan
        tree.show_catalog(catalog, plan)
        self._show_detail(tree.cursor_node)

    @on(Input.Changed, "#schema-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.query_one(SchemaTree).filter_text = event.value

    @on(Input.Submitted, "#schema-filter")
    def action_focus_tree(self) -> None:
        self.query_one(SchemaTree).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#schema-filter", Input).focus()

    def action_back(self) -> None:
        """Escape leaves the filter first, then the screen."""
        if self.query_one("#schema-filter", Input).has_focus:
            self.action_focus_tree()
        else:
            self.dismiss()

    @on(Tree.NodeHighlighted, "#schema-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self._show_detail(event.node)

    def _show_detail(self, node: TreeNode[str] | None) -> None:
        name = node.data if node is not None else None
        if not name:
            return
        detail = self.query_one(TableDetail)
        table = self.tables.get(name) if self.tables is not None else None
        if table is None or self.plan is None:
            detail.show_pending(name, self._catalog_note)
        else:
            detail.show(table, self.plan.relationships(name), self.plan.unmappable.get(name))
