"""The feed's lines: statements formatted directly read back as the events the probe published."""

from __future__ import annotations

import json

from sqla_tui.attach.feed import decode, encode, encode_all

STATEMENT = {
    "type": "stmt", "t": 12.3456789, "sql": 'SELECT "a\\b"\nFROM été WHERE ? = x', "ms": 0.1234567, "rows": 3,
    "file": "/app/views.py", "line": 41, "function": "n_plus_one", "loader": "lazy", "attribute": "Author.books",
    "session": 2, "tx": 7, "task": "Task-12", "executemany": False,
}  # fmt: skip
UNKNOWN = {**STATEMENT, "rows": None, "file": None, "line": None, "function": None, "loader": None,
           "attribute": None, "session": None, "tx": None, "executemany": True}  # fmt: skip


def test_a_statement_reads_back_as_published_with_times_to_the_microsecond() -> None:
    for event in (STATEMENT, UNKNOWN, STATEMENT):  # the second STATEMENT takes its strings from the cache
        assert decode(encode(event)) == {**event, "t": round(event["t"], 6), "ms": round(event["ms"], 3)}
        assert encode(event).endswith(b"}\n") and encode(event).isascii()


def test_events_with_parameters_or_other_fields_are_plain_json() -> None:
    with_params = {**STATEMENT, "params": [1, "x"]}
    pool = {"type": "pool", "size": 5, "checked_out": 1}
    for event in (with_params, pool):
        assert encode(event) == json.dumps(event, separators=(",", ":")).encode() + b"\n"
    assert encode_all([STATEMENT, with_params, pool]) == encode(STATEMENT) + encode(with_params) + encode(pool)
