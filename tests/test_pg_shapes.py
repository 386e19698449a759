"""PostgreSQL shapes real schemas have that the demo lacks: materialized views, identity keys, domains.

Each test pins what a user reads about one shape in the schema command (text
and JSON), its query and plan, the models module and the app's table list.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.catalog.mapping import load_user_models
from sqla_tui.tui.widgets.relation_list import RelationList
from tests.databases import TestDatabase, database_fixture
from tests.schema_fixtures import execute
from tests.test_models_export import created_catalog, generate, imports_alone
from tests.tui_helpers import make_app, settle

_STATEMENTS = [
    "CREATE SCHEMA other",
    "CREATE TABLE other.regions (id int PRIMARY KEY, name text)",
    "CREATE TABLE customers (id int PRIMARY KEY, region_id int REFERENCES other.regions (id))",
    "CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id))",
    "INSERT INTO other.regions VALUES (1, 'eu')",
    "INSERT INTO customers SELECT g, 1 FROM generate_series(1, 4) g",
    "INSERT INTO orders SELECT g, 1 + g % 4 FROM generate_series(1, 30) g",
    "CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0) CHECK (VALUE < 1000)",
    "CREATE TYPE mood AS ENUM ('happy', 'it''s ok')",
    "CREATE TABLE tickets (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text, moods mood[], seats posint, codes posint[])",
    "CREATE VIEW customer_names AS SELECT id FROM customers",
    "CREATE MATERIALIZED VIEW order_counts AS SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id",
]


def _far_orders(url: str) -> list[str]:
    """A foreign table over this database's own orders, through postgres_fdw."""
    return [
        "CREATE EXTENSION postgres_fdw",
        f"CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', dbname '{url.rsplit('/', 1)[1]}')",
        "CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'postgres')",
        "CREATE FOREIGN TABLE far_orders (id int, customer_id int) SERVER loopback OPTIONS (table_name 'orders')",
    ]


async def _build(url: str) -> None:
    await execute(url, *_STATEMENTS, *_far_orders(url))
    await execute(url, "ANALYZE order_counts")


pg_shapes = database_fixture("pg_shapes", _build, backends=("postgresql",))


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.stderr


def test_a_foreign_table_is_called_one_and_read_like_any_table_without_a_key(pg_shapes: TestDatabase) -> None:
    """reflect() leaves foreign tables out: query, explain and the compose screen answered "this is a bug"."""
    far = next(t for t in json.loads(_run("schema", pg_shapes.url, "--json"))["tables"] if t["name"] == "far_orders")
    assert (far["kind"], far["mappable"], far["unmappable_reason"]) == ("foreign table", False, "no primary key")
    assert "far_orders  (foreign table)" in _run("schema", pg_shapes.url)
    summary = json.loads(_run("query", pg_shapes.url, "far_orders", "--where", "customer_id = 2", "--json"))["summary"]
    assert (summary["statements"], summary["root_rows"]) == (1, 8)  # orders 1..30 with 1 + g % 4 = 2
    assert "Foreign Scan" in _run("explain", pg_shapes.url, "far_orders")


def test_a_materialized_view_is_called_one_everywhere(pg_shapes: TestDatabase) -> None:
    tables = {t["name"]: t for t in json.loads(_run("schema", pg_shapes.url, "--json"))["tables"]}
    matview, view = tables["order_counts"], tables["customer_names"]
    assert (matview["kind"], matview["mappable"], matview["unmappable_reason"]) == (
        "materialized view",
        False,
        "materialized view",
    )
    assert matview["row_estimate"] == 4  # stored rows have statistics; a plain view's are unknown
    assert (view["kind"], view["row_estimate"], view["unmappable_reason"]) == ("view", None, "view")
    lines = _run("schema", pg_shapes.url).splitlines()
    assert "order_counts  (materialized view)  ~4 rows  not mappable: materialized view" in [line[4:] for line in lines]
    assert "customer_names  (view)  not mappable: view" in [line[4:] for line in lines]
    counts = json.loads(_run("query", pg_shapes.url, "order_counts", "--order", "customer_id", "--json"))
    assert counts["summary"] == {"statements": 1, "rows": 4, "entities": 0, "root_rows": 4, "by_class": {}}
    assert _run("query", pg_shapes.url, "order_counts", "--order", "customer_id", "--format", "csv") == (
        "customer_id,n\n1,7\n2,8\n3,8\n4,7\n"
    )
    assert "order_counts" in _run("explain", pg_shapes.url, "order_counts").splitlines()[0]
    assert _run("query", pg_shapes.url, "order_counts", "--load", "x=joined", code=2) == (
        "error: materialized view 'order_counts' has no ORM class, so no relationships to load: drop --load "
        "(its rows are read with Core select())\n"
    )
    module = _run("models", pg_shapes.url)
    assert "- order_counts: materialized view\n" in module and "- customer_names: view\n" in module


async def test_the_table_list_calls_a_materialized_view_one(pg_shapes: TestDatabase) -> None:
    app_ = make_app(pg_shapes.url)
    async with app_.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        relations = app_.home.query_one(RelationList)
        labels = [str(relations.get_option_at_index(i).prompt) for i in range(relations.option_count)]
        assert labels == [
            "customer_names  view", "customers", "far_orders  foreign table", "order_counts  materialized view", "orders", "tickets",
        ]  # fmt: skip
        assert str(relations.border_title) == "Tables (4) · views (2)"


def test_an_identity_key_is_written_as_python_that_parses(pg_shapes: TestDatabase, tmp_path: Path) -> None:
    path = generate(pg_shapes, tmp_path, "--tables", "tickets", name="tickets_models")
    imports_alone(path)
    assert "    id: Mapped[int] = mapped_column(Integer, Identity(always=True), primary_key=True)\n" in path.read_text()


def test_a_domain_column_is_written_as_its_domain(pg_shapes: TestDatabase, tmp_path: Path) -> None:
    """Written as NullType, the class did not build ("Could not locate SQLAlchemy Core type ... 'seats'")."""
    path = generate(pg_shapes, tmp_path, "--tables", "tickets", name="domain_models")
    imports_alone(path)
    written = 'DOMAIN("posint", Integer, not_null=True, check="(VALUE > 0) AND (VALUE < 1000)")'
    assert f"        {written}\n" in path.read_text()
    generated = load_user_models(f"{path}:Base")
    created = created_catalog("postgresql", tmp_path / "created", generated).table("tickets")
    assert [(c.name, c.type, c.nullable) for c in created.columns][-2:] == [
        ("seats", "posint", True),
        ("codes", "posint[]", True),
    ]


def test_a_foreign_key_into_another_schema_names_that_schema(pg_shapes: TestDatabase) -> None:
    """It read ``→ regions (id)``, as if ``regions`` were a table of this schema (there is none)."""
    lines = _run("schema", pg_shapes.url, "--table", "customers").splitlines()
    assert next(line.strip("│ ├└─") for line in lines if "→" in line) == "(region_id) → other.regions (id)"


def test_an_array_of_a_domain_is_written_as_an_array_of_that_domain(pg_shapes: TestDatabase, tmp_path: Path) -> None:
    """It was ARRAY(NullType) (``Mapped[list[Any]]``), which create_all cannot create."""
    path = generate(pg_shapes, tmp_path, "--tables", "tickets", name="domain_array_models")
    written = 'DOMAIN("posint", Integer, not_null=True, check="(VALUE > 0) AND (VALUE < 1000)")'
    assert (
        f"    codes: Mapped[list[int] | None] = mapped_column(\n        ARRAY({written}),\n    )\n" in path.read_text()
    )


def test_an_array_of_an_enum_is_written_as_an_array_of_that_enum(pg_shapes: TestDatabase, tmp_path: Path) -> None:
    """It was ARRAY(NullType) (``Mapped[list[Any]]``), which create_all cannot create."""
    path = generate(pg_shapes, tmp_path, "--tables", "tickets", name="enum_array_models")
    imports_alone(path)
    written = """    moods: Mapped[list[str] | None] = mapped_column(\n        ARRAY(ENUM("happy", "it's ok", name="mood"))\n    )\n"""
    assert written in path.read_text()
    generated = load_user_models(f"{path}:Base")
    created = created_catalog("postgresql", tmp_path / "created", generated).table("tickets")
    assert [(c.name, c.type) for c in created.columns if c.name == "moods"] == [("moods", "mood[]")]
