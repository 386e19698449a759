"""The composer: pick a root, filter, toggle loader strategies, preview, run, read the log.

Everything up to the run is previewed without touching the database: the
Python a user would paste and the main query's SQL for the engine's dialect
change as keys are pressed. ``r`` runs the query in a worker (``x`` cancels
it, on the server too) and keeps its spec in the connection's history, which
``ctrl+r`` searches; the log then shows every statement the ORM emitted,
where it came from and the rows it received, with repeated lazy loads
flagged as N+1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from sqla_tui.core.catalog.naming import plan_catalog
from sqla_tui.core.catalog.schema import Catalog
from sqla_tui.core.errors import UserError
from sqla_tui.core.export.sources import result_rows, statement_log
from sqla_tui.core.export.table import Table
from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.strategies import explain, measured_here
from sqla_tui.core.observe.capture import CapturedStatement
from sqla_tui.core.query.composer import Composer
from sqla_tui.core.query.fanout import NO_FANOUT
from sqla_tui.core.query.ordering import primary_key_order
from sqla_tui.core.query.preview import (
    STRATEGY_CYCLE,
    consecutive_runs,
    leaf_paths,
    shown_of,
    statement_detail,
    summary_text,
)
from sqla_tui.core.query.root import is_table, mapped_class
from sqla_tui.core.query.run import RunResult
from sqla_tui.core.query.script import save_script
from sqla_tui.core.query.spec import DEFAULT_LIMIT, QuerySpec, filter_text, parse_order, parse_where
from sqla_tui.settings.history import remember
from sqla_tui.tui.clipboard import copy_text
from sqla_tui.tui.screens.explain_screen import ExplainScreen
from sqla_tui.tui.screens.fanout_screen import FanoutScreen
from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.screens.history_modal import HistoryModal
from sqla_tui.tui.screens.strategy_note import StrategyNote
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.loader_toggles import MAX_DEPTH, LoaderToggles
from sqla_tui.tui.widgets.number_field import NumberField
from sqla_tui.tui.widgets.results_tree import ResultsTree
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.tui.widgets.statement_log import StatementLogTable
from sqla_tui.workbench import Workbench


class ComposeScreen(GuardedScreen):
    """Shows the workbench's composer; widgets edit it, workers map and run it."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="compose.back"),
        Binding("r", "run", "Run", id="compose.run"),
        # from any field, the root filter included (Harlequin's ctrl+j; f5 as in SQL tools); ctrl+r is history, as in shells
        Binding("ctrl+j,f5", "run", "Run", show=False, priority=True, id="compose.run_anywhere"),
        Binding("ctrl+r", "history", "History", id="compose.history"),
        Binding("x", "cancel_run", "Cancel run", id="compose.cancel_run"),
        Binding("f", "fanout", "Fan-out", id="compose.fanout"),
        Binding("e", "explain", "Explain", id="compose.explain"),
        Binding("y", "copy_python", "Copy Python", id="compose.copy_python"),
        Binding("Y", "copy_sql", "Copy SQL", id="compose.copy_sql"),
        Binding("w", "save_script", "Save script", id="compose.save_script"),
        Binding("slash", "focus_where", "Filter", id="compose.focus_where"),
        Binding("o", "focus_order", "Order", show=False, id="compose.focus_order"),
        Binding("l", "focus_limit", "Limit", show=False, id="compose.focus_limit"),
        # the loader keys from the log and the results too: a run moves focus there to read it
        *(
            Binding(str(number), f"loader('pick', {number})", show=False, id=f"compose.loader_pick_{number}")
            for number in range(len(STRATEGY_CYCLE))
        ),
        Binding("space", "loader('cycle')", show=False, id="compose.loader_cycle"),
        Binding("t", "loader('touch')", show=False, id="compose.loader_touch"),
        Binding("down", "into_roots", show=False, id="compose.into_roots"),
        Binding("left_square_bracket", "step(-1)", "Previous in run", show=False, id="compose.previous_in_run"),
        Binding("right_square_bracket", "step(1)", "Next in run", show=False, id="compose.next_in_run"),
        Binding("delete,backspace", "remove_filter", "Remove filter", show=False, id="compose.remove_filter"),
    ]

    def __init__(self, workbench: Workbench) -> None:
        super().__init__()
        self.workbench = workbench
        self.catalog: Catalog | None = None
        self.mappable: list[str] = []
        self.unmapped: dict[str, str] = {}
        """Relations without a class (views, tables without a key, association tables) and why: composed over
        their Table."""
        self.composer: Composer | None = None
        """The query over the chosen root; None until a root is mapped."""
        self._wanted: str | None = None
        """The default schema's root asked for before the roots were listed."""
        self._enter_pressed_early = False
        """Enter in the root filter before the roots were listed: pick the first match once they are."""
        self._typed_early = ""
        """Letters that reached the screen before anything in it had focus: the root filter's, once it has."""
        self._focused_once = False
        self.member = 0
        """Which statement of the selected (folded) run the detail shows."""
        self._run: Worker[None] | None = None
        self.result: RunResult | None = None
        """The last run's result: for export, and its numbers go into the strategy notes; cleared with the root."""

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.workbench.info.url, info=self.workbench.info)
        with Horizontal(id="compose-body"):
            with Vertical(id="compose-side"):
                yield Input(placeholder="root table…  (type to narrow)", compact=True, id="compose-root-filter")
                yield OptionList(id="compose-roots")
                yield Input(placeholder="where: column op value  (/)", compact=True, id="compose-where")
                yield OptionList(id="compose-filters")
                with Horizontal(id="compose-limit-row"):
                    yield Label("limit (l) ")
                    yield NumberField(str(DEFAULT_LIMIT), placeholder="none", compact=True, id="compose-limit")
                    yield Label(" order ")
                    yield Input(placeholder="col[:desc],…  (o)", compact=True, id="compose-order")
                yield LoaderToggles(id="compose-loads")
            with Vertical(id="compose-main"):
                with Horizontal(id="compose-preview"):
                    yield CodePreview("python", title="Python", id="compose-python")
                    yield CodePreview("sql", title="Main query SQL (not run yet)", id="compose-sql")
                yield Static("pick a root table, toggle relationships, r runs", id="compose-summary")
                with Horizontal(id="compose-output"):
                    with Vertical(id="compose-log-side"):
                        yield StatementLogTable(id="compose-log")
                        yield CodePreview("sql", title="Statement", id="compose-statement")
                    yield ResultsTree(id="compose-results")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#compose-roots", OptionList).border_title = "Root"
        self.query_one("#compose-filters", OptionList).border_title = "Filters · del removes"
        toggles = self.query_one(LoaderToggles)
        toggles.border_title = "Loaders"
        toggles.border_subtitle = "space cycle · 0-9 pick · t touch · ? explain"
        self.query_one(StatementLogTable).border_title = "Statements"
        self.query_one(ResultsTree).border_title = "Results"
        self.query_one("#compose-roots", OptionList).loading = True
        self.load_roots()

    nothing_to_export = "pick a root and run the query (r)"

    def exportables(self) -> list[Table]:
        """The last run's root rows and every statement it caused."""
        result, composer = self.result, self.composer
        if result is None or composer is None:
            return []
        return [
            result_rows(result, composer.root),
            statement_log(result.statements, result.origins, composer.root),
        ]

    # -- choosing the root ----------------------------------------------------
    def choose_root(self, table: str, schema: str | None = None) -> None:
        """Compose over ``table`` of ``schema`` (None: the default): now, or once the list of roots is in."""
        if schema is not None:  # the list holds the default schema's roots: nothing in it to wait for
            self.map_root(table, schema=schema)
            return
        self._wanted = table
        if self.catalog is not None:
            self._choose_wanted()

    @work(exclusive=True, exit_on_error=False, group="compose-roots")
    async def load_roots(self) -> None:
        """List the tables and views to compose over, from the catalog the workbench shares with the schema screen."""
        roots = self.query_one("#compose-roots", OptionList)
        try:
            catalog = await self.workbench.catalog()
            plan = await asyncio.to_thread(plan_catalog, catalog)
        finally:
            roots.loading = False
        self.catalog, self.mappable = catalog, plan.mappable
        self.unmapped = dict(plan.unmappable)  # association tables too: their pairs are rows to read
        root_filter = self.query_one("#compose-root-filter", Input)
        self._list_roots(root_filter.value)  # letters typed while the list loaded narrow it now
        if self._wanted is None and not self.focused:
            root_filter.focus()
        self._choose_wanted()
        if self._enter_pressed_early:
            self._enter_pressed_early = False
            self._pick_first_root()

    @on(Input.Changed, "#compose-root-filter")
    def _narrow_roots(self, event: Input.Changed) -> None:
        self._list_roots(event.value)
        if event.value:
            self.remove_class("-rooted")

    def on_key(self, event: events.Key) -> None:
        """Keys that reach the screen itself before anything in it has had focus are the root filter's.

        A terminal delivers ``c``, a name and Enter typed at speed in one
        burst: the keys after ``c`` arrive while this screen mounts, with no
        widget to take them, and ran the screen's bindings (``e``, ``l``…)
        while the early Enter composed over the first root rather than the
        one typed. They are kept, in order, until the first focus.
        """
        if self._focused_once or self.app.screen is not self:
            return
        if event.key == "enter":
            self._enter_pressed_early = True
        elif event.key == "backspace":
            self._typed_early = self._typed_early[:-1]
        elif event.is_printable and event.character:
            self._typed_early += event.character
        else:
            return
        event.stop()
        event.prevent_default()

    def on_descendant_focus(self) -> None:
        """The first focus in the screen: letters typed before it go into the root filter if that is what has it."""
        if self._focused_once:
            return
        self._focused_once = True
        typed, self._typed_early = self._typed_early, ""
        root_filter = self.query_one("#compose-root-filter", Input)
        if typed and root_filter.has_focus:
            root_filter.insert_text_at_cursor(typed)
            self._list_roots(root_filter.value)
        if self._enter_pressed_early and self.catalog is not None:
            self._enter_pressed_early = False
            self._pick_first_root()

    @on(events.DescendantFocus, "#compose-root-filter")
    def _unfold_roots(self) -> None:
        """Back in the root filter, the list opens again to pick another root."""
        self.remove_class("-rooted")

    @on(Input.Submitted, "#compose-root-filter")
    def _pick_first_root(self) -> None:
        """Enter in the filter composes over the first match: ``c``, a few letters, Enter (even before the list is in)."""
        if self.catalog is None:
            self._enter_pressed_early = True
            return
        roots = self.query_one("#compose-roots", OptionList)
        if roots.highlighted is not None:
            option_id = roots.get_option_at_index(roots.highlighted).id
            if option_id is not None:
                self.map_root(option_id)

    def action_into_roots(self) -> None:
        """Down from the root filter moves into the list of roots, to pick one of several matches."""
        if self.focused is self.query_one("#compose-root-filter", Input):
            self.query_one("#compose-roots", OptionList).focus()

    def _list_roots(self, needle: str) -> None:
        """List the relations whose name contains ``needle`` (any case): the mapped tables, then those without a
        class, each saying why beside it (so a few letters and Enter still pick a mapped table first)."""
        roots = self.query_one("#compose-roots", OptionList)
        names = [*self.mappable, *sorted(self.unmapped)]
        shown = [name for name in names if needle.casefold() in name.casefold()]
        roots.clear_options()
        roots.add_options(Option(self._root_label(name), id=name) for name in shown)
        tables = counted(len(names), "relation")
        roots.border_title = f"Root · {len(shown)} of {tables}" if needle else f"Root · {tables}"
        composing = self.composer.root if self.composer is not None and self.composer.schema is None else None
        current = self._wanted or composing  # the list holds the default schema's roots
        roots.highlighted = shown.index(current) if current in shown else (0 if shown else None)

    def _root_label(self, name: str) -> Content:
        """A name, never markup ([/] is a table name too); a relation without a class with its reason, dimmed."""
        reason = self.unmapped.get(name)
        return Content(name) if reason is None else Content.assemble(name, (f"  {reason}", "dim italic"))

    def _choose_wanted(self) -> None:
        if self._wanted is None:
            return
        self.query_one("#compose-root-filter", Input).value = ""
        self._list_roots("")  # highlights the wanted root; one that cannot be mapped is explained by map_root
        self.map_root(self._wanted)
        self._wanted = None

    @on(OptionList.OptionSelected, "#compose-roots")
    def _root_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.map_root(event.option.id)

    @work(exclusive=True, exit_on_error=False, group="compose-map")
    async def map_root(self, table: str, spec: QuerySpec | None = None, schema: str | None = None) -> None:
        """Map the root (of ``schema``, None the default) and the tables a loader path can reach from it.

        With ``spec`` (a history entry) its schema, filters, order, limit and loaders are composed again.
        """
        schema = spec.schema if spec is not None else schema
        shown = table if schema is None else f"{schema}.{table}"
        try:
            composer = await self.workbench.composer(table, schema=schema, hops=MAX_DEPTH)
            if spec is not None:
                composer.change(**{name: getattr(spec, name) for name in _RESTORED})
            else:
                composer.set_limit(self._limit_typed())
        except UserError as error:
            self.notify(str(error), title="Cannot compose", severity="error")
            return
        self.composer, self.result = composer, None
        root_filter = self.query_one("#compose-root-filter", Input)
        root_filter.value = ""
        root_filter.placeholder = f"root: {shown}  (type to change)"
        self.add_class("-rooted")  # the list folds away: the loaders, log and previews get its room
        order_field = self.query_one("#compose-order", Input)
        order_field.value = ", ".join(f"{o.column}{':desc' if o.descending else ''}" for o in composer.spec.order_by)
        if spec is not None:
            self.query_one("#compose-limit", Input).value = "" if spec.limit is None else str(spec.limit)
        key = ", ".join(order.column for order in primary_key_order(composer.entity))
        order_field.placeholder = f"{key} · - none  (o)" if key else "unordered: col[:desc],…  (o)"
        self._show_filters()
        self.query_one(StatementLogTable).show([])
        self.query_one(ResultsTree).show([])
        self.query_one(ResultsTree).border_title = "Results (not run yet)"
        self.query_one(StatementLogTable).border_title = "Statements (not run yet)"
        self.query_one("#compose-statement", CodePreview).code = ""
        doing = "r runs its Core select()" if is_table(composer.entity) else "toggle relationships, r runs"
        self.query_one("#compose-summary", Static).update(Content(f"composing over {shown}: {doing}"))
        toggles = self.query_one(LoaderToggles)
        toggles.show_entity(composer.entity, table)
        toggles.restore(composer.spec.loads)
        toggles.focus()

    def action_history(self) -> None:
        """Search the queries run on this connection; the one chosen is composed again (ctrl+r)."""
        self.app.push_screen(HistoryModal(self.workbench.target), self._recall)

    def _recall(self, spec: QuerySpec | None) -> None:
        if spec is not None:
            self.query_one("#compose-root-filter", Input).value = ""
            self.map_root(spec.root, spec)

    # -- editing the composer -------------------------------------------------
    def _edit(self, change: Callable[[Composer], None]) -> bool:
        """Apply ``change`` to the composer; a change the query cannot take is one notification and nothing changes."""
        if self.composer is None:
            self.notify("pick a root table first", severity="warning")
            return False
        try:
            change(self.composer)
        except UserError as error:
            self.notify(str(error), title="Not applied", severity="error")
            return False
        return True

    @on(LoaderToggles.ExplainAsked)
    def _explain_strategy(self, event: LoaderToggles.ExplainAsked) -> None:
        """``?``: the strategy's note, with what the last run spent on this path."""
        here = measured_here(self.result.statements, event.path, event.strategy) if self.result is not None else None
        text = explain(event.strategy, collection=event.collection, here=here)
        self.app.push_screen(StrategyNote(f"{event.path}: {event.strategy or 'default'}", text))

    @on(LoaderToggles.Changed)
    def _loads_changed(self) -> None:
        if self._edit(lambda composer: composer.set_loads(self.query_one(LoaderToggles).loads)):
            self._refresh_preview()

    def _refresh_preview(self) -> None:
        """Show the Python and the main query's SQL for the spec as it stands; nothing runs."""
        if self.composer is None:
            return
        python, sql = self.query_one("#compose-python", CodePreview), self.query_one("#compose-sql", CodePreview)
        try:
            preview = self.composer.preview()
        except UserError as error:
            python.code = sql.code = f"# {error}"
            return
        python.code, sql.code = preview.python, preview.sql
        sql.border_title = (
            "Main query SQL (not run yet)" if self.result is None else "Main query SQL (changed since the run)"
        )

    @on(Input.Submitted, "#compose-where")
    def _add_filter(self, event: Input.Submitted) -> None:
        """Parse and check the filter against the root's columns before keeping it."""
        try:
            new = parse_where(event.value)
        except UserError as error:
            self.notify(str(error), title="Not applied", severity="error")
            return
        if self._edit(lambda composer: composer.add_filter(new)):
            event.input.value = ""
            self._show_filters()

    @on(Input.Submitted, "#compose-order")
    def _set_order(self, event: Input.Submitted) -> None:
        """``name:desc, id`` orders by name descending, then id; empty orders a limited query by the
        primary key (the placeholder names it); ``-`` orders by nothing, leaving the rows to the database."""
        unordered = event.value.strip() == "-"
        try:
            order = [] if unordered else [parse_order(part.strip()) for part in event.value.split(",") if part.strip()]
        except UserError as error:
            self.notify(str(error), title="Not applied", severity="error")
            return
        if self._edit(lambda composer: composer.set_order(order, default_order=not unordered)):
            self._refresh_preview()
            self.query_one(LoaderToggles).focus()

    def action_focus_order(self) -> None:
        self.query_one("#compose-order", Input).focus()

    def action_focus_limit(self) -> None:
        self.query_one("#compose-limit", Input).focus()

    def action_loader(self, action: str, *arguments: int) -> None:
        """A loader key pressed outside the loader tree acts on the tree's current relationship."""
        toggles = self.query_one(LoaderToggles)
        if self.composer is None or toggles.cursor_node is None:
            return
        getattr(toggles, f"action_{action}")(*arguments)

    def action_remove_filter(self) -> None:
        listing = self.query_one("#compose-filters", OptionList)
        highlighted = listing.highlighted
        if listing.has_focus and highlighted is not None and self._edit(lambda c: c.remove_filter(highlighted)):
            self._show_filters()

    def _show_filters(self) -> None:
        listing = self.query_one("#compose-filters", OptionList)
        listing.clear_options()
        filters = self.composer.spec.filters if self.composer is not None else []
        listing.add_options(Option(Content(filter_text(spec_filter))) for spec_filter in filters)
        self._refresh_preview()

    def _limit_typed(self) -> int | None:
        value = self.query_one("#compose-limit", Input).value.strip()
        return int(value) if value.lstrip("-").isdigit() else None

    @on(Input.Changed, "#compose-limit")
    def _limit_changed(self) -> None:
        if self.composer is not None and self._edit(lambda composer: composer.set_limit(self._limit_typed())):
            self._refresh_preview()

    def action_focus_where(self) -> None:
        self.query_one("#compose-where", Input).focus()

    def action_back(self) -> None:
        """Escape leaves an input first, then cancels a run, then leaves the screen."""
        if isinstance(self.focused, Input):
            self.query_one(LoaderToggles).focus()
        elif self.running:
            self.action_cancel_run()
        else:
            self.dismiss()

    # -- running --------------------------------------------------------------
    def action_run(self) -> None:
        if self.composer is None:
            self.notify("pick a root table first", severity="warning")
            return
        self.query_one(StatementLogTable).loading = True
        self._run = self.run_query(self.composer, list(self.query_one(LoaderToggles).touched))

    @property
    def running(self) -> bool:
        return self._run is not None and not (self._run.is_finished or self._run.is_cancelled)

    def action_cancel_run(self) -> None:
        """Stop a run that takes too long; core makes the server stop its statement too."""
        if self._run is None or not self.running:
            return
        self._run.cancel()
        self.query_one("#compose-summary", Static).update("run cancelled · r runs again")
        self.notify("run cancelled", title="Cancelled")

    @work(exclusive=True, exit_on_error=False, group="compose-run")
    async def run_query(self, composer: Composer, touch: list[str]) -> None:
        """Run the spec, touch the marked paths, and show every statement and what was loaded."""
        log = self.query_one(StatementLogTable)
        try:
            result = await composer.run(touch)
        except UserError as error:
            self.notify(str(error), title="Query failed", severity="error")
            return
        finally:
            log.loading = False
        self.result = result
        log.show(consecutive_runs(result.statements, result.origins))
        log.border_title = f"Statements · {counted(len(result.statements), 'statement')} of this run"
        results = self.query_one(ResultsTree)
        results.show(result.results)
        roots = shown_of(result.summary.root_rows, result.matched_roots, lambda count: f"{count:,} {composer.root}")
        results.border_title = Content(f"Results · {roots}")  # a table named "[/]" is text
        self.query_one("#compose-sql", CodePreview).border_title = "Main query SQL (as run)"
        self.query_one("#compose-summary", Static).update(_summary_line(result))
        log.focus()
        try:
            await asyncio.to_thread(remember, self.workbench.target, composer.spec)
        except UserError as error:
            self.notify(str(error), title="Not kept in the history", severity="warning")

    @on(StatementLogTable.Selected)
    def _statement_selected(self) -> None:
        self.member = 0
        self._show_statement()

    def action_step(self, change: int) -> None:
        """Step through the statements folded into the selected run (``[`` and ``]``)."""
        run = self.query_one(StatementLogTable).selected
        if run is not None and run.count > 1:
            self.member = (self.member + change) % run.count
            self._show_statement()

    def _show_statement(self) -> None:
        run = self.query_one(StatementLogTable).selected
        if run is None:
            return
        detail = statement_detail(run.statements[self.member], run.origin)
        if run.count > 1:
            detail = (
                f"-- statement {self.member + 1} of {run.count} in {run.label} ([ and ] step), "
                f"{counted(run.rows, 'row')} in all\n{detail}"
            )
        self.query_one("#compose-statement", CodePreview).code = detail

    @property
    def selected_statement(self) -> CapturedStatement | None:
        """The statement shown in the detail pane: what EXPLAIN and copy use."""
        run = self.query_one(StatementLogTable).selected
        return run.statements[self.member] if run is not None else None

    # -- leaving for other views ----------------------------------------------
    def action_copy_python(self) -> None:
        self._copy(self.query_one("#compose-python", CodePreview).code, "Python", "query.py")

    def action_copy_sql(self) -> None:
        """Copy the selected statement's SQL, or the previewed main query before a run."""
        statement = self.selected_statement
        sql = statement.received if statement is not None else self.query_one("#compose-sql", CodePreview).code
        self._copy(sql, "SQL", "query.sql")

    def _copy(self, text: str, what: str, file_name: str) -> None:
        if not text:
            self.notify("nothing to copy yet: pick a root table", severity="warning")
            return
        outcome = copy_text(self.app, text, what, file_name)
        self.notify(
            outcome.message,
            severity="information" if outcome.reached else "warning",
            timeout=None if outcome.reached else 10,
        )

    def action_save_script(self) -> None:
        """Save the query as a runnable script (models, engine, session, the touching loop) in the current folder."""
        if self.composer is None:
            self.notify("pick a root table first", severity="warning")
            return
        self.save_script(self.composer, list(self.query_one(LoaderToggles).touched))

    @work(exit_on_error=False, group="compose-script")
    async def save_script(self, composer: Composer, touch: list[str]) -> None:
        try:
            text = await self.workbench.script(composer.spec, touch, entity=composer.entity)
            path = await asyncio.to_thread(save_script, text, Path.cwd(), composer.root)
        except UserError as error:
            self.notify(str(error), title="Script not saved", severity="error")
            return
        self.notify(f"run it with: python {path}", title="Script saved")

    def action_explain(self) -> None:
        """Open EXPLAIN on the statement in the detail pane, with the parameters it ran with."""
        statement = self.selected_statement
        if statement is None:
            self.notify("run the query, then pick a statement to explain", severity="warning")
            return
        self.app.push_screen(ExplainScreen(self.workbench, statement.sql, statement.params))

    def action_fanout(self) -> None:
        """Compare strategies on the relationship paths chosen in the loader tree (a view has none: one line says so)."""
        paths = leaf_paths(self.query_one(LoaderToggles).paths)
        try:
            entity = mapped_class(self.composer.entity, NO_FANOUT) if self.composer is not None else None
        except UserError as error:
            self.notify(str(error), title="No fan-out", severity="warning")
            return
        if self.composer is None or entity is None or not paths:
            self.notify("toggle or touch a relationship first: fan-out compares strategies on it", severity="warning")
            return
        self.app.push_screen(FanoutScreen(self.workbench, entity, self.composer.spec, paths))


_RESTORED = ("filters", "order_by", "limit", "offset", "loads", "column_options", "default_order")
"""What a history entry brings back besides its root."""


def _summary_line(result: RunResult) -> Content:
    """The summary, then each N+1 and each refused access in the theme's error colour, then query warnings."""
    problems = [f"N+1: {found.attribute} ran {counted(found.count, 'time')}" for found in result.n_plus_one]
    problems += [f"raise: {refused.attribute} refused {refused.count:,}×" for refused in result.raised]
    return Content.assemble(
        summary_text(result.summary, result.matched_roots),
        *(("  ·  " + problem, "$error") for problem in problems),
        *(("\nwarning: " + warning, "$warning") for warning in result.warnings),
    )
