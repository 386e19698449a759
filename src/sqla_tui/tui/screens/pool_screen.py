"""The pool lab: live gauges and history of a monitored pool, a load to put on it, leaks and server sessions.

The screen watches the workbench's pool lab: its own instrumented engine
(same URL and pool flags as the app's) on the workbench's loop thread, so
the load never competes with key presses. It reads the monitor five times a
second and the server's view of its sessions once a second, never both at once.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input, Static

from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.errors import UserError
from sqla_tui.core.export.sources import pool_series
from sqla_tui.core.export.table import Table
from sqla_tui.core.grammar import counted
from sqla_tui.core.pool.activity import ServerActivity
from sqla_tui.core.pool.lab import PoolLab
from sqla_tui.core.pool.load import LoadResult, LoadSpec
from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.screens.pool_settings_dialog import PoolSettingsDialog
from sqla_tui.tui.widgets.fact_line import FactLine
from sqla_tui.tui.widgets.fact_table import FactTable
from sqla_tui.tui.widgets.gauge import pool_gauges, show_pool_gauges
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.load_controls import LoadControls
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.tui.widgets.sparkline import Sparkline
from sqla_tui.words.pool import (
    counters_text,
    latency_rows,
    leak_rows,
    result_line,
    session_rows,
    settings_line,
)
from sqla_tui.workbench import Workbench

REFRESH_S = 0.2
"""How often each figure is redrawn: the gauges and sparklines, and half a period later the tables and counters."""
ACTIVITY_S = 1.0
LEAK_THRESHOLD_S = 2.0
"""Short, because the lab's loads are short; the CLI's ``pool`` uses the same."""


class PoolScreen(GuardedScreen):
    """Gauges, sparklines and tables over one pool lab; ``g`` starts a load, ``x`` stops it."""

    FAILURE_TITLE = "Pool failed"

    BINDINGS = [
        Binding("escape", "back", "Back", id="pool.back"),
        Binding("g", "start", "Go", id="pool.start"),
        Binding("x", "stop", "Stop", id="pool.stop"),
        Binding("a", "pool_settings", "Pool settings", id="pool.settings"),
    ]

    status: reactive[str] = reactive("idle: pick a scenario and press g (or Enter in a field)")
    """What the load is doing, or how the last one ended."""

    def __init__(self, workbench: Workbench) -> None:
        super().__init__()
        self.workbench = workbench
        self.lab: PoolLab = workbench.pool_lab(leak_threshold=LEAK_THRESHOLD_S)
        self._refresher: Timer | None = None
        self._facts_next = False
        """Which half of the figures ``_refresh_half`` draws next."""

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.workbench.info.url, info=self.workbench.info)
        with Horizontal(id="pool-top"):
            with Vertical(id="pool-gauges"):
                yield from pool_gauges()
                yield Static("checked out, last 60 s", classes="pool-caption")
                yield Sparkline([], id="spark-out")
                yield Static("waiting, last 60 s", classes="pool-caption")
                yield Sparkline([], id="spark-waiters")
            with Vertical(id="pool-figures"):
                yield FactLine(id="pool-settings")
                yield FactTable("", "count", "p50 ms", "p95 ms", "max ms", id="pool-latency")
                yield FactLine(id="pool-counters")
        yield LoadControls(id="load-controls")
        yield FactLine(id="pool-status")
        with Horizontal(id="pool-bottom"):
            yield FactTable("conn", "held s", "state", "checked out at", "session", id="pool-leaks", focusable=True)
            yield FactTable("session", "state", "for s", "query", id="pool-activity", focusable=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.start_sampling(self.lab)
        self.query_one("#pool-leaks").border_title = f"leak suspects (held over {LEAK_THRESHOLD_S:g} s)"
        self.query_one("#pool-activity").border_title = "server sessions of this pool"
        self._refresher = self.set_interval(REFRESH_S / 2, self._refresh_half)
        self.refresh_figures()
        self.poll_activity()

    nothing_to_export = "the pool is not sampled yet"

    def exportables(self) -> list[Table]:
        """The sampled series of the monitor (the sparklines' data, every column)."""
        series = self.lab.monitor.history()
        return [pool_series(series)] if series else []

    def on_screen_suspend(self) -> None:
        if self._refresher is not None:
            self._refresher.pause()

    def on_screen_resume(self) -> None:
        if self._refresher is not None:
            self._refresher.resume()

    def watch_status(self, status: str) -> None:
        self.query_one("#pool-status", FactLine).show(status)

    @work(exit_on_error=False, group="pool-sampling")
    async def start_sampling(self, lab: PoolLab) -> None:
        await self.workbench.in_lab(lab.start_sampling)

    def refresh_figures(self) -> None:
        """Read the monitor (a lock and a copy, no I/O) and show all of it; what has not changed is not redrawn."""
        self._refresh_gauges()
        self._refresh_facts()

    def _refresh_half(self) -> None:
        """Every half period, one half of the figures: each is still redrawn five times a second.

        Under a load nearly every figure changes on every read, and drawing
        them all took one frame of 12-20 ms of the UI thread, twice that
        with another process on the other core; in halves, no frame
        holds the loop that long (benchmarks/README.md, "UI lag").
        """
        facts, self._facts_next = self._facts_next, not self._facts_next
        if facts:
            self._refresh_facts()
        else:
            self._refresh_gauges()

    def _refresh_gauges(self) -> None:
        show_pool_gauges(self, self.lab.monitor.snapshot())
        history = self.lab.monitor.history()
        self.query_one("#spark-out", Sparkline).data = [point.checked_out for point in history]
        self.query_one("#spark-waiters", Sparkline).data = [point.waiters or 0 for point in history]

    def _refresh_facts(self) -> None:
        snapshot = self.lab.monitor.snapshot()
        self.query_one("#pool-settings", FactLine).show(settings_line(snapshot))
        self.query_one("#pool-latency", FactTable).show(latency_rows(snapshot))
        self.query_one("#pool-counters", FactLine).show(counters_text(snapshot))
        self.query_one("#pool-leaks", FactTable).show(leak_rows(snapshot))

    @work(exclusive=True, exit_on_error=False, group="pool-activity")
    async def poll_activity(self) -> None:
        """One read of the server's sessions, then the next one is armed: polls never overlap.

        While another screen is in front, no connection is opened; the poll just re-arms.
        """
        if self.is_current:
            try:
                activity: ServerActivity = await self.workbench.in_lab(self.lab.activity)
                rows = session_rows(activity)
            except UserError as error:
                rows = [("", "", "", str(error))]
            self.query_one("#pool-activity", FactTable).show(rows)
        self.set_timer(ACTIVITY_S, self.poll_activity)

    def action_start(self) -> None:
        try:
            spec = self.query_one(LoadControls).spec()
        except (UserError, ValueError) as error:
            self.notify(str(error), severity="error")
            return
        self.run_load(spec)
        self.query_one("#pool-leaks").focus()  # out of the fields, so x stops it at once

    @on(Input.Submitted, "LoadControls Input")
    def _submitted(self) -> None:
        self.action_start()

    def action_pool_settings(self) -> None:
        """Edit size, overflow, timeout, recycle, pre-ping and class; applying re-creates the lab's engine."""
        lab = self.lab

        def chosen(options: PoolOptions | None) -> None:
            if options is not None:
                self.apply_settings(options)

        self.app.push_screen(PoolSettingsDialog(lab.options, lab.monitor.snapshot()), callback=chosen)

    @work(exclusive=True, exit_on_error=False, group="pool-apply")
    async def apply_settings(self, options: PoolOptions) -> None:
        """Re-create the lab's engine with ``options`` (a load running is stopped first)."""
        lab = self.lab
        try:
            await self.workbench.in_lab(lambda: lab.apply(options))
        except UserError as error:
            self.notify(str(error), title="Not applied", severity="error")
            return
        self.refresh_figures()
        self.status = f"pool re-created: {settings_line(lab.monitor.snapshot()).splitlines()[0]}"

    @work(exclusive=True, exit_on_error=False, group="pool-load")
    async def run_load(self, spec: LoadSpec) -> None:
        """Run the load in the lab and report how it ended.

        Leaving the screen cancels this worker but not the load mid-checkout
        (shielded): ``x`` and closing the workbench end it cleanly.
        """
        lab = self.lab
        self.status = (
            f"running {spec.scenario}: {counted(spec.tasks, 'task')}, hold {spec.hold_ms} ms, "
            f"up to {spec.duration_s:g} s; x stops it"
        )
        result: LoadResult = await asyncio.shield(self.workbench.in_lab(lambda: lab.run_load(spec)))
        self.status = result_line(result)

    def action_stop(self) -> None:
        if self.lab.load_running:
            self.lab.stop_load()
            self.status = "stopping: returning every connection…"

    def action_back(self) -> None:
        """Escape leaves a load field first, then the screen."""
        if isinstance(self.focused, Input):
            self.query_one("#pool-leaks").focus()
        else:
            self.dismiss()
