"""The schema explorer: a filterable tree of tables beside the selected table's details; ``c`` composes over one."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from sqla_tui.core.catalog.naming import RelationshipPlan, plan_catalog_yielding
from sqla_tui.core.catalog.schema import Catalog, NoDefaultSchema, TableInfo
from sqla_tui.tui.collector import paused_collector
from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.schema_tree import SchemaTree, TableRef
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.tui.widgets.table_detail import TableDetail
from sqla_tui.workbench import Workbench

CATALOG_LOADING = "loading catalog…"
CATALOG_FAILED = "the catalog could not be loaded (see the notification); names only"


class SchemaScreen(GuardedScreen):
    """Names paint from one fast query; the bulk catalog and relationship names fill in behind them."""

    FAILURE_TITLE = "Schema failed"

    AUTO_FOCUS = ""
    """Nothing to focus before the names are in (``load_names`` focuses the tree then): a focus change
    at mount would rebuild every footer key once more while the screen is being set up."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="schema.back"),
        Binding("slash", "focus_filter", "Filter", id="schema.focus_filter"),
        Binding("c", "compose_table", "Compose over it", id="schema.compose_table"),
        Binding("down", "focus_tree", "Tree", show=False, id="schema.focus_tree"),
    ]

    @dataclass
    class ComposeRequested(Message):
        """The user asked to compose a query over the table under the cursor; the app opens the composer."""

        table: str
        """The table to compose over."""
        schema: str | None
        """Its schema; None when it is the connection's default."""

    def __init__(self, workbench: Workbench) -> None:
        super().__init__()
        self.workbench = workbench
        self.catalogs: dict[str, tuple[dict[str, TableInfo], RelationshipPlan, dict[str, str]]] = {}
        """Per schema, once loaded: its tables by name, its relationship plan, and why any could not be described."""
        self._failed: set[str | None] = set()
        self._default: str | None = None
        """The connection's default schema, once its names or catalog are in; None without one."""
        self._wanted: str | None = None

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.workbench.info.url, info=self.workbench.info)
        with Horizontal(id="schema-body"):
            with Vertical(id="schema-side"):
                yield Input(placeholder="filter tables and views…  (/)", id="schema-filter")
                yield SchemaTree(id="schema-tree")
            yield TableDetail(id="table-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(SchemaTree).loading = True
        self.query_one(TableDetail).loading = True
        self.load_names()

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
        """One quick query for the default schema's names, so the tree paints long before any catalog.

        The catalog starts once the names are in (or could not be had): both
        are Python on the event loop, and run side by side they stalled it
        twice as long for no earlier catalog. The other schemas are listed
        next, closed: their names load when opened.
        """
        tree = self.query_one(SchemaTree)
        try:
            await self._paint_names(tree)
        except NoDefaultSchema as error:  # a MySQL/MariaDB URL without a database: its databases can still be opened
            self.query_one(TableDetail).loading = False
            self.notify(str(error), title="No default schema", severity="warning", timeout=10)
            tree.show_schemas(await self.workbench.schemas())
            tree.cursor_line = 0  # on the first database, for right or enter to open
            tree.focus()
            return
        except Exception:
            self.load_catalog(None)  # it may still come, and it ends the detail pane's spinner either way
            raise
        self.load_catalog(None)
        tree.focus()
        self._reveal_wanted()
        tree.show_schemas(await self.workbench.schemas())

    async def _paint_names(self, tree: SchemaTree) -> None:
        try:
            names = await self.workbench.names()
        finally:
            tree.loading = False
        if names:
            self._default = names[0].schema
            await tree.show_names(names[0].schema, names, cursor=True)

    @on(SchemaTree.SchemaOpened)
    def _schema_opened(self, event: SchemaTree.SchemaOpened) -> None:
        self.open_schema(event.schema)

    @work(exit_on_error=False, group="schema-open")
    async def open_schema(self, schema: str) -> None:
        """Names of a schema the user opened, then its catalog."""
        await self.query_one(SchemaTree).show_names(schema, await self.workbench.names(schema))
        self.load_catalog(schema)

    @work(exit_on_error=False, group="schema-catalog")
    async def load_catalog(self, schema: str | None) -> None:
        """A schema's bulk catalog, then relationship naming in slices on the loop (pure Python, big on big schemas).

        The collector is paused meanwhile: see ``tui.collector``.
        """
        tree = self.query_one(SchemaTree)
        with paused_collector():
            try:
                catalog = await self.workbench.catalog(schema)
                plan = await plan_catalog_yielding(catalog)
            except Exception:
                self._failed.add(schema)
                self._detail_ready(schema)
                raise
            self.catalogs[catalog.schema] = ({table.name: table for table in catalog.tables}, plan, catalog.undescribed)
            if catalog.undescribed:
                self._say_undescribed(catalog)
            if schema is None:
                self._default = catalog.schema
            if catalog.schema not in tree.schema_names:  # an empty default schema: no names to paint first
                await tree.show_names(catalog.schema, [])
            await tree.show_catalog(catalog, plan)
            self.call_after_refresh(self._detail_ready, schema)

    def _say_undescribed(self, catalog: Catalog) -> None:
        """One warning naming what the database could not describe; the rest of the catalog is shown as usual."""
        named = "; ".join(f"{name}: {why}" for name, why in list(catalog.undescribed.items())[:3])
        more = f" and {len(catalog.undescribed) - 3} more" if len(catalog.undescribed) > 3 else ""
        self.notify(f"could not describe {named}{more}", title="Schema", severity="warning", timeout=10)

    def _detail_ready(self, schema: str | None) -> None:
        """The detail pane once a catalog is in (or failed): after the tree's repaint, in a frame of its own.

        Repainting the 2,000-line tree and laying out a filled detail pane
        together took one 60-80 ms frame, a stall the user feels.
        """
        if schema is None:
            self.query_one(TableDetail).loading = False
        self._show_detail(self.query_one(SchemaTree).cursor_node)

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

    def action_compose_table(self) -> None:
        """Hand the table under the cursor, and its schema unless it is the default, to the composer."""
        tree = self.query_one(SchemaTree)
        ref = tree.cursor_node.data if tree.cursor_node is not None else None
        if ref is None or ref.table is None:
            self.notify("put the cursor on a table first: c composes a query over it", severity="warning")
        else:
            self.post_message(self.ComposeRequested(ref.table, None if ref.schema == self._default else ref.schema))

    @on(Tree.NodeHighlighted, "#schema-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[TableRef]) -> None:
        self._show_detail(event.node)

    def _show_detail(self, node: TreeNode[TableRef] | None) -> None:
        ref = node.data if node is not None else None
        if ref is None or ref.table is None:
            return
        detail = self.query_one(TableDetail)
        tables, plan, undescribed = self.catalogs.get(ref.schema, ({}, None, {}))
        table = tables.get(ref.table)
        if ref.table in undescribed:
            detail.show_pending(ref.table, f"the database could not describe it: {undescribed[ref.table]}")
        elif table is None or plan is None:
            detail.show_pending(ref.table, CATALOG_FAILED if self._failed & {ref.schema, None} else CATALOG_LOADING)
        else:
            partitions = [other for other in tables.values() if other.partition_of == ref.table]
            unmappable = plan.unmappable.get(ref.table)
            detail.show(table, plan.relationships(ref.table), unmappable, plan.attributes(ref.table), partitions)
