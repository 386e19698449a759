"""Partitioned tables: the parent marked and counted, its partitions under it, their copied keys not taken for links.

PostgreSQL lists each partition as a table beside its parent and copies a
foreign key to a partitioned table onto every partition; MariaDB keeps
partitions inside the table. Either way the schema command, its JSON and the
schema screen show one partitioned table with its partitions under it.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.mapping import map_schema
from sqla_tui.core.catalog.schema import list_names, load_catalog
from sqla_tui.core.connect.engine import connect
from sqla_tui.core.plans.explain import explain
from sqla_tui.core.plans.warnings import Thresholds
from sqla_tui.tui.screens.schema_screen import SchemaScreen
from sqla_tui.tui.widgets.relation_list import RelationList
from sqla_tui.tui.widgets.schema_tree import SchemaTree
from sqla_tui.tui.widgets.table_detail import TableDetail
from tests.databases import TestDatabase, database_fixture
from tests.tui_helpers import make_app, open_screen, settle

_POSTGRESQL = [
    "CREATE TABLE users (id int PRIMARY KEY, name text)",
    "CREATE TABLE events (id int, user_id int REFERENCES users (id), created date NOT NULL, PRIMARY KEY (id, created)) "
    "PARTITION BY RANGE (created)",
    "CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')",
    "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') "
    "PARTITION BY RANGE (created)",
    "CREATE TABLE events_2024_h1 PARTITION OF events_2024 FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')",
    "CREATE TABLE events_2024_h2 PARTITION OF events_2024 DEFAULT",
    "CREATE TABLE notes (id int PRIMARY KEY, event_id int, event_created date, "
    "FOREIGN KEY (event_id, event_created) REFERENCES events (id, created))",
    "INSERT INTO users VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    "INSERT INTO events SELECT g, 1 + g % 3, date '2023-06-01' + (g % 400) FROM generate_series(1, 1000) g",
    "INSERT INTO notes VALUES (1, 1, date '2023-06-02')",
    # what autovacuum does: the leaves get statistics, a partitioned parent never does
    "ANALYZE users, events_2023, events_2024_h1, events_2024_h2, notes",
]
_MARIADB = [
    "CREATE TABLE users (id INT PRIMARY KEY)",
    "CREATE TABLE events (id INT NOT NULL, user_id INT, created DATE NOT NULL, PRIMARY KEY (id, created)) "
    "PARTITION BY RANGE (YEAR(created)) (PARTITION p2023 VALUES LESS THAN (2024), "
    "PARTITION p2024 VALUES LESS THAN (2025), PARTITION pmax VALUES LESS THAN MAXVALUE)",
    "INSERT INTO users VALUES (1), (2), (3)",
    "INSERT INTO events SELECT seq, 1 + MOD(seq, 3), DATE '2023-06-01' + INTERVAL MOD(seq, 400) DAY FROM seq_1_to_1000",
    "ANALYZE TABLE events",
]
LEAVES = {"events_2023": 628, "events_2024_h1": 364, "events_2024_h2": 8}
"""Rows per leaf partition of the PostgreSQL events: 1,000 in all, 372 of them in 2024."""


async def _build(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")  # ANALYZE cannot run in a transaction block
            for statement in _POSTGRESQL if engine.dialect.name == "postgresql" else _MARIADB:
                await conn.exec_driver_sql(statement)
    finally:
        await engine.dispose()


partitioned_db = database_fixture("partitioned_db", _build, backends=("postgresql", "mariadb"))


def _schema(url: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["schema", url, *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


async def test_partitions_are_known_by_their_parent_from_the_first_listing(partitioned_db: TestDatabase) -> None:
    engine, _ = await connect(partitioned_db.url)
    try:
        names = {table.name: table.partition_of for table in await list_names(engine)}
        catalog = await load_catalog(engine)
        orm = await map_schema(engine, "users", catalog=catalog)
    finally:
        await engine.dispose()
    if partitioned_db.backend == "mariadb":  # partitions live inside the table
        assert names == {"events": None, "users": None}
        events = catalog.table("events")
        assert events.partitioned_by == "RANGE (year(`created`)), 3 partitions: p2023, p2024, pmax"
        assert catalog.partitions("events") == []
        return
    assert names == {"events": None, "events_2023": "events", "events_2024": "events", "events_2024_h1": "events_2024",
                     "events_2024_h2": "events_2024", "notes": None, "users": None}  # fmt: skip
    assert [t.name for t in catalog.partitions("events")] == ["events_2023", "events_2024"]
    estimates = {table.name: table.row_estimate for table in catalog.tables}
    assert estimates == {**LEAVES, "events": 1000, "events_2024": 372, "notes": 1, "users": 3}
    events_2024 = catalog.table("events_2024")
    assert (events_2024.partitioned_by, events_2024.partition_bound) == (
        "RANGE (created)", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
    )  # fmt: skip
    assert catalog.table("events_2024_h2").partition_bound == "DEFAULT"
    assert [fk.target_table for fk in catalog.table("notes").foreign_keys] == ["events"]  # not one per partition
    assert [(r.name, r.target) for r in orm.relationships("users")] == [("events", "events")]
    assert orm.unmappable["events_2024_h1"] == "partition of events_2024; compose over events_2024"


def test_the_schema_command_nests_partitions_under_their_parent(partitioned_db: TestDatabase) -> None:
    data = json.loads(_schema(partitioned_db.url, "--json"))
    tables = {table["name"]: table for table in data["tables"]}
    if partitioned_db.backend == "mariadb":
        assert tables["events"]["partitioned_by"].startswith("RANGE (year(`created`)), 3 partitions")
        assert tables["events"]["partitions"] == [] and tables["events"]["partition_of"] is None
        return
    events = tables["events"]
    assert (events["partitioned_by"], events["partitions"], events["row_estimate"]) == (
        "RANGE (created)", ["events_2023", "events_2024"], 1000,
    )  # fmt: skip
    assert (tables["events_2024_h1"]["partition_of"], tables["events_2024_h1"]["mappable"]) == ("events_2024", False)
    lines = _schema(partitioned_db.url).splitlines()
    top_level = [line[4:].split("  ")[0] for line in lines if line[:4] in ("├── ", "└── ")]
    assert top_level == ["events", "notes", "users"]
    assert any(line.startswith("├── events  partitioned by RANGE (created)  ~1,000 rows") for line in lines)
    nested = [line for line in lines if "events_2024_h1  FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')  ~364 rows" in line]
    assert len(nested) == 1 and nested[0].index("events_2024_h1") > 12  # two levels down


async def test_the_schema_screen_shows_partitions_under_the_parent(partitioned_db: TestDatabase) -> None:
    if partitioned_db.backend == "mariadb":
        pytest.skip("MariaDB partitions are not tables; the command test covers what its schema shows")
    app_ = make_app(partitioned_db.url)
    async with app_.run_test(size=(160, 50)) as pilot:
        screen = await open_screen(pilot, "s", SchemaScreen)
        tree = app_.screen.query_one(SchemaTree)
        assert tree.table_names == ["events", "notes", "users"]
        screen.reveal("events")
        await pilot.pause()
        detail = app_.screen.query_one(TableDetail)
        assert detail.rows("partitions") == [
            ("events_2023", "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')", "~628 rows"),
            ("events_2024", "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')", "~372 rows"),
        ]
        await pilot.press("right")  # open events
        await pilot.pause()
        assert tree.cursor_node is not None
        groups = {str(child.label): child for child in tree.cursor_node.children}
        partitions = groups["partitions (2)"]
        assert [str(child.label) for child in partitions.children] == ["events_2023", "events_2024  partitioned"]
        tree.move_cursor(partitions.children[1])
        await pilot.press("right")  # open events_2024: its own columns and partitions
        await pilot.pause()
        assert [str(child.label) for child in partitions.children[1].children][-1] == "partitions (2)"
        title = str(app_.screen.query_one("#detail-title").render())
        assert "partition of events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'), partitioned by RANGE (created)" in title


async def test_a_scan_of_some_partitions_counts_their_rows_not_the_tables(partitioned_db: TestDatabase) -> None:
    """MariaDB reads only the partitions a condition can match; PostgreSQL plans each partition as its own relation."""
    engine, _ = await connect(partitioned_db.url)
    try:
        result = await explain(engine, "SELECT * FROM events WHERE created > '2024-03-01'", thresholds=Thresholds(large_table=100))
    finally:
        await engine.dispose()
    messages = [warning.message.split(" to keep")[0] for warning in result.warnings if warning.kind == "full_scan"]
    if partitioned_db.backend == "mariadb":
        assert messages == ["ALL on events reads all ~372 rows of partitions p2024, pmax"]  # not the table's ~1,000
    else:
        assert {node.relation for node in result.plan.walk() if node.full_scan} == {"events_2024_h1", "events_2024_h2"}
        assert messages == ["Seq Scan on events_2024_h1 reads all ~364 rows"]


async def test_the_table_list_counts_partitions_apart_from_tables(partitioned_db: TestDatabase) -> None:
    """The title read "Tables (7)" for three tables and four partitions of one of them."""
    if partitioned_db.backend == "mariadb":
        pytest.skip("MariaDB partitions are not tables")
    app_ = make_app(partitioned_db.url)
    async with app_.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        relations = app_.home.query_one(RelationList)
        assert len(relations.names) == 7
        assert str(relations.border_title) == "Tables (3) · partitions (4)"
