"""Optional OpenTelemetry metrics of an instrumented pool: the figures OpenTelemetry's own instrumentation lacks.

``instrument(engine, otel=True)`` (extra ``sqla-tui[otel]``, the API package
only) registers observable instruments on the global meter provider, or on
the provider passed as ``otel``. Names follow OpenTelemetry's semantic
conventions for database client connections where they have one: connection
counts by state, the capacity, pending requests (waiters) and timeouts. Wait
time there is a histogram fed on every checkout; here it is an observable
gauge of the acquire-time p50/p95/max the monitor keeps anyway, so nothing is
added to the checkout path. Read at the exporter's interval, from the
exporter's thread; after ``close()`` the callbacks report nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqla_tui.attach.runtime import AttachError
from sqla_tui.core.observe.figures import PoolSnapshot

MISSING = "otel=True needs the OpenTelemetry API: pip install 'sqla-tui[otel]' (or opentelemetry-api)"


def metrics_api() -> Any:
    """``opentelemetry.metrics``, or one line saying what to install."""
    try:
        from opentelemetry import metrics
    except ImportError:
        raise AttachError(MISSING) from None
    return metrics


class PoolMetrics:
    """Observable instruments over a pool monitor's snapshots, for as long as ``active``."""

    def __init__(self, snapshot: Callable[[], PoolSnapshot], *, name: str, provider: Any = None) -> None:
        metrics = metrics_api()
        self._observation = metrics.Observation
        self._snapshot = snapshot
        self._pool = {"db.client.connection.pool.name": name}
        self.active = True
        meter = (provider or metrics.get_meter_provider()).get_meter("sqla_tui.attach")
        meter.create_observable_up_down_counter(
            "db.client.connection.count",
            [self._counts],
            unit="{connection}",
            description="Connections the pool holds, by state (used: checked out; idle: ready in the pool)",
        )
        meter.create_observable_up_down_counter(
            "db.client.connection.max",
            [self._capacity],
            unit="{connection}",
            description="Most connections the pool hands out at once (pool size + max overflow)",
        )
        meter.create_observable_up_down_counter(
            "db.client.connection.pending_requests",
            [self._pending],
            unit="{request}",
            description="Checkouts waiting for a connection",
        )
        meter.create_observable_counter(
            "db.client.connection.timeouts",
            [self._timeouts],
            unit="{timeout}",
            description="Checkouts that gave up waiting (SQLAlchemy's pool TimeoutError)",
        )
        meter.create_observable_gauge(
            "sqla_tui.pool.acquire_time",
            [self._acquire],
            unit="s",
            description="Time to get a connection (waiting, connecting, pre-ping): p50 and p95 of the last checkouts, all-time max",
        )

    def _figures(self) -> PoolSnapshot | None:
        return self._snapshot() if self.active else None

    def _observe(self, values: Iterable[tuple[float | None, dict[str, str]]]) -> list[Any]:
        return [self._observation(value, {**self._pool, **extra}) for value, extra in values if value is not None]

    def _counts(self, options: Any) -> list[Any]:
        figures = self._figures()
        if figures is None:
            return []
        return self._observe(
            [
                (figures.checked_out, {"db.client.connection.state": "used"}),
                (figures.idle, {"db.client.connection.state": "idle"}),
            ]
        )

    def _capacity(self, options: Any) -> list[Any]:
        figures = self._figures()
        return [] if figures is None else self._observe([(figures.capacity, {})])

    def _pending(self, options: Any) -> list[Any]:
        figures = self._figures()
        return [] if figures is None else self._observe([(figures.waiters, {})])

    def _timeouts(self, options: Any) -> list[Any]:
        figures = self._figures()
        return [] if figures is None else self._observe([(figures.counters.timeouts, {})])

    def _acquire(self, options: Any) -> list[Any]:
        figures = self._figures()
        if figures is None or figures.acquire is None:
            return []
        acquire = figures.acquire
        return self._observe(
            (None if ms is None else ms / 1000, {"quantile": quantile})
            for quantile, ms in (("p50", acquire.p50_ms), ("p95", acquire.p95_ms), ("max", acquire.max_ms))
        )
