"""SQLite's generated columns' expressions, read from the CREATE TABLE text with their parentheses balanced.

SQLite keeps no expression of its own for a generated column: only the table's
CREATE statement has it. SQLAlchemy's reflection finds it with a greedy
pattern, so on a line holding two generated columns (``y INT GENERATED ALWAYS
AS (x*2) VIRTUAL, z INT GENERATED ALWAYS AS (x*3) STORED``) ``y`` read as
``x*2) VIRTUAL, z INT GENERATED ALWAYS AS (x*3``, and the short form ``y AS
(x*2)`` read as nothing. Here the statement is split into its column
definitions (quotes and nesting respected) and each expression is taken up to
its own closing parenthesis.
"""

from __future__ import annotations

import re

_QUOTES = {"'": "'", '"': '"', "`": "`", "[": "]"}
_GENERATED = re.compile(r"(?:\bGENERATED\s+ALWAYS\s+)?\bAS\s*\($", re.IGNORECASE)
_NAME = re.compile(r"""\s*("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[^\s(]+)""")


def generated_expressions(create_sql: str) -> dict[str, str]:
    """Column name -> generated expression, for every generated column of one CREATE TABLE statement."""
    start = create_sql.find("(")
    if start < 0:
        return {}
    found = {}
    for definition in _definitions(create_sql, start + 1):
        name = _NAME.match(definition)
        expression = _expression(definition)
        if name is not None and expression is not None:
            found[_unquoted(name.group(1))] = expression
    return found


def _definitions(sql: str, start: int) -> list[str]:
    """The comma-separated parts inside the outer parentheses that begin at ``start``."""
    parts, depth, begin, index = [], 0, start, start
    while index < len(sql):
        char = sql[index]
        if char in _QUOTES:
            end = sql.find(_QUOTES[char], index + 1)
            index = len(sql) if end < 0 else end
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                parts.append(sql[begin:index])
                return parts
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(sql[begin:index])
            begin = index + 1
        index += 1
    parts.append(sql[begin:])
    return parts


def _expression(definition: str) -> str | None:
    """The expression inside ``[GENERATED ALWAYS] AS (...)`` at the definition's top level, if there is one."""
    depth, index = 0, 0
    while index < len(definition):
        char = definition[index]
        if char in _QUOTES:
            end = definition.find(_QUOTES[char], index + 1)
            index = len(definition) if end < 0 else end
        elif char == "(":
            if depth == 0 and _GENERATED.search(definition[: index + 1]):
                inner = _definitions(definition, index + 1)
                return ",".join(inner).strip()
            depth += 1
        elif char == ")":
            depth -= 1
        index += 1
    return None


def _unquoted(name: str) -> str:
    if name[:1] in _QUOTES and name[-1:] == _QUOTES[name[0]]:
        close = _QUOTES[name[0]]
        return name[1:-1].replace(close * 2, close) if close != "]" else name[1:-1]
    return name
