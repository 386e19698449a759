"""Which relationships a catalog implies, and what each one is called.

Pure functions over ``TableInfo``: no database, no SQLAlchemy mapping, so the
naming rules can be tested on their own and the ``schema`` command can show
every relationship of a 2,000-table schema without building a single class.

The rules (SQLAlchemy's automap default loses a relationship when two foreign
keys point at the same table; these never drop one):

- many-to-one: the FK column without its ``_id`` suffix (``sender_id`` ->
  ``sender``); a composite FK is named after the target table, singular.
- one-to-many: the referencing table, plural (``posts``); one-to-one (the FK
  columns are unique) the referencing table singular (``profile``) with
  ``uselist`` false. When the referencing table has several FKs to this
  table, or references itself, the many-to-one name is appended:
  ``messages_sender`` / ``messages_recipient``, ``comments_parent``.
- many-to-many through a pure association table (nothing but the two FKs):
  the target table, plural (``tags``); when two such links join the same
  pair (or a table to itself) ``<association>_<far FK name>``.
- A name already taken by a column's attribute or an earlier relationship gets ``_rel``,
  then ``_rel2``, ``_rel3``...; names are assigned per table in the order
  many-to-one, one-to-many, many-to-many, each sorted, so they are stable.

Columns keep their own names as attributes unless Python or SQLAlchemy cannot
use them: a column called ``__init__``, ``_sa_instance_state``, ``metadata``,
``class`` or ``user id`` would replace the class's machinery, be dropped by
the mapper, or be unwritable in the Python shown, so it is mapped under a
safe name (``python_name``) and the schema shows both. Relationship names go
through the same rule.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqla_tui.core.catalog.directions import MANY_TO_MANY, MANY_TO_ONE, ONE_TO_MANY
from sqla_tui.core.catalog.inflection import plural, singular
from sqla_tui.core.catalog.schema import Catalog, ForeignKeyInfo, TableInfo
from sqla_tui.core.slices import Slices, finish, finish_yielding

RESERVED = frozenset({"metadata", "registry", "query"})
"""Plain names a declarative class (or Flask-SQLAlchemy's) already uses; no column or relationship takes one."""

_FK_SUFFIX = re.compile(r"(^id|_id|_fk|Id|ID)$")

SLICE = 100
"""Tables (or links) planned between two yields of ``planning``: a few ms of work."""


@dataclass(frozen=True)
class Join:
    """One foreign key edge: ``table.columns`` refer to ``target.target_columns``."""

    table: str
    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class RelationshipInfo:
    """A relationship of one mapped table, as the schema screen and the composer see it.

    ``via`` names the FK columns as ``table.column`` (many-to-one, one-to-many)
    or the secondary table (many-to-many). ``joins`` holds the FK edge, or for
    many-to-many the edge to this table then the edge to the target.
    ``back_populates`` is the name of the same link seen from the target.
    """

    name: str
    direction: str  # MANY_TO_ONE | ONE_TO_MANY | MANY_TO_MANY
    target: str
    via: tuple[str, ...]
    uselist: bool
    back_populates: str | None = None
    secondary: str | None = None
    joins: tuple[Join, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class RelationshipPlan:
    """Every relationship of a schema per mappable table, and why the rest are not mappable."""

    relationships_by_table: dict[str, tuple[RelationshipInfo, ...]]
    unmappable: dict[str, str]
    attributes_by_table: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per mappable table, each column's attribute name on its class (``attribute_names``)."""

    @property
    def mappable(self) -> list[str]:
        return sorted(self.relationships_by_table)

    def relationships(self, table: str) -> list[RelationshipInfo]:
        return list(self.relationships_by_table.get(table, ()))

    def attributes(self, table: str) -> dict[str, str]:
        """Column name -> attribute name of one mapped table; empty for a table without a class."""
        return dict(self.attributes_by_table.get(table, {}))


@functools.lru_cache(maxsize=8192)  # a schema's column names repeat (id, name, created_at): each is spelled once
def python_name(text: str) -> str:
    """``text`` as a name Python source and a mapped class can both use, unchanged when it already is one.

    Characters an identifier cannot hold become ``_`` (``user id`` ->
    ``user_id``), a leading digit gets ``_`` before it, the class's own
    machinery loses its leading underscores (``__init__`` -> ``init__``,
    ``_sa_instance_state`` -> ``sa_instance_state``, ``__x`` -> ``x``), and a keyword or a
    name declarative classes reserve gets ``_`` after it (``class_``,
    ``metadata_``). Python reads identifiers NFKC-normalised, so the result is too.
    """
    if text.isascii() and text.isidentifier():
        name = text  # the common case, spared the normalisation
    else:
        name = "".join(char if f"_{char}".isidentifier() else "_" for char in unicodedata.normalize("NFKC", text))
    if _is_machinery(name):
        name = name.lstrip("_")
    name = name or "unnamed"
    if name[0].isdigit():
        name = f"_{name}"
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def table_variable(name: str) -> str:
    """The Python name a table without a class is written under: ``t_log`` (sqlacodegen's convention)."""
    return f"t_{python_name(name).lstrip('_')}"


def _is_machinery(name: str) -> bool:
    """Names Python (``__dict__``, ``__init__``) or SQLAlchemy's instrumentation (``_sa_*``) own on a class,
    and ``__private`` names, which a class body (a generated model, a user's method) silently mangles."""
    return name.startswith(("__", "_sa_"))


def attribute_names(columns: Iterable[str]) -> dict[str, str]:
    """Each column's attribute name: its own name when ``python_name`` keeps it, else that spelling made unique.

    Columns whose names are usable keep them first, so a renamed column
    never takes another's name: ``user id`` beside ``user_id`` becomes ``user_id_2``.
    """
    columns = list(columns)
    taken = {column for column in columns if python_name(column) == column}
    names = {}
    for column in columns:
        if column in taken:
            names[column] = column
            continue
        base = candidate = python_name(column)
        number = 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        names[column] = candidate
        taken.add(candidate)
    return names


def column_label(column: str, attributes: dict[str, str]) -> str:
    """A column as the schema shows it: its name, and the attribute its class maps it under when that differs.

    ``user id (attribute user_id)``; the words of the ``schema`` command and the schema screen alike.
    """
    attribute = attributes.get(column, column)
    return column if attribute == column else f"{column} (attribute {attribute})"


def fk_name(fk: ForeignKeyInfo) -> str:
    """The many-to-one name of a foreign key: its column without ``_id``, else the target singular.

    A column with no such suffix keeps its name (and so collides with
    itself and becomes ``<column>_rel``); a column named just ``id`` or a
    composite key is named after the target table, singular.
    """
    if len(fk.columns) == 1:
        stripped = _FK_SUFFIX.sub("", python_name(fk.columns[0]))
        return stripped or singular(fk.target_table)
    return singular(fk.target_table)


def class_name(table: str) -> str:
    """CamelCase singular class name for a table (``order_items`` -> ``OrderItem``)."""
    words = [word for word in re.split(r"[^0-9A-Za-z]+", table) if word]
    if not words:
        return "Table"
    words[-1] = singular(words[-1])
    name = "".join(word[:1].upper() + word[1:] for word in words)
    name = name if name[0].isalpha() else f"T{name}"
    return f"{name}_" if keyword.iskeyword(name) else name  # tables called none, true or false


def class_names(tables: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Each table's ``class_name``, numbered where two tables (or a name in ``taken``) would share one.

    Tables are named in sorted order, so the names are stable across runs.
    """
    used = set(taken)
    names = {}
    for table in sorted(tables):
        base = candidate = class_name(table)
        number = 2
        while candidate in used:
            candidate, number = f"{base}{number}", number + 1
        used.add(candidate)
        names[table] = candidate
    return names


@dataclass
class _Pending:
    """A relationship before its name is settled, and the index of its partner."""

    owner: str
    base: str
    direction: str
    target: str
    via: tuple[str, ...]
    uselist: bool
    joins: tuple[Join, ...]
    secondary: str | None = None
    order: tuple = ()
    partner: int = -1
    name: str = ""


_plans: weakref.WeakKeyDictionary[Catalog, RelationshipPlan] = weakref.WeakKeyDictionary()
"""Each catalog's plan, for as long as the catalog lives, so mapping one root after another never re-plans."""


def plan_catalog(catalog: Catalog) -> RelationshipPlan:
    """The plan of a whole catalog, planned once."""
    plan = _plans.get(catalog)
    if plan is None:
        plan = _plans[catalog] = plan_relationships(catalog.tables)
    return plan


async def plan_catalog_yielding(catalog: Catalog) -> RelationshipPlan:
    """``plan_catalog`` on the event loop in slices, so a TUI keeps drawing while 2,000 tables are planned."""
    plan = _plans.get(catalog)
    if plan is None:
        plan = _plans[catalog] = await finish_yielding(planning(catalog.tables))
    return plan


def plan_relationships(tables: Iterable[TableInfo]) -> RelationshipPlan:
    """Find every relationship between the mappable tables of one schema and name it."""
    return finish(planning(tables))


def _pause(step: int) -> bool:
    """True after every ``SLICE`` steps of a loop: time for ``planning`` to yield."""
    return step % SLICE == SLICE - 1


def planning(tables: Iterable[TableInfo]) -> Slices[RelationshipPlan]:
    """``plan_relationships`` as slices of work (see ``core.slices``)."""
    by_name = {table.name: table for table in tables}
    unmappable, associations = yield from _classify(by_name)
    entities = {name: table for name, table in by_name.items() if name not in unmappable}
    pending = yield from _links(by_name, entities, associations)
    attributes = yield from _attributes(entities)
    yield from _assign_names(attributes, pending)
    final: dict[str, list[RelationshipInfo]] = {name: [] for name in entities}
    for step, item in enumerate(sorted(pending, key=lambda p: (p.owner, p.order))):
        if _pause(step):
            yield
        final[item.owner].append(
            RelationshipInfo(
                name=item.name,
                direction=item.direction,
                target=item.target,
                via=item.via,
                uselist=item.uselist,
                back_populates=pending[item.partner].name,
                secondary=item.secondary,
                joins=item.joins,
            )
        )
    return RelationshipPlan(
        relationships_by_table={name: tuple(rels) for name, rels in final.items()},
        unmappable=dict(sorted(unmappable.items())),
        attributes_by_table=attributes,
    )


def _local_fks(table: TableInfo, tables: dict[str, TableInfo]) -> list[ForeignKeyInfo]:
    """FKs to tables of the same schema that we know, sorted by their columns, each link once.

    A database can hold two constraints over the same columns and target
    (MariaDB makes one from an inline ``REFERENCES`` and another from a
    ``FOREIGN KEY`` clause): one link, so one relationship, not two that
    overlap and make SQLAlchemy warn.
    """
    links = {
        (fk.columns, fk.target_table, fk.target_columns): fk
        for fk in reversed(table.foreign_keys)  # reversed: the first of two alike is the one kept
        if fk.target_schema == table.schema and fk.target_table in tables
    }
    return sorted(links.values(), key=lambda fk: fk.columns)


def _classify(tables: dict[str, TableInfo]) -> Slices[tuple[dict[str, str], dict[str, tuple[str, str]]]]:
    """Reasons for the tables that get no class, and the pure association tables."""
    unmappable: dict[str, str] = {}
    for name, table in tables.items():
        if table.is_view:
            unmappable[name] = table.kind
        elif table.partition_of is not None:  # its rows are its parent's: one class, not one per partition
            unmappable[name] = f"partition of {table.partition_of}; compose over {table.partition_of}"
        elif "" in table.column_names():  # SQLite allows it; SQLAlchemy cannot build such a Column
            unmappable[name] = "a column has an empty name, which SQLAlchemy cannot map"
        elif not table.primary_key:
            unmappable[name] = "no primary key"
    associations: dict[str, tuple[str, str]] = {}
    for step, (name, table) in enumerate(tables.items()):
        if _pause(step):
            yield
        if table.is_view:
            continue
        fks = _local_fks(table, tables)
        fk_columns = {column for fk in fks for column in fk.columns}
        if (
            len(fks) == 2
            and all(fk.target_table not in unmappable for fk in fks)
            and set(table.column_names()) == fk_columns
        ):
            first, second = fks[0].target_table, fks[1].target_table
            associations[name] = (first, second)
            unmappable[name] = f"association table: many-to-many between {first} and {second}"
    return unmappable, associations


def _links(
    tables: dict[str, TableInfo], entities: dict[str, TableInfo], associations: dict[str, tuple[str, str]]
) -> Slices[list[_Pending]]:
    """Both ends of every FK link and every association, partners cross-referenced."""
    pending: list[_Pending] = []

    def pair(left: _Pending, right: _Pending) -> None:
        left.partner, right.partner = len(pending) + 1, len(pending)
        pending.extend([left, right])

    for step, name in enumerate(sorted(entities)):
        if _pause(step):
            yield
        fks = _local_fks(entities[name], entities)
        per_target = Counter(fk.target_table for fk in fks)
        for fk in fks:
            join = Join(name, fk.columns, fk.target_table, fk.target_columns)
            via = tuple(f"{name}.{column}" for column in fk.columns)
            one_to_one = frozenset(fk.columns) in entities[name].unique_column_sets()
            ambiguous = per_target[fk.target_table] > 1 or fk.target_table == name
            many_side = singular(name) if one_to_one else plural(name)
            pair(
                _Pending(name, fk_name(fk), MANY_TO_ONE, fk.target_table, via, False, (join,), order=(0, fk.columns)),
                _Pending(
                    fk.target_table,
                    f"{many_side}_{fk_name(fk)}" if ambiguous else many_side,
                    ONE_TO_MANY,
                    name,
                    via,
                    not one_to_one,
                    (join,),
                    order=(1, name, fk.columns),
                ),
            )
    links = Counter(frozenset(ends) for ends in associations.values())
    for step, secondary in enumerate(sorted(associations)):
        if _pause(step):
            yield
        fks = _local_fks(tables[secondary], entities)
        joins = [Join(secondary, fk.columns, fk.target_table, fk.target_columns) for fk in fks]
        ambiguous = links[frozenset(associations[secondary])] > 1 or fks[0].target_table == fks[1].target_table
        ends = []
        for near, far in ((0, 1), (1, 0)):
            target = fks[far].target_table
            base = f"{secondary}_{fk_name(fks[far])}" if ambiguous else plural(target)
            ends.append(
                _Pending(
                    fks[near].target_table,
                    base,
                    MANY_TO_MANY,
                    target,
                    (secondary,),
                    True,
                    (joins[near], joins[far]),
                    secondary=secondary,
                    order=(2, secondary, fks[near].columns),
                )
            )
        pair(*ends)
    return pending


def _attributes(entities: dict[str, TableInfo]) -> Slices[dict[str, dict[str, str]]]:
    """Each mappable table's column attribute names."""
    found = {}
    for step, (name, table) in enumerate(sorted(entities.items())):
        if _pause(step):
            yield
        found[name] = attribute_names(table.column_names())
    return found


def _assign_names(attributes: dict[str, dict[str, str]], pending: list[_Pending]) -> Slices[None]:
    """Settle names per owner: column attributes and earlier names are taken, later ones get suffixes."""
    taken = {name: set(columns.values()) for name, columns in attributes.items()}
    for step, item in enumerate(sorted(pending, key=lambda p: (p.owner, p.order))):
        if _pause(step):
            yield
        item.name = _free_name(item.base, taken[item.owner])
        taken[item.owner].add(item.name)


def _free_name(base: str, taken: set[str]) -> str:
    """``base`` as a ``python_name``, or with ``_rel``, ``_rel2``... whichever is first free."""
    base = python_name(base)
    candidate, number = base, 1
    while candidate in taken:
        candidate = f"{base}_rel" if number == 1 else f"{base}_rel{number}"
        number += 1
    return candidate
