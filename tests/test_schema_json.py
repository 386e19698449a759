"""``schema --json``: compact in a pipe, indented on request, and the same document as the three-walk serialisation it replaced."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.cli.schema_cmd import report_json
from sqla_tui.core.connect.target import Target
from sqla_tui.workbench import Workbench
from tests.databases import TestDatabase, run_async
from tests.hostile_database import hostile_db


def _walked(value: Any) -> Any:
    """The serialisation before: every dataclass copied into dicts (``asdict``), then every container again."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _walked(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(key): _walked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walked(item) for item in value]
    return value


async def _document_as_before(url: str) -> Any:
    bench = Workbench(Target(url))
    try:
        await bench.open()
        report = await bench.schema()
    finally:
        await bench.close()
    document = {key: list(value) if isinstance(value, Iterator) else value for key, value in report_json(report).items()}
    return json.loads(json.dumps(_walked(document), indent=2, default=str))


def _schema_json(url: str, *flags: str) -> str:
    result = CliRunner().invoke(app, ["schema", url, "--json", *flags])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_compact_and_indented_are_the_same_document_as_before(hostile_db: TestDatabase) -> None:
    """The same document three ways; all but the server's list of schemas, which other clients change meanwhile."""
    compact, indented = _schema_json(hostile_db.url), _schema_json(hostile_db.url, "--indent")
    assert compact.count("\n") == 1 and ", " not in compact.split('"tables"')[0]  # a pipe gets one line
    assert indented.startswith('{\n  "dialect": ') and not any(line.endswith(" ") for line in indented.splitlines())
    documents = [json.loads(compact), json.loads(indented), run_async(_document_as_before(hostile_db.url))]
    assert all(document["schema"] in document.pop("schemas") for document in documents)
    assert documents[0] == documents[1] == documents[2]
    compact_asked = _schema_json(hostile_db.url, "--compact")
    assert compact_asked.count("\n") == 1 and {**json.loads(compact_asked), "schemas": None} == {**documents[0], "schemas": None}


def test_the_document_keeps_its_shape(hostile_db: TestDatabase) -> None:
    """Tuples are lists, keys and indexes are objects with their fields, as scripts already read them."""
    tables = {table["name"]: table for table in json.loads(_schema_json(hostile_db.url))["tables"]}
    order = tables["order"]
    assert isinstance(order["primary_key"], list) and isinstance(order["foreign_keys"][0]["columns"], list)
    assert set(order["foreign_keys"][0]) == {f.name for f in dataclasses.fields(_fk_class())}
    assert all(set(column) >= {"name", "type", "nullable", "attribute"} for column in order["columns"])


def _fk_class() -> type:
    from sqla_tui.core.catalog.schema import ForeignKeyInfo

    return ForeignKeyInfo
