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
    "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
    "WHERE CONSTRAINT_SCHEMA = :schema AND TABLE_NAME IN :tables"
).bindparams(bindparam("tables", expanding=True))
_JSON_VALID = re.compile(r"json_valid\(`((?:[^`]|``)+)`\)")
"""The clause MariaDB stores for ``JSON`` on a column: ``json_valid(`col`)``, a backtick in the name doubled."""


def json_columns(conn: Connection, schema: str | None, tables: list[str]) -> set[tuple[str, str]]:
    """(table, column) of each JSON column of ``tables`` in ``schema`` (None: the connection's database); none off MariaDB.

    One query for all of them. A server without ``CHECK_CONSTRAINTS`` (MariaDB
    before 10.2, which had no JSON alias either) has none.
    """
    if not getattr(conn.dialect, "is_mariadb", False) or not tables:
        return set()
    try:
        rows = conn.execute(_CHECKS, {"schema": schema or conn.dialect.default_schema_name, "tables": tables}).all()
    except DBAPIError:
        return set()
    return {
        (table, found.group(1).replace("``", "`")) for table, clause in rows if (found := _JSON_VALID.fullmatch(clause))
    }
