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
from collections.abc import Iterator

_QUOTES = {"'": "'", '"': '"', "`": "`", "[": "]"}
_GENERATED = re.compile(r"(?:\bGENERATED\s+ALWAYS\s+)?\bAS\s*\($", re.IGNORECASE)
_STORED = re.compile(r"\s*STORED\b", re.IGNORECASE)
_NAME = re.compile(r"""\s*("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|'(?:[^']|'')*'|[^\s(]+)""")


def generated_expressions(create_sql: str) -> dict[str, tuple[str, bool]]:
    """Column name -> (generated expression, stored), for every generated column of one CREATE TABLE statement;
    a generated column is ``VIRTUAL`` unless its definition says ``STORED`` after the expression."""
    start = create_sql.find("(")
    if start < 0:
        return {}
    found = {}
    for definition in _definitions(create_sql, start + 1):
        name = _NAME.match(definition)
        generated = _expression(definition)
        if name is not None and generated is not None:
            expression, rest = generated
            found[unquoted(name.group(1))] = (expression, _STORED.match(rest) is not None)
    return found


def closing_parenthesis(text: str, start: int) -> int | None:
    """Where the parenthesis opened at ``start`` closes, quoted text skipped; None when it never does."""
    return next((index for index, char, depth in _top_level(text, start) if char == ")" and depth == 1), None)


def _top_level(text: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each parenthesis and comma of ``text`` from ``start`` outside quoted text: its index, itself, and how
    deeply nested it is (before it, for a parenthesis)."""
    depth, index = 0, start
    while index < len(text):
        char = text[index]
        if char in _QUOTES:
            end = text.find(_QUOTES[char], index + 1)
            index = len(text) if end < 0 else end
        elif char in "(),":
            yield index, char, depth
            depth += 1 if char == "(" else -1 if char == ")" else 0
        index += 1


def _definitions(sql: str, start: int) -> list[str]:
    """The comma-separated parts inside the outer parentheses that begin at ``start``."""
    parts, begin = [], start
    for index, char, depth in _top_level(sql, start):
        if depth == 0 and char != "(":
            parts.append(sql[begin:index])
            if char == ")":
                return parts
            begin = index + 1
    parts.append(sql[begin:])
    return parts


def _expression(definition: str) -> tuple[str, str] | None:
    """The expression inside ``[GENERATED ALWAYS] AS (...)`` at the definition's top level, if there is one, and
    what follows its closing parenthesis."""
    for index, char, depth in _top_level(definition):
        if char == "(" and depth == 0 and _GENERATED.search(definition[: index + 1]):
            parts = _definitions(definition, index + 1)
            close = index + 1 + sum(len(part) + 1 for part in parts)  # past the comma or parenthesis ending each
            return ",".join(parts).strip(), definition[close:]
    return None


def unquoted(name: str) -> str:
    """A name as SQLite keeps it, from how a statement wrote it: its quotes off and a doubled quote single."""
    if name[:1] in _QUOTES and name[-1:] == _QUOTES[name[0]]:
        close = _QUOTES[name[0]]
        return name[1:-1].replace(close * 2, close) if close != "]" else name[1:-1]
    return name
