"""The demo schema at a tenth of its size, once per backend per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sqla_tui.core.connect import connect
from tests.databases import BACKENDS, TestDatabase, create_database, run_async


async def _load(url: str) -> None:
    from sqla_tui.demo_db.load import load_demo

    engine, _ = await connect(url, read_only=False)
    try:
        await load_demo(engine, scale=0.1)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """A loaded demo database; tests must not change it (the tool is read-only anyway)."""
    database = create_database(request.param, tmp_path_factory.mktemp("demo"))
    try:
        run_async(_load(database.url))
        yield database
    finally:
        database.drop()
