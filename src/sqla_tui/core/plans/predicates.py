"""Read lookups and table aliases out of SQL text and plan conditions.

The unindexed-lookup warning needs to know which column a scan filters by
equality or IN-list. PostgreSQL and MariaDB print the condition on the plan
node (``(post_id = ANY (...))``, ``comments.post_id in (1,2,3)``); SQLite
prints none, so there the statement's own text is read. Only the simple,
common shapes are recognised: ``col = value``, ``value = col`` (the lazy
loader's form), ``col IN (values)`` and ``col = ANY (...)``; a comparison
between two columns is a join condition, not a lookup.
"""

from __future__ import annotations

import re

_IDENT = r'(?:"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|[A-Za-z_]\w*)'
_QUALIFIED = rf"{_IDENT}(?:\s*\.\s*{_IDENT})*"
_CAST = r"(?:::[\w ]+(?:\[\])?)?"
_VALUE = rf"(?:\?|\$\d+|%s|%\(\w+\)s|:\w+|'(?:[^']|'')*'|-?\d+(?:\.\d+)?){_CAST}"
_COLUMN = rf"\(?(?P<column>{_QUALIFIED})\)?{_CAST}"
_COLUMN_FIRST = re.compile(
    rf"{_COLUMN}\s*(?:=\s*ANY\s*\(|\bIN\s*\((?!\s*SELECT\b)|=\s*(?={_VALUE}))",
    re.IGNORECASE,
)
_VALUE_FIRST = re.compile(rf"(?<![\w.<>!]){_VALUE}\s*=\s*{_COLUMN}", re.IGNORECASE)
_SOURCE = re.compile(
    rf"\b(?:FROM|JOIN|UPDATE|INTO)\s+(?P<table>{_QUALIFIED})(?:\s+(?:AS\s+)?(?P<alias>{_IDENT}))?",
    re.IGNORECASE,
)
_SET_CLAUSE = re.compile(r"\bSET\b.*?(?=\bWHERE\b|$)", re.IGNORECASE | re.DOTALL)
_NOT_ALIASES = {
    "where", "join", "on", "left", "right", "inner", "outer", "cross", "full", "natural", "group", "order",
    "limit", "offset", "set", "using", "union", "except", "intersect", "having", "window", "for", "values",
    "returning", "lateral", "straight_join", "select", "default",
}  # fmt: skip


def unquote(identifier: str) -> str:
    """An identifier without its quotes, a doubled quote inside undoubled: ``"Post"`` -> ``Post``, ```a``b``` -> ``a`b``."""
    identifier = identifier.strip()
    if len(identifier) >= 2 and identifier[0] + identifier[-1] in ('""', "``", "[]"):
        quote = identifier[-1]
        return identifier[1:-1].replace(quote * 2, quote) if quote != "]" else identifier[1:-1]
    return identifier


def _parts(qualified: str) -> list[str]:
    return [unquote(part) for part in re.findall(_IDENT, qualified)]


_CALL_OPENED = re.compile(r"(\w+)\s*\(\s*\(?\s*$")
_NOT_CALLS = {"where", "and", "or", "not", "on", "when", "then", "else", "having", "in", "any", "all", "exists", "case"}


def _not_the_column_itself(before: str) -> bool:
    """Whether what precedes a matched name makes it something else: a cast's type (``::text``) or a function's argument."""
    if before.endswith("::"):
        return True
    call = _CALL_OPENED.search(before)
    return call is not None and call[1].lower() not in _NOT_CALLS


def lookups(condition: str) -> list[tuple[str | None, str]]:
    """(qualifier, column) of every equality or IN-list lookup against a value, in order.

    ``lower(name) = ?`` is not a lookup on ``name``: no index on the column serves it.
    """
    found: list[tuple[str | None, str]] = []
    for pattern in (_COLUMN_FIRST, _VALUE_FIRST):
        for match in pattern.finditer(condition):
            parts = _parts(match["column"])
            if parts[-1].upper() in ("ANY", "IN", "NULL", "AND", "OR", "NOT"):
                continue
            if _not_the_column_itself(condition[: match.start("column")]):
                continue
            qualifier = parts[-2] if len(parts) > 1 else None
            if (qualifier, parts[-1]) not in found:
                found.append((qualifier, parts[-1]))
    return found


_LITERAL = re.compile(r"'(?:[^'\\]|''|\\.)*'")


def columns_in(condition: str, names: set[str | None], known: frozenset[str]) -> list[str]:
    """The columns of one table (known as any of ``names``, its columns ``known``) that ``condition`` reads, in order.

    Any comparison counts, not only lookups: ``code > 10``, ``lower(name) LIKE ?``.
    A column qualified by another table's name is that table's.
    """
    found: list[str] = []
    for match in re.finditer(_QUALIFIED, _LITERAL.sub("''", condition)):
        parts = _parts(match.group(0))
        qualifier = parts[-2] if len(parts) > 1 else None
        if parts[-1] in known and (qualifier is None or qualifier in names) and parts[-1] not in found:
            found.append(parts[-1])
    return found


def conditions(sql: str) -> str:
    """A statement's text without its UPDATE ... SET list, whose ``col = ?`` are writes, not lookups."""
    return _SET_CLAUSE.sub(" ", sql)


def sources(sql: str) -> dict[str, str]:
    """Tables named after FROM/JOIN/UPDATE/INTO, keyed by their alias and by their own name."""
    found: dict[str, str] = {}
    for match in _SOURCE.finditer(sql):
        table = _parts(match["table"])[-1]
        found.setdefault(table, table)
        alias = match["alias"]
        if alias and unquote(alias).lower() not in _NOT_ALIASES:
            found[unquote(alias)] = table
    return found


def columns_looked_up(condition: str, names: set[str], only_source: bool) -> list[str]:
    """Columns of one table (known as any of ``names``) that ``condition`` looks up.

    Unqualified columns count only when the table is the statement's only
    source, since otherwise they could belong to another table.
    """
    return [
        column
        for qualifier, column in lookups(condition)
        if (qualifier in names) or (qualifier is None and only_source)
    ]
