"""ORM classes to compose queries over: our own mapping of a catalog, or the user's models.

``map_schema`` maps only what a query can reach: the root table and the
tables within ``hops`` relationships of it, reflected with one filtered
``MetaData.reflect`` and mapped with the names ``core.naming`` chose (never
automap's, which drop a relationship when two FKs share a target).
``load_user_models`` takes the application's own declarative Base instead,
so its ``relationship()`` settings (``lazy=``, ``back_populates``...) are the
ones explored. Either way the composer gets one ``OrmMap``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, MetaData, Table, and_, event, inspect
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Inspector
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapper, Relationship, RelationshipProperty, registry, relationship
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE
from sqlalchemy.sql.selectable import FromClause, NamedFromClause

from sqla_tui.core.catalog.naming import (
    MANY_TO_MANY,
    MANY_TO_ONE,
    ONE_TO_MANY,
    Join,
    RelationshipInfo,
    RelationshipPlan,
    attribute_names,
    class_names,
    plan_catalog,
)
from sqla_tui.core.catalog.reflected_names import as_named
from sqla_tui.core.catalog.schema import Catalog, load_catalog, unknown_name
from sqla_tui.core.catalog.tolerant import tolerant
from sqla_tui.core.errors import UserError

DEFAULT_HOPS = 2


@dataclass(frozen=True)
class OrmMap:
    """Mapped classes keyed by table name, their relationships, and what could not be mapped.

    ``tables`` holds every Core ``Table`` involved (association tables
    included), so unmappable tables can still be queried with ``select()``.
    A relationship whose far end lies beyond the mapped part is left out of
    ``relationships()``; map again from that table to follow it.
    """

    entities: dict[str, type]
    tables: dict[str, Table]
    unmappable: dict[str, str]
    root: str | None = None
    source: str = "reflected"  # "reflected" or the --models spec

    def entity(self, table_name: str) -> type:
        """The mapped class of ``table_name`` (or of a class name), else a UserError naming valid tables."""
        try:
            return self.entities[table_name]
        except KeyError:
            for cls in self.entities.values():
                if cls.__name__ == table_name:
                    return cls
            reason = self.unmappable.get(table_name)
            if reason is not None:
                raise UserError(
                    f"table {table_name!r} has no ORM class ({reason}); query it with Core select()"
                ) from None
            raise unknown_name(f"mapped table {table_name!r}", table_name, self.entities) from None

    def root_of(self, name: str) -> type | Table:
        """What a query over ``name`` selects from: its mapped class, or the ``Table`` of a relation the ORM
        cannot map (a view, a table without a primary key), whose rows are read with Core ``select()``."""
        table = self.tables.get(name)
        if name in self.unmappable and table is not None:
            return table
        return self.entity(name)

    def relationships(self, table_name: str) -> list[RelationshipInfo]:
        """The relationships of one mapped table, in a stable order."""
        return [relationship_info(prop) for prop in _mapper(self.entity(table_name)).relationships]

    def attributes(self, table_name: str) -> dict[str, str]:
        """Column name -> the attribute it is mapped under, for one mapped table's own columns."""
        mapper = _mapper(self.entity(table_name))
        return {
            column.name: prop.key
            for prop in mapper.column_attrs
            for column in prop.columns
            if isinstance(column, Column) and column.table is mapper.local_table
        }


def _mapper(cls: type) -> Mapper[Any]:
    mapper: Mapper[Any] = inspect(cls)
    return mapper


def _name(clause: FromClause) -> str:
    """The name of what a class or a many-to-many is mapped onto: a table (or an alias, a subquery), never a join."""
    if not isinstance(clause, NamedFromClause):
        raise UserError(f"{clause.description} has no name: map the class onto a table to explore it")
    return clause.name


def relationship_info(prop: RelationshipProperty[Any]) -> RelationshipInfo:
    """Describe a configured relationship the way the schema screen shows it."""
    target = _name(prop.mapper.local_table)
    direction = {MANYTOONE: MANY_TO_ONE, MANYTOMANY: MANY_TO_MANY}.get(prop.direction, ONE_TO_MANY)
    if prop.secondary is not None:
        via: tuple[str, ...] = (_name(prop.secondary),)
    else:
        side = 0 if direction == MANY_TO_ONE else 1
        via = tuple(f"{pair[side].table.name}.{pair[side].name}" for pair in prop.local_remote_pairs or ())
    return RelationshipInfo(
        name=prop.key,
        direction=direction,
        target=target,
        via=via,
        uselist=bool(prop.uselist),
        back_populates=prop.back_populates or None,
        secondary=via[0] if prop.secondary is not None else None,
    )


async def map_schema(
    engine: AsyncEngine,
    root: str | None = None,
    *,
    schema: str | None = None,
    hops: int = DEFAULT_HOPS,
    catalog: Catalog | None = None,
) -> OrmMap:
    """Map ``root`` and every table within ``hops`` relationships of it (root None: all).

    Pass the ``catalog`` the screen already loaded to skip reflecting the
    whole schema again; only the tables in reach are reflected for mapping.
    """
    if catalog is None:
        catalog = await load_catalog(engine, schema)
    plan = plan_catalog(catalog)
    reflect_schema = None if catalog.is_default_schema else catalog.schema
    if root is not None and root in plan.unmappable:
        return await _unmapped_root(engine, plan, catalog, root, reflect_schema)
    if root is not None and root not in plan.relationships_by_table:
        raise catalog.missing(root)  # not described (a view over a dropped table), or no such table
    names = reachable(plan, root, hops) if root is not None else set(plan.mappable)
    secondaries = {
        rel.secondary for name in names for rel in plan.relationships(name) if rel.secondary and rel.target in names
    }
    async with engine.connect() as conn:
        metadata = await conn.run_sync(_reflect, reflect_schema, sorted(names | secondaries), catalog)
    return _build(plan, metadata, names, reflect_schema, root)


async def _unmapped_root(
    engine: AsyncEngine, plan: RelationshipPlan, catalog: Catalog, root: str, schema: str | None
) -> OrmMap:
    """A map whose root is the reflected ``Table`` of a relation the ORM cannot map, and nothing else.

    A fake all-columns key would let the ORM map it, but its identity map
    would fold duplicate rows into one and an all-NULL row into None: the
    rows are read with Core ``select()`` instead, every one of them counted.
    """
    async with engine.connect() as conn:
        metadata = await conn.run_sync(_reflect, schema, [root], catalog, views=True)
    table = next(table for table in metadata.tables.values() if table.name == root)
    mark_unmapped(table, catalog.table(root).kind, plan.unmappable[root])
    return OrmMap(entities={}, tables={root: table}, unmappable=plan.unmappable, root=root)


UNMAPPED = "sqla_tui.unmapped"
"""The ``Table.info`` key of (kind, reason) for a relation without a class: ``("view", "view")``."""


def mark_unmapped(table: Table, kind: str, reason: str) -> None:
    """Keep on the Table what it is and why it has no class, for the one-line refusals of what needs one."""
    table.info[UNMAPPED] = (kind, reason)


def reachable(plan: RelationshipPlan, root: str, hops: int) -> set[str]:
    """Mappable tables within ``hops`` relationships of ``root`` (a many-to-many is one hop)."""
    if root not in plan.relationships_by_table:
        return set()
    seen = {root: 0}
    queue = deque([root])
    while queue:
        name = queue.popleft()
        if seen[name] == hops:
            continue
        for rel in plan.relationships(name):
            if rel.target not in seen:
                seen[rel.target] = seen[name] + 1
                queue.append(rel.target)
    return set(seen)


def _reflect(
    conn: Connection, schema: str | None, names: list[str], catalog: Catalog, *, views: bool = False
) -> MetaData:
    """Reflect exactly ``names`` (views and materialized views too with ``views``, foreign tables always); FKs leading elsewhere stay
    unresolved strings. A column the catalog found to be MariaDB's JSON (``core.catalog.mariadb_json``), which
    SQLAlchemy reflects as LONGTEXT, is read as JSON."""
    metadata = MetaData()
    event.listen(metadata, "column_reflect", _as_stored)
    wanted = set(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa_exc.SAWarning)  # unknown column types: shown by the catalog
        metadata.reflect(conn, schema=schema, only=lambda name, _: name in wanted, resolve_fks=False, views=views)
        for name in sorted(wanted - {table.name for table in metadata.tables.values()}):
            # what reflect() does not list though the catalog does: a PostgreSQL foreign table
            Table(name, metadata, schema=schema, autoload_with=conn, resolve_fks=False)
    for table, column in _json_typed(catalog, names):
        reflected = metadata.tables[f"{schema}.{table}" if schema else table]
        [found] = [candidate for candidate in reflected.columns if candidate.name == column]
        found.type = tolerant(JSON(), conn.dialect)
    return metadata


def _json_typed(catalog: Catalog, names: list[str]) -> list[tuple[str, str]]:
    """(table, column) of the columns of ``names`` a MySQL-family catalog calls JSON: found there once, not queried
    again here."""
    if catalog.dialect not in ("mysql", "mariadb"):
        return []
    wanted = set(names)
    return [(t.name, c.name) for t in catalog.tables if t.name in wanted for c in t.columns if c.type == "JSON"]


def _as_stored(inspector: Inspector, table: Table, column: dict[str, Any]) -> None:
    """A reflected column named as the database names it, read with a type that survives values it does not promise.

    The name SQLAlchemy reflected stays the column's key, which is how its
    own keys and foreign keys refer to it; the name is what SQL quotes.
    """
    stored = as_named(column["name"], inspector.dialect)
    if stored != column["name"]:
        column["key"], column["name"] = column["name"], stored
    column["type"] = tolerant(column["type"], inspector.dialect)


def _build(plan: RelationshipPlan, metadata: MetaData, names: set[str], schema: str | None, root: str | None) -> OrmMap:
    """Imperatively map a class per table, every column under its ``attribute_names`` name (the
    plan's, read from the table as reflected now), then the relationships whose both ends are mapped."""
    tables = {table.name: table for table in metadata.tables.values()}
    mapper_registry = registry(metadata=metadata)
    classes = _classes(sorted(names), mapper_registry)
    for name in sorted(names):
        columns = _by_name(tables[name])
        properties: dict[str, Any] = {
            attribute: columns[column] for column, attribute in attribute_names(columns).items()
        }
        properties.update(
            (rel.name, _relationship(rel, classes, tables)) for rel in plan.relationships(name) if rel.target in classes
        )
        mapper_registry.map_imperatively(classes[name], tables[name], properties=properties)
    mapper_registry.configure()
    return OrmMap(entities=classes, tables=tables, unmappable=plan.unmappable, root=root)


def _by_name(table: Table) -> dict[str, Column[Any]]:
    """A table's columns by the name the catalog knows them by (a key can differ: ``_as_stored``)."""
    return {column.name: column for column in table.columns}


def _classes(names: list[str], mapper_registry: registry) -> dict[str, type]:
    """One plain class per table, with unique CamelCase names (for generated source)."""
    return {
        table: type(
            name,
            (),
            {
                "__init__": mapper_registry.constructor,
                "__doc__": f"Mapped from table {table!r}.",
                "__module__": __name__,
            },
        )
        for table, name in class_names(names).items()
    }


def _on(join: Join, tables: dict[str, Table]) -> tuple[ColumnElement[bool], list[Column[Any]], list[Column[Any]]]:
    """The SQL condition of one FK edge, and its referencing columns."""
    local, remote = _by_name(tables[join.table]), _by_name(tables[join.target])
    pairs = [(local[c], remote[t]) for c, t in zip(join.columns, join.target_columns)]
    return and_(*[fk == target for fk, target in pairs]), [fk for fk, _ in pairs], [t for _, t in pairs]


def _relationship(rel: RelationshipInfo, classes: dict[str, type], tables: dict[str, Table]) -> Relationship[Any]:
    """An explicit ``relationship()``: join spelled out, so no FK guessing can merge two links."""
    target = classes[rel.target]
    back = rel.back_populates
    if rel.direction == MANY_TO_MANY:
        near, far = rel.joins
        primary, near_fks, _ = _on(near, tables)
        secondary, far_fks, _ = _on(far, tables)
        return relationship(
            target,
            secondary=tables[rel.secondary],  # type: ignore[index]  # planned many-to-many relationships always name their table
            primaryjoin=primary,
            secondaryjoin=secondary,
            foreign_keys=near_fks + far_fks,
            back_populates=back,
        )
    condition, fks, referred = _on(rel.joins[0], tables)
    remote = referred if rel.direction == MANY_TO_ONE else fks
    return relationship(
        target,
        primaryjoin=condition,
        foreign_keys=fks,
        remote_side=remote,
        uselist=rel.uselist,
        back_populates=back,
    )


def load_user_models(spec: str) -> OrmMap:
    """Map with the application's own declarative Base: ``package.module[:Base]`` or ``path/models.py[:Base]``.

    Without ``:Base`` the module's one declarative Base is used; a module
    with none, or with several, is one line naming what it found.
    """
    module_name, _, attribute = spec.rpartition(":") if ":" in spec else (spec, "", "")
    if not module_name or (":" in spec and not attribute):
        raise UserError(f"--models {spec!r} must look like package.module:Base or path/to/models.py:Base")
    module = _import(module_name, spec)
    base = getattr(module, attribute, None) if attribute else _the_base(module, spec)
    if base is None:
        raise UserError(f"--models {spec!r}: module {module_name!r} has no attribute {attribute!r}")
    mapper_registry = getattr(base, "registry", None)
    if not isinstance(mapper_registry, registry):
        raise UserError(
            f"--models {spec!r}: {attribute!r} is not a SQLAlchemy declarative Base "
            "(expected a DeclarativeBase subclass or declarative_base())"
        )
    try:
        mapper_registry.configure()
    except sa_exc.SQLAlchemyError as error:
        raise UserError(f"--models {spec!r}: the models do not configure: {str(error).splitlines()[0]}") from None
    on_tables = [
        (mapper.local_table.name, mapper.class_)
        for mapper in mapper_registry.mappers
        if isinstance(mapper.local_table, Table)
    ]
    entities = dict(sorted(on_tables, key=lambda pair: pair[0]))
    tables = {table.name: table for table in mapper_registry.metadata.tables.values()}
    secondaries = {
        _name(prop.secondary)
        for mapper in mapper_registry.mappers
        for prop in mapper.relationships
        if prop.secondary is not None
    }
    unmappable = {
        name: _unmapped_reason(table, name in secondaries) for name, table in tables.items() if name not in entities
    }
    for name, reason in unmappable.items():
        mark_unmapped(tables[name], "table", reason)
    return OrmMap(entities=entities, tables=tables, unmappable=dict(sorted(unmappable.items())), source=spec)


def _the_base(module: object, spec: str) -> type:
    """The one declarative Base a module defines or imports: a class with a registry that is not itself mapped."""
    bases = {
        name: value
        for name, value in sorted(vars(module).items())
        if isinstance(value, type)
        and isinstance(getattr(value, "registry", None), registry)
        and inspect(value, raiseerr=False) is None
    }
    if len(bases) == 1:
        return next(iter(bases.values()))
    if not bases:
        raise UserError(f"--models {spec!r}: no declarative Base in that module; name it, e.g. {spec}:Base")
    raise UserError(
        f"--models {spec!r}: several declarative Bases ({', '.join(bases)}); name one, e.g. {spec}:{next(iter(bases))}"
    )


def _unmapped_reason(table: Table, is_secondary: bool) -> str:
    if is_secondary:
        return "association table: secondary of a many-to-many"
    if not table.primary_key.columns:
        return "no primary key"
    return "no class in the models"


def _import(module_name: str, spec: str) -> ModuleType:
    """Import a module by dotted name or file path; every failure is one line."""
    try:
        if module_name.endswith(".py") or "/" in module_name:
            return _import_path(Path(module_name), spec)
        return importlib.import_module(module_name)
    except UserError:
        raise
    except ModuleNotFoundError as error:
        if error.name and f"{module_name}.".startswith(f"{error.name}."):
            raise UserError(
                f"--models {spec!r}: no module named {error.name!r}; check the name and PYTHONPATH"
            ) from None
        raise _raised_on_import(spec, error) from None
    except Exception as error:  # noqa: BLE001 - the user's module can raise anything
        raise _raised_on_import(spec, error) from None


def _raised_on_import(spec: str, error: BaseException) -> UserError:
    message = (str(error).strip().splitlines() or [""])[0]
    return UserError(f"--models {spec!r}: importing it raised {type(error).__name__}: {message}")


def _import_path(path: Path, spec: str) -> ModuleType:
    """Import a models file, with its folder importable so its own relative imports work."""
    path = path.expanduser().resolve()
    if not path.is_file():
        raise UserError(f"--models {spec!r}: file {path} does not exist")
    name = f"sqla_tui_user_models_{abs(hash(str(path)))}"
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise UserError(f"--models {spec!r}: {path} is not an importable Python file")
    module = importlib.util.module_from_spec(module_spec)
    sys.path.insert(0, str(path.parent))
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        sys.path.remove(str(path.parent))
    return module
