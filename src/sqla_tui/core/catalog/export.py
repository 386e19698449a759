"""Declarative SQLAlchemy 2.x source for a schema, from the bulk catalog and the product's relationship names.

``sqla-tui models`` writes what a person would write by hand: ``Mapped[...]``
and ``mapped_column()``, enums as Python enums, server defaults, indexes and
constraints, pure association tables as ``secondary=`` and association
objects as classes, ``back_populates`` on both sides, ``foreign_keys=`` where
two links join the same pair of tables. Relationship and attribute names are
``core.catalog.naming``'s, the ones the app composes over, so the module
loaded back with ``--models`` maps exactly what the reflected mapping did.
It reads the catalog the app already reads (a handful of bulk queries, one
more for PostgreSQL's enum labels, one for the columns the database
numbers), never ``MetaData.reflect``, and writes each table's columns while
the server reads the next part: a 2,000-table schema takes little more than
reading its catalog (benchmarks/models_export.py).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from sqla_tui.core.catalog.column_types import SA, SA_TYPES, CodeType, Domain, code_type, enum_array_type, enum_values
from sqla_tui.core.catalog.naming import (
    MANY_TO_MANY,
    MANY_TO_ONE,
    Join,
    RelationshipInfo,
    RelationshipPlan,
    attribute_names,
    class_names,
    plan_catalog,
    python_name,
    table_variable,
)
from sqla_tui.core.catalog.schema import (
    Catalog,
    CheckInfo,
    ColumnInfo,
    ForeignKeyInfo,
    IndexInfo,
    TableInfo,
    load_catalog,
)
from sqla_tui.core.catalog.source import (
    INDENT,
    WIDTH,
    Call,
    call,
    import_block,
    literal,
)
from sqla_tui.core.catalog.sqlite_facts import sqlite_virtual_tables
from sqla_tui.core.errors import UserError

LAZY_CHOICES = ("select", "raise", "raise_on_sql")

ORM = "sqlalchemy.orm"
ASYNCIO = "sqlalchemy.ext.asyncio"

_PG_ENUMS_SQL = """
SELECT format_type(t.oid, NULL), e.enumlabel, n.nspname
FROM pg_catalog.pg_enum e JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
ORDER BY t.oid, e.enumsortorder
"""

_PG_DOMAINS_SQL = """
SELECT format_type(t.oid, NULL), t.typname, n.nspname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       (SELECT string_agg(substring(pg_get_constraintdef(c.oid) FROM '^CHECK \\((.*)\\)$'), ' AND ' ORDER BY c.conname)
        FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c')
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""
"""Each domain by the name columns' types give it: its own name and schema, base type, NOT NULL and checks."""

_INCREMENTS_SQL = {
    # identity columns, and serial ones: a default taking the next value of the sequence the column owns (its
    # pg_depend 'a' entry), which create_all makes again for an integer key; another sequence's is a default
    "postgresql": (
        "SELECT c.relname, a.attname, CASE a.attidentity WHEN 'a' THEN 'always' ELSE 'identity' END "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = coalesce(:schema, current_schema()) AND a.attidentity <> '' AND NOT a.attisdropped "
        "UNION ALL "
        "SELECT c.relname, a.attname, 'serial' "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "JOIN pg_catalog.pg_depend used ON used.classid = 'pg_catalog.pg_attrdef'::regclass AND used.objid = d.oid "
        "AND used.refclassid = 'pg_catalog.pg_class'::regclass "
        "JOIN pg_catalog.pg_depend owned ON owned.classid = 'pg_catalog.pg_class'::regclass "
        "AND owned.objid = used.refobjid AND owned.refobjid = c.oid AND owned.refobjsubid = a.attnum "
        "AND owned.deptype = 'a' "
        "WHERE n.nspname = coalesce(:schema, current_schema()) AND NOT a.attisdropped"
    ),
    "mysql": (
        "SELECT table_name, column_name, 'auto' FROM information_schema.columns "
        "WHERE table_schema = coalesce(:schema, database()) AND extra LIKE '%auto_increment%'"
    ),
}
_INCREMENTS_SQL["mariadb"] = _INCREMENTS_SQL["mysql"]
_IDENTITY_START_SQL = (
    "SELECT c.relname, a.attname, s.seqstart, s.seqincrement "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.refobjid = c.oid "
    "AND d.refobjsubid = a.attnum AND d.deptype = 'i' "
    "JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid "
    "WHERE n.nspname = coalesce(:schema, current_schema()) AND a.attidentity <> '' AND NOT a.attisdropped "
    "AND (s.seqstart, s.seqincrement) <> (1, 1)"
)
"""PostgreSQL identity columns that do not count from 1 by 1: (table, column, start, increment)."""
"""Columns numbered by the database that the catalog does not mark: identity columns, MySQL's AUTO_INCREMENT."""


@dataclass(frozen=True)
class ExportOptions:
    """What to write: which tables (all when empty), the relationships' ``lazy=``, and an AsyncAttrs Base or not."""

    tables: tuple[str, ...] = ()
    lazy: str = "select"
    asynchronous: bool = True


@dataclass(frozen=True)
class ModelsSource:
    """A written module and what it holds."""

    text: str
    classes: int
    tables: int
    """Core ``Table``s: association tables and tables without a primary key."""
    enums: int
    skipped: dict[str, str]
    """Tables and views not written, and why (views, partitions, SQLite's virtual tables and their shadows)."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What the catalog does not say and the module needs (``database_facts``); empty where a database has none."""

    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """PostgreSQL's enum labels, by the type's name as a column's type gives it."""
    increments: dict[tuple[str, str], str] | None = None
    """(table, column) -> how the database numbers it: ``identity``, ``always``, ``serial`` or ``auto``; None when
    the dialect has no such columns to tell apart (SQLite's integer key is always its rowid)."""
    domains: dict[str, Domain] = field(default_factory=dict)
    enum_schemas: dict[str, str] = field(default_factory=dict)
    """PostgreSQL's enum types -> the schema each is in."""
    counting: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """PostgreSQL identity columns that do not count from 1 by 1: (start, increment)."""
    virtual: dict[str, str] = field(default_factory=dict)
    """SQLite's virtual tables and their shadow tables -> why the module does not write them."""


async def export_models(engine: AsyncEngine, schema: str | None, options: ExportOptions) -> ModelsSource:
    """The module for one schema (None: the connection's), read with ``load_catalog``.

    Each table's columns are written as soon as its chunk of the catalog
    arrives, while the server works on the next chunk: about half of a
    catalog load is spent waiting on the server, and the columns are most of
    the writing. Relationships, which need every table, are written at the end.
    """
    _check(options)
    writer = _Writer(engine.dialect, options, await database_facts(engine, schema))
    catalog = await load_catalog(engine, schema, on_tables=writer.prewrite)
    return writer.finish(catalog)


async def database_facts(engine: AsyncEngine, schema: str | None) -> DatabaseFacts:
    """What the catalog does not say and the module needs: PostgreSQL's enum labels, domains and the schemas its
    enums are in, the columns the database numbers and where its identity columns start and by what they step,
    SQLite's virtual tables."""
    dialect = engine.dialect.name
    enums: dict[str, tuple[str, ...]] = {}
    increments: dict[tuple[str, str], str] | None = None
    domains: dict[str, Domain] = {}
    enum_schemas: dict[str, str] = {}
    counting: dict[tuple[str, str], tuple[int, int]] = {}
    virtual: dict[str, str] = {}
    async with engine.connect() as conn:
        if dialect == "postgresql":
            grouped: dict[str, list[str]] = defaultdict(list)
            for type_name, label, type_schema in (await conn.execute(text(_PG_ENUMS_SQL))).all():
                grouped[type_name].append(label)
                enum_schemas[type_name] = type_schema
            enums = {name: tuple(labels) for name, labels in grouped.items()}
            domains = {row[0]: Domain(*row[1:]) for row in (await conn.execute(text(_PG_DOMAINS_SQL))).all()}
            rows = (await conn.execute(text(_IDENTITY_START_SQL), {"schema": schema})).all()
            counting = {(table, column): (int(start), int(step)) for table, column, start, step in rows}
        if dialect in _INCREMENTS_SQL:
            rows = (await conn.execute(text(_INCREMENTS_SQL[dialect]), {"schema": schema})).all()
            increments = {(table, column): kind for table, column, kind in rows}
        if dialect == "sqlite":
            virtual = await conn.run_sync(sqlite_virtual_tables, schema or "main")
    return DatabaseFacts(enums, increments, domains, enum_schemas, counting, virtual)


def models_source(
    catalog: Catalog, dialect: Dialect, options: ExportOptions, facts: DatabaseFacts = DatabaseFacts()
) -> ModelsSource:
    """The declarative module for ``catalog`` and the ``facts`` beside it: pure, so it is tested and timed without a
    database."""
    _check(options)
    return _Writer(dialect, options, facts).finish(catalog)


def _check(options: ExportOptions) -> None:
    if options.lazy not in LAZY_CHOICES:
        raise UserError(f"--lazy {options.lazy!r} is not one of {', '.join(LAZY_CHOICES)}")


@dataclass
class _Enum:
    """A Python enum the module defines for one database enum type (or MySQL enum column)."""

    class_name: str
    type_name: str | None  # PostgreSQL's type name; None for MySQL's inline ENUM
    labels: tuple[str, ...]
    schema: str | None = None  # PostgreSQL's schema of the type


@dataclass(frozen=True)
class _OnColumns:
    """What a table states on its columns rather than in ``__table_args__``, worked out once per table."""

    foreign_keys: dict[str, ForeignKeyInfo]
    """The single-column key written as ``ForeignKey()`` on each column (the first, when a column has several)."""
    other_keys: list[ForeignKeyInfo]
    """Composite keys and a column's further keys: ``ForeignKeyConstraint``s."""
    primary_key: frozenset[str]
    """Columns marked ``primary_key=True``: none when the key's order needs a ``PrimaryKeyConstraint``."""
    unique: frozenset[str]
    indexed: frozenset[str]


def _on_columns(table: TableInfo) -> _OnColumns:
    inline: dict[str, ForeignKeyInfo] = {}
    others = []
    for fk in table.foreign_keys:
        first = inline.get(fk.columns[0])
        if len(fk.columns) == 1 and first is None:
            inline[fk.columns[0]] = fk
        elif first is None or (first.target_table, first.target_columns) != (fk.target_table, fk.target_columns):
            others.append(fk)  # a second constraint over the same link (MariaDB keeps two) is one key
    ordered = tuple(c for c in table.column_names() if c in table.primary_key) == table.primary_key
    return _OnColumns(
        foreign_keys=inline,
        other_keys=others,
        primary_key=frozenset(table.primary_key if ordered else ()),
        unique=frozenset(
            unique.columns[0]
            for unique in table.unique_constraints
            if len(unique.columns) == 1
            and not unique.nulls_not_distinct
            and (not unique.name or _default_name("uq", table.name, unique.columns, unique.name))
        ),
        indexed=frozenset(index.columns[0] for index in table.indexes if _index_on_its_column(table, index)),
    )


def _index_on_its_column(table: TableInfo, index: IndexInfo) -> bool:
    """Whether ``index`` is what ``index=True`` on its one column makes: named as SQLAlchemy names it, plain, whole."""
    return (
        len(index.columns) == 1
        and not index.unique
        and index.where is None
        and not (index.lengths or index.method or index.include or index.ops or index.nulls_not_distinct or index.sorting)
        and index.kind is None
        and index.name == f"ix_{table.name}_{index.columns[0]}"
    )


class _Writer:
    """Writes one module; holds the names chosen so every part refers to the others consistently."""

    def __init__(
        self,
        dialect: Dialect,
        options: ExportOptions,
        facts: DatabaseFacts,
    ) -> None:
        self.dialect, self.options, self.domains = dialect, options, facts.domains
        self.enum_labels, self.increments, self.enum_schemas = facts.enums, facts.increments, facts.enum_schemas
        self.counting, self.virtual = facts.counting, facts.virtual
        self.code_types: dict[str, CodeType | tuple[str, ...]] = {}
        self.on_columns: dict[str, _OnColumns] = {}
        self.names: dict[str, set[str]] = defaultdict(set)
        self.modules: set[str] = set()
        self.types: dict[tuple[str, str], CodeType | tuple[str, ...]] = {}
        self.shadowed: set[str] = set()
        self.used: set[str] = set()
        """Module-level names the part being written refers to (``ref``)."""
        self.prewritten: dict[str, tuple[list[str], dict[str, str], frozenset[str]]] = {}
        """Table -> its column lines, the attributes they were written with, and the names they refer to."""
        self.known_tables: frozenset[str] | None = None
        """Every table of the schema, once the whole catalog is in: until then no foreign key dangles."""
        self.sequenced: dict[tuple[str, str], str] = {}
        """(table, column) -> a written default that takes a sequence's next value: the module does not make the sequence."""

    def prewrite(self, tables: list[TableInfo]) -> None:
        """Write the column lines of tables that will surely be classes, as their part of the catalog arrives.

        Tables with an enum column wait for the end (an enum's class name
        depends on every class name), as do tables without a primary key.
        """
        for table in tables:
            if (self.options.tables and table.name not in self.options.tables) or not table.primary_key:
                continue
            if table.name in self.virtual:
                continue
            if table.is_view or table.partition_of is not None or "" in table.column_names():
                continue
            found = [self._column_type(table, column) for column in table.columns]
            if not all(isinstance(code, CodeType) for code in found):
                continue
            self.types.update(((table.name, c.name), code) for c, code in zip(table.columns, found, strict=True))
            attributes = attribute_names(table.column_names())
            self.shadowed, self.used = set(attributes.values()), set()
            lines = self._column_lines(table, attributes)
            self.prewritten[table.name] = (lines, attributes, frozenset(self.used))

    def finish(self, catalog: Catalog) -> ModelsSource:
        """The whole module, once the catalog is read."""
        self._settle(catalog)
        text = self.module()
        return ModelsSource(text, len(self.classes), len(self.core_var), len(self.enums), self.skipped)

    def _settle(self, catalog: Catalog) -> None:
        """Choose the tables, classes, enums and every module-level name."""
        self.catalog = catalog
        self.plan: RelationshipPlan = plan_catalog(catalog)
        tables = self.options.tables
        chosen = [catalog.table(name) for name in tables] if tables else list(catalog.tables)
        self.tables = {table.name: table for table in chosen}
        self.classes = [
            name for name in sorted(self.tables) if name in self.plan.relationships_by_table and name not in self.virtual
        ]
        secondaries = {
            rel.secondary
            for name in self.classes
            for rel in self.plan.relationships(name)
            if rel.secondary is not None and rel.target in self.classes
        }
        self.skipped: dict[str, str] = {}
        self.known_tables = frozenset(table.name for table in catalog.tables) | set(catalog.undescribed)
        for name, table in self.tables.items():
            if any(self._left_out(table, fk) for fk in table.foreign_keys):  # written before the whole catalog was in
                self.prewritten.pop(name, None)
                self.on_columns.pop(name, None)
        core = []
        for name in sorted(set(self.tables) | secondaries):
            table = self.tables.get(name) or catalog.table(name)
            self.tables[name] = table
            if name in self.classes:
                continue
            reason = self.virtual.get(name) or self.plan.unmappable.get(name, "")
            if table.is_view or table.partition_of is not None or "" in table.column_names() or name in self.virtual:
                self.skipped[name] = reason
            else:
                core.append(name)
        self.types.update(
            ((table.name, column.name), self._column_type(table, column))
            for table in self.tables.values()
            if table.name not in self.skipped and table.name not in self.prewritten
            for column in table.columns
        )
        self.enums: dict[tuple[str, ...] | str, _Enum] = {}
        taken = {"Base", *(name for names in self.names.values() for name in names), *self.modules}
        taken |= {name for _, name in _ALWAYS_POSSIBLE}
        self.class_of = class_names(self.classes, taken)
        self._name_enums(taken | set(self.class_of.values()))
        used = taken | set(self.class_of.values()) | {enum.class_name for enum in self.enums.values()}
        self.core_var = {}
        for name in core:
            candidate = base = table_variable(name)
            number = 2
            while candidate in used:
                candidate, number = f"{base}_{number}", number + 1
            used.add(candidate)
            self.core_var[name] = candidate
        self.links = Counter(
            frozenset((table.name, fk.target_table))
            for table in catalog.tables
            for fk in {(fk.columns, fk.target_table): fk for fk in table.foreign_keys}.values()
            if fk.target_schema == table.schema
        )

    # -- names ----------------------------------------------------------------
    def _column_type(self, table: TableInfo, column: ColumnInfo) -> CodeType | tuple[str, ...]:
        """The column's code type, or its enum labels (the enum's class is named once all classes are)."""
        found = self.code_types.get(column.type)
        if found is not None:
            return found
        labels = enum_values(column.type, self.dialect.name, self.enum_labels)
        if labels is not None:
            self.names[SA].add("Enum")
            self.modules.add("enum")
            if column.type in self.enum_labels:  # a MySQL ENUM's labels are the column's own: not shared by text
                self.code_types[column.type] = labels
            return labels
        found = enum_array_type(column.type, self.enum_labels) or code_type(
            column.type, self.dialect, self.domains, table.schema
        )
        self.code_types[column.type] = found
        for module, name in found.names:
            self.names[module].add(name)
        self.modules |= found.modules
        return found

    def _name_enums(self, taken: set[str]) -> None:
        """One enum class per PostgreSQL type, or per MySQL column; CamelCase names that collide with nothing."""
        labelled = sorted((key, found) for key, found in self.types.items() if not isinstance(found, CodeType))
        for (table, column), found in labelled:
            type_text = next(c.type for c in self.tables[table].columns if c.name == column)
            key: tuple[str, ...] | str = type_text if type_text in self.enum_labels else (table, column)
            if key in self.enums:
                continue
            type_name = type_text.split(".")[-1].strip('"') if isinstance(key, str) else None
            words = type_name or f"{table}_{column}"
            base = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", words) if part)
            base = base if base[:1].isalpha() else f"E{base}"
            candidate, number = base, 2
            if candidate in taken:
                candidate = f"{base}Enum"
            while candidate in taken:
                candidate, number = f"{base}Enum{number}", number + 1
            taken.add(candidate)
            self.enums[key] = _Enum(candidate, type_name, found, self.enum_schemas.get(type_text))

    def _enum_of(self, table: str, column: ColumnInfo) -> _Enum:
        return self.enums.get(column.type) or self.enums[(table, column.name)]

    def ref(self, module: str, name: str) -> str:
        """A module-level name as the current class body can reach it: qualified when an attribute shadows it."""
        self.used.add(name)
        if name in self.shadowed:
            self.modules.add(module)
            return f"{module}.{name}"
        self.names[module].add(name)
        return name

    def _builtin(self, name: str) -> str:
        """A builtin as the current class body can reach it: ``builtins.list`` when a column is called ``list``
        (SQLAlchemy reads a relationship's ``Mapped[list[...]]`` among the class's attributes)."""
        if name not in self.shadowed:
            return name
        self.modules.add("builtins")
        return f"builtins.{name}"

    # -- the module -----------------------------------------------------------
    def module(self) -> str:
        parts = [self._enum_source(enum) for enum in sorted(self.enums.values(), key=lambda e: e.class_name)]
        parts.append(self._base())
        parts += [self._core_table(name) for name in self.core_var]
        parts += [self._class(name) for name in self.classes]
        body = "\n\n\n".join(parts)
        head = self._docstring() + "\n\nfrom __future__ import annotations\n\n"
        stdlib = [module for module in self.modules if "." not in module and module != "sqlalchemy"]
        third = [module for module in self.modules if module not in stdlib]
        typing_names = {"typing": self.names.pop("typing")} if "typing" in self.names else {}
        blocks = [import_block(stdlib, typing_names), import_block(third, dict(self.names))]
        return head + "\n\n".join(block for block in blocks if block) + "\n\n\n" + body + "\n"

    def _docstring(self) -> str:
        where = f"schema {self.catalog.schema!r} ({self.catalog.dialect})"
        lines = [f"SQLAlchemy models of {where}, written by ``sqla-tui models``.", ""]
        lines.append("Relationship names are sqla-tui's: many-to-one after the foreign key column,")
        lines.append("collections plural, two links to one table told apart by their foreign keys.")
        if self.skipped or self.catalog.undescribed:
            lines += ["", "Not written as classes or tables:", ""]
            lines += [f"- {name}: {why or 'not mappable'}" for name, why in self.skipped.items()]
            lines += [f"- {name}: could not be described: {why}" for name, why in self.catalog.undescribed.items()]
        for why, heading in _KEYS_LEFT_OUT.items():
            links = [
                f"{table.name} ({', '.join(fk.columns)}) → {_target_name(fk, why)} ({', '.join(fk.target_columns)})"
                for name, table in sorted(self.tables.items())
                if name not in self.skipped
                for fk in table.foreign_keys
                if self._left_out(table, fk) == why
            ]
            if links:
                lines += ["", heading, ""]
                lines += [f"- {link}" for link in links]
        if self.sequenced:
            lines += ["", "Defaults that take a sequence's next value: create the sequence before create_all:", ""]
            lines += [f"- {table}.{column}: {default}" for (table, column), default in sorted(self.sequenced.items())]
        text = "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        return f'"""{text}\n"""'

    def _enum_source(self, enum: _Enum) -> str:
        members = _member_names(enum.labels)
        lines = [f"class {enum.class_name}(enum.Enum):"]
        lines += [f"{INDENT}{member} = {literal(label)}" for member, label in zip(members, enum.labels, strict=True)]
        return "\n".join(lines)

    def _base(self) -> str:
        self.names[ORM].add("DeclarativeBase")
        bases = "DeclarativeBase"
        if self.options.asynchronous:
            self.names[ASYNCIO].add("AsyncAttrs")
            bases = "AsyncAttrs, DeclarativeBase"
        body = []
        if not self.catalog.is_default_schema:
            self.names[SA].add("MetaData")
            body.append(f"metadata = MetaData(schema={literal(self.catalog.schema)})")
        if "NullType" in self.names.get(SA_TYPES, ()):
            # a type SQLAlchemy does not know (SQLite's undeclared one) is NullType, and NullType in mapped_column()
            # means "take it from the annotation": Mapped[Any] fails to map unless Any stands for NullType
            body.append("type_annotation_map = {Any: NullType}")
        return "\n".join([f"class Base({bases}):", *(f"{INDENT}{line}" for line in body or ["pass"])])

    # -- Core tables ------------------------------------------------------------
    def _core_table(self, name: str) -> str:
        table = self.tables[name]
        self.shadowed = set()
        self.names[SA].update({"Table", "Column"})
        arguments = [literal(name), "Base.metadata"]
        arguments += [call("Column", self._column_arguments(table, column, None), 1) for column in table.columns]
        arguments += self._constraints(table, 1)
        arguments += [f"{key}={value}" for key, value in self._table_options(table).items()]
        return (
            f"{self.core_var[name]} = Table(\n"
            + "".join(f"{_indented(argument, 1)},\n" for argument in arguments)
            + ")"
        )

    # -- classes ----------------------------------------------------------------
    def _class(self, name: str) -> str:
        table = self.tables[name]
        attributes = self.plan.attributes(name)
        relationships = [rel for rel in self.plan.relationships(name) if rel.target in self.class_of]
        lines = [f"class {self.class_of[name]}(Base):", f"{INDENT}__tablename__ = {literal(name)}"]
        self.shadowed = set()  # __table_args__ comes first in the body: nothing is shadowed yet
        table_args = self._constraints(table, 2)
        options = self._table_options(table)
        self.shadowed = set(attributes.values()) | {rel.name for rel in relationships}
        if table_args:
            if options:
                table_args.append("{" + ", ".join(f"{literal(k)}: {v}" for k, v in options.items()) + "}")
            one = f"{INDENT}__table_args__ = ({table_args[0].strip()},)"
            if len(table_args) == 1 and "\n" not in table_args[0] and len(one) <= WIDTH:
                lines.append(one)  # a lone item's comma is the tuple's, not a magic trailing comma
            else:
                items = "".join(f"{_indented(argument, 2)},\n" for argument in table_args)
                lines.append(f"{INDENT}__table_args__ = (\n{items}{INDENT})")
        elif options:
            lines.append(
                f"{INDENT}__table_args__ = {{" + ", ".join(f"{literal(k)}: {v}" for k, v in options.items()) + "}"
            )
        lines.append("")
        prewritten, written_with, used = self.prewritten.get(name, (None, None, frozenset()))
        if prewritten is not None and written_with == attributes and not (self.shadowed & used):
            lines += prewritten  # no relationship name shadows what the columns refer to
        else:
            lines += self._column_lines(table, attributes)
        if relationships:
            lines.append("")
            lines += [self._relationship(table, rel, attributes) for rel in relationships]
        self.names[ORM].add("Mapped")
        return "\n".join(lines)

    def _column_lines(self, table: TableInfo, attributes: dict[str, str]) -> list[str]:
        lines = []
        for column in table.columns:
            annotation = self._annotation(table, column)
            prefix = f"{attributes[column.name]}: Mapped[{annotation}] = {self.ref(ORM, 'mapped_column')}"
            lines.append(call(prefix, self._column_arguments(table, column, attributes), 1))
        return lines

    def _annotation(self, table: TableInfo, column: ColumnInfo) -> str:
        found = self.types[(table.name, column.name)]
        python = found.python if isinstance(found, CodeType) else self._enum_of(table.name, column).class_name
        return f"{python} | None" if _nullable(table, column) else python

    def _column_arguments(
        self, table: TableInfo, column: ColumnInfo, attributes: dict[str, str] | None
    ) -> list[str | Call]:
        """``mapped_column()``'s arguments (``attributes``: the class's), or ``Column()``'s for a Core table (None)."""
        core = attributes is None
        arguments: list[str | Call] = []
        if attributes is None or attributes[column.name] != column.name:
            arguments.append(literal(column.name))
        arguments.append(self._type_source(table, column))
        on_columns = self._on_columns(table)
        if column.name in on_columns.foreign_keys:
            arguments.append(self._foreign_key(table, on_columns.foreign_keys[column.name]))
        in_pk = column.name in on_columns.primary_key
        if in_pk:
            arguments.append("primary_key=True")
            arguments += self._numbering(table, column)
        elif core and not _nullable(table, column):
            arguments.append("nullable=False")
        if column.name in on_columns.unique:
            arguments.append("unique=True")
        if column.name in on_columns.indexed:
            arguments.append("index=True")
        if column.generated is not None:
            persisted = "" if column.stored is None else f", persisted={column.stored}"  # VIRTUAL is some databases' default
            arguments.append(f"{self.ref(SA, 'Computed')}({literal(column.generated)}{persisted})")
        elif column.default is not None and not self._implied_default(table, column):
            default = _portable_default(column.default, table.schema, self.dialect.default_schema_name)
            if _SEQUENCE_CALL.search(default):
                self.sequenced[(table.name, column.name)] = default
            arguments.append(f"server_default={self.ref(SA, 'text')}({literal(default)})")
        if column.comment:
            arguments.append(f"comment={literal(column.comment)}")
        return sorted(arguments, key=_is_keyword)  # Identity() or Computed() after primary_key=True would not parse

    def _implied_default(self, table: TableInfo, column: ColumnInfo) -> bool:
        """A default the mapped column makes anyway: a PostgreSQL serial key's own sequence, MySQL's NULL for a
        nullable column.

        Another sequence's next value is not one (``DEFAULT nextval('order_seq')``, a sequence starting at
        1000): create_all would number the key from 1 with a new one; it is written, and the docstring asks for
        the sequence. Nor is MariaDB's ``nextval(`seq`)``: there a lone integer key is made AUTO_INCREMENT instead.
        """
        if column.default is None or column.default.upper() == "NULL":
            return True
        return (
            self.dialect.name == "postgresql"
            and table.primary_key == (column.name,)
            and (self.increments is None or self.increments.get((table.name, column.name)) == "serial")
        )

    def _numbering(self, table: TableInfo, column: ColumnInfo) -> list[str | Call]:
        """How a lone integer key is numbered, where SQLAlchemy's default (a serial/AUTO_INCREMENT key) is not it."""
        found = self.types[(table.name, column.name)]
        if self.increments is None or table.primary_key != (column.name,) or getattr(found, "python", "") != "int":
            return []
        kind = self.increments.get((table.name, column.name))
        if kind in ("identity", "always"):
            arguments = ["always=True"] if kind == "always" else []
            if (table.name, column.name) in self.counting:  # else create_all's would count from 1 by 1
                start, step = self.counting[(table.name, column.name)]
                arguments += [f"start={start}", f"increment={step}"]
            return [Call(self.ref(SA, "Identity"), tuple(arguments))]
        if kind in ("auto", "serial") or (self.dialect.name == "postgresql" and (column.default or "").startswith("nextval(")):
            return []
        return ["autoincrement=False"]

    def _type_source(self, table: TableInfo, column: ColumnInfo) -> str | Call:
        found = self.types[(table.name, column.name)]
        if isinstance(found, CodeType):
            head = found.sql.partition("(")[0]
            if head not in self.shadowed:
                self.used.add(head)
                return found.sql
            module = next((module for module, name in found.names if name == head), SA)
            return self.ref(module, head) + found.sql[len(head) :]
        enum = self._enum_of(table.name, column)
        arguments = [enum.class_name]
        if enum.type_name is not None:
            arguments.append(f"name={literal(enum.type_name)}")
        if enum.schema is not None and enum.schema != table.schema:  # else create_all makes it in the module's schema
            arguments.append(f"schema={literal(enum.schema)}")
        if _member_names(enum.labels) != list(enum.labels):
            arguments.append("values_callable=lambda members: [member.value for member in members]")
        return Call(self.ref(SA, "Enum"), tuple(arguments))

    def _target(self, table: TableInfo, fk: ForeignKeyInfo, column: str) -> str:
        schema = "" if fk.target_schema == table.schema else f"{fk.target_schema}."
        return literal(f"{schema}{fk.target_table}.{column}")

    def _fk_options(self, table: TableInfo, fk: ForeignKeyInfo) -> list[str]:
        options = []
        if fk.name and not _default_name("fk", table.name, fk.columns, fk.name):
            options.append(f"name={literal(fk.name)}")
        options += [
            f"{key}={literal(value)}"
            for key, value in (("ondelete", fk.ondelete), ("onupdate", fk.onupdate), ("match", fk.match))
            if value
        ]
        if fk.deferrable is not None:
            options.append(f"deferrable={fk.deferrable}")
        if fk.initially:
            options.append(f"initially={literal(fk.initially)}")
        return options

    def _foreign_key(self, table: TableInfo, fk: ForeignKeyInfo) -> Call:
        return Call(
            self.ref(SA, "ForeignKey"), (self._target(table, fk, fk.target_columns[0]), *self._fk_options(table, fk))
        )

    def _on_columns(self, table: TableInfo) -> _OnColumns:
        found = self.on_columns.get(table.name)
        if found is None:
            kept = tuple(fk for fk in table.foreign_keys if not self._left_out(table, fk))
            found = self.on_columns[table.name] = _on_columns(replace(table, foreign_keys=kept))
        return found

    def _left_out(self, table: TableInfo, fk: ForeignKeyInfo) -> str | None:
        """Why ``fk`` is not written (a key of ``_KEYS_LEFT_OUT``), or None: it points at a table the schema does
        not have (SQLite lets one), or at another schema's table (Supabase's ``auth.users``), which the module's
        ``MetaData`` lacks: SQLAlchemy could then neither configure a relationship over the key's column nor
        ``create_all`` the table. It is named in the docstring instead."""
        if fk.target_schema != table.schema:
            return _ELSEWHERE
        known = self.known_tables
        return _MISSING if known is not None and fk.target_table not in known else None

    def _constraints(self, table: TableInfo, depth: int) -> list[str]:
        """Keys, unique constraints, checks and indexes that do not fit on one column, as ``__table_args__``/``Table``
        items.

        Each is laid out for ``depth`` indents, which it starts at.
        """
        found = []
        on_columns = self._on_columns(table)
        if table.primary_key and not on_columns.primary_key:
            found.append(call(self.ref(SA, "PrimaryKeyConstraint"), [literal(c) for c in table.primary_key], depth))
        for fk in on_columns.other_keys:
            columns = "[" + ", ".join(literal(c) for c in fk.columns) + "]"
            targets = "[" + ", ".join(self._target(table, fk, c) for c in fk.target_columns) + "]"
            found.append(
                call(self.ref(SA, "ForeignKeyConstraint"), [columns, targets, *self._fk_options(table, fk)], depth)
            )
        names = set(table.column_names())
        for unique in table.unique_constraints:
            named = unique.name
            if named and _default_name("uq", table.name, unique.columns, named):
                named = None
            if len(unique.columns) > 1 or named or unique.nulls_not_distinct:
                name = [f"name={literal(named)}"] if named else []
                name += ["postgresql_nulls_not_distinct=True"] if unique.nulls_not_distinct else []
                found.append(
                    call(self.ref(SA, "UniqueConstraint"), [*(literal(c) for c in unique.columns), *name], depth)
                )
        found += [self._check(table, check, depth) for check in table.checks]
        made_by_keys = {name for fk in table.foreign_keys for name in (fk.name, fk.columns[0]) if name}
        for index in table.indexes:
            if _index_on_its_column(table, index):
                continue  # written as index=True on its column
            if self.dialect.name in ("mysql", "mariadb") and not index.unique and index.name in made_by_keys:
                continue  # the index InnoDB names after a foreign key (or its column), made again by creating the key
            parts, ops = self._index_elements(index, names)
            flags = ["unique=True"] if index.unique else []
            if index.where is not None and self.dialect.name in _PARTIAL_INDEXES:
                flags.append(f"{self.dialect.name}_where={self.ref(SA, 'text')}({literal(index.where)})")
            if index.lengths and self.dialect.name in ("mysql", "mariadb"):
                flags.append("mysql_length={" + ", ".join(f"{literal(c)}: {n}" for c, n in index.lengths) + "}")
            if index.kind and self.dialect.name in ("mysql", "mariadb"):
                flags.append(f"mysql_prefix={literal(index.kind)}")
            if self.dialect.name == "postgresql":
                flags += ["postgresql_nulls_not_distinct=True"] if index.nulls_not_distinct else []
                flags += [f"postgresql_using={literal(index.method)}"] if index.method else []
                flags += [f"postgresql_include=[{', '.join(literal(c) for c in index.include)}]"] if index.include else []
                if ops:
                    flags.append("postgresql_ops={" + ", ".join(f"{literal(c)}: {literal(o)}" for c, o in ops) + "}")
            found.append(call(self.ref(SA, "Index"), [literal(index.name or f"ix_{table.name}"), *parts, *flags], depth))
        return found

    def _check(self, table: TableInfo, check: CheckInfo, depth: int) -> str:
        """``CheckConstraint("low < high", name="ck_range")``: the expression as the database gave it back, which it
        reads again, a name the database would give it anyway left out (as for keys)."""
        kept = None if check.name is None or _default_check_name(table.name, check.name) else check.name
        name = [f"name={literal(kept)}"] if kept is not None else []
        return call(self.ref(SA, "CheckConstraint"), [literal(_bind_free(check.sqltext)), *name], depth)

    def _index_elements(self, index: IndexInfo, names: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """An index's elements as ``Index()`` takes them, and the operator classes left to ``postgresql_ops``: a column
        by its name, an expression as ``text()``, a key in another order as ``text("created_at DESC NULLS LAST")``
        with its operator class in it, since ``postgresql_ops`` names columns, not such text."""
        sorting, ops = dict(index.sorting), dict(index.ops)
        parts = []
        for element in index.columns:
            if element in sorting:
                spelled = self.dialect.identifier_preparer.quote(element) if element in names else element
                words = " ".join(word for word in (spelled, ops.pop(element, None), sorting[element]) if word)
                parts.append(f"{self.ref(SA, 'text')}({literal(words)})")
            else:
                parts.append(literal(element) if element in names else f"{self.ref(SA, 'text')}({literal(element)})")
        return parts, sorted(ops.items())

    def _table_options(self, table: TableInfo) -> dict[str, str]:
        options = {}
        if table.comment:
            options["comment"] = literal(table.comment)
        if table.partitioned_by and self.dialect.name == "postgresql":
            options["postgresql_partition_by"] = literal(table.partitioned_by)
        return options

    # -- relationships --------------------------------------------------------
    def _relationship(self, table: TableInfo, rel: RelationshipInfo, attributes: dict[str, str]) -> str:
        target = self.class_of[rel.target]
        if rel.direction == MANY_TO_ONE:
            nullable = any(_nullable(table, c) for c in table.columns if c.name in rel.joins[0].columns)
            annotation = f"{target} | None" if nullable else target
        else:
            annotation = f"{self._builtin('list')}[{target}]" if rel.uselist else f"{target} | None"
        arguments = []
        if rel.secondary is not None:
            arguments.append(self.core_var[rel.secondary])
        if rel.back_populates:
            arguments.append(f"back_populates={literal(rel.back_populates)}")
        join = rel.joins[0]
        if rel.direction == MANY_TO_MANY:
            near, far = rel.joins
            # a table linked to itself: say which side is which (a many-to-many always has its secondary)
            if near.target == far.target and rel.secondary is not None:
                arguments.append(f"primaryjoin=lambda: {self._condition(near, rel.secondary)}")
                arguments.append(f"secondaryjoin=lambda: {self._condition(far, rel.secondary)}")
        elif self._links_between(join.table, join.target) > 1:
            if rel.direction == MANY_TO_ONE:
                arguments.append("foreign_keys=[" + ", ".join(attributes[c] for c in join.columns) + "]")
            else:
                owner = self.class_of[join.table]
                names = self.plan.attributes(join.table)
                arguments.append(
                    "foreign_keys=" + literal("[" + ", ".join(f"{owner}.{names[c]}" for c in join.columns) + "]")
                )
        if rel.direction == MANY_TO_ONE and join.table == join.target:
            arguments.append("remote_side=[" + ", ".join(attributes[c] for c in join.target_columns) + "]")
        if self.options.lazy != "select":
            arguments.append(f"lazy={literal(self.options.lazy)}")
        if rel.secondary is not None:
            arguments[0] = f"secondary={arguments[0]}"
        return call(f"{rel.name}: Mapped[{annotation}] = {self.ref(ORM, 'relationship')}", arguments, 1)

    def _condition(self, join: Join, secondary: str) -> str:
        """``Owner.key == t_link.c["column"]`` for one edge of a self-referencing many-to-many."""
        owner, names = self.class_of[join.target], self.plan.attributes(join.target)
        pairs = [
            f"{owner}.{names[target]} == {self.core_var[secondary]}.c[{literal(column)}]"
            for column, target in zip(join.columns, join.target_columns, strict=True)
        ]
        if len(pairs) == 1:
            return pairs[0]
        self.names[SA].add("and_")
        return f"and_({', '.join(pairs)})"

    def _links_between(self, one: str, other: str) -> int:
        """Foreign keys joining two tables, either way: more than one and SQLAlchemy must be told which."""
        return self.links[frozenset((one, other))]


_ALWAYS_POSSIBLE = (
    {
        (SA, name)
        for name in (
            "CheckConstraint",
            "Column",
            "Computed",
            "Enum",
            "ForeignKey",
            "ForeignKeyConstraint",
            "Identity",
            "Index",
            "MetaData",
            "PrimaryKeyConstraint",
            "Table",
            "UniqueConstraint",
            "and_",
            "text",
        )
    }
    | {(ORM, name) for name in ("DeclarativeBase", "Mapped", "mapped_column", "relationship")}
    | {(ASYNCIO, "AsyncAttrs")}
)
"""Names the module may import whatever the schema: no class or enum may take one."""


def _indented(item: str, depth: int) -> str:
    """An item laid out by ``call`` at ``depth`` keeps its indent; a one-line item gets it."""
    return item if item.startswith(INDENT * depth) else f"{INDENT * depth}{item}"


def _member_names(labels: tuple[str, ...]) -> list[str]:
    """Enum member names: each label as a Python name, unique; a label that is one already keeps it."""
    taken: set[str] = set()
    names = []
    for label in labels:
        base = candidate = python_name(label)
        if base.startswith("_"):
            base = candidate = f"v{base}"
        number = 2
        while candidate in taken or candidate in ("name", "value"):
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        names.append(candidate)
    return names


def _nullable(table: TableInfo, column: ColumnInfo) -> bool:
    return column.nullable and column.name not in table.primary_key


_PARTIAL_INDEXES = ("postgresql", "sqlite")
"""Databases with partial indexes, whose ``Index`` takes ``<dialect>_where=``."""
_SEQUENCE_CALL = re.compile(r"\bnextval\(", re.IGNORECASE)
_OWN_SEQUENCE = r"\b(nextval|lastval)\(`{schema}`\."


def _portable_default(default: str, schema: str, default_schema: str | None) -> str:
    """``default`` without the database MariaDB names the sequences of: ``nextval(`shop`.`seq`)`` is ``nextval(`seq`)``.

    In the connection's own database the module makes its tables wherever it is
    pointed; elsewhere it names the schema, so the sequence's stays too.
    """
    if schema != default_schema:
        return default
    own = _OWN_SEQUENCE.format(schema=re.escape(schema.replace("`", "``")))
    return re.sub(own, r"\1(", default, flags=re.IGNORECASE)


_KEYWORD = re.compile(r"[A-Za-z_]\w*=")


def _is_keyword(argument: str | Call) -> bool:
    """Whether a written argument is ``name=value``: those follow the positional ones (a stable sort keeps each order)."""
    return isinstance(argument, str) and _KEYWORD.match(argument) is not None


def _default_name(kind: str, table: str, columns: tuple[str, ...], name: str) -> bool:
    """Whether ``name`` is the one the database would give this constraint unasked, so the code can leave it out.

    PostgreSQL: ``<table>_<columns>_fkey`` / ``_key``; MySQL/MariaDB:
    ``<table>_ibfk_<n>`` for a key, the first column for a unique constraint.
    """
    if name == f"{table}_{'_'.join(columns)}_{'fkey' if kind == 'fk' else 'key'}":
        return True
    if kind == "fk":
        return name.startswith(f"{table}_ibfk_") and name[len(table) + 6 :].isdigit()
    return name == columns[0]


_DEFAULT_CHECK = re.compile(r"(?:.+_)?check\d*")
"""What PostgreSQL puts after ``<table>_`` in the name of an unnamed check: ``<column>_check``, ``check1``."""


def _default_check_name(table: str, name: str) -> bool:
    """Whether ``name`` is one the database gives an unnamed check, MariaDB's ``CONSTRAINT_1`` or PostgreSQL's
    ``prices_high_check``, so the module can leave it out: written, a MariaDB ``CONSTRAINT_2`` would be the user's
    own, and clash with the one the database numbers next."""
    if re.fullmatch(r"CONSTRAINT_\d+", name):
        return True
    return name.startswith(f"{table}_") and _DEFAULT_CHECK.fullmatch(name[len(table) + 1 :]) is not None


_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")
"""A colon ``text()`` would read as a bind parameter's: ``' :x'`` in ``s <> ' :x'``, not ``::text`` or ``a:b``."""


def _bind_free(sqltext: str) -> str:
    """An expression ``CheckConstraint`` (a ``text()``) renders as written: a colon before a word escaped."""
    return _BIND.sub(r"\:", sqltext)


_MISSING, _ELSEWHERE = "missing", "elsewhere"
_KEYS_LEFT_OUT = {
    _MISSING: "Foreign keys left out, their table does not exist (create_all could not make them):",
    _ELSEWHERE: "Foreign keys left out, their table is in another schema, which this module does not map:",
}
"""The docstring's heading for each reason a foreign key is not written (``_left_out``)."""


def _target_name(fk: ForeignKeyInfo, why: str) -> str:
    """A left-out key's table as the docstring names it: schema-qualified when it is another schema's."""
    return f"{fk.target_schema}.{fk.target_table}" if why == _ELSEWHERE else fk.target_table
