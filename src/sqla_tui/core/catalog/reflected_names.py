"""Names as the database spells them, where SQLAlchemy's reflection hands back their quoted form.

SQLAlchemy reads MySQL/MariaDB columns, keys and indexes out of ``SHOW CREATE
TABLE``, where a backtick inside a name is written twice, and keeps it
doubled: a column named ``a`b`` reflects as ``a``b``, is quoted again to
```a````b```, and every query over its table (or joined to it) fails with
"Unknown column". Table names are unescaped there already; these are not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect

_NAME_LISTS = ("constrained_columns", "referred_columns", "column_names")


def as_named(name: str, dialect: Dialect) -> str:
    """A column, key or index name as the database names it, from what the Inspector returned."""
    if dialect.name in ("mysql", "mariadb") and "``" in name:
        return name.replace("``", "`")
    return name


def named_facts(facts: Any, dialect: Dialect) -> Any:
    """One table's reflected key, constraint or index dicts (one, or a list) with every name as the database spells it."""
    if isinstance(facts, list):
        return [named_facts(fact, dialect) for fact in facts]
    if not isinstance(facts, dict) or dialect.name not in ("mysql", "mariadb"):
        return facts
    named = dict(facts)
    for key in _NAME_LISTS:
        if named.get(key):
            named[key] = [name if name is None else as_named(name, dialect) for name in named[key]]
    if isinstance(named.get("name"), str):
        named["name"] = as_named(named["name"], dialect)
    return named
