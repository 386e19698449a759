"""``--spec`` and ``--save``: a saved query comes back whole, and a bad file or path is one line.

The shape of a spec file is fuzzed: every field, at every depth, replaced by
every JSON type; each must either run or be refused in one line naming the field.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from tests.databases import TestDatabase, database_fixture
from tests.seeded import POSTS_PER_USER, USERS, seed

runner = CliRunner()
seeded_sqlite = database_fixture("seeded_sqlite", seed, backends=("sqlite",))

SAVED = {
    "root": "users",
    "filters": [{"column": "id", "op": ">", "value": "1"}],
    "order_by": [{"column": "id", "descending": False}],
    "limit": 4,
    "offset": 2,
    "loads": [{"path": "posts", "strategy": "selectin"}],
    "column_options": [{"option": "load_only", "columns": ["name"], "path": ""}],
}
"""A spec as ``--save`` writes it: users 4..7 (id > 1, skip 2, take 4) with their posts."""


def _spec_file(tmp_path: Path, data: Any, name: str = "spec.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _one_line(result: Any) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout[:300], result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_query_uses_the_saved_limit_and_offset(seeded_sqlite: TestDatabase, tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, SAVED)
    result = runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(spec), "--json"])
    assert result.exit_code == 0, result.stderr
    statements = json.loads(result.stdout)["statements"]
    assert [s["rows"] for s in statements] == [4, 4 * POSTS_PER_USER]
    assert statements[0]["params"][-2:] == [4, 2]


def test_an_explicit_limit_or_offset_wins_over_the_spec(seeded_sqlite: TestDatabase, tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, SAVED)
    result = runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(spec), "--limit", "3", "--json"])
    assert json.loads(result.stdout)["statements"][0]["params"][-2:] == [3, 2]
    result = runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(spec), "--offset", "0", "--json"])
    assert json.loads(result.stdout)["statements"][0]["params"][-2:] == [4, 0]


def test_fanout_and_explain_use_the_saved_limit_and_offset(seeded_sqlite: TestDatabase, tmp_path: Path) -> None:
    spec = _spec_file(tmp_path, SAVED)
    fanout = runner.invoke(app, ["fanout", seeded_sqlite.url, "--spec", str(spec), "--path", "posts", "--runs", "0", "--json"])
    assert fanout.exit_code == 0, fanout.stderr
    assert {r["strategy"]: r["root_rows"] for r in json.loads(fanout.stdout)["results"]}["selectin"] == 4
    explain = runner.invoke(app, ["explain", seeded_sqlite.url, "--spec", str(spec), "--json"])
    assert explain.exit_code == 0, explain.stderr
    assert json.loads(explain.stdout)["params"][-2:] == [4, 2]


def test_without_a_spec_the_defaults_are_100_and_0(seeded_sqlite: TestDatabase) -> None:
    result = runner.invoke(app, ["query", seeded_sqlite.url, "users", "--json"])
    assert json.loads(result.stdout)["statements"][0]["params"][-2:] == [100, 0]
    assert json.loads(result.stdout)["statements"][0]["rows"] == USERS


def test_save_then_spec_gives_the_same_query(seeded_sqlite: TestDatabase, tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    first = runner.invoke(app, ["query", seeded_sqlite.url, "users", "--limit", "5", "--offset", "1", "--save", str(saved), "--json"])
    again = runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(saved), "--json"])
    assert first.exit_code == again.exit_code == 0, first.stderr + again.stderr
    def statements(result: Any) -> list[tuple[str, Any, int]]:
        return [(s["sql"], s["params"], s["rows"]) for s in json.loads(result.stdout)["statements"]]

    assert statements(first) == statements(again)
    assert statements(again)[0][1][-2:] == [5, 1]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe{\x00", "is not UTF-8 text"),
        (b"{", "is not valid JSON"),
        (b"[1, 2]", "must hold a JSON object"),
        (b'{"root": "users", "loads": [{"path": null, "strategy": "selectin"}]}', "loads[0].path must be a string, not null"),
        (b'{"root": ["users"]}', "root must be a string, not a list"),
        (b'{"root": "users", "limit": "10"}', "limit must be a whole number or null, not a string"),
        (b'{"root": "users", "limit": true}', "limit must be a whole number or null, not true"),
        (b'{"root": "users", "limit": NaN}', "is not valid JSON: NaN is not a JSON number"),
        (b'{"root": "users", "filters": {"column": "id"}}', "filters must be a list, not an object"),
        (b'{"root": "users", "order_by": [{"column": "id", "sideways": 1}]}', "order_by[0] has no field 'sideways'"),
        (b'{"root": "users", "filters": [{"op": "="}]}', "filters[0] needs 'column'"),
        (b'{"root": "users", "column_options": [{"option": "defer", "columns": "name"}]}', "column_options[0].columns must be a list"),
        (b'{"filters": []}', "needs 'root'"),
    ],
)
def test_a_bad_spec_file_is_one_line_naming_what_is_wrong(seeded_sqlite: TestDatabase, tmp_path: Path, content: bytes, expected: str) -> None:
    spec = tmp_path / "bad.json"
    spec.write_bytes(content)
    line = _one_line(runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(spec)]))
    assert expected in line and str(spec) in line, line


@pytest.mark.parametrize("where", ["directory", "missing"])
def test_a_spec_path_that_is_no_file_is_one_line(seeded_sqlite: TestDatabase, tmp_path: Path, where: str) -> None:
    path = tmp_path if where == "directory" else tmp_path / "nope.json"
    line = _one_line(runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(path)]))
    assert str(path) in line and ("is a directory" in line or "does not exist" in line), line


def _mutations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every place in the spec, each replaced by a value of every JSON type."""
    for replacement in (None, True, 0, -1, 2.5, "", "x", [], ["x"], {}, {"x": 1}):
        if replacement != value or type(replacement) is not type(value):
            yield path, replacement
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _mutations(child, (*path, key))


def _mutated(path: tuple[Any, ...], replacement: Any) -> Any:
    if not path:
        return replacement
    data = copy.deepcopy(SAVED)
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = replacement
    return data


MUTATIONS = list(_mutations(SAVED))


def test_every_json_shape_runs_or_is_one_line(seeded_sqlite: TestDatabase, tmp_path: Path) -> None:
    assert len(MUTATIONS) > 200
    outcomes = set()
    for number, (path, replacement) in enumerate(MUTATIONS):
        spec = _spec_file(tmp_path, _mutated(path, replacement), f"m{number}.json")
        result = runner.invoke(app, ["query", seeded_sqlite.url, "--spec", str(spec), "--json"])
        where = f"{'.'.join(map(str, path)) or '(whole file)'} = {replacement!r}"
        assert result.exit_code in (0, 2), f"{where}: exit {result.exit_code}\n{result.stderr[-2000:]}"
        if result.exit_code == 2:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ") and "unexpected" not in lines[0], f"{where}: {result.stderr}"
        outcomes.add(result.exit_code)
    assert outcomes == {0, 2}


@pytest.mark.parametrize("where", ["directory", "missing directory"])
def test_save_into_a_directory_or_a_missing_one_is_one_line(seeded_sqlite: TestDatabase, tmp_path: Path, where: str) -> None:
    path = tmp_path if where == "directory" else tmp_path / "no" / "such" / "spec.json"
    line = _one_line(runner.invoke(app, ["query", seeded_sqlite.url, "users", "--save", str(path)]))
    assert f"cannot save the query spec to {path}" in line, line
    assert not (tmp_path / "no").exists()
