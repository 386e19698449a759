"""The models a runnable script needs, as declarative source written from the ORM mapping in use.

A script must map exactly what the app mapped, or its numbers differ: the
same table and column names (so the SQL is the same), and relationships
that join on the same columns. So only the classes and relationships the
statement reaches are written, each join spelled out from the mapped
``relationship()`` (``primaryjoin``, ``foreign_keys``, ``secondary``) rather
than guessed again from foreign keys. With ``--models`` the script imports
the user's own classes instead.
"""

from __future__ import annotations

import datetime
import decimal
import importlib
import inspect as source_code
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, inspect
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BooleanClauseList, ClauseElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from sqla_tui.core.catalog.naming import python_name
from sqla_tui.core.catalog.tolerant import Tolerant
from sqla_tui.core.errors import UserError
from sqla_tui.core.query.loader_tree import LoaderTree

_ANNOTATIONS: dict[type, str] = {
    int: "int", str: "str", float: "float", bool: "bool", bytes: "bytes",
    datetime.datetime: "datetime.datetime", datetime.date: "datetime.date", datetime.time: "datetime.time",
    datetime.timedelta: "datetime.timedelta", decimal.Decimal: "Decimal", uuid.UUID: "uuid.UUID",
}  # fmt: skip
"""Python types written as ``Mapped[...]``; any other is ``Mapped[Any]`` (the column's SQL type is explicit anyway)."""

_IMPORTS_FOR = {"datetime.": "import datetime", "Decimal": "from decimal import Decimal", "uuid.": "import uuid", "Any": "from typing import Any"}
_CALLED = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\(")


@dataclass
class ModelsSource:
    """Source that defines (or imports) the classes a statement uses, and the lines importing what it needs."""

    imports: list[str]
    body: str
    names: set[str] = field(default_factory=set)
    """Global names the body defines, which the rest of the script must not reuse."""


@dataclass(frozen=True)
class Reach:
    """The classes and relationships a statement's paths go through, in first-seen order."""

    classes: list[type]
    relationships: list[RelationshipProperty[Any]]


def reach(entity: type, paths: list[str]) -> Reach:
    """Walk ``paths`` (loads, column options, touches) from ``entity``: every class and relationship met."""
    classes, relationships = [entity], []
    tree = LoaderTree(entity)
    for path in paths:
        tree.node(path)  # a UserError naming the choices for a path that does not exist
    for _, node in tree.walk():
        owner: Mapper[Any] = inspect(node.owner)
        prop = owner.relationships[node.key]
        if prop not in relationships:
            relationships.append(prop)
        if node.target not in classes:
            classes.append(node.target)
    return Reach(classes, relationships)


def imported_models(models: str, classes: list[type]) -> ModelsSource:
    """Import the user's classes from their ``--models`` module (``package.module`` or ``path/models.py``)."""
    module = models.rpartition(":")[0] if ":" in models else models
    names = sorted({cls.__name__ for cls in classes})
    if module.endswith(".py") or "/" in module:
        path = Path(module).expanduser().resolve()
        if not path.stem.isidentifier():
            raise UserError(f"--models {models!r}: a script imports {path.name!r} by its name, which is not a Python name; rename the file")
        return ModelsSource(
            ["import sys"],
            f"sys.path.insert(0, {str(path.parent)!r})  # the folder of your --models file\n"
            f"from {path.stem} import {', '.join(names)}  # noqa: E402\n",
            set(names),
        )
    return ModelsSource([], f"from {module} import {', '.join(names)}  # your --models (PYTHONPATH must reach it)\n", set(names))


def written_models(found: Reach) -> ModelsSource:
    """Declarative classes for the reached classes: every mapped column, and the reached relationships."""
    writer = _Writer(found)
    classes = writer.classes()  # first: the Base that tables() writes depends on the types they use
    body = writer.tables() + classes
    imports = [f"from sqlalchemy import {', '.join(sorted(writer.sqlalchemy_names))}"] if writer.sqlalchemy_names else []
    if writer.type_names:
        imports.append(f"from sqlalchemy.types import {', '.join(sorted(writer.type_names))}")
    imports += [f"from sqlalchemy.dialects.{dialect} import {', '.join(sorted(names))}" for dialect, names in sorted(writer.dialect_names.items())]
    imports.append("from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship")
    imports += [line for marker, line in _IMPORTS_FOR.items() if marker in body]
    if writer.readers:
        imports += ["from collections.abc import Callable", "from sqlalchemy.engine import Dialect", "from sqlalchemy.types import TypeDecorator, TypeEngine"]
        imports += ["import decimal"] if "decimal." in body else []
    return ModelsSource(imports, body, writer.defined)


class _Writer:
    """Writes one model module's text, collecting the imports its types need."""

    def __init__(self, found: Reach) -> None:
        self.found = found
        self.sqlalchemy_names: set[str] = set()
        self.type_names: set[str] = set()
        self.dialect_names: dict[str, set[str]] = {}
        self.readers: list[type[Tolerant]] = []
        """The app's tolerant column types the models use, written into the script as the app defines them."""
        self.defined = {"Base", *(cls.__name__ for cls in found.classes)}
        self.columns: dict[tuple[int, str], str] = {}
        """(id of its table, column key) -> how the source names the column: ``User.id`` or ``post_tags.c['post_id']``.

        Keyed so because a relationship's join holds annotated copies of the table's columns."""
        self.table_names: dict[str, str] = {}
        for cls in found.classes:
            mapper: Mapper[Any] = inspect(cls)
            for prop in mapper.column_attrs:
                for column in prop.columns:
                    self.columns.setdefault(_column_key(column), f"{cls.__name__}.{prop.key}")
        for relationship in found.relationships:
            secondary = relationship.secondary
            if isinstance(secondary, Table) and secondary.fullname not in self.table_names:
                name = python_name(secondary.name)
                while name in self.defined:
                    name += "_table"
                self.defined.add(name)
                self.table_names[secondary.fullname] = name
                for column in secondary.columns:
                    self.columns[_column_key(column)] = f"{name}.c[{column.key!r}]"

    # -- tables and classes ---------------------------------------------------
    def tables(self) -> str:
        """The association tables of reached many-to-many relationships."""
        written, seen = [], set()
        for prop in self.found.relationships:
            table = prop.secondary
            if not isinstance(table, Table) or table.fullname in seen:
                continue
            seen.add(table.fullname)
            self.sqlalchemy_names.update({"Column", "Table"})
            columns = "".join(f"    Column({column.name!r}, {self.type_source(column.type)}),\n" for column in table.columns)
            schema = f"    schema={table.schema!r},\n" if table.schema else ""
            written.append(f"{self.table_names[table.fullname]} = Table(\n    {table.name!r},\n    Base.metadata,\n{columns}{schema})\n")
        # NullType (a type SQLAlchemy does not know) in mapped_column() means "from the annotation", and Any names none
        base_body = "type_annotation_map = {Any: NullType}" if "NullType" in self.type_names else "pass"
        readers = ["_Processor = Callable[[Any], Any]\n"] if self.readers else []
        readers += [source_code.getsource(reader) for reader in self.readers]
        return "\n\n".join([*readers, f"class Base(DeclarativeBase):\n    {base_body}\n", *written]) + "\n\n"

    def classes(self) -> str:
        return "\n\n".join(self.class_source(cls) for cls in self.found.classes)

    def class_source(self, cls: type) -> str:
        mapper: Mapper[Any] = inspect(cls)
        table = mapper.local_table
        assert isinstance(table, Table)  # reflected mappings map tables, never selects
        lines = [f"class {cls.__name__}(Base):", f"    __tablename__ = {table.name!r}"]
        if table.schema:
            lines.append(f"    __table_args__ = {{'schema': {table.schema!r}}}")
        lines.append("")
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if isinstance(column, Column) and column.table is table:
                lines.append(f"    {prop.key}: Mapped[{self.annotation(column)}] = {self.column_source(prop.key, column)}")
        # in the order the app's mapping declares them, so the class reads like the schema screen
        lines += [f"    {prop.key}: {self.relationship_source(prop)}" for prop in mapper.relationships if prop in self.found.relationships]
        return "\n".join(lines) + "\n"

    # -- pieces ---------------------------------------------------------------
    def annotation(self, column: Column[Any]) -> str:
        try:
            python_type = column.type.python_type
        except NotImplementedError:
            python_type = object
        name = _ANNOTATIONS.get(python_type, "Any")
        return f"{name} | None" if column.nullable and not column.primary_key and name != "Any" else name

    def column_source(self, key: str, column: Column[Any]) -> str:
        arguments = [] if column.name == key else [repr(column.name)]
        arguments.append(self.type_source(column.type))
        if column.primary_key:
            arguments.append("primary_key=True")
        return f"mapped_column({', '.join(arguments)})"

    def relationship_source(self, prop: RelationshipProperty[Any]) -> str:
        target = prop.mapper.class_.__name__
        annotation = f"list[{target}]" if prop.uselist else f"{target} | None"
        arguments = [f"primaryjoin=lambda: {self.clause_source(prop.primaryjoin)}"]
        if isinstance(prop.secondary, Table):
            arguments.insert(0, f"secondary={self.table_names[prop.secondary.fullname]}")
            arguments.append(f"secondaryjoin=lambda: {self.clause_source(prop.secondaryjoin)}")  # type: ignore[arg-type]  # a many-to-many always has a secondary join
        foreign = [dest for _, dest in [*prop.synchronize_pairs, *(prop.secondary_synchronize_pairs or [])]]
        arguments.append(f"foreign_keys=lambda: [{', '.join(self.column_name(column) for column in foreign)}]")
        if prop.secondary is None and prop.parent.local_table is prop.mapper.local_table:
            remote = sorted(prop.remote_side, key=lambda column: column.name)
            arguments.append(f"remote_side=lambda: [{', '.join(self.column_name(column) for column in remote)}]")
        if prop.lazy not in ("select", True):
            arguments.append(f"lazy={prop.lazy!r}")
        back = prop.back_populates
        if back and any(other.key == back and other.parent is prop.mapper for other in self.found.relationships):
            arguments.append(f"back_populates={back!r}")
        inner = "".join(f"        {argument},\n" for argument in arguments)
        return f"Mapped[{annotation}] = relationship(\n{inner}    )"

    def clause_source(self, clause: ClauseElement) -> str:
        """An ``and_`` of column equalities (what a foreign key join is) as source."""
        if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
            self.sqlalchemy_names.add("and_")
            return f"and_({', '.join(self.clause_source(part) for part in clause.clauses)})"
        if isinstance(clause, BinaryExpression) and clause.operator is operators.eq:
            return f"{self.column_name(clause.left)} == {self.column_name(clause.right)}"
        raise UserError(f"cannot write the join {clause} as source; give the script your own models with --models")

    def column_name(self, column: Any) -> str:
        try:
            return self.columns[_column_key(column)]
        except KeyError:
            raise UserError(f"the join column {column} is not mapped by a class the script writes; use --models") from None

    def type_source(self, column_type: TypeEngine[Any]) -> str:
        """The column's type as a constructor call that rebuilds it; its generic form, or NullType, when that fails.

        A type the app reads tolerantly (SQLite keeps 'x' in a NUMERIC column)
        is written wrapped the same way, so the script loads every row the app does.
        """
        if isinstance(column_type, Tolerant):
            for reader in [cls for cls in type(column_type).__mro__ if issubclass(cls, Tolerant)][::-1]:
                if reader not in self.readers:
                    self.readers.append(reader)
            return f"{type(column_type).__name__}({self.type_source(column_type.declared)})"
        while isinstance(column_type, TypeDecorator):
            column_type = column_type.impl_instance
        candidates = [column_type]
        try:
            candidates.append(column_type.as_generic())
        except NotImplementedError:
            pass
        for candidate in candidates:
            written = self._rebuilt(candidate)
            if written is not None:
                return written
        self.type_names.add("NullType")
        return "NullType()"

    def _rebuilt(self, column_type: TypeEngine[Any]) -> str | None:
        """``repr(column_type)`` when evaluating it gives the same type back, with its names imported."""
        text = repr(column_type)
        module = type(column_type).__module__
        dialect = module.split(".")[2] if module.startswith("sqlalchemy.dialects.") else None
        namespace = {name: value for name, value in vars(sqltypes).items() if isinstance(value, type)}
        own = {}  # the dialect's own classes, not the generic ones it re-exports
        if dialect is not None:
            module_names = vars(importlib.import_module(f"sqlalchemy.dialects.{dialect}"))
            own = {name: value for name, value in module_names.items() if isinstance(value, type) and value is not namespace.get(name)}
        namespace.update(own)
        try:
            rebuilt = eval(text, {"__builtins__": {}}, dict(namespace))
        except Exception:  # noqa: BLE001 - any failure means "not rebuildable"; the caller falls back
            return None
        if type(rebuilt) is not type(column_type) or repr(rebuilt) != text:
            return None
        for name in _CALLED.findall(text):
            if name in own and dialect:
                self.dialect_names.setdefault(dialect, set()).add(name)
            elif name in namespace:
                self.type_names.add(name)
        return text



def _column_key(column: Any) -> tuple[int, str]:
    return id(column.table), column.key
