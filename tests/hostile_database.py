"""A schema of hostile identifiers, the same on every backend.

``user`` has columns named like keywords, with spaces, quotes, a backtick,
``%`` and ``:`` (the drivers' placeholder characters), unicode, a 60-character
name, and the names a mapped class already uses (``__init__``,
``_sa_instance_state``, ``metadata``...). ``order`` refers to ``user`` through
``user id``; ``NOTES_TABLE``, a table whose own name holds a backtick, quotes,
``%`` and ``:``, refers to ``order`` through a column with a backtick in its name.
"""

from __future__ import annotations

from sqla_tui.core.connect.engine import connect
from tests.databases import database_fixture

LONG = "a_column_name_sixty_characters_long_to_test_the_limits_xxxxx"

USER_ATTRIBUTES = {
    "id": "id",
    "select": "select",
    "Mixed Case": "Mixed_Case",
    "ünï cödé": "ünï_cödé",
    "it's": "it_s",
    "we`ird": "we_ird",
    'say "hi"': "say__hi_",
    "100%": "_100_",
    "a:b": "a_b",
    "%(x)s": "x_s",
    "_sa_instance_state": "sa_instance_state",
    "__init__": "init__",
    "__class__": "class__",
    "__dict__": "dict__",
    "metadata": "metadata_",
    "class": "class_",
    "1st": "_1st",
    LONG: LONG,
}
"""Every column of ``user`` and the attribute it is mapped under."""

USER_COLUMNS = list(USER_ATTRIBUTES)

NOTES_TABLE = 'note:s `100%` "x"'
NOTES_COLUMNS = ["id", "ord`er", "order"]

USER_ROWS = [(1, "a", "B", "ç", "x"), (2, "d", "E", "ñ", "y")]
"""The first five columns of each ``user`` row; the rest hold ``v<row>`` (``1st`` the row number)."""


def _user_row(row: tuple[object, ...]) -> str:
    rest = [f"'v{row[0]}'"] * (len(USER_COLUMNS) - len(row))
    rest[USER_COLUMNS.index("1st") - len(row)] = str(row[0])
    return "(" + ", ".join([str(row[0])] + [f"'{value}'" for value in row[1:]] + rest) + ")"


async def _build(url: str) -> None:
    engine, _ = await connect(url, read_only=False)
    quote = engine.dialect.identifier_preparer.quote
    user, order, notes = quote("user"), quote("order"), quote(NOTES_TABLE)
    columns = ", ".join(f"{quote(name)} {'INTEGER' if name == '1st' else 'VARCHAR(30)'}" for name in USER_COLUMNS[1:])
    try:
        async with engine.begin() as conn:
            statements = [
                f"CREATE TABLE {user} ({quote('id')} INTEGER PRIMARY KEY, {columns})",
                f"CREATE TABLE {order} ({quote('id')} INTEGER PRIMARY KEY, "
                f"{quote('user id')} INTEGER REFERENCES {user} ({quote('id')}), {quote('from')} VARCHAR(30))",
                f"CREATE TABLE {notes} ({quote('id')} INTEGER PRIMARY KEY, {quote('ord`er')} INTEGER, "
                f"{quote('order')} VARCHAR(30), FOREIGN KEY ({quote('ord`er')}) REFERENCES {order} ({quote('id')}))",
                f"INSERT INTO {user} VALUES {', '.join(_user_row(row) for row in USER_ROWS)}",
                f"INSERT INTO {order} VALUES (1, 1, 'p'), (2, 1, 'q'), (3, 2, 'r')",
                f"INSERT INTO {notes} VALUES (1, 1, 'n1'), (2, 1, 'n2'), (3, 3, 'n3'), (4, 3, 'n4')",
            ]
            for statement in statements:
                await conn.exec_driver_sql(statement)  # text() would read ':b' in a name as a parameter
    finally:
        await engine.dispose()


hostile_db = database_fixture("hostile_db", _build)
