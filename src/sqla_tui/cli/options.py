"""Flags several commands share, declared once.

Typer builds options from a function's signature, so these decorators extend
a command's signature with shared parameters and hand the command one ready
object instead: ``connection_command`` adds the URL and pool flags and passes
a ``Target``; ``query_command`` adds ROOT and the query flags and passes a
``QuerySpec``. Adding a command never means copying a flag list.
"""

import functools
import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from sqla_tui.core.connect.target import POOLCLASSES

if TYPE_CHECKING:  # imported when a command runs, so --help never loads SQLAlchemy
    from sqla_tui.core.connect.target import PoolOptions, Target

_POOL_PANEL = "Connection pool"
_QUERY_PANEL = "Query"
_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD

Command = Callable[..., Any]


def _option(name: str, annotation: Any, default: Any, *flags: str, help: str, panel: str) -> inspect.Parameter:
    info = typer.Option(*flags, help=help, rich_help_panel=panel)
    return inspect.Parameter(name, _KEYWORD, annotation=Annotated[annotation, info], default=default)


def _own_parameters(command: Command, replaces: str) -> list[inspect.Parameter]:
    """The command's parameters but ``replaces``, ready for Typer: annotations evaluated, options keyword-only.

    A module with ``from __future__ import annotations`` holds its annotations
    as strings; Typer reads the wrapper's signature as given, so a string left
    there loses its ``typer.Option`` (help, default) and shows as a bare flag.
    Each is evaluated in the command's module, as ``inspect`` would. A name
    that exists only for type checkers (``target: Target``, which an outer
    decorator replaces) stays a string: Typer never sees it.
    """
    from typer.models import ArgumentInfo

    namespace = vars(sys.modules[command.__module__])
    own = []
    for parameter in inspect.signature(command).parameters.values():
        if parameter.name == replaces:
            continue
        resolved = parameter
        if isinstance(parameter.annotation, str):
            try:
                resolved = parameter.replace(annotation=eval(parameter.annotation, namespace))
            except NameError:
                pass
        metadata = getattr(resolved.annotation, "__metadata__", ())
        if not any(isinstance(item, ArgumentInfo) for item in metadata):
            resolved = resolved.replace(kind=_KEYWORD)  # defaults may then come in any order
        own.append(resolved)
    return own


def _extend(
    command: Command,
    replaces: str,
    leading: list[inspect.Parameter],
    trailing: list[inspect.Parameter],
    build: Callable[[dict[str, Any]], Any],
) -> Command:
    """Wrap ``command`` so Typer sees extra parameters and the command gets ``build(kwargs)``.

    ``build`` pops the parameters it consumes from the keyword arguments and
    returns the object passed to the command as ``replaces``.
    """
    own = _own_parameters(command, replaces)

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        built = build(kwargs)
        return command(**{replaces: built}, **kwargs)

    params = [*leading, *own, *trailing]
    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]  # functions take a __signature__, which Typer reads
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper


_POOL_PARAMETERS = [
    _option("pool_size", Optional[int], None, "--pool-size", help="Connections kept open in the pool.", panel=_POOL_PANEL),
    _option("max_overflow", Optional[int], None, "--max-overflow", help="Extra connections allowed past the size.", panel=_POOL_PANEL),
    _option("pool_timeout", Optional[float], None, "--pool-timeout", help="Seconds to wait for a free connection.", panel=_POOL_PANEL),
    _option("pool_recycle", Optional[int], None, "--pool-recycle", help="Replace connections older than this (s).", panel=_POOL_PANEL),
    _option("pre_ping", bool, True, "--pre-ping/--no-pre-ping", help="Test each connection before use.", panel=_POOL_PANEL),
    _option("poolclass", Optional[Literal[tuple(POOLCLASSES)]], None, "--poolclass", help="The pool class: queue (SQLAlchemy's default), null (no pooling) or static (one connection).", panel=_POOL_PANEL),
]  # fmt: skip
_POOL_NAMES = [parameter.name for parameter in _POOL_PARAMETERS]


def pool_flags_help() -> str:
    """The pool flags as a help section for ``sqla-tui --help``, read from the options themselves.

    They belong to the hidden ``open`` command (and every command that
    connects), so the top-level help would otherwise never name them.
    """
    lines = []
    for parameter in _POOL_PARAMETERS:
        info = parameter.annotation.__metadata__[0]
        flags = " ".join([info.default, *info.param_decls])  # in Annotated, Typer keeps the first flag as ``default``
        lines.append(f"  {flags:<26} {info.help}")
    example = "  sqla-tui postgresql://host/db --pool-size 3 --max-overflow 2"
    return "Pool flags, for the app and every command that connects:\n\n\b\n" + "\n".join([*lines, "", example])


def connection_command(*, url_required: bool = True) -> Callable[[Command], Command]:
    """Give a command a leading URL argument and the pool flags, as ``target``.

    The URL falls back to ``DATABASE_URL``; the word ``demo`` (or, when
    ``url_required`` is false, no URL at all) means the built-in demo database;
    a saved connection's name stands for its URL, with its password fetched
    (keyring, environment) or asked for on the terminal.
    """
    url_help = "Database URL, a saved connection's name, or 'demo'; defaults to $DATABASE_URL."
    url_param = inspect.Parameter(
        "url",
        _POSITIONAL,
        annotation=Annotated[
            Optional[str], typer.Argument(help=url_help, show_default=False, autocompletion=saved_names)
        ],
        default=None,
    )

    def build(kwargs: dict[str, Any]) -> "Target":
        from sqla_tui.cli.output import fail
        from sqla_tui.core.connect.target import PoolOptions

        pool = PoolOptions(**{name: kwargs.pop(name) for name in _POOL_NAMES})
        url = kwargs.pop("url")
        if _is_the_root(url, kwargs):  # ``sqla-tui query users`` with $DATABASE_URL set: the one word is ROOT
            kwargs["root"], url = url, None
        url = url or os.environ.get("DATABASE_URL")
        if url is None and url_required:
            fail("no database URL given: pass one, a saved connection's name (or 'demo'), or set DATABASE_URL")
        return target_for(url, pool)

    return lambda command: _extend(command, "target", [url_param], _POOL_PARAMETERS, build)


def _is_the_root(url: str | None, kwargs: dict[str, Any]) -> bool:
    """Whether a command's only positional word is its ROOT, the URL coming from ``DATABASE_URL``: the command takes
    a ROOT and was given none besides, no ``--sql`` stands in for it, and the word is no URL or saved name."""
    if url is None or "root" not in kwargs or kwargs["root"] is not None or kwargs.get("sql") is not None:
        return False
    from sqla_tui.settings.connections import looks_like_name

    return bool(os.environ.get("DATABASE_URL")) and looks_like_name(url) and not is_saved_name(url)


def target_for(text: str | None, pool: "PoolOptions | None" = None) -> "Target":
    """The Target a command's URL option or argument names: a URL, ``demo``, or a saved connection's name (its
    password fetched or asked for), as every connecting command reads it; a bad one is the command's one line."""
    from sqla_tui.cli.output import fail
    from sqla_tui.core.connect.target import PoolOptions
    from sqla_tui.core.errors import UserError
    from sqla_tui.settings.connections import resolve

    try:
        return resolve(text, pool or PoolOptions(), ask=ask_password)
    except UserError as error:
        fail(error)


def is_saved_name(word: str) -> bool:
    """Whether ``word`` is a saved connection's name (not a URL, not ``demo``)."""
    from sqla_tui.settings.connections import looks_like_name, lookup

    return looks_like_name(word) and lookup(word) is not None


def saved_names(incomplete: str) -> list[str]:
    """Shell completion for a URL argument: the saved connections' names (and ``demo``) starting so."""
    from sqla_tui.core.errors import UserError
    from sqla_tui.settings.connections import saved

    try:
        names = [entry.name for entry in saved()]
    except UserError:
        names = []
    return [name for name in [*names, "demo"] if name.startswith(incomplete)]


def ask_password(question: str) -> str:
    """Ask on the terminal without echo (or read what is piped in, without one); no answer (end of input, Ctrl-D) is
    a one-line error."""
    from sqla_tui.core.errors import UserError
    from sqla_tui.settings.connections import has_terminal, piped_password

    if not has_terminal():
        return piped_password()
    try:
        return typer.prompt(question, hide_input=True, err=True)
    except typer.Abort:
        typer.echo(err=True)  # end the prompt's line, so the error is a line of its own
        raise UserError("no password was typed") from None


_QUERY_PARAMETERS = [
    _option("schema", Optional[str], None, "--schema", help="ROOT's schema (MySQL/MariaDB: database), when not the connection's default; 'sqla-tui schema' lists them.", panel=_QUERY_PANEL),
    _option("where", Optional[list[str]], None, "--where", "-w", help="Filter 'column op value' (=, !=, <, like, in, between, is_null...).", panel=_QUERY_PANEL),
    _option("order", Optional[list[str]], None, "--order", help="Order by column[:desc].", panel=_QUERY_PANEL),
    _option("limit", Optional[int], None, "--limit", help="Root rows to fetch (default: the --spec file's, else 100).", panel=_QUERY_PANEL),
    _option("offset", Optional[int], None, "--offset", help="Root rows to skip (default: the --spec file's, else 0).", panel=_QUERY_PANEL),
    _option("no_default_order", bool, False, "--no-default-order", help="Without --order, leave the rows of a --limit/--offset to the database instead of ordering by the primary key.", panel=_QUERY_PANEL),
    _option("load", Optional[list[str]], None, "--load", "-l", help="PATH=STRATEGY, e.g. posts.comments=selectin; STRATEGY is select (lazy), joined, joined_inner, selectin, subquery, immediate, raise, raise_on_sql or noload.", panel=_QUERY_PANEL),
    _option("spec_file", Optional[Path], None, "--spec", help="Start from a saved query spec (JSON file), or @N for entry N of this connection's history (@1 = the last run; see 'sqla-tui history').", panel=_QUERY_PANEL),
]  # fmt: skip


def query_command(command: Command) -> Command:
    """Give a command ROOT and the query flags, as ``spec`` (a QuerySpec).

    With ``--spec`` the file is the start: ROOT replaces its root, filters,
    orders and loads given as flags are added to its own, and --limit,
    --offset or --schema replace its values only when given.
    """
    root_param = inspect.Parameter(
        "root",
        _POSITIONAL,
        annotation=Annotated[Optional[str], typer.Argument(help="Root entity: a table name (or class with --models).")],
        default=None,
    )

    def build(kwargs: dict[str, Any]) -> Any:
        from sqla_tui.cli.output import fail
        from sqla_tui.core.errors import UserError
        from sqla_tui.core.query.spec import (
            QuerySpec,
            parse_load,
            parse_order,
            parse_where,
        )

        root, spec_file, target = kwargs.pop("root"), kwargs.pop("spec_file"), kwargs.get("target")
        where, order, load = kwargs.pop("where") or [], kwargs.pop("order") or [], kwargs.pop("load") or []
        limit, offset, schema = kwargs.pop("limit"), kwargs.pop("offset"), kwargs.pop("schema")
        no_default_order = kwargs.pop("no_default_order")
        try:
            spec = _starting_spec(spec_file, target) if spec_file else QuerySpec(root or "")
            if root:
                spec.root = root
            if not spec.root:
                fail("no root entity given: name a table, e.g. 'sqla-tui query demo users'")
            spec.filters += [parse_where(text) for text in where]
            spec.order_by += [parse_order(text) for text in order]
            spec.loads += [parse_load(text) for text in load]
            if limit is not None:  # a flag given wins over the file; one not given leaves the file's
                spec.limit = limit
            if offset is not None:
                spec.offset = offset
            if schema is not None:
                spec.schema = schema
            spec.default_order = spec.default_order and not no_default_order
        except UserError as error:
            fail(error)
        return spec

    return _extend(command, "spec", [root_param], _QUERY_PARAMETERS, build)


def _starting_spec(spec_file: Path, target: "Target | None") -> Any:
    """The spec ``--spec`` names: a history entry (``@N``) of the command's connection, or a JSON file."""
    from sqla_tui.core.errors import UserError
    from sqla_tui.core.query.spec_file import load_spec

    text = str(spec_file)
    if not text.startswith("@") or target is None:
        return load_spec(spec_file)
    if not text[1:].isdigit():
        raise UserError(f"--spec {text!r}: a history entry is @ and its number, e.g. @1 for the last run")
    from sqla_tui.settings.history import entry

    return entry(target, int(text[1:]))


def models_for(spec: Any, models: str | None) -> str | None:
    """The ``--models`` to run ``spec`` over: the one given, else the one its history entry or file ran over."""
    return models or spec.models


def with_models(spec: Any, models: str | None) -> Any:
    """``spec`` as history keeps it: with the models it ran over, a file's path made absolute so ``--spec @N``
    finds them from any directory (``app/models.py:Base``; a ``package.module:Base`` is kept as given)."""
    import dataclasses

    if models is None:
        return spec
    module, colon, base = models.rpartition(":")
    if colon and module.endswith(".py"):
        models = f"{Path(module).absolute()}:{base}"
    return dataclasses.replace(spec, models=models)


MODELS_OPTION = typer.Option(
    "--models",
    help="Use your own declarative Base: package.module:Base or path/to/models.py:Base.",
    rich_help_panel=_QUERY_PANEL,
)


ExportFormat = Literal["json", "csv", "markdown"]
"""``--format`` choices; the writers are in ``core.export``."""


def format_option(table: str) -> Any:
    """``--format``, naming the table that csv and markdown print for this command."""
    return typer.Option("--format", help=f"json (the same as --json), csv or markdown: {table}.")


SCRIPT_OPTION = typer.Option(
    "--script",
    help="Print a Python script that runs this on its own (python script.py; DATABASE_URL picks the database) and prints the same statements and rows.",
)
OUTPUT_OPTION = typer.Option("--output", "-o", help="With --script: write the script to this file instead of stdout.")
