"""The URL and pool flags every connecting command shares, declared once.

``connection_command`` appends the flags to a command's signature (Typer reads
signatures) and hands the command a ready ``Target`` instead of nine loose
parameters, so adding a command never means copying the flag list.
"""

import functools
import inspect
import os
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer

from sqla_tui.core.connect import PoolOptions, Target

_POOL_PANEL = "Connection pool"


def _pool_parameters() -> list[inspect.Parameter]:
    def option(name: str, annotation: Any, default: Any, *flags: str, help: str) -> inspect.Parameter:
        info = typer.Option(*flags, help=help, rich_help_panel=_POOL_PANEL)
        return inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[annotation, info], default=default
        )

    return [
        option("pool_size", Optional[int], None, "--pool-size", help="Connections kept open in the pool."),
        option("max_overflow", Optional[int], None, "--max-overflow", help="Extra connections allowed past the size."),
        option("pool_timeout", Optional[float], None, "--pool-timeout", help="Seconds to wait for a free connection."),
        option("pool_recycle", Optional[int], None, "--pool-recycle", help="Replace connections older than this (s)."),
        option("pre_ping", bool, True, "--pre-ping/--no-pre-ping", help="Test each connection before use."),
        option("poolclass", Optional[str], None, "--poolclass", help="queue, null or static."),
    ]


_POOL_NAMES = ("pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pre_ping", "poolclass")


def connection_command(*, url_required: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command a leading URL argument and the pool flags, as ``target``.

    The URL falls back to ``DATABASE_URL``; the word ``demo`` (or, when
    ``url_required`` is false, no URL at all) means the built-in demo database.
    """

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        own = [p for p in inspect.signature(command).parameters.values() if p.name != "target"]
        url_help = "Database URL (or 'demo'); defaults to $DATABASE_URL."
        url_param = inspect.Parameter(
            "url",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=Annotated[Optional[str], typer.Argument(help=url_help, show_default=False)],
            default=None,
        )

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            pool = PoolOptions(**{name: kwargs.pop(name) for name in _POOL_NAMES})
            url = kwargs.pop("url") or os.environ.get("DATABASE_URL")
            if url is None and url_required:
                from sqla_tui.cli.output import fail

                fail("no database URL given: pass one (or 'demo'), or set DATABASE_URL")
            return command(target=Target(url=url, pool=pool), **kwargs)

        params = [url_param, *own, *_pool_parameters()]
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return wrapper

    return decorate
