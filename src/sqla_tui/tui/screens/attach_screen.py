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
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from sqla_tui.attach.digest import Digest, MalformedEvent
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
_PLACEHOLDER = re.compile(r"\$\d+|%s|%\(\w+\)s|\?")
"""A driver's placeholder as SQLAlchemy writes them: asyncpg's $1, the MySQL drivers' %s, sqlite3's ?."""
SHOWN_STATEMENTS = 200
_ENDED = object()
_SHORT_TITLES = {
    "attach-holders": "holders",
    "attach-leaks": "leak suspects",
    "attach-transactions": "open transactions",
    "attach-n-plus-one": "N+1",
}
"""The problem tables as the one line naming the empty ones says them (a short terminal's, ``_show_problem``)."""


class AttachScreen(Screen[None]):
    """Everything the feed says, refreshed five times a second."""

    AUTO_FOCUS = ""
    """Nothing focused at first: the statements list holds still only while someone is picking from it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="attach.quit"),
        Binding("e", "explain", "Explain", id="attach.explain"),
    ]

    def __init__(self, events: Iterator[dict[str, Any]], stop: threading.Event | None = None) -> None:
        """``stop`` ends ``events`` from another thread (``viewer.read_events``'): set as the screen goes, so the
        reader thread ends with it rather than read a live feed for ever, and keep the process from exiting."""
        super().__init__()
        self.digest = Digest()
        self._events = events
        self._stop = stop
        self._arrived: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._state = "waiting for the feed…"
        self._last_word: str | None = None
        """Set by a malformed event, which ends the reading, or the ``cut`` a cut-off recording ends with: nothing
        is folded after it, and the feed's end does not replace it."""
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
                yield FactLine(id="attach-all-clear")
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

    def on_unmount(self) -> None:
        if self._stop is not None:
            self._stop.set()

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
                ended = "the feed ended (the application closed it)" if self.digest.ended else "the feed ended"
                self._state = self._last_word or ended
            elif isinstance(item, UserError):
                self._state = str(item)
                self.notify(str(item), severity="error")
            else:
                self._fold(item)
        if arrived:
            self._redraw()

    def _fold(self, event: dict[str, Any]) -> None:
        """One event into the digest; a malformed one ends the reading (``_last_word``)."""
        if self._last_word is not None:
            return
        if event.get("type") == "hello":
            self._state = "live"
        try:
            self.digest.add(event)
        except MalformedEvent as error:  # what came before it stays shown; nothing after it is read
            self._last_word = self._state = str(error)
            self.notify(str(error), severity="error", timeout=15)
            if self._stop is not None:
                self._stop.set()
            return
        if event.get("type") == "cut":
            self._last_word = self._state = f"the recording is cut off at line {self.digest.cut_at_line}: shown up to it"
            self.notify(self._state, severity="warning", timeout=15)

    def _redraw(self) -> None:
        digest = self.digest
        target = digest.target
        head = (  # the figures first: a long URL wraps at 80 columns, and what is cut off is its end
            f"{counted(digest.statements, 'statement')} · {counted(digest.dropped, 'event')} dropped · {self._state}"
            + (f" · the application said: {digest.error}" if digest.error else "")
            + f"\n{target.get('name', '?')} (pid {target.get('pid', '?')}) · {target.get('dialect', '?')} · "
            f"{target.get('url', '')}"
        )
        self.query_one("#attach-target", FactLine).show(head)
        if digest.pool is not None and (snapshot := digest.snapshot) is not None:
            show_pool_gauges(self, snapshot)
            self.query_one("#attach-latency", FactTable).show(latency_rows(snapshot))
            self.query_one("#attach-counters", FactLine).show(f"{settings_line(snapshot)}\n{counters_text(snapshot)}")
            self._show_problem(
                "holders",
                [
                    (str(group["connections"]), f"{group['oldest_s']:.1f}", group.get("location") or "unknown")
                    for group in digest.pool.get("holders", ())
                ],
            )
            self._show_problem("leaks", leak_rows(snapshot))
            self._show_problem(
                "transactions",
                [
                    (f"{tx['open_s']:.1f}", f"{tx['idle_s']:.1f}", tx.get("location") or "unknown", tx.get("task") or "")
                    for tx in digest.pool.get("open_transactions", ())
                ],
            )
        self._show_problem(
            "n-plus-one",
            [
                (
                    str(group["count"]),
                    str(group["sessions"]),
                    group["attribute"] or "",
                    f"{short_path(group['file'])}:{group['line']}" if group["file"] else "unknown",
                    group["sql"],
                )
                for group in digest.n_plus_one()
            ],
        )
        empty = [_SHORT_TITLES[table.id or ""] for table in self.query("#attach-problems FactTable.-empty")]
        self.query_one("#attach-all-clear", FactLine).show(f"none: {', '.join(empty)}" if empty else "")
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

    def _show_problem(self, name: str, rows: Sequence[Sequence[str]]) -> None:
        """One of the four problem tables; an empty one is marked ``-empty``, which a short terminal hides, naming
        it in one line instead, so the tables that have rows get the room (attach.tcss)."""
        problem = self.query_one(f"#attach-{name}", FactTable)
        problem.show(rows)
        problem.set_class(not rows, "-empty")

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
        if "params" not in event and _PLACEHOLDER.search(event["sql"]):
            self.notify(
                "its parameters were not captured, and EXPLAIN needs them: the application can send them with "
                "instrument(engine, capture_params=True) (they may be personal data)",
                severity="warning",
            )
            return
        self.app.push_screen(ExplainScreen(bench, event["sql"], driver_params(event)))
