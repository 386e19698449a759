"""Fold a feed into what a person asks of it: how many statements, what the pool went through, who holds what.

One Digest per viewer, fed every event in order (live or replayed); the
JSON summary of ``sqla-tui attach --json`` and the attach screen both read
it. N+1 groups are folded here from the statement lines: lazy loads of the
same attribute and SQL shape repeated within one session (a unit of work: a
request, in a web application), at the same line of the application. Not per
task or thread: a threaded server reuses its threads, so one lazy load in each
of many requests would add up to a false N+1 on each worker thread. Pool figures are the
application's since ``instrument()`` (the monitor's peaks are exact; samples
would miss them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqla_tui.core.errors import UserError
from sqla_tui.core.observe.capture import shape
from sqla_tui.core.observe.figures import Counters, LeakSuspect, Percentiles, PoolSnapshot
from sqla_tui.core.sqltext import one_line


class MalformedEvent(UserError):
    """An event of the feed the digest cannot read: one line, never a traceback on screen."""


RECENT = 500
"""Statements the screen keeps to show (the counts cover all of them)."""


@dataclass
class Digest:
    target: dict[str, Any] = field(default_factory=dict)
    statements: int = 0
    dropped: int = 0
    dropped_statements: int = 0
    ended: bool = False
    error: str | None = None
    """The last thing the application's side could not do (a pool snapshot), as it said it."""
    pool: dict[str, Any] | None = None
    recent: list[dict[str, Any]] = field(default_factory=list)
    leaks: dict[tuple[Any, Any], dict[str, Any]] = field(default_factory=dict)
    transactions: dict[tuple[Any, Any], dict[str, Any]] = field(default_factory=dict)
    _lazy: dict[tuple[Any, str, Any, Any, Any], int] = field(default_factory=lambda: defaultdict(int))
    events: int = 0
    snapshot: PoolSnapshot | None = None
    """The last pool event as the pool screen's PoolSnapshot."""
    cut_at_line: int | None = None
    """The line a replayed recording was cut off at (its lines before it were read)."""

    def add(self, event: dict[str, Any]) -> None:
        """Fold one event in; a ``MalformedEvent`` for one whose fields are missing or of the wrong kind (a file
        edited by hand, or not written by ``--record``), before anything of it is kept."""
        self.events += 1
        try:
            self._add(event)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MalformedEvent(
                f"event {self.events} of the feed ({event.get('type')!r}) is malformed: "
                f"{type(error).__name__}: {error}; replay a file written by 'sqla-tui attach --record'"
            ) from None

    def _add(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "stmt":
            self._statement(event)
        elif kind == "pool":
            self._pool(event)
        elif kind == "hello":
            self.target = {key: event.get(key) for key in ("pid", "name", "dialect", "poolclass", "url")}
        elif kind == "dropped":
            self.dropped = max(self.dropped, int(event.get("total", 0)))
            self.dropped_statements = max(self.dropped_statements, int(event.get("statements", 0)))
        elif kind == "error":
            self.error = str(event.get("message"))
        elif kind == "bye":
            self.ended = True
        elif kind == "cut":  # viewer.replay_events': a recording whose last line was cut off
            self.cut_at_line = int(event["line"])

    def _statement(self, event: dict[str, Any]) -> None:
        float(event["t"]), float(event["ms"]), str(event["sql"])  # what the screen and the summary read of every one
        self.statements += 1
        self.recent.append(event)
        if len(self.recent) > RECENT * 2:
            del self.recent[:RECENT]
        if event.get("loader") == "lazy":
            key = (
                event.get("session") or event.get("task") or "",
                shape(event["sql"]),
                event.get("attribute"),
                event.get("file"),
                event.get("line"),
            )
            self._lazy[key] += 1

    def _pool(self, event: dict[str, Any]) -> None:
        self.snapshot = pool_snapshot(event)  # read whole now: a field missing from it fails here, not on screen
        self.pool = event
        for suspect in (*event.get("leak_suspects", ()), *event.get("released_suspects", ())):
            _keep_longest(self.leaks, suspect, "held_s")
        for open_tx in event.get("open_transactions", ()):
            _keep_longest(self.transactions, open_tx, "open_s")

    def n_plus_one(self) -> list[dict[str, Any]]:
        """Repeated lazy loads, most statements first: per SQL shape, attribute and line, over every session."""
        groups: dict[tuple[str, Any, Any, Any], dict[str, Any]] = {}
        for (_, sql, attribute, file, line), count in self._lazy.items():
            if count < 2:
                continue
            group = groups.setdefault(
                (sql, attribute, file, line),
                {
                    "sql": one_line(sql),
                    "count": 0,
                    "sessions": 0,
                    "origin": _where(file, line),
                    "attribute": attribute,
                    "file": file,
                    "line": line,
                },
            )
            group["count"] += count
            group["sessions"] += 1
        return sorted(groups.values(), key=lambda group: -group["count"])

    def summary(self) -> dict[str, Any]:
        """The JSON summary (schema in the README and issue 16)."""
        pool = self.pool or {}
        acquire = pool.get("acquire") or {}
        counters = pool.get("counters") or {}
        return {
            "target": self.target,
            "statements": self.statements,
            "dropped": self.dropped,
            "dropped_statements": self.dropped_statements,
            "pool": {
                "size": pool.get("size"),
                "max_overflow": pool.get("max_overflow"),
                "max_checked_out": pool.get("max_checked_out"),
                "max_waiters": pool.get("max_waiters"),
                "timeouts": counters.get("timeouts"),
                "acquire_ms": {
                    "p50": acquire.get("p50_ms"),
                    "p95": acquire.get("p95_ms"),
                    "max": acquire.get("max_ms"),
                },
            },
            "leaks": _longest_first(self.leaks, "held_s"),
            "n_plus_one": self.n_plus_one(),
            "open_transactions": _longest_first(self.transactions, "open_s"),
        }


def _where(file: Any, line: Any) -> str | None:
    return f"{file}:{line}" if file else None


def _keep_longest(found: dict[tuple[Any, Any], dict[str, Any]], item: dict[str, Any], key: str) -> None:
    where = (item.get("file"), item.get("line"))
    kept = found.get(where)
    if kept is None or item[key] > kept[key]:
        found[where] = {"file": where[0], "line": where[1], key: item[key], "location": item.get("location")}


def _longest_first(found: dict[tuple[Any, Any], dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(found.values(), key=lambda item: -item[key])


def pool_snapshot(event: dict[str, Any]) -> PoolSnapshot:
    """A feed's pool event as the monitor's own PoolSnapshot, so the pool screen's wording and widgets serve it."""
    fields: dict[str, Any] = {name: event.get(name) for name in PoolSnapshot.__dataclass_fields__}
    for name in ("acquire", "hold"):
        fields[name] = Percentiles(**event[name]) if event.get(name) else None
    fields["counters"] = Counters(**(event.get("counters") or {}))
    fields["leak_suspects"] = [LeakSuspect(**item) for item in event.get("leak_suspects", ())]
    fields["released_suspects"] = [LeakSuspect(**item) for item in event.get("released_suspects", ())]
    fields["limitations"] = list(event.get("limitations") or ())
    fields["connection_ages_s"] = list(event.get("connection_ages_s") or ())
    if fields["hold"] is None:
        fields["hold"] = Percentiles(0, None, None, None)
    return PoolSnapshot(**fields)
