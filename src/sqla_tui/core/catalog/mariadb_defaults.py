"""MariaDB column defaults SQLAlchemy's reflection drops, read back from ``information_schema.COLUMNS``.

SQLAlchemy reads a MariaDB default from ``SHOW CREATE TABLE`` with a pattern
that stops at a backtick, so ``DEFAULT NEXT VALUE FOR seq``, which MariaDB
keeps as ``nextval(`db`.`seq`)``, comes back as no default at all: the schema
showed none and ``models`` wrote none, so ``create_all`` made a column
without it. ``COLUMN_DEFAULT`` holds every default as an expression: a
string literal in quotes, ``NULL`` unquoted where there is none.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

_DEFAULTS = text(
    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT FROM information_schema.COLUMNS "
    "WHERE TABLE_SCHEMA = :schema AND TABLE_NAME IN :tables "
    "AND COLUMN_DEFAULT IS NOT NULL AND COLUMN_DEFAULT <> 'NULL'"
).bindparams(bindparam("tables", expanding=True))
"""Columns with a default: a nullable column without one says ``NULL`` (unquoted; the text 'NULL' is ``'NULL'``)."""


def server_defaults(conn: Connection, schema: str | None, tables: list[str]) -> dict[tuple[str, str], str]:
    """(table, column) -> the default expression as MariaDB keeps it, for ``tables`` in ``schema``; none off MariaDB.

    One query for all of them; a column the user may not see is not listed, as in the reflection.
    """
    if not getattr(conn.dialect, "is_mariadb", False) or not tables:
        return {}
    rows = conn.execute(_DEFAULTS, {"schema": schema or conn.dialect.default_schema_name, "tables": tables}).all()
    return {(table, column): default for table, column, default in rows}
