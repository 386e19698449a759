"""How fast a 2,000-table PostgreSQL schema paints, reflects and maps, beside plain SQLAlchemy.

Builds ``--tables`` tables (15 columns each, every table's ``prev_id``
referencing the previous one, an index on it) in a throwaway database, then
times, median of ``--runs``:

- ours: ``list_names`` (the tree), ``load_catalog`` (the detail pane),
  ``map_schema`` for one root in the middle of the chain, with the catalog in
  hand (the TUI path) and cold;
- baselines: one raw pg_catalog query over all columns, the Inspector's bulk
  ``get_multi_*`` calls, ``MetaData.reflect``, and ``MetaData.reflect`` +
  automap.

The database is dropped afterwards, whatever happens.

    /root/venv/bin/python benchmarks/large_schema.py [--tables 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.ext.automap import automap_base

from sqla_tui.core.catalog.mapping import map_schema
from sqla_tui.core.catalog.schema import list_names, load_catalog
from sqla_tui.core.connect.engine import connect

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
RAW_COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
"""


def table_ddl(number: int) -> str:
    """One table of the chain: 15 columns, an FK to the previous table, an index on it."""
    name, previous = f"t{number:04d}", f"t{number - 1:04d}"
    reference = f" REFERENCES {previous} (id)" if number > 1 else ""
    return (
        f"CREATE TABLE {name} (id serial PRIMARY KEY, prev_id integer{reference}, "
        "name varchar(100) NOT NULL, code varchar(20) UNIQUE, qty integer DEFAULT 0, price numeric(10, 2), "
        "created_at timestamp DEFAULT now(), updated_at timestamptz, active boolean, note text, "
        "score double precision, ref uuid, data jsonb, day date, flags smallint);"
        f"CREATE INDEX ix_{name}_prev_id ON {name} (prev_id);"
    )


async def build(database: str, tables: int) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(ADMIN_DSN.rsplit("/", 1)[0] + f"/{database}")
    try:
        for start in range(1, tables + 1, 200):
            await conn.execute("".join(table_ddl(n) for n in range(start, min(start + 200, tables + 1))))
    finally:
        await conn.close()


async def drop(database: str) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await admin.close()


async def median(runs: int, step: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def inspector_bulk(conn) -> None:  # type: ignore[no-untyped-def]
    inspector = inspect(conn)
    for method in ("columns", "pk_constraint", "foreign_keys", "indexes", "unique_constraints"):
        getattr(inspector, f"get_multi_{method}")(kind=ObjectKind.ANY)


def reflect_all(conn) -> MetaData:  # type: ignore[no-untyped-def]
    metadata = MetaData()
    metadata.reflect(conn)
    return metadata


def reflect_and_automap(conn) -> None:  # type: ignore[no-untyped-def]
    base = automap_base(metadata=reflect_all(conn))
    base.prepare()


async def measure(url: str, tables: int, runs: int) -> list[tuple[str, float]]:
    engine, _ = await connect(url)
    root = f"t{tables // 2:04d}"
    try:
        catalog = await load_catalog(engine)
        assert len(catalog.tables) == tables, len(catalog.tables)

        async def sync(fn):  # type: ignore[no-untyped-def]
            async with engine.connect() as conn:
                return await conn.run_sync(fn)

        async def raw() -> None:
            async with engine.connect() as conn:
                (await conn.execute(text(RAW_COLUMNS_SQL))).all()

        return [
            ("ours: list_names (tree paints)", await median(runs, lambda: list_names(engine))),
            ("ours: load_catalog (full catalog)", await median(runs, lambda: load_catalog(engine))),
            (f"ours: map_schema({root!r}, catalog=...)", await median(runs, lambda: map_schema(engine, root, catalog=catalog))),
            (f"ours: map_schema({root!r}) cold", await median(runs, lambda: map_schema(engine, root))),
            ("raw pg_catalog query, all columns", await median(runs, raw)),
            ("Inspector bulk get_multi_*", await median(runs, lambda: sync(inspector_bulk))),
            ("MetaData.reflect", await median(runs, lambda: sync(reflect_all))),
            ("MetaData.reflect + automap", await median(runs, lambda: sync(reflect_and_automap))),
        ]
    finally:
        await engine.dispose()


def report(results: list[tuple[str, float]], tables: int, runs: int) -> str:
    reflect = dict(results)["MetaData.reflect"]
    lines = [
        f"{tables} tables x 15 columns, FK chain; median of {runs} runs",
        f"{'measurement':<44} {'seconds':>8} {'vs MetaData.reflect':>20}",
    ]
    for label, seconds in results:
        lines.append(f"{label:<44} {seconds:>8.3f} {seconds / reflect:>19.2f}x")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    database = f"sqla_tui_bench_{uuid.uuid4().hex[:8]}"
    try:
        started = time.perf_counter()
        await build(database, args.tables)
        print(f"built {args.tables} tables in {time.perf_counter() - started:.1f} s")
        results = await measure(f"postgresql://postgres@127.0.0.1:5432/{database}", args.tables, args.runs)
    finally:
        await drop(database)
    print(report(results, args.tables, args.runs))


if __name__ == "__main__":
    asyncio.run(main())
