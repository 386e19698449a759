"""The feed's lines: statements formatted directly read back as the events the probe published."""

from __future__ import annotations

import json

from sqla_tui.attach.feed import NO_PARAMS, Statement, decode, encode, encode_all, statement_line
from sqla_tui.core.observe.loaders import MAIN, OTHER, Origin
from sqla_tui.core.observe.origin import Location

LAZY = Origin("lazy", "books", "Author.books", "select")
STATEMENT = Statement(
    12.3456789, 0.1234567, 'SELECT "a\\b"\nFROM été WHERE ? = x', 3, Location("/app/views.py", 41, "n_plus_one"),
    LAZY, 2, 7, "Task-12", False,
)  # fmt: skip
UNKNOWN = Statement(1.5, 2.5, "SELECT 1", None, None, OTHER, None, None, "MainThread", True)
NO_LINE = Statement(1.5, 2.5, "SELECT 1", 0, Location("/app/x.py", None, "f"), MAIN, 1, 1, "t", False)  # a frame's f_lineno can be None


def test_a_statement_reads_back_with_its_fields_and_times_to_the_microsecond() -> None:
    assert decode(statement_line(*STATEMENT)) == {
        "type": "stmt", "t": 12.345679, "sql": 'SELECT "a\\b"\nFROM été WHERE ? = x', "ms": 0.123, "rows": 3,
        "file": "/app/views.py", "line": 41, "function": "n_plus_one", "loader": "lazy", "attribute": "Author.books",
        "session": 2, "tx": 7, "task": "Task-12", "executemany": False,
    }  # fmt: skip
    assert decode(statement_line(*UNKNOWN)) == {
        "type": "stmt", "t": 1.5, "sql": "SELECT 1", "ms": 2.5, "rows": None, "file": None, "line": None,
        "function": None, "loader": "other", "attribute": None, "session": None, "tx": None, "task": "MainThread",
        "executemany": True,
    }  # fmt: skip


def test_the_cached_end_of_a_line_belongs_to_its_own_sql_place_and_loader() -> None:
    """The SQL, code line and loader repeat and come from a cache: a change in any one of them is a new line."""
    lines = [
        STATEMENT,
        STATEMENT._replace(t=13.0, rows=0, session=3, tx=8, task="Task-13"),
        STATEMENT._replace(sql="SELECT 2"),
        STATEMENT._replace(where=Location("/app/views.py", 42, "n_plus_one")),
        STATEMENT._replace(origin=MAIN),
        NO_LINE,
    ]
    for statement in lines:
        line = statement_line(*statement)
        assert decode(line) == {**statement.as_event(), "t": round(statement.t, 6), "ms": round(statement.ms, 3)}
        assert line.endswith("}\n") and line.isascii()


def test_events_with_parameters_or_other_fields_are_plain_json() -> None:
    with_params = STATEMENT._replace(params=[1, "x"])
    pool = {"type": "pool", "size": 5, "checked_out": 1}
    assert STATEMENT.params is NO_PARAMS
    assert statement_line(*with_params) == json.dumps(with_params.as_event(), separators=(",", ":")) + "\n"
    assert decode(statement_line(*with_params))["params"] == [1, "x"]
    assert encode(pool) == json.dumps(pool, separators=(",", ":")).encode() + b"\n"


def test_a_batch_is_its_statements_lines_as_made_and_its_other_events_encoded_in_order() -> None:
    pool = {"type": "pool", "size": 5, "checked_out": 1}
    lines = [statement_line(*STATEMENT), statement_line(*UNKNOWN)]
    assert encode_all([lines[0], pool, lines[1]]) == lines[0].encode() + encode(pool) + lines[1].encode()
