"""EXPLAIN for one statement: the plan tree, its warnings with their fixes, and the raw plan.

Opened on a statement exactly as the driver ran it (SQL and bound
parameters, e.g. one picked in the composer's statement log). ``a`` asks
again with ANALYZE, which core runs in a rolled-back transaction and refuses
for anything but a SELECT; ``r`` swaps the tree for the database's raw output.
``x`` (or Escape) cancels a statement that takes too long, on the server too.
"""

from __future__ import annotations

import json
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker

from sqla_tui.core.errors import UserError
from sqla_tui.core.export.sources import plan_table
from sqla_tui.core.export.table import Table
from sqla_tui.core.plans.explain import ExplainResult
from sqla_tui.core.query.preview import params_text
from sqla_tui.core.sqltext import one_line
from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.plan_tree import PlanTree
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.workbench import Workbench

_STATEMENT_WIDTH = 160


class ExplainScreen(GuardedScreen):
    """The database's plan for ``sql`` with ``params`` (driver paramstyle), estimated or analysed."""

    FAILURE_TITLE = "EXPLAIN failed"

    BINDINGS = [
        Binding("escape", "back", "Back / cancel", id="explain.back"),
        Binding("x", "cancel", "Cancel", id="explain.cancel"),
        Binding("a", "toggle_analyze", "ANALYZE on/off", id="explain.toggle_analyze"),
        Binding("r", "toggle_raw", "Raw plan", id="explain.toggle_raw"),
    ]

    def __init__(self, workbench: Workbench, sql: str, params: Any = None, *, analyze: bool = False) -> None:
        super().__init__()
        self.workbench, self.sql, self.params = workbench, sql, params
        self.analyze = analyze
        """Whether the plan shown (or being fetched) is analysed."""
        self.result: ExplainResult | None = None
        self._worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.workbench.info.url, info=self.workbench.info)
        yield Static(id="explain-status")
        with Horizontal(id="explain-body"):
            yield PlanTree(id="explain-tree")
            yield CodePreview("json", title="Raw plan", id="explain-raw")
            with VerticalScroll(id="explain-warnings-box"):
                yield Static(id="explain-warnings")
        yield KeyFooter()

    nothing_to_export = "wait for the plan"

    def exportables(self) -> list[Table]:
        """The plan tree, one row per node with its depth."""
        return [plan_table(self.result.plan)] if self.result is not None else []

    def on_mount(self) -> None:
        self.query_one("#explain-warnings-box").border_title = "Warnings"
        self._worker = self.fetch()

    @property
    def asking(self) -> bool:
        """Whether the database is still working on the plan (with ANALYZE: running the statement)."""
        return self._worker is not None and not (self._worker.is_finished or self._worker.is_cancelled)

    @work(exclusive=True, exit_on_error=False, group="explain")
    async def fetch(self) -> None:
        """Ask the database for the plan; a refusal (a write under ANALYZE, bad SQL) is one notification."""
        self._status("asking the database… x cancels")
        self.query_one(PlanTree).loading = True
        try:
            result = await self.workbench.explain(self.sql, self.params, analyze=self.analyze)
        except UserError as error:
            self._keep_shown_mode()
            self._status(f"failed: {error}")
            self.notify(str(error), title="EXPLAIN failed", severity="error")
            return
        finally:
            self.query_one(PlanTree).loading = False
        self.result = result
        self._show(result)

    def _show(self, result: ExplainResult) -> None:
        tree = self.query_one(PlanTree)
        tree.border_title = "Plan (analysed, rolled back)" if result.analyzed else "Plan (estimated)"
        tree.show(result.plan)
        tree.focus()
        self.query_one(CodePreview).code = json.dumps(result.raw, indent=2, default=str)
        warnings = [
            Content.assemble((f"{w.kind}: ", "bold $warning"), w.message, "\n", ("fix: ", "bold"), (w.suggestion, "$success"), "\n")
            for w in result.warnings
        ]
        box = self.query_one("#explain-warnings", Static)
        box.update(Content("\n").join(warnings) if warnings else Content("no warnings"))
        self._status("")

    def _status(self, note: str) -> None:
        mode = "ANALYZE" if self.analyze else "EXPLAIN"
        params = f"  params {params_text(self.params)}" if self.params else ""
        line = f"{mode}  {one_line(self.workbench.received(self.sql, self.params), _STATEMENT_WIDTH)}{params}"
        self.query_one("#explain-status", Static).update(Content(f"{line}  ·  {note}" if note else line))

    def _keep_shown_mode(self) -> None:
        """After a failed or cancelled request, ``a`` and the status follow the plan still on screen."""
        self.analyze = self.result.analyzed if self.result is not None else False

    def action_toggle_analyze(self) -> None:
        self.analyze = not self.analyze
        self._worker = self.fetch()

    def action_cancel(self) -> None:
        """Stop waiting for the plan; core makes the server stop the statement too."""
        if not self.asking or self._worker is None:
            return
        self._worker.cancel()
        self._keep_shown_mode()
        self._status("cancelled")
        self.notify("EXPLAIN cancelled", title="Cancelled")

    def action_toggle_raw(self) -> None:
        self.toggle_class("-raw")
        target = self.query_one(CodePreview) if self.has_class("-raw") else self.query_one(PlanTree)
        target.focus()

    def action_back(self) -> None:
        """Escape cancels a request still running first, then leaves."""
        if self.asking:
            self.action_cancel()
        else:
            self.dismiss()
