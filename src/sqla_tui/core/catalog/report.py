"""What the ``schema`` command shows: the catalog, and per table its relationships or why it has none.

Relationships come from our naming rules over the catalog (no ORM classes
need building for that), or from the application's own models, so the
report shows exactly what a query would be composed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqla_tui.core.catalog.naming import RelationshipInfo, plan_catalog
from sqla_tui.core.catalog.schema import Catalog, TableInfo
from sqla_tui.core.connect.engine import ServerInfo

if TYPE_CHECKING:  # the mapper (and SQLAlchemy's ORM with it) is --models' alone: the report names relationships itself
    from sqla_tui.core.catalog.mapping import OrmMap


@dataclass(frozen=True)
class SchemaReport:
    """The catalog and, per table, its relationships or why it has none."""

    info: ServerInfo
    catalog: Catalog
    tables: tuple[TableInfo, ...]
    relationships: dict[str, list[RelationshipInfo]]
    attributes: dict[str, dict[str, str]]
    """Per mapped table, each column's attribute name on its class."""
    unmappable: dict[str, str]
    undescribed: dict[str, str]
    """Names listed but not described, and why; none when one table was asked for."""


def schema_report(info: ServerInfo, catalog: Catalog, user_map: OrmMap | None, table: str | None = None) -> SchemaReport:
    """Every table (or only ``table``, a UserError if it is unknown) with the relationships it would map with."""
    tables = (catalog.table(table),) if table is not None else catalog.tables
    if user_map is not None:
        relationships = {name: user_map.relationships(name) for name in user_map.entities}
        attributes = {name: user_map.attributes(name) for name in user_map.entities}
        unmappable = {
            t.name: user_map.unmappable.get(t.name, "no class in the models")
            for t in catalog.tables
            if t.name not in user_map.entities
        }
    else:
        plan = plan_catalog(catalog)
        relationships = {name: plan.relationships(name) for name in plan.mappable}
        attributes = plan.attributes_by_table
        unmappable = plan.unmappable
    undescribed = catalog.undescribed if table is None else {}
    return SchemaReport(info, catalog, tables, relationships, attributes, unmappable, undescribed)
