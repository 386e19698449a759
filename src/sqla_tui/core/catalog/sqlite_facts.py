"""SQLite's columns, primary keys, foreign keys, unique constraints, indexes and checks of some tables, in four statements.

The Inspector's bulk calls are a loop over tables on SQLite: each table costs
several statements (pragmas run for ``main`` then again for ``temp``, its
CREATE TABLE text looked up by a scan of ``sqlite_master``), and each is a
thread hop through aiosqlite, so 2,000 tables took 11-13 s. Here the pragmas
are table-valued functions joined to ``sqlite_master``, so a whole chunk comes
back in four statements (five or six when a foreign key names no target
columns or an index is partial).

The facts are SQLAlchemy's SQLite dialect's, shaped as its bulk calls return
them (tests/test_sqlite_facts.py compares them on awkward tables): names of
unique, primary and foreign key constraints are found in the CREATE TABLE text
by its own patterns, and what it leaves out stays out (automatic indexes,
expression indexes, a second foreign key identical to the first), with one
exception: a foreign key written inline with its column (``a_id INTEGER
REFERENCES a(id) ON DELETE CASCADE``) keeps the actions SQLite's pragma lists
for it, which the Inspector drops (its pattern reads only ``FOREIGN KEY``
clauses), since a model written from the catalog without them would delete
differently from the database. Columns are the catalog's
own reading: types as declared, generated expressions by ``sqlite_generated``.
Temporary tables are not looked at: the catalog never reads the ``temp`` schema.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from sqla_tui.core.catalog.names import shadow_owner, sqlite_modules
from sqla_tui.core.catalog.sqlite_generated import closing_parenthesis, generated_expressions, unquoted

# SQLAlchemy's own patterns (sqlalchemy/dialects/sqlite/base.py), so names and options are read as it reads them.
_PK_NAME = re.compile(r'CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+PRIMARY\s+KEY', re.I)
_FOREIGN_KEY = re.compile(
    r'(?:CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+)?'
    r"FOREIGN\s+KEY\s*\(\s*(.+?)\s*\)\s+"
    r'REFERENCES\s+(?:(?:"(.+?)")|([a-z0-9_]+))\s*\(\s*((?:"[^"]+"|[a-z0-9_]+)(?:(?:\s*,\s*|\s+)(?:"[^"]+"|[a-z0-9_]+))*\s*)\)\s*'
    r"((?:ON\s+(?:DELETE|UPDATE)\s+"
    r"(?:SET\s+NULL|SET\s+DEFAULT|CASCADE|RESTRICT|"
    r"NO\s+ACTION)\s*)*)"
    r"((?:NOT\s+)?DEFERRABLE)?"
    r"(?:\s+INITIALLY\s+(DEFERRED|IMMEDIATE))?",
    re.I,
)
_UNIQUE = re.compile(r'(?:CONSTRAINT\s+(?:"(.+?)"|(\w+))\s+)?UNIQUE\s*\((.+?)\)', re.I)
_INLINE_UNIQUE = re.compile(
    r'(?:(".+?")|(?:[\[`])?([a-z0-9_]+)(?:[\]`])?)[\t ]+[a-z0-9_]+(?:[\t ]+[a-z0-9_]+)*?[\t ]+UNIQUE', re.I
)
_COLUMN_IN_SIGNATURE = re.compile(r'(?:"(.+?)")|([a-z0-9_]+)', re.I)
_PARTIAL_PREDICATE = re.compile(r"\)\s+where\s+(.+)", re.I)
_CHECK = re.compile(
    r"""(?<![A-Za-z0-9_])(?:CONSTRAINT\s+("(?:[^"]|"")+"|'(?:[^']|'')+'|\[(?:[^\]]|\]\])+\]|`(?:[^`]|``)+`|\S+)\s+)?"""
    r"CHECK\s*\(",
    re.I,
)
"""A check's start, with its name if it has one: SQLAlchemy's pattern; the expression runs to the parenthesis
closing the one it ends with."""
_ORDERED = re.compile(r"(?:\s+COLLATE\s+\S+)?(?:\s+(?:ASC|DESC))?\s*$", re.I)
"""An index element's ordering and collation, which are not part of its expression."""
_AUTOINDEX = "sqlite_autoindex"
_CREATE_BODY = r"create table .*?\((.*)\)(?:\s*,?\s*(?:WITHOUT\s+ROWID|STRICT))*$"
_GENERATED_AS = r"[^,]*\s+GENERATED\s+ALWAYS\s+AS\s+\((.*)\)\s*(?:virtual|stored)?"

# Each statement reads one kind of fact for every table of the chunk; ``{master}`` is the schema's sqlite_master,
# ``{marks}`` the chunk's names, and the first parameter the schema the pragmas read.
_CREATE_SQL = "SELECT name, sql FROM {master} WHERE type IN ('table', 'view') AND name IN ({marks})"
_COLUMNS_SQL = (
    'SELECT m.name, x.cid, x.name, x.type, x."notnull", x.dflt_value, x.pk, x.hidden '
    "FROM {master} AS m, pragma_table_xinfo(m.name, ?) AS x "
    "WHERE m.type IN ('table', 'view') AND m.name IN ({marks}) AND x.hidden <> 1"
)
_FOREIGN_KEYS_SQL = (
    'SELECT m.name, f.id, f.seq, f."table", f."from", f."to", f.on_update, f.on_delete '
    "FROM {master} AS m, pragma_foreign_key_list(m.name, ?) AS f "
    "WHERE m.type IN ('table', 'view') AND m.name IN ({marks})"
)
_INDEXES_SQL = (
    'SELECT m.name, il.name, il."unique", il.partial, ii.seqno, ii.name, ii."desc" '
    "FROM {master} AS m, pragma_index_list(m.name, ?) AS il, pragma_index_xinfo(il.name, ?) AS ii "
    "WHERE m.type IN ('table', 'view') AND m.name IN ({marks}) AND ii.key"
)
_INDEX_SQL = "SELECT name, sql FROM {master} WHERE type = 'index' AND name IN ({marks})"


SqliteColumn = tuple[str, "str | None", bool, "str | None", None, "str | None", "bool | None"]
"""(name, type as declared or None, nullable, default, comment, generated expression, stored) of one column."""


def sqlite_described(
    conn: Connection, schema: str, reflect_schema: str | None, names: Sequence[str]
) -> tuple[dict[str, list[SqliteColumn]], dict[str, dict[str, Any]]]:
    """Some tables' and views' columns, and their keys, foreign keys, unique constraints and indexes.

    Columns: table name -> its columns in order (SQLite's own hidden ones,
    such as a full-text table's, left out); a name SQLite has no columns for
    is absent. The rest is keyed as ``schema._bulk``'s, each fact by table
    name in the Inspector's bulk calls' shapes, every name present.
    ``reflect_schema`` is what the Inspector was given (None for ``main``):
    it is each foreign key's ``referred_schema``, as there.
    """
    if not names:
        return {}, {"pk": {}, "fks": {}, "uniques": {}, "indexes": {}, "checks": {}, "comments": {}}
    master = f'"{schema.replace(chr(34), chr(34) * 2)}".sqlite_master'

    def rows(sql: str, values: Sequence[str], *pragma_schemas: str) -> list[Any]:
        marks = ", ".join("?" for _ in values)
        return list(conn.exec_driver_sql(sql.format(master=master, marks=marks), (*pragma_schemas, *values)))

    create = dict(rows(_CREATE_SQL, names))
    column_rows = rows(_COLUMNS_SQL, names, schema)
    columns = _columns(column_rows, create)
    pk_columns = _pk_columns(column_rows)
    indexes = _indexes(rows(_INDEXES_SQL, names, schema, schema), lambda wanted: rows(_INDEX_SQL, wanted))
    foreign_key_rows = rows(_FOREIGN_KEYS_SQL, names, schema)
    implied = sorted({row[3] for row in foreign_key_rows if not row[5]} - set(pk_columns))  # targets' keys to read
    if implied:
        pk_columns |= _pk_columns(rows(_COLUMNS_SQL, implied, schema))
        create |= {name: sql for name, sql in rows(_CREATE_SQL, implied) if name not in create}
    by_table: dict[str, list[Any]] = defaultdict(list)
    for row in sorted(foreign_key_rows, key=lambda row: (row[1], row[2])):  # the pragma's own order
        by_table[row[0]].append(row[1:])
    return columns, {
        "pk": {name: _pk(create.get(name), pk_columns.get(name, [])) for name in names},
        "fks": {
            name: _foreign_keys(create.get(name), by_table[name], reflect_schema, create, pk_columns) for name in names
        },
        "uniques": {name: _uniques(create.get(name), indexes.get(name, [])) for name in names},
        "indexes": {
            name: [index for index in indexes.get(name, []) if not index["name"].startswith(_AUTOINDEX)]
            for name in names
        },
        "checks": {name: _checks(create.get(name) or "") for name in names},
        "comments": {},
    }


def _columns(rows: list[Any], create: dict[str, str | None]) -> dict[str, list[SqliteColumn]]:
    """Table name -> its columns from pragma_table_xinfo's rows; a generated column's expression from the CREATE
    TABLE text (``sqlite_generated``), or by SQLAlchemy's pattern where that finds none."""
    found: dict[str, list[tuple[int, SqliteColumn]]] = defaultdict(list)
    expressions: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, number, name, declared, not_null, default, _, hidden in rows:
        generated: tuple[str | None, bool | None] = (None, None)
        if hidden in (2, 3):  # 2: computed when read (VIRTUAL), 3: STORED
            if table not in expressions:
                expressions[table] = generated_expressions(create.get(table) or "")
            generated = expressions[table].get(name) or (
                _dialects_expression(create.get(table) or "", name),
                hidden == 3,
            )
        column = (name, declared or None, not not_null, None if default is None else str(default), None, *generated)
        found[table].append((number, column))
    return {
        table: [column for _, column in sorted(columns, key=lambda entry: entry[0])] for table, columns in found.items()
    }


def _dialects_expression(create_sql: str, name: str) -> str:
    """A generated column's expression as SQLAlchemy's pattern reads it (greedy: to the last parenthesis)."""
    body = re.match(_CREATE_BODY, create_sql.strip(), re.DOTALL | re.I)
    found = body and re.search(re.escape(name) + _GENERATED_AS, body[1].strip(), re.I)
    return found[1] if found else ""


def _pk_columns(rows: list[Any]) -> dict[str, list[str]]:
    """Table name -> its primary key's columns in key order, from pragma_table_xinfo's rows."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for table, _, column, _, _, _, position, _ in rows:
        if position > 0:
            found[table].append((position, column))
    return {table: [column for _, column in sorted(columns)] for table, columns in found.items()}


def _pk(create_sql: str | None, columns: list[str]) -> dict[str, Any]:
    """A primary key as the Inspector gives it: its name only if the CREATE TABLE gives one."""
    if not columns:
        return {"name": None, "constrained_columns": []}
    named = _PK_NAME.search(create_sql) if create_sql else None
    return {"constrained_columns": list(columns), "name": named and (named[1] or named[2])}


def _foreign_keys(
    create_sql: str | None,
    rows: list[tuple[Any, ...]],
    reflect_schema: str | None,
    create: dict[str, str | None],
    pk_columns: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """One table's foreign keys from its pragma rows (id, seq, target, column, target column, actions), named and
    given their options from the CREATE TABLE text where SQLAlchemy's pattern finds them there; the rest as the
    pragma says, in its order, with the pragma's actions.

    A key that names no target columns refers to the target's primary key, and to no columns when the target is
    missing (SQLAlchemy looks the target up by its exact name, so a target spelt in another case is missing too).
    """
    keys: dict[int, dict[str, Any]] = {}
    for number, _, target, column, target_column, on_update, on_delete in rows:
        if number not in keys:
            keys[number] = {
                "name": None,
                "constrained_columns": [],
                "referred_schema": reflect_schema,
                "referred_table": target,
                "referred_columns": [] if target_column or target not in create else list(pk_columns.get(target, [])),
                "options": {
                    f"on{event}": action
                    for event, action in (("update", on_update), ("delete", on_delete))
                    if action and action != "NO ACTION"
                },
            }
        keys[number]["constrained_columns"].append(column)
        if target_column:
            keys[number]["referred_columns"].append(target_column)
    by_signature = {
        _signature(key["constrained_columns"], key["referred_table"], key["referred_columns"]): key
        for key in keys.values()
    }
    found = []
    for name, columns, target, target_columns, options in _parsed_foreign_keys(create_sql or ""):
        key = by_signature.pop(_signature(columns, target, target_columns), None)
        if key is not None:  # SQLAlchemy warns of a parsed key the pragma does not have, and leaves it out
            found.append({**key, "name": name, "options": options})
    return found + list(by_signature.values())


def _signature(columns: list[str], target: str, target_columns: list[str]) -> tuple[str, ...]:
    return (*columns, target, *target_columns)


def _parsed_foreign_keys(create_sql: str) -> Iterator[tuple[str | None, list[str], str, list[str], dict[str, Any]]]:
    """(name, columns, target, target columns, options) of each ``FOREIGN KEY`` clause the pattern finds."""
    for match in _FOREIGN_KEY.finditer(create_sql):
        quoted, plain, columns_text, quoted_target, target, target_columns_text, actions, deferrable, initially = (
            match.group(1, 2, 3, 4, 5, 6, 7, 8, 9)
        )
        columns = list(_columns_in(columns_text))
        target_columns = list(_columns_in(target_columns_text)) if target_columns_text else columns
        options: dict[str, Any] = {}
        for action in re.split(r" *\bON\b *", re.sub(r"\s+", " ", actions.upper()).strip()):
            for event in ("DELETE", "UPDATE"):
                if action.startswith(event) and (taken := action[6:].strip()) and taken != "NO ACTION":
                    options[f"on{event.lower()}"] = taken
        if deferrable:
            options["deferrable"] = "NOT" not in deferrable.upper()
        if initially:
            options["initially"] = initially.upper()
        yield quoted or plain, columns, quoted_target or target, target_columns, options


def _columns_in(signature: str) -> Iterator[str]:
    """Column names in a constraint's column list, as SQLAlchemy picks them out (quoted, or letters and digits)."""
    for match in _COLUMN_IN_SIGNATURE.finditer(signature):
        yield match[1] or match[2]


def _indexes(rows: list[Any], index_sql: Any) -> dict[str, list[dict[str, Any]]]:
    """Table name -> its indexes, automatic ones included, sorted by name.

    ``rows`` are (table, index, unique, partial, position, column, descending); a partial index's predicate, and an
    expression index's expressions, are read from its CREATE INDEX text by ``index_sql(names)``, one
    statement for all of them. The Inspector skips an expression index ("unsupported reflection"); here its
    expression takes a column's place, as PostgreSQL's does, so ``models`` writes it and ``schema`` shows it.
    """
    columns: dict[tuple[str, str], list[tuple[int, str | None, int]]] = defaultdict(list)
    described: dict[tuple[str, str], tuple[int, int]] = {}
    for table, index, unique, partial, position, column, descending in rows:
        columns[table, index].append((position, column, descending))
        described[table, index] = (unique, partial)
    expressed = {index for (_, index), listed in columns.items() if any(column is None for _, column, _ in listed)}
    wanted = sorted(expressed | {index for (_, index), (_, partial) in described.items() if partial})
    predicates, elements = {}, {}
    for index, sql in index_sql(wanted) if wanted else []:
        matched = _PARTIAL_PREDICATE.search(sql or "")
        if matched:  # SQLAlchemy warns that it could not find the predicate, and leaves it out
            predicates[index] = text(matched[1])
        elements[index] = _index_elements(sql or "")
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (table, index), (unique, _) in sorted(described.items(), key=lambda item: item[0][1]):
        keys = sorted(columns[table, index], key=lambda entry: entry[0])
        names = [column for _, column, _ in keys]
        if None in names:
            written = elements.get(index) or []
            if len(written) != len(names):  # a text it could not read: left out, as the Inspector leaves it
                continue
            names = [
                name if name is not None else _ORDERED.sub("", element)
                for name, element in zip(names, written, strict=True)
            ]
        options = {"sqlite_where": predicates[index]} if index in predicates else {}
        found[table].append({"name": index, "column_names": names, "unique": unique, "dialect_options": options})
        if descending := {name: ("desc",) for name, (_, _, desc) in zip(names, keys, strict=True) if desc}:
            found[table][-1]["column_sorting"] = descending  # as the Inspector names PostgreSQL's
    return found


def _index_elements(create_sql: str) -> list[str]:
    """The elements of a CREATE INDEX's column list as written (``lower(e)``, ``a DESC``): its first parenthesis
    outside quotes opens it, and commas outside parentheses and quotes part it."""
    elements: list[str] = []
    depth, quote, start = 0, "", -1
    closing = {"'": "'", '"': '"', "`": "`", "[": "]"}
    for position, char in enumerate(create_sql):
        if quote:
            quote = "" if char == closing[quote] else quote  # a doubled quote closes and opens again: the same text
        elif char in closing:
            quote = char
        elif char == "(":
            depth += 1
            if depth == 1 and start < 0:
                start = position + 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0 and start >= 0:
                return [*elements, create_sql[start:position].strip()]
        elif char == "," and depth == 1 and start >= 0:
            elements.append(create_sql[start:position].strip())
            start = position + 1
    return []


def _checks(create_sql: str) -> list[dict[str, Any]]:
    """A table's checks from its CREATE TABLE text as the Inspector reads them, named ones first by name, but for a
    doubled quote in a name, which is single here as in SQLite's own catalog (the Inspector keeps it doubled)."""
    found = []
    for match in _CHECK.finditer(create_sql):
        close = closing_parenthesis(create_sql, match.end() - 1)
        if close is not None:
            name = match[1] and unquoted(match[1])
            found.append({"sqltext": create_sql[match.end() : close].strip(), "name": name})
    return sorted(found, key=lambda check: check["name"] or "~")


def _uniques(create_sql: str | None, indexes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unique constraints: those the CREATE TABLE text declares (by SQLAlchemy's patterns) that SQLite keeps as an
    automatic index, each index claimed once; a ``CREATE UNIQUE INDEX`` is an index, not a constraint."""
    automatic = {tuple(index["column_names"]) for index in indexes if index["name"].startswith(_AUTOINDEX)}
    if not automatic:  # nothing to claim: the patterns are most of the time of a chunk without constraints
        return []
    found = []
    for name, columns in _parsed_uniques(create_sql or ""):
        if tuple(columns) in automatic:
            automatic.discard(tuple(columns))
            found.append({"name": name, "column_names": columns})
    return found


def _parsed_uniques(create_sql: str) -> Iterator[tuple[str | None, list[str]]]:
    """(name, columns) of each ``UNIQUE (...)`` clause, then of each column declared ``UNIQUE`` inline (unnamed)."""
    for match in _UNIQUE.finditer(create_sql):
        yield match[1] or match[2], list(_columns_in(match[3]))
    for match in _INLINE_UNIQUE.finditer(create_sql):
        yield None, list(_columns_in(match[1] or match[2]))


def sqlite_virtual_tables(conn: Connection, schema: str) -> dict[str, str]:
    """Virtual tables (FTS5, R*Tree...) and the shadow tables their modules keep, each with why a module of models
    leaves it out: ``create_all`` would make an ordinary table of each, and the virtual table makes its shadows."""
    master = f'"{schema.replace(chr(34), chr(34) * 2)}".sqlite_master'
    rows = conn.exec_driver_sql(f"SELECT name, type, sql FROM {master} WHERE type = 'table'").all()
    modules = sqlite_modules(rows)
    found = {
        name: f"a virtual table ({module}): make it with its CREATE VIRTUAL TABLE" for name, module in modules.items()
    }
    for name, _, _ in rows:
        if name not in modules and (owner := shadow_owner(name, modules)) is not None:
            found[name] = f"a shadow table of {owner} ({modules[owner]}): its CREATE VIRTUAL TABLE makes it"
    return found
