"""MariaDB's JSON columns, which its catalog keeps only as LONGTEXT with a ``CHECK (json_valid(`col`))``.

``CREATE TABLE t (doc JSON)`` on MariaDB makes ``doc longtext ... CHECK
(json_valid(`doc`))``; SQLAlchemy reflects a LONGTEXT and drops the check.
Shown as LONGTEXT, mapped as text and exported as ``LONGTEXT``, the column
would read as strings where the application reads objects. The check is
what says JSON: a check whose whole clause is ``json_valid`` of one column
(as MariaDB writes ``JSON``'s, or a table-level check saying the same) marks
that column. MySQL has a JSON type of its own, which SQLAlchemy reflects.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

_CHECKS = text(
    "SELECT TABLE_NAME, CHECK_CLAUSE, CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS "
    "WHERE CONSTRAINT_SCHEMA = :schema AND TABLE_NAME IN :tables ORDER BY TABLE_NAME, CONSTRAINT_NAME"
).bindparams(bindparam("tables", expanding=True))
_JSON_VALID = re.compile(r"json_valid\(`((?:[^`]|``)+)`\)")
"""The clause MariaDB stores for ``JSON`` on a column: ``json_valid(`col`)``, a backtick in the name doubled."""


CheckRows = list[tuple[str, str, str]]
"""(table, clause, name) of each check ``CHECK_CONSTRAINTS`` shows: read once per chunk of tables, for both the
JSON columns and the checks."""


def check_rows(conn: Connection, schema: str | None, tables: list[str]) -> CheckRows | None:
    """Every check ``CHECK_CONSTRAINTS`` shows for ``tables`` in ``schema`` (None: the connection's database), in
    one query; None off MariaDB, or on a server without the view (MariaDB before 10.2, which had no JSON alias
    either)."""
    if not getattr(conn.dialect, "is_mariadb", False) or not tables:
        return None
    database = schema or conn.dialect.default_schema_name or ""
    try:
        return [(table, clause, name) for table, clause, name in conn.execute(_CHECKS, {"schema": database, "tables": tables})]
    except DBAPIError:
        return None


def json_columns(
    conn: Connection, schema: str | None, rows: CheckRows | None, longtext: list[str] | None = None
) -> set[tuple[str, str]]:
    """(table, column) of each JSON column, from the tables' ``check_rows``; none off MariaDB.

    MariaDB shows a check in ``CHECK_CONSTRAINTS`` only to a user with
    privileges on the whole database; to one granted SELECT on a table it
    shows none, so the tables of ``longtext`` (those with a LONGTEXT column)
    that the rows say nothing of are read from their ``SHOW CREATE TABLE``,
    one statement each, which still shows the check.
    """
    if rows is None:
        return set()
    database: str = schema or conn.dialect.default_schema_name or ""
    found = {(table, column) for table, clause, _ in rows if (column := json_checked(clause)) is not None}
    checked = {table for table, _, _ in rows}
    for table in longtext or []:
        if table not in checked:
            found |= {(table, column) for column in _created_json(conn, database, table)}
    return found


def mariadb_checks(rows: CheckRows | None) -> dict[str, list[dict[str, str]]]:
    """Table -> its checks as ``CHECK_CONSTRAINTS`` lists them (the Inspector's shape), for the tables it lists any of.

    The Inspector reads checks from ``SHOW CREATE TABLE``'s constraint lines
    only, so a check written on its column (``x INT CHECK (x > 0)``, which
    MariaDB keeps on the column's line) was missing; this view has both. It
    shows nothing to a user without privileges on the whole database, so a
    table it says nothing of keeps the Inspector's checks.
    """
    found: dict[str, list[dict[str, str]]] = {}
    for table, clause, name in rows or []:
        found.setdefault(table, []).append({"name": name, "sqltext": clause})
    return found


def json_checked(clause: str) -> str | None:
    """The column a check clause says only ``json_valid`` of (the check MariaDB keeps for ``JSON``), else None."""
    matched = _JSON_VALID.fullmatch(clause.strip())
    return None if matched is None else matched.group(1).replace("``", "`")


_COLUMN_CHECK = re.compile(r"  `((?:[^`]|``)+)` .* CHECK \(json_valid\(`((?:[^`]|``)+)`\)\),?")
"""A column line of ``SHOW CREATE TABLE`` ending in its own check: ``CHECK (json_valid(`col`))``."""
_TABLE_CHECK = re.compile(r"  CONSTRAINT `(?:[^`]|``)+` CHECK \(json_valid\(`((?:[^`]|``)+)`\)\),?")
"""A table-level check saying only ``json_valid`` of one column."""


def _created_json(conn: Connection, schema: str, table: str) -> list[str]:
    """The columns ``SHOW CREATE TABLE`` checks with ``json_valid`` alone; none if the server refuses it."""
    quote = conn.dialect.identifier_preparer.quote_identifier
    try:
        create = conn.exec_driver_sql(f"SHOW CREATE TABLE {quote(schema)}.{quote(table)}").one()[1]
    except DBAPIError:
        return []
    columns = []
    for line in create.splitlines():
        if (column := _COLUMN_CHECK.fullmatch(line)) and column.group(1) == column.group(2):
            columns.append(column.group(1).replace("``", "`"))
        elif table_check := _TABLE_CHECK.fullmatch(line):
            columns.append(table_check.group(1).replace("``", "`"))
    return columns
