"""Load and fan-out paths deeper than the two hops mapped by default, on every backend.

Classes are built for the part of the schema within two relationships of the
root; a path three deep (``countries.cities.streets``) failed with "unknown
relationship 'streets' on City", although ``schema`` lists it. The probes'
case, on PostgreSQL and MariaDB: the tables a query's paths reach are mapped.
"""

from __future__ import annotations

import json

from tests.databases import TestDatabase, database_fixture, run_statements
from tests.test_script import invoke

_CHAIN = [
    "CREATE TABLE regions (id INTEGER PRIMARY KEY, name VARCHAR(20))",
    "CREATE TABLE countries (id INTEGER PRIMARY KEY, region_id INTEGER NOT NULL REFERENCES regions (id))",
    "CREATE TABLE cities (id INTEGER PRIMARY KEY, country_id INTEGER NOT NULL REFERENCES countries (id))",
    "CREATE TABLE streets (id INTEGER PRIMARY KEY, city_id INTEGER NOT NULL REFERENCES cities (id))",
    "INSERT INTO regions VALUES (1, 'north'), (2, 'south')",
    "INSERT INTO countries VALUES (1, 1), (2, 1), (3, 2), (4, 2)",
    "INSERT INTO cities VALUES (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (8, 4)",
    "INSERT INTO streets VALUES " + ", ".join(f"({n}, {(n + 1) // 2})" for n in range(1, 17)),
]
DEEP = "countries.cities.streets"


async def _build(url: str) -> None:
    await run_statements(url, lambda engine: _CHAIN)


chain = database_fixture("chain", _build)


def test_a_load_path_three_deep_runs_and_counts_every_row(chain: TestDatabase) -> None:
    loads = [option for path in ("countries", "countries.cities", DEEP) for option in ("--load", f"{path}=selectin")]
    summary = json.loads(invoke("query", chain.url, "regions", *loads, "--json"))["summary"]
    assert (summary["statements"], summary["rows"]) == (4, 2 + 4 + 8 + 16)


def test_a_touched_path_three_deep_is_the_n_plus_one_it_is(chain: TestDatabase) -> None:
    summary = json.loads(invoke("query", chain.url, "regions", "--touch", DEEP, "--json"))["summary"]
    assert (summary["statements"], summary["rows"]) == (1 + 2 + 4 + 8, 2 + 4 + 8 + 16)


def test_a_fanout_three_deep_loads_the_same_rows_under_every_plan(chain: TestDatabase) -> None:
    report = json.loads(invoke("fanout", chain.url, "regions", "--path", DEEP, "--runs", "1", "--json"))
    entities = {result["strategy"]: (result["entities"], result["same_entities"]) for result in report["results"]}
    assert set(entities.values()) == {(2 + 4 + 8 + 16, True)}, entities
