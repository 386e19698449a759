"""Fan-out: the composed query under every loading strategy, side by side, with a verdict.

The screen a teacher projects. The workbench measures on a loop thread of
its own (so drawing is never timed) and reports each finished strategy, so the table says which one is being
measured; Escape or ``x`` cancels the measurement and leaves the screen
usable, ``r`` measures again, ``m`` measures again with each plan's memory
peak (tracemalloc, off by default: it makes a comparison ~1.5× longer).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState

from sqla_tui.core.errors import UserError
from sqla_tui.core.export.sources import fanout_table
from sqla_tui.core.export.table import Table
from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.strategies import plan_explanation
from sqla_tui.core.query.fanout import DEFAULT_PLANS, FanoutReport, PlanResult
from sqla_tui.core.query.preview import grouped_sql_text
from sqla_tui.core.query.script import save_script
from sqla_tui.core.query.spec import QuerySpec
from sqla_tui.core.query.verdict import recommend
from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.fanout_chart import FanoutChart
from sqla_tui.tui.widgets.fanout_table import FanoutTable
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.workbench import Workbench

DEFAULT_RUNS = 3
"""Timed runs per strategy after the warm-up: enough for a median, short enough to wait for on screen."""

_CHARTS: tuple[tuple[str, str], ...] = (
    ("rows", "rows received"),
    ("statements", "statements"),
    ("cells", "cells received"),
    ("ms_median", "ms (median)"),
)
"""Metric attribute of PlanResult and its chart title; cells show the duplication joins carry in width."""

MAX_RUNS = 100


class FanoutScreen(GuardedScreen):
    """Measures one spec over the given relationship paths under each plan."""

    FAILURE_TITLE = "Fan-out failed"

    BINDINGS = [
        Binding("escape", "back", "Back / cancel", id="fanout.back"),
        Binding("x", "cancel", "Cancel", id="fanout.cancel"),
        Binding("r", "measure", "Measure again", id="fanout.measure"),
        Binding("m", "memory", "Memory peak", id="fanout.memory"),
        Binding("w", "save_script", "Save script", id="fanout.save_script"),
        Binding("plus", "runs(1)", "More runs", id="fanout.more_runs"),
        Binding("minus", "runs(-1)", "Fewer runs", id="fanout.fewer_runs"),
    ]

    @dataclass
    class PlanMeasured(Message):
        """compare() finished one more plan."""

        plan: str
        """The plan just measured."""
        done: int
        """How many plans are measured so far."""
        total: int
        """How many plans there are."""

    def __init__(
        self,
        workbench: Workbench,
        entity: type,
        spec: QuerySpec,
        paths: list[str],
        plans: tuple[str, ...] = DEFAULT_PLANS,
        runs: int = DEFAULT_RUNS,
    ) -> None:
        super().__init__()
        self.workbench, self.entity, self.spec, self.paths = workbench, entity, spec, paths
        self.plans, self.runs = list(plans), runs
        self.memory = False
        """Trace each plan's peak Python memory in the next measurement."""
        self.report: FanoutReport | None = None
        self.done = 0
        """Plans measured in the current measurement."""
        self._worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.workbench.info.url, info=self.workbench.info)
        with Horizontal(id="fanout-status"):
            yield Static(id="fanout-progress-label")
            yield ProgressBar(total=len(self.plans), show_eta=False, id="fanout-progress")
        yield FanoutTable(id="fanout-table")
        with Horizontal(id="fanout-charts"):
            for metric, _ in _CHARTS:
                yield FanoutChart(id=f"fanout-chart-{metric.replace('_', '-')}")
        with Horizontal(id="fanout-bottom"):
            yield CodePreview("sql", title="SQL of the selected strategy", id="fanout-sql")
            with VerticalScroll(id="fanout-verdict-box"):
                yield Static(id="fanout-verdict")
            with VerticalScroll(id="fanout-note-box"):
                yield Static(id="fanout-note")
        yield KeyFooter()

    nothing_to_export = "wait for the measurement to finish"

    def exportables(self) -> list[Table]:
        """The comparison table, once every plan is measured."""
        return [fanout_table(self.report)] if self.report is not None else []

    def on_mount(self) -> None:
        self.query_one(FanoutTable).border_title = Content(f"{self.spec.root}: {', '.join(self.paths)}")
        self.query_one("#fanout-verdict-box").border_title = "Verdict"
        self.query_one("#fanout-note-box").border_title = "Strategy"
        self.action_measure()

    # -- measuring ------------------------------------------------------------
    @property
    def measuring(self) -> bool:
        return self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING)

    def action_measure(self) -> None:
        if self.measuring:
            return
        self.report, self.done = None, 0
        self.query_one(FanoutTable).show_pending(self.plans)
        self.query_one(FanoutTable).mark(self.plans[0], "measuring…")
        self.query_one(ProgressBar).update(total=len(self.plans), progress=0)
        memory = " · with memory peak" if self.memory else ""
        self._status(f"measuring {self.plans[0]} (1/{len(self.plans)}) · {counted(self.runs, 'timed run')} each{memory} · x cancels")
        self.query_one("#fanout-verdict", Static).update("")
        self._worker = self.measure()

    @work(exclusive=True, exit_on_error=False, group="fanout")
    async def measure(self) -> None:
        """Measure on the workbench's own loop; each finished plan is reported as it lands, the numbers when all are in."""
        try:
            report = await self.workbench.fanout(
                self.spec,
                self.paths,
                self.plans,
                runs=self.runs,
                memory=self.memory,
                entity=self.entity,
                progress=self._progress,
            )
        except UserError as error:
            self.worker_failed(str(error))  # the same ending as an unexpected failure: plans marked, one line
            return
        self.report = report
        self._show(report)

    def action_memory(self) -> None:
        """Switch the memory peak on or off and measure again (waits for a measurement under way)."""
        self.memory = not self.memory
        if self.measuring:
            self._status(f"memory peak {'on' if self.memory else 'off'} from the next measurement")
        else:
            self.action_measure()

    def action_runs(self, change: int) -> None:
        """Timed runs per strategy for the next measurement (medians steady with more runs)."""
        self.runs = min(MAX_RUNS, max(1, self.runs + change))
        if not self.measuring:
            self._status(f"{counted(self.runs, 'timed run')} per strategy · r measures again")

    def _progress(self, plan: str, done: int, total: int) -> None:
        """The measurement's callback; it runs on the workbench's loop thread, so it posts rather than paints."""
        self.post_message(self.PlanMeasured(plan, done, total))

    @on(PlanMeasured)
    def _plan_measured(self, message: PlanMeasured) -> None:
        if not self.measuring:
            return
        self.done = message.done
        table = self.query_one(FanoutTable)
        table.mark(message.plan, "measured")
        self.query_one(ProgressBar).update(progress=message.done)
        if message.done < message.total:
            following = self.plans[message.done]
            table.mark(following, "measuring…")
            self._status(f"measuring {following} ({message.done + 1}/{message.total}) · x cancels")

    def _show(self, report: FanoutReport) -> None:
        self.query_one(FanoutTable).show(report.results)
        labels = [result.strategy for result in report.results]
        for metric, title in _CHARTS:
            chart = self.query_one(f"#fanout-chart-{metric.replace('_', '-')}", FanoutChart)
            chart.show(title, labels, [float(getattr(result, metric)) for result in report.results])
        warnings = [Content.assemble(("warning: ", "bold $warning"), warning) for warning in report.warnings]
        recommended = recommend(report.results)
        link = [Content(f"Why {recommended.strategy}: its row's Strategy pane explains it (each row explains its own).")] if recommended else []
        self.query_one("#fanout-verdict", Static).update(Content("\n\n").join([Content(report.verdict), *link, *warnings]))
        if recommended is not None:
            self._explain(recommended)
        self.query_one(ProgressBar).update(progress=len(report.results))
        memory = " and its memory peak" if self.memory else ""
        self._status(
            f"{counted(len(report.results), 'strategy')} measured, {counted(self.runs, 'timed run')} each{memory} "
            "· +/- runs · r measures again"
        )
        self.query_one(FanoutTable).focus()

    @on(FanoutTable.Selected)
    def _strategy_selected(self, event: FanoutTable.Selected) -> None:
        result: PlanResult = event.result
        sql = self.query_one("#fanout-sql", CodePreview)
        sql.border_title = f"SQL of {result.strategy}"
        sql.code = grouped_sql_text(result.sql)
        self._explain(result)

    def _explain(self, result: PlanResult) -> None:
        """The plan's note in the Strategy pane, with what it cost in this measurement."""
        here = (
            f"{counted(result.statements, 'statement')}, {counted(result.rows, 'row')}, "
            f"{counted(result.duplicated_rows, 'repeated root row')}"
        )
        box = self.query_one("#fanout-note-box")
        box.border_title = f"Strategy: {result.strategy}"
        self.query_one("#fanout-note", Static).update(Content(plan_explanation(result.strategy, here=here)))

    def action_save_script(self) -> None:
        self.save_script()

    @work(exit_on_error=False, group="fanout-script")
    async def save_script(self) -> None:
        """Save the comparison as a runnable script (every plan, its statements, a line per plan) in the current folder."""
        try:
            text = await self.workbench.fanout_script(self.spec, self.paths, self.plans, entity=self.entity)
            path = await asyncio.to_thread(save_script, text, Path.cwd(), f"{self.spec.root}_fanout")
        except UserError as error:
            self.notify(str(error), title="Script not saved", severity="error")
            return
        self.notify(f"run it with: python {path}", title="Script saved")

    def worker_failed(self, line: str) -> None:
        self._mark_unmeasured("failed")
        self._status("failed · r measures again")
        super().worker_failed(line)

    # -- leaving --------------------------------------------------------------
    def action_cancel(self) -> None:
        if not self.measuring or self._worker is None:
            return
        self._worker.cancel()
        self._mark_unmeasured("cancelled")
        self._status("cancelled · r measures again")

    def _mark_unmeasured(self, state: str) -> None:
        for plan in self.plans[self.done :]:
            self.query_one(FanoutTable).mark(plan, state)

    def action_back(self) -> None:
        """Escape cancels a measurement first, then leaves."""
        if self.measuring:
            self.action_cancel()
        else:
            self.dismiss()

    def _status(self, text: str) -> None:
        self.query_one("#fanout-progress-label", Static).update(text)
