"""The attach screen: an instrumented application's statements, pool, leaks, open transactions and N+1, live.

Events are read on a worker thread (a blocking socket, or a recorded file)
into a queue; a 5 Hz timer on the UI thread folds what arrived into the
Digest and redraws, so the Digest is only ever touched by one thread and a
fast feed costs one redraw per tick, not one per statement. The gauges,
latency table, counters and leak table are the pool screen's, fed a
PoolSnapshot rebuilt from the feed.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from sqla_tui.attach.digest import Digest, pool_snapshot
from sqla_tui.attach.feed import driver_params
from sqla_tui.core.errors import UserError
from sqla_tui.core.grammar import counted
from sqla_tui.core.observe.origin import short_path
from sqla_tui.core.sqltext import one_line
from sqla_tui.tui.widgets.fact_line import FactLine
from sqla_tui.tui.widgets.fact_table import FactTable
from sqla_tui.tui.widgets.gauge import pool_gauges, show_pool_gauges
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.words.pool import counters_text, latency_rows, leak_rows, settings_line

REFRESH_S = 0.2
SHOWN_STATEMENTS = 200
_ENDED = object()


class AttachScreen(Screen[None]):
    """Everything the feed says, refreshed five times a second."""

    AUTO_FOCUS = ""
    """Nothing focused at first: the statements list holds still only while someone is picking from it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="attach.quit"),
        Binding("e", "explain", "Explain", id="attach.explain"),
    ]

    def __init__(self, events: Iterator[dict[str, Any]]) -> None:
        super().__init__()
        self.digest = Digest()
        self._events = events
        self._arrived: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._state = "waiting for the feed…"
        self._shown: list[dict[str, Any]] = []
        """The statements in the table, top row first."""

    def compose(self) -> ComposeResult:
        yield FactLine(id="attach-target")
        with Horizontal(id="attach-top"):
            with Vertical(id="attach-gauges"):
                yield from pool_gauges()
                yield FactTable("", "count", "p50 ms", "p95 ms", "max ms", id="attach-latency")
                yield FactLine(id="attach-counters")
            with Vertical(id="attach-problems"):
                yield FactTable("connections", "oldest s", "checked out at", id="attach-holders")
                yield FactTable("conn", "held s", "state", "checked out at", "session", id="attach-leaks")
                yield FactTable("open s", "idle s", "began at", "task", id="attach-transactions")
                yield FactTable("count", "sessions", "attribute", "at", "sql", id="attach-n-plus-one")
        yield FactTable("t s", "ms", "rows", "at", "task", "sql", id="attach-statements", focusable=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        titles = {
            "#attach-holders": "who holds connections now",
            "#attach-leaks": "leak suspects: connections held too long",
            "#attach-transactions": "transactions left open",
            "#attach-n-plus-one": "N+1: lazy loads repeated within one session",
            "#attach-statements": "statements, newest first",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        statements = self.query_one("#attach-statements", FactTable)
        statements.show_cursor, statements.cursor_type = True, "row"
        statements.border_subtitle = "tab here to pick one (the list holds still), e explains it"
        self.read_feed()
        self.set_interval(REFRESH_S, self.absorb)
        self.absorb()

    @work(thread=True, exit_on_error=False, group="attach-feed")
    def read_feed(self) -> None:
        """Hand every event to the UI thread through the queue; then the end, or the one-line reason it failed."""
        try:
            for event in self._events:
                self._arrived.put(event)
        except UserError as error:
            self._arrived.put(error)
        self._arrived.put(_ENDED)

    def absorb(self) -> None:
        """Fold what arrived since the last tick into the digest and redraw."""
        arrived = False
        while True:
            try:
                item = self._arrived.get_nowait()
            except queue.Empty:
                break
            arrived = True
            if item is _ENDED:
                self._state = "the feed ended (the application closed it)" if self.digest.ended else "the feed ended"
            elif isinstance(item, UserError):
                self._state = str(item)
                self.notify(str(item), severity="error")
            else:
                if item.get("type") == "hello":
                    self._state = "live"
                self.digest.add(item)
        if arrived:
            self._redraw()

    def _redraw(self) -> None:
        digest = self.digest
        target = digest.target
        head = (
            f"{target.get('name', '?')} (pid {target.get('pid', '?')}) · {target.get('dialect', '?')} · "
            f"{target.get('url', '')}\n{counted(digest.statements, 'statement')} · "
            f"{counted(digest.dropped, 'event')} dropped · {self._state}"
            + (f" · the application said: {digest.error}" if digest.error else "")
        )
        self.query_one("#attach-target", FactLine).show(head)
        if digest.pool is not None:
            snapshot = pool_snapshot(digest.pool)
            show_pool_gauges(self, snapshot)
            self.query_one("#attach-latency", FactTable).show(latency_rows(snapshot))
            self.query_one("#attach-counters", FactLine).show(f"{settings_line(snapshot)}\n{counters_text(snapshot)}")
            self.query_one("#attach-holders", FactTable).show(
                (str(group["connections"]), f"{group['oldest_s']:.1f}", group.get("location") or "unknown")
                for group in digest.pool.get("holders", ())
            )
            self.query_one("#attach-leaks", FactTable).show(leak_rows(snapshot))
            self.query_one("#attach-transactions", FactTable).show(
                (f"{tx['open_s']:.1f}", f"{tx['idle_s']:.1f}", tx.get("location") or "unknown", tx.get("task") or "")
                for tx in digest.pool.get("open_transactions", ())
            )
        self.query_one("#attach-n-plus-one", FactTable).show(
            (
                str(group["count"]),
                str(group["sessions"]),
                group["attribute"] or "",
                f"{short_path(group['file'])}:{group['line']}" if group["file"] else "unknown",
                group["sql"],
            )
            for group in digest.n_plus_one()
        )
        statements = self.query_one("#attach-statements", FactTable)
        if statements.has_focus:  # holds still while a statement is being picked
            return
        self._shown = list(reversed(digest.recent[-SHOWN_STATEMENTS:]))
        statements.show(
            (
                f"{event['t']:.3f}",
                f"{event['ms']:.2f}",
                "-" if event.get("rows") is None else str(event["rows"]),
                f"{short_path(event['file'])}:{event['line']}" if event.get("file") else "unknown",
                event.get("task") or "",
                one_line(event["sql"]),
            )
            for event in self._shown
        )

    def action_explain(self) -> None:
        """EXPLAIN the picked statement on the ``--url`` database, with its parameters when the feed has them."""
        from sqla_tui.tui.attach_app import AttachApp
        from sqla_tui.tui.screens.explain_screen import ExplainScreen

        statements = self.query_one("#attach-statements", FactTable)
        if not statements.has_focus or not self._shown:
            self.notify("pick a statement first: tab to the statements, move to one, press e")
            return
        bench = self.app.workbench if isinstance(self.app, AttachApp) else None
        if bench is None:
            self.notify(
                "EXPLAIN needs the database: sqla-tui attach TARGET --url URL "
                "(the application's credentials never leave it)"
            )
            return
        event = self._shown[min(statements.cursor_row, len(self._shown) - 1)]
        self.app.push_screen(ExplainScreen(bench, event["sql"], driver_params(event)))
