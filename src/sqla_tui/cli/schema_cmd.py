"""``sqla-tui schema``: every table and view with its columns, keys and relationships (``core.catalog.report``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import connection_command
from sqla_tui.cli.output import collector_paused, emit_json, on_workbench
from sqla_tui.cli.plain_words import PlainWords
from sqla_tui.core.fields import fields_reader
from sqla_tui.words import catalog as words

if TYPE_CHECKING:
    from rich.tree import Tree

    from sqla_tui.core.catalog.report import SchemaReport
    from sqla_tui.core.catalog.schema import TableInfo
    from sqla_tui.core.connect.target import Target


def _table_json(table: TableInfo, report: SchemaReport) -> dict[str, Any]:
    attribute = report.attributes.get(table.name, {}).get
    columns = []
    if table.columns:  # 36,000 of them in a 2,000-table schema: each entry made once, its class's fields read once
        cls: type = type(table.columns[0])  # a plain type for mypy (python/mypy#11470, as in fields_of)
        names, read = fields_reader(cls)
        for column in table.columns:
            entry = dict(zip(names, read(column)))
            entry["attribute"] = attribute(column.name)
            columns.append(entry)
    return {
        "schema": table.schema,
        "name": table.name,
        "kind": table.kind,
        "comment": table.comment,
        "columns": columns,
        "primary_key": table.primary_key,
        "foreign_keys": table.foreign_keys,  # dataclasses: emit_json writes their fields
        "unique_constraints": table.unique_constraints,
        "checks": table.checks,
        "indexes": table.indexes,
        "row_estimate": table.row_estimate,
        "row_count_exact": table.row_count_exact,
        "partitioned_by": table.partitioned_by,
        "partitions": [partition.name for partition in report.catalog.partitions(table.name)],
        "partition_of": table.partition_of,
        "partition_bound": table.partition_bound,
        "mappable": table.name in report.relationships,
        "unmappable_reason": report.unmappable.get(table.name),
        "relationships": [
            {"name": r.name, "direction": r.direction, "target": r.target, "via": r.via, "uselist": r.uselist}
            for r in report.relationships.get(table.name, [])
        ],
    }


def report_json(report: SchemaReport) -> dict[str, Any]:
    """The ``--json`` document: dialect, server version, schemas, then one entry per table.

    The tables are a generator: ``emit_json`` writes each as it is made, so a
    big schema's 36,000 column entries are never all in memory at once.
    """
    return {
        "dialect": report.info.dialect,
        "server_version": report.info.server_version,
        "schema": report.catalog.schema,
        "schemas": report.catalog.schemas,
        "tables": (_table_json(table, report) for table in report.tables),
        "undescribed": report.undescribed,
    }


_KEPT: dict[bool | None, str] = {True: " stored", False: " virtual"}
"""How a generated column's values are kept, after its expression."""


def _table_tree(table: TableInfo, report: SchemaReport) -> Tree:
    from rich.markup import escape
    from rich.tree import Tree

    from sqla_tui.core.catalog.naming import column_label

    label = f"[bold]{escape(table.name)}[/]" + (f"  ({table.kind})" if table.kind != "table" else "")
    if table.partition_bound is not None:
        label += f"  {escape(table.partition_bound)}"
    if table.partitioned_by is not None:
        label += f"  partitioned by {escape(table.partitioned_by)}"
    if table.row_estimate is not None:
        label += f"  {words.row_estimate(table)}"
    if table.comment:
        label += f"  [dim]-- {escape(table.comment)}[/]"
    if table.name in report.unmappable:
        label += f"  [dim]not mappable: {escape(report.unmappable[table.name])}[/]"
    node = Tree(label)
    columns = node.add("columns")
    fk_columns = {column for fk in table.foreign_keys for column in fk.columns}
    attributes = report.attributes.get(table.name, {})
    for column in table.columns:
        marks = [mark for mark, on in (("PK", column.primary_key), ("FK", column.name in fk_columns)) if on]
        text = f"{escape(column_label(column.name, attributes))}  [cyan]{escape(column.type)}[/]"
        text += "" if column.nullable else "  not null"
        text += "".join(f"  [yellow]{mark}[/]" for mark in marks)
        if column.default is not None:
            text += f"  default {escape(column.default)}"
        if column.generated is not None:
            text += f"  generated as {escape(column.generated)}{_KEPT.get(column.stored, '')}"
        if column.comment:
            text += f"  [dim]-- {escape(column.comment)}[/]"
        columns.add(text)
    _leaves(node, "foreign keys", [words.foreign_key_line(table, fk) for fk in table.foreign_keys])
    _leaves(node, "unique", [words.unique_line(unique) for unique in table.unique_constraints])
    _leaves(node, "checks", [words.check_line(check) for check in table.checks])
    _leaves(node, "indexes", [words.index_line(index) for index in table.indexes])
    _leaves(node, "relationships", [words.relationship_line(r) for r in report.relationships.get(table.name, [])])
    partitions = report.catalog.partitions(table.name)
    if partitions:
        branch = node.add("partitions")
        for partition in partitions:
            branch.add(_table_tree(partition, report))
    return node


def _leaves(node: Tree, title: str, lines: list[str]) -> None:
    from rich.markup import escape

    if lines:
        branch = node.add(title)
        for line in lines:
            branch.add(escape(line))


def print_report(report: SchemaReport) -> None:
    """The human tree: schema, then each table with columns, keys and relationships."""
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    catalog = report.catalog
    others = [name for name in catalog.schemas if name != catalog.schema]
    header = f"{report.info.url}  ({report.info.server_version})  schema {catalog.schema}"
    if others:
        header += f"  (also: {', '.join(others)})"
    root = Tree(escape(header))
    shown = {table.name for table in report.tables}
    for table in report.tables:
        if table.partition_of not in shown:  # a partition is drawn under its parent
            root.add(_table_tree(table, report))
    for name, why in report.undescribed.items():
        root.add(f"[bold]{escape(name)}[/]  [yellow]could not be described: {escape(why)}[/]")
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 1000  # piped output is grepped, not fitted to 80 columns: never wrap it
    console.print(root)


@app.command(cls=PlainWords)  # its words are flags and text: no pydantic needed to read them
@connection_command()
def schema(
    target: Target,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    indent: Annotated[
        Optional[bool],
        typer.Option("--indent/--compact", help="Indent the JSON (default: on a terminal only).", show_default=False),
    ] = None,
    table: Annotated[Optional[str], typer.Option("--table", help="Show only this table or view.")] = None,
    schema_name: Annotated[
        Optional[str], typer.Option("--schema", help="Browse this schema (MySQL/MariaDB: database).")
    ] = None,
    models: Annotated[
        Optional[str],
        typer.Option("--models", help="Relationships from your own Base: package.module:Base or path/models.py:Base."),
    ] = None,
) -> None:
    """Show tables and views. Columns, keys, row estimates and ORM relationships."""
    with collector_paused():
        report = on_workbench(target, lambda bench: bench.schema(schema_name, table=table), models=models)
        if json:
            emit_json(report_json(report), indent=indent)
        else:
            print_report(report)
