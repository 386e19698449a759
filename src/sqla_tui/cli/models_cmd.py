"""``sqla-tui models``: declarative SQLAlchemy source for a schema, to stdout or a file (``core.catalog.export``)."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import connection_command
from sqla_tui.cli.output import collector_paused, fail, on_workbench

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target


class Lazy(StrEnum):
    """The ``lazy=`` every written relationship gets (select: SQLAlchemy's default, left unwritten)."""

    select = "select"
    raise_ = "raise"
    raise_on_sql = "raise_on_sql"


@app.command()
@connection_command()
def models(
    target: "Target",
    tables: Annotated[
        Optional[str],
        typer.Option(
            "--tables", help="Only these tables, comma-separated (association tables between them come along)."
        ),
    ] = None,
    schema_name: Annotated[
        Optional[str], typer.Option("--schema-name", "--schema", help="Write this schema (MySQL/MariaDB: database).")
    ] = None,
    lazy: Annotated[
        Lazy, typer.Option("--lazy", help="lazy= on every relationship: raise or raise_on_sql make an N+1 an error.")
    ] = Lazy.select,
    asynchronous: Annotated[
        bool, typer.Option("--async/--sync", help="A Base with AsyncAttrs (awaitable_attrs), or a plain one.")
    ] = True,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write the module to this file instead of stdout.")
    ] = None,
) -> None:
    """Write SQLAlchemy 2.x declarative models for a schema: Mapped[], mapped_column(), relationships named as in 'schema'."""
    from sqla_tui.core.catalog.export import ExportOptions

    names = tuple(name.strip() for name in (tables or "").split(",") if name.strip())
    if tables is not None and not names:
        fail("--tables is empty: name tables, comma-separated, e.g. --tables users,posts")
    options = ExportOptions(tables=names, lazy=lazy.value, asynchronous=asynchronous)
    with collector_paused():
        written = on_workbench(target, lambda bench: bench.export_models(options, schema_name))
    if output is None:
        typer.echo(written.text, nl=False)
        return
    try:
        output.write_text(written.text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}; choose another -o path")
    from sqla_tui.core.grammar import counted

    held = f"{counted(written.classes, 'class')}, {counted(written.tables, 'table')}, {counted(written.enums, 'enum')}"
    left_out = f"; left out: {', '.join(written.skipped)}" if written.skipped else ""
    typer.echo(f"wrote {held} to {output}{left_out}", err=True)
