"""How a pool's settings, a load's ending, a leak suspect and the server's sessions read.

The pool screen and ``sqla-tui pool`` both word a run through here, so a
timeout reads "30 s" in both; the screen stays about layout and timing, the
command about alignment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqla_tui.core.grammar import counted

if TYPE_CHECKING:  # `sqla-tui pool --help` must not load SQLAlchemy (tests/test_import_hygiene.py)
    from sqla_tui.core.observe.figures import LeakSuspect, Percentiles, PoolSnapshot
    from sqla_tui.core.pool.activity import ServerActivity
    from sqla_tui.core.pool.load import LoadResult

Rows = list[tuple[str, ...]]


def _n(value: float | None, pattern: str = "{:g}") -> str:
    return "-" if value is None else pattern.format(value)


def settings_line(snapshot: PoolSnapshot) -> str:
    """``AsyncAdaptedQueuePool · size 5 · max overflow 10 · timeout 30 s · pre-ping`` and any limitation."""
    lines = [settings_summary(snapshot), *(f"note: {limitation}" for limitation in snapshot.limitations)]
    if snapshot.last_timeout_message:
        lines.append(f"last timeout: {snapshot.last_timeout_message}")
    return "\n".join(lines)


def settings_summary(snapshot: PoolSnapshot) -> str:
    """The pool class and its settings on one line."""
    parts = [snapshot.pool_class]
    if snapshot.size is not None:
        parts += [f"size {snapshot.size}", f"max overflow {snapshot.max_overflow}"]
    if snapshot.timeout_s is not None:
        parts.append(f"timeout {snapshot.timeout_s:g} s")
    if snapshot.recycle_s is not None:
        parts.append(f"recycle {snapshot.recycle_s} s")
    if snapshot.pre_ping:
        parts.append("pre-ping")
    return " · ".join(parts)


def _latency(name: str, figures: Percentiles | None) -> tuple[str, ...]:
    if figures is None:
        return (name, "-", "-", "-", "-")
    return (
        name,
        f"{figures.count:,}",
        _n(figures.p50_ms, "{:.1f}"),
        _n(figures.p95_ms, "{:.1f}"),
        _n(figures.max_ms, "{:.1f}"),
    )


def latency_rows(snapshot: PoolSnapshot) -> Rows:
    """Acquire and hold percentiles."""
    return [_latency("acquire", snapshot.acquire), _latency("hold", snapshot.hold)]


def counters_text(snapshot: PoolSnapshot) -> str:
    """Peaks and event counters as one wrapping line: ``max checked out 15 · max waiting 185 · …``."""
    counters = snapshot.counters
    facts = [
        ("max checked out", str(snapshot.max_checked_out)),
        ("max waiting", _n(snapshot.max_waiters)),
        *((name.replace("_", " "), f"{getattr(counters, name):,}") for name in counters.__dataclass_fields__),
    ]
    return " · ".join(f"{name} {value}" for name, value in facts)


def leak_rows(snapshot: PoolSnapshot) -> Rows:
    """Checkouts held past the threshold: still out first (longest first), then the returned ones."""
    return [
        (
            str(suspect.connection),
            f"{suspect.held_s:.1f}",
            "returned" if suspect.released else "held",
            suspect.location or "unknown",
            _n(suspect.session_id),
        )
        for suspect in [*snapshot.leak_suspects, *snapshot.released_suspects]
    ]


def leak_sentence(suspect: LeakSuspect) -> str:
    """``connection 3, server session 812: held for 4.20 s, checked out at app/views.py:41``."""
    state = "returned after" if suspect.released else "held for"
    session = f", server session {suspect.session_id}" if suspect.session_id is not None else ""
    return (
        f"connection {suspect.connection}{session}: {state} {suspect.held_s:.2f} s, "
        f"checked out at {suspect.location or 'an unknown place'}"
    )


def session_rows(activity: ServerActivity) -> Rows:
    """One row per server session; a database with no such view says why in a single row."""
    if not activity.supported or not activity.sessions:
        return [("", "", "", activity.note or "no sessions open")]
    return [
        (str(session.session_id), session.state, _n(session.state_s, "{:.1f}"), " ".join((session.query or "").split()))
        for session in activity.sessions
    ]


def result_line(result: LoadResult) -> str:
    """How a load ended: ``leak: 5 tasks, 3.2 s, stopped: 0 completed, 2 cancelled, 2 timeouts (QueuePool limit...)``."""
    ending = "stopped" if result.stopped else "done"
    line = (
        f"{result.scenario}: {counted(result.tasks, 'task')}, {result.elapsed_s:.1f} s, {ending}: "
        f"{result.completed:,} completed, {result.cancelled:,} cancelled, "
        f"{counted(result.timeouts, 'timeout')}, {counted(result.errors, 'other error')}"
    )
    first_timeout = result.first_messages.get("TimeoutError")
    if first_timeout:
        line += f" ({first_timeout})"
    if result.hold_note:
        line += f"; note: {result.hold_note}"
    return line
