"""How catalog facts read: the schema tree, the table detail pane and ``sqla-tui schema``.

One wording for a column's key markers, a foreign key or a relationship's
direction, so no two views disagree about what a foreign key is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqla_tui.core.catalog.directions import ONE_TO_MANY
from sqla_tui.core.grammar import counted

if TYPE_CHECKING:  # `sqla-tui schema --help` must not load SQLAlchemy (tests/test_import_hygiene.py)
    from sqla_tui.core.catalog.naming import RelationshipInfo
    from sqla_tui.core.catalog.schema import CheckInfo, ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo, UniqueInfo


def column_keys(table: TableInfo, column: ColumnInfo) -> str:
    """``PK``, ``FK → users.id`` (one per foreign key through this column), space-separated."""
    marks = ["PK"] if column.primary_key else []
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            target = fk.target_columns[fk.columns.index(column.name)]
            marks.append(f"FK → {target_table(table, fk)}.{target}")
    return " ".join(marks)


def direction(relationship: RelationshipInfo) -> str:
    """many-to-one, one-to-many or many-to-many; one-to-many with a single row reads one-to-one."""
    if relationship.direction == ONE_TO_MANY and not relationship.uselist:
        return "one-to-one"
    return relationship.direction.replace("_", "-")


def via(relationship: RelationshipInfo) -> str:
    """The foreign key columns (or the association table) a relationship follows."""
    return ", ".join(relationship.via)


def row_estimate(table: TableInfo) -> str:
    """``~1,234 rows`` from the statistics, ``1,234 rows`` when counted, or nothing when the database keeps no
    estimate (views, fresh tables)."""
    if table.row_estimate is None:
        return ""
    return f"{'' if table.row_count_exact else '~'}{counted(table.row_estimate, 'row')}"


def partitioning(table: TableInfo) -> str:
    """``partitioned by RANGE (created)``, ``partition of events FOR VALUES ...``, both, or nothing."""
    facts = []
    if table.partition_of is not None:
        facts.append(f"partition of {table.partition_of} {table.partition_bound or ''}".rstrip())
    if table.partitioned_by is not None:
        facts.append(f"partitioned by {table.partitioned_by}")
    return ", ".join(facts)


def target_table(table: TableInfo, fk: ForeignKeyInfo) -> str:
    """The table a foreign key points at: ``users``, or ``billing.users`` in another schema (MySQL: database)."""
    return fk.target_table if fk.target_schema == table.schema else f"{fk.target_schema}.{fk.target_table}"


def foreign_key_line(table: TableInfo, fk: ForeignKeyInfo) -> str:
    """``(user_id) → users (id)  on delete CASCADE``, and ``match FULL``, ``deferrable initially DEFERRED``."""
    actions = "".join(f"  on {verb} {action}" for verb, action in (("delete", fk.ondelete), ("update", fk.onupdate)) if action)
    actions += f"  match {fk.match}" if fk.match else ""
    if fk.deferrable:
        actions += "  deferrable" + (f" initially {fk.initially}" if fk.initially else "")
    return f"({', '.join(fk.columns)}) → {target_table(table, fk)} ({', '.join(fk.target_columns)}){actions}"


def unique_line(unique: UniqueInfo) -> str:
    """``(email)  uq_users_email``, and ``nulls not distinct``."""
    line = f"({', '.join(unique.columns)})" + (f"  {unique.name}" if unique.name else "")
    return f"{line}  nulls not distinct" if unique.nulls_not_distinct else line


def check_line(check: CheckInfo) -> str:
    """``ck_price: price > 0``; an unnamed check (SQLite's) is its expression alone."""
    return check.sqltext if check.name is None else f"{check.name}: {check.sqltext}"


def key_lines(table: TableInfo) -> list[str]:
    """The table's primary key, foreign keys and unique constraints, one line each."""
    lines = [f"PK ({', '.join(table.primary_key)})"] if table.primary_key else []
    lines += [f"FK {foreign_key_line(table, fk)}" for fk in table.foreign_keys]
    lines += [f"UQ {unique_line(unique)}" for unique in table.unique_constraints]
    return lines


def index_line(index: IndexInfo) -> str:
    """``ix_posts_user_id (user_id) unique``, a partial one's ``where deleted_at IS NULL``, a prefix's ``body(10)``,
    MariaDB's ``ft fulltext (body)``, and PostgreSQL's ``using gin``, ``body text_pattern_ops``, ``created_at DESC NULLS
    LAST``, ``include (id)``."""
    lengths, ops, sorting = dict(index.lengths), dict(index.ops), dict(index.sorting)
    columns = ", ".join(
        f"{column}({lengths[column]})" if column in lengths else " ".join(
            part for part in (column, ops.get(column), sorting.get(column)) if part
        )
        for column in index.columns
    )  # fmt: skip
    line = f"{index.name or '(unnamed)'}" + (f" {index.kind.lower()}" if index.kind else "")
    line += (f" using {index.method}" if index.method else "") + f" ({columns})"
    line += f" include ({', '.join(index.include)})" if index.include else ""
    line += " unique" if index.unique else ""
    line += " nulls not distinct" if index.nulls_not_distinct else ""
    return line if index.where is None else f"{line} where {index.where}"


def relationship_line(relationship: RelationshipInfo) -> str:
    """``sender  many-to-one → users  via messages.sender_id``."""
    return f"{relationship.name}  {direction(relationship)} → {relationship.target}  via {via(relationship)}"
