"""Names read through the raw driver (before SQLAlchemy is imported) are exactly what the engine lists, on all three backends."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from sqla_tui.demo_db.load import build_demo_sqlite

from sqla_tui.core.catalog.raw_names import read_names
from sqla_tui.core.catalog.schema import list_names
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.connect.url import check_url
from tests.databases import TestDatabase, database_fixture, sqlite_file
from tests.schema_fixtures import execute

ODD = ['order', "it's", "ünï cödé", "Zeta", "100%", "a:b", "$1", "%s", "we`ird", 'say "hi"', "sqlitex", "UPPER"]
"""Table names with the drivers' placeholder characters, quotes, unicode, keywords and case."""


def _quoted(backend: str, name: str) -> str:
    if backend == "mariadb":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


async def _build(url: str) -> None:
    backend = "mariadb" if url.startswith("mysql") else "postgresql" if url.startswith("postgresql") else "sqlite"
    statements = [f"CREATE TABLE {_quoted(backend, name)} (id INTEGER PRIMARY KEY)" for name in ODD]
    statements.append(f"CREATE VIEW {_quoted(backend, 'a view')} AS SELECT 1 AS one")
    if backend == "postgresql":
        statements += [
            "CREATE TABLE events (id INTEGER, created DATE) PARTITION BY RANGE (created)",
            "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') "
            "PARTITION BY RANGE (created)",
            "CREATE TABLE events_2024_h1 PARTITION OF events_2024 FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')",
            "CREATE MATERIALIZED VIEW counted AS SELECT 1 AS one",
            "CREATE SCHEMA other",
            "CREATE TABLE other.elsewhere (id INTEGER)",  # another schema: listed by neither
        ]
    if backend == "mariadb":
        statements += [
            "CREATE TABLE events (id INTEGER, created DATE) PARTITION BY RANGE (YEAR(created)) "
            "(PARTITION p2024 VALUES LESS THAN (2025), PARTITION pmax VALUES LESS THAN MAXVALUE)",
            "CREATE TABLE versioned (id INTEGER) WITH SYSTEM VERSIONING",
        ]
    await execute(url, *statements)


odd_db = database_fixture("odd_db", _build)


async def engine_names(url: str) -> list[tuple[str, str, str, str | None]]:
    engine, _ = await connect(url)
    try:
        return [(t.schema, t.name, t.kind, t.partition_of) for t in await list_names(engine)]
    finally:
        await engine.dispose()


def raw_names(url: str) -> list[tuple[str, str, str, str | None]] | None:
    """What the app's connecting thread reads (``read_names`` runs a loop of its own, so never on a running one)."""
    names = read_names(check_url(url))
    return None if names is None else [(t.schema, t.name, t.kind, t.partition_of) for t in names]


async def test_the_raw_driver_lists_what_the_engine_lists(odd_db: TestDatabase) -> None:
    read = await asyncio.to_thread(raw_names, odd_db.url)
    assert read is not None
    assert read == await engine_names(odd_db.url)
    listed = {name for _, name, _, _ in read}
    assert set(ODD) | {"a view"} <= listed
    if odd_db.backend == "postgresql":
        assert ("public", "events_2024_h1", "table", "events_2024") in read
        assert ("public", "counted", "materialized view", None) in read
        assert "elsewhere" not in listed
    if odd_db.backend == "mariadb":
        assert {"events", "versioned"} <= listed


async def test_the_demo_file_lists_what_the_engine_lists(tmp_path: Path) -> None:
    path = tmp_path / "demo ?#%.sqlite"
    await build_demo_sqlite(path, scale=0.05)
    from sqla_tui.core.connect.target import demo_url

    read = raw_names(demo_url(path))
    assert read == await engine_names(demo_url(path))
    assert read is not None and ("main", "user_post_counts", "view", None) in read and len(read) == 12


async def test_sqlite_uri_spellings_open_the_same_file(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "x.db", "CREATE TABLE t (x); CREATE VIEW v AS SELECT 1;")
    for url in (f"sqlite:///{path}", f"sqlite:///file:{path}?uri=true&mode=ro", f"sqlite:///{path}?immutable=1&timeout=2"):
        assert raw_names(url) == [("main", "t", "table", None), ("main", "v", "view", None)]


def test_what_is_not_read_here_is_left_to_the_engine(tmp_path: Path) -> None:
    """A missing file (never created), memory, a refused login, TLS files: None, never an error."""
    missing = tmp_path / "nope.db"
    assert raw_names(f"sqlite:///{missing}") is None
    assert not missing.exists()
    assert raw_names("sqlite://") is None
    assert raw_names(f"sqlite:///{sqlite_file(tmp_path / 'x.db', 'CREATE TABLE t (x)')}") is not None
    assert raw_names("mysql://root@127.0.0.1/mysql?ssl_ca=/nonexistent.pem") is None
    assert raw_names("postgresql://nobody_such_role:pw@127.0.0.1:5432/postgres") is None
    assert raw_names("postgresql://postgres@127.0.0.1:1/postgres") is None


def test_reading_names_imports_no_sqlalchemy(tmp_path: Path) -> None:
    path = sqlite_file(tmp_path / "x.db", "CREATE TABLE t (x)")
    code = (
        "import sys; from sqla_tui.core.catalog.raw_names import read_names; "
        "from sqla_tui.core.connect.url import check_url; "
        f"print([t.name for t in read_names(check_url({f'sqlite:///{path}'!r}))], "
        "[m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['t'] []"
