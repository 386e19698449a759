"""PostgreSQL's columns, keys, foreign keys, indexes, checks and table comments of some tables, by pg_catalog queries of our own.

The Inspector's bulk calls were most of a 2,000-table catalog's client time
(benchmarks/large_schema.py): each looks the tables' oids up again, is
compiled from a SQLAlchemy expression, builds a row mapping per row and
parses every foreign key back out of ``pg_get_constraintdef``'s text. Here
the schema's oids are read once (``pg_oids``) and every query of a chunk
starts from its tables' oids, an index lookup, where a filter on names
compared each of pg_class's rows with every name of the chunk. Keys and
indexes come back as column numbers, named from the chunk's own columns:
naming them in the server (a subquery per key) was half of those queries.

The facts are the Inspector's (tests/test_pg_keys.py compares them on
awkward tables), shaped as its bulk calls return them, so ``schema._table``
reads either. One difference is a fix: a foreign key's target schema is the
target's own, where the Inspector gives none (and so the reflected schema)
for a target in another schema on the search path.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

_OIDS_SQL = """
SELECT c.relname, c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = :schema AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
"""

# Columns, types in the server's own words (format_type): ten times faster than the Inspector's
# get_multi_columns, which parses every type into a SQLAlchemy type only for us to render it back to text.
# Defaults and comments are looked up per column by index: joined, they made PostgreSQL hash all of
# pg_attrdef and pg_class for every chunk (a third slower).
_DEFAULT = "(SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum)"
_COLUMNS_SQL = f"""
SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       CASE WHEN a.atthasdef AND a.attgenerated = '' THEN {_DEFAULT} END,
       (SELECT ds.description FROM pg_catalog.pg_description ds
        WHERE ds.objoid = a.attrelid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum),
       CASE WHEN a.atthasdef AND a.attgenerated <> '' THEN {_DEFAULT} END,
       CASE WHEN a.attgenerated <> '' THEN a.attgenerated = 's' END
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
WHERE c.oid = ANY(:oids) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

# Primary keys and unique constraints: the key columns of the constraint's index (INCLUDE columns left out), in
# index order, as SQLAlchemy reads them.
_KEYS_SQL = """
SELECT c.relname, con.contype::text, con.conname, i.indkey, i.indnkeyatts, {nulls_not_distinct}
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
WHERE con.conrelid = ANY(:oids) AND con.contype IN ('p', 'u')
ORDER BY c.relname, con.conname
"""

# Foreign keys, the target's columns named here (the target may be in another chunk or schema); an ON DELETE
# SET NULL/DEFAULT's definition is read only for its column list (PostgreSQL 15+).
_FOREIGN_KEYS_SQL = """
SELECT c.relname, con.conname, con.conkey, tn.nspname, t.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.position),
       con.confupdtype::text, con.confdeltype::text,
       CASE WHEN con.confdeltype IN ('n', 'd') THEN pg_catalog.pg_get_constraintdef(con.oid, true) END,
       con.condeferrable, con.condeferred, con.confmatchtype::text
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class t ON t.oid = con.confrelid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
WHERE con.conrelid = ANY(:oids) AND con.contype = 'f'
ORDER BY c.relname, con.conname
"""

# Indexes other than the primary key's: key elements, an expression (column number 0) as pg_get_indexdef spells it;
# whether a unique or exclusion constraint owns it; a partial index's predicate, its access method and the key
# columns' operator classes where not their type's default, as the Inspector reads them (INCLUDE columns are the
# keys past indnkeyatts).
_INDEXES_SQL = """
SELECT c.relname, ic.relname, i.indisunique, i.indkey, i.indnkeyatts,
       CASE WHEN 0 = ANY(i.indkey) THEN
            ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k) END,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid),
       EXISTS (SELECT FROM pg_catalog.pg_constraint con
               WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')),
       am.amname, {nulls_not_distinct}, i.indoption::int2[],
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS k(opclass, position)
             JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass ORDER BY k.position)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
WHERE i.indrelid = ANY(:oids) AND NOT i.indisprimary
ORDER BY c.relname, ic.relname
"""

# Check constraints of the tables (a domain's have no conrelid, so they stay the domain's), each expression as
# pg_get_expr spells it pretty-printed: what the Inspector reads out of pg_get_constraintdef's "CHECK (...)" text.
_CHECKS_SQL = """
SELECT c.relname, con.conname, pg_catalog.pg_get_expr(con.conbin, con.conrelid, true)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
WHERE con.conrelid = ANY(:oids) AND con.contype = 'c'
ORDER BY c.relname, con.conname
"""

_COMMENTS_SQL = """
SELECT c.relname, d.description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_description d
  ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.oid = ANY(:oids)
"""

_ACTIONS = {"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
"""pg_constraint's action codes as the Inspector names them; 'a' (NO ACTION, the default) it leaves out."""

_MATCHES = {"f": "FULL", "p": "PARTIAL"}
"""pg_constraint's match types as the Inspector names them; 's' (SIMPLE, the default) it leaves out."""

_SET_COLUMNS = re.compile(r"ON DELETE (SET (?:NULL|DEFAULT)(?:\s\(.+\))?)")
"""ON DELETE SET NULL/DEFAULT with its column list, as the Inspector's pattern reads it from the definition."""


def _sorting(option: int) -> tuple[str, ...]:
    """An index key's ordering from its ``indoption`` bits (1: DESC, 2: NULLS FIRST), as the Inspector names it: only
    what differs from ASC NULLS LAST, or from DESC's own default, NULLS FIRST."""
    if option & 1:
        return ("desc",) if option & 2 else ("desc", "nulls_last")
    return ("nulls_first",) if option & 2 else ()


def _nulls_not_distinct(conn: Connection) -> str:
    """The select-list item saying whether a unique index treats NULLs as equal: ``UNIQUE NULLS NOT DISTINCT``,
    PostgreSQL 15's; before it no index did, and ``pg_index`` has no such column."""
    version = conn.dialect.server_version_info or ()
    return "i.indnullsnotdistinct" if tuple(version[:1]) >= (15,) else "false"


def pg_oids(conn: Connection, schema: str) -> dict[str, int]:
    """Every table's and view's oid in ``schema``, by name: what the chunks' queries start from."""
    return dict(conn.execute(text(_OIDS_SQL), {"schema": schema}).all())


def _rows(conn: Connection, sql: str, oids: list[int]) -> Any:
    """``sql``'s rows for some tables' oids, bound as one array: 200 parameters (an expanding IN) cost
    PostgreSQL a tenth more time per chunk to plan and run, and SQLAlchemy a statement to render each time."""
    return conn.execute(text(sql), {"oids": oids})


def pg_described(conn: Connection, oids: list[int]) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, dict[str, Any]]]:
    """Some tables' columns, and their keys, unique constraints, foreign keys, indexes, checks and comments.

    Columns: table name -> (name, type text, nullable, default, comment,
    generated expression, stored) of each, in order. The rest is keyed as
    ``schema._bulk``'s, in the Inspector's bulk calls' shapes.
    """
    columns: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    numbered: dict[str, dict[int, str]] = defaultdict(dict)
    for table, number, *column in _rows(conn, _COLUMNS_SQL, oids):
        columns[table].append(tuple(column))
        numbered[table][number] = column[0]
    return columns, _facts(conn, oids, numbered)


def _facts(conn: Connection, oids: list[int], numbered: dict[str, dict[int, str]]) -> dict[str, dict[str, Any]]:
    """Everything but the columns; ``numbered`` names each table's columns by number."""
    facts: dict[str, dict[str, Any]] = {
        "pk": {},
        "uniques": defaultdict(list),
        "fks": defaultdict(list),
        "indexes": defaultdict(list),
    }
    nulls = _nulls_not_distinct(conn)
    for table, kind, name, keys, key_count, not_distinct in _rows(conn, _KEYS_SQL.format(nulls_not_distinct=nulls), oids):
        columns = [numbered[table][number] for number in keys[:key_count]]
        if kind == "p":
            facts["pk"][table] = {"name": name, "constrained_columns": columns}
        else:
            unique: dict[str, Any] = {"name": name, "column_names": columns}
            if not_distinct:
                unique["dialect_options"] = {"postgresql_nulls_not_distinct": True}
            facts["uniques"][table].append(unique)
    for (
        table, name, keys, target_schema, target, target_columns, on_update, on_delete, definition,
        deferrable, deferred, match,
    ) in _rows(conn, _FOREIGN_KEYS_SQL, oids):  # fmt: skip
        options = {
            "onupdate": _ACTIONS.get(on_update),
            "ondelete": _ACTIONS.get(on_delete),
            "deferrable": True if deferrable else None,  # the Inspector's options: what the definition says
            "initially": "DEFERRED" if deferred else None,
            "match": _MATCHES.get(match),
        }
        matched = _SET_COLUMNS.search(definition) if definition else None
        if matched:
            options["ondelete"] = matched[1]
        facts["fks"][table].append(
            {
                "name": name,
                "constrained_columns": [numbered[table][number] for number in keys],
                "referred_schema": target_schema,
                "referred_table": target,
                "referred_columns": target_columns,
                "options": {key: value for key, value in options.items() if value is not None},
            }
        )
    for table, name, unique, keys, key_count, expressions, where, owned, method, not_distinct, options, classes in _rows(
        conn, _INDEXES_SQL.format(nulls_not_distinct=nulls), oids
    ):
        elements = [
            expressions[position] if number == 0 else numbered[table][number]
            for position, number in enumerate(keys[:key_count])
        ]
        index: dict[str, Any] = {"name": name, "unique": unique, "column_names": elements}
        sorting = {element: _sorting(option) for element, option in zip(elements, options, strict=False) if option}
        if sorting:
            index["column_sorting"] = sorting
        kept: dict[str, Any] = {"postgresql_include": [numbered[table][number] for number in keys[key_count:]]}
        if where is not None:
            kept["postgresql_where"] = where
        if method != "btree":
            kept["postgresql_using"] = method
        ops = {element: opclass for element, opclass in zip(elements, classes, strict=False) if opclass is not None}
        if ops:
            kept["postgresql_ops"] = ops
        if not_distinct:
            kept["postgresql_nulls_not_distinct"] = True
        index["dialect_options"] = kept
        if owned:
            index["duplicates_constraint"] = name
        facts["indexes"][table].append(index)
    facts["comments"] = {table: {"text": comment} for table, comment in _rows(conn, _COMMENTS_SQL, oids)}
    facts["checks"] = defaultdict(list)
    for table, name, expression in _rows(conn, _CHECKS_SQL, oids):
        facts["checks"][table].append({"name": name, "sqltext": expression})
    return facts
