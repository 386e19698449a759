"""One watched load run, start to finish: what ``sqla-tui pool`` prints.

Builds an instrumented engine, proves it connects (so a bad URL is one line,
not a thousand counted errors), runs a LoadGenerator under a PoolMonitor that
samples ten times a second, and always disposes the engine, Ctrl-C included.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqla_tui.core.connect.engine import probe
from sqla_tui.core.connect.target import PoolOptions
from sqla_tui.core.connect.url import display_url, parse_url
from sqla_tui.core.observe.figures import PoolSnapshot, Sample
from sqla_tui.core.observe.monitor import (
    DEFAULT_LEAK_THRESHOLD,
    PoolMonitor,
    create_monitored_engine,
)
from sqla_tui.core.pool.load import LoadGenerator, LoadResult, LoadSpec


@dataclass(frozen=True)
class PoolRunReport:
    """The load's own tally, the pool's figures after it, and the sampled series."""

    url: str
    server_version: str
    spec: LoadSpec
    load: LoadResult
    pool: PoolSnapshot
    series: list[Sample]


async def run_pool_load(
    raw_url: str,
    pool: PoolOptions,
    spec: LoadSpec,
    *,
    leak_threshold: float = DEFAULT_LEAK_THRESHOLD,
) -> PoolRunReport:
    """Run ``spec`` against a fresh engine built with ``pool`` and report what happened."""
    spec.validate()
    url = parse_url(raw_url)
    engine = create_monitored_engine(url, pool)
    try:
        info = await probe(engine, display=display_url(url))
        await engine.dispose()  # the probe's connection is not part of the run
        monitor = PoolMonitor(engine, leak_threshold=leak_threshold)
        monitor.start_sampling()
        try:
            result = await LoadGenerator(engine, spec).run()
        finally:
            await monitor.stop_sampling()
        return PoolRunReport(
            url=info.url,
            server_version=info.server_version,
            spec=spec,
            load=result,
            pool=monitor.snapshot(),
            series=monitor.history(),
        )
    finally:
        await engine.dispose()
