"""CSV, JSON and Markdown from a ``Table``: exact text, every value kept readable.

CSV follows RFC 4180 through the standard library (quotes doubled, fields
with commas, quotes or line breaks quoted), with ``\\n`` line ends so the text
reads the same on a terminal and in a file. JSON is an array of objects, one
per row, keys in column order. Markdown is a GitHub table: pipes and
backslashes escaped and line breaks as ``<br>``, so no value can break the grid.
"""

from __future__ import annotations

import base64
import csv
import datetime
import decimal
import io
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

from sqla_tui.core.errors import UserError
from sqla_tui.core.export.table import Table


def plain(value: Any) -> Any:
    """A value JSON can hold as it is: numbers, text, booleans and None stay; the rest become text.

    Dates and times in ISO 8601, decimals at full precision, bytes in base64,
    NaN and the infinities as the words Python prints, since JSON has no such number;
    a set as a sorted list, so that the same rows always export as the same text; a
    PostgreSQL composite value as an object of its fields, a range of a type of the
    database's own in PostgreSQL's notation.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):  # fixed-point, as the database shows it: str() writes 0E-10 and -1E-10
        return format(value, "f")
    if isinstance(value, (uuid.UUID, datetime.timedelta)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (set, frozenset)):  # a MariaDB SET: in its items' order, not the hash order of this process
        return sorted((plain(item) for item in value), key=str)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if callable(getattr(value, "items", None)) and callable(getattr(value, "keys", None)):
        return {str(key): plain(item) for key, item in value.items()}  # a composite type's row (asyncpg's Record)
    if all(hasattr(value, name) for name in _RANGE_PARTS):
        return _range_text(value)
    return str(value)


_RANGE_PARTS = ("lower", "upper", "lower_inc", "upper_inc", "isempty")
"""What asyncpg's ``Range`` has: a range of a type SQLAlchemy does not know (built-in ranges are SQLAlchemy's own
``Range``, whose text is PostgreSQL's already)."""


def _range_text(value: Any) -> str:
    """A range in PostgreSQL's notation: ``[1.5,2.5)``, ``(,5]``, ``empty`` (its bounds as ``plain`` gives them)."""
    if value.isempty:
        return "empty"
    lower = "" if value.lower is None else plain(value.lower)
    upper = "" if value.upper is None else plain(value.upper)
    return f"{'[' if value.lower_inc else '('}{lower},{upper}{']' if value.upper_inc else ')'}"


def cell(value: Any) -> str:
    """A value as one cell of text: None is empty, booleans read true/false, the rest as ``plain`` gives it."""
    shown = plain(value)
    if shown is None:
        return ""
    if isinstance(shown, bool):
        return "true" if shown else "false"
    if isinstance(shown, (list, dict)):
        return json.dumps(shown, ensure_ascii=False)
    return str(shown)


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([cell(value) for value in row] for row in table.rows)
    return out.getvalue()


def records(table: Table) -> list[dict[str, Any]]:
    """The rows as JSON objects, keys in column order, every value as ``plain`` gives it."""
    return [{column: plain(value) for column, value in zip(table.columns, row)} for row in table.rows]


def to_json(table: Table) -> str:
    return json.dumps(records(table), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _md(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("|", "\\|")
    return escaped.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def to_markdown(table: Table) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    lines = [line([_md(column) or " " for column in table.columns]), line(["---"] * len(table.columns))]
    lines += [line([_md(cell(value)) for value in row]) for row in table.rows]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, tuple[str, Callable[[Table], str]]] = {
    "csv": ("csv", to_csv),
    "json": ("json", to_json),
    "markdown": ("md", to_markdown),
}
"""Each format's name, its file extension and its writer."""


def render(table: Table, format_name: str) -> str:
    """``table`` as text in ``format_name`` (csv, json or markdown)."""
    try:
        _, writer = FORMATS[format_name]
    except KeyError:
        raise UserError(f"unknown export format {format_name!r}: choose one of {', '.join(FORMATS)}") from None
    return writer(table)


def file_name(table: Table, format_name: str) -> str:
    """The default file name for ``table`` in ``format_name``: ``results-users.csv``."""
    safe = "".join(char if char.isalnum() or char in "-_." else "-" for char in table.name).strip("-.") or "export"
    return f"{safe}.{FORMATS[format_name][0]}"
