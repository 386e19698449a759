"""A command whose words are all plain flags and text is parsed without Typer's pydantic coercion.

Typer turns every parameter's words into its value through a pydantic
``TypeAdapter``, given or not: importing pydantic and building the adapters
of ``schema``'s thirteen parameters was 0.3 G CPU instructions, 6.5% of a
``schema --json`` run on a 2,000-table schema (benchmarks/README.md,
"``schema --json``, round 3"), where no word needs more than Python's ``str``. ``PlainWords`` reads such a
command line itself: flags (``--json``, ``--indent/--compact``) and options
whose value is text (``--table NAME``), each at most once, and at most one
argument. Anything else (a number, a choice, ``--opt=value``, a repeated
flag, ``--help``, ``--``, a value that looks like a flag) goes to Click and
Typer as before, so every error message stays theirs. The command runs
inside Click's context either way, so its exits, aborts and broken pipes end
as they always did; parameters not given keep the defaults Typer declared.
"""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Any, Optional

from typer.core import TyperCommand

_TEXT = (str, Optional[str])


class PlainWords(TyperCommand):
    """A Typer command that reads plain command lines itself (``@app.command(cls=PlainWords)``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        values = None if ctx.resilient_parsing else self._plain_values(args)
        if values is None:
            return super().parse_args(ctx, args)
        ctx.params.update(values)
        ctx.args = []
        return []

    def reads_plainly(self, args: list[str]) -> bool:
        """Whether these words are all plain, so running them needs neither Click's parser nor pydantic."""
        return self._plain_values(args) is not None

    def _plain_values(self, args: list[str]) -> dict[str, Any] | None:
        """Every parameter's value (the declared default where not given), or None when a word needs Click and Typer."""
        if self._plain is None:
            return None
        flags, texts, arguments, defaults = self._plain
        given: dict[str, Any] = {}
        remaining = list(arguments)
        words = iter(args)
        for word in words:
            value: Any
            if word in flags:
                name, value = flags[word]
            elif word in texts:
                name, value = texts[word], next(words, None)
                if value is None or value.startswith("-"):
                    return None
            elif remaining and not word.startswith("-"):
                name, value = remaining.pop(0), word
            else:
                return None
            if name in given:
                return None
            given[name] = value
        return {**defaults, **given}

    @functools.cached_property
    def _plain(self) -> tuple[dict[str, tuple[str, bool]], dict[str, str], tuple[str, ...], dict[str, Any]] | None:
        """The flags (word -> name, value), text options (word -> name), text arguments and every default; once.

        None when a parameter does something when not given (an environment
        variable, a prompt, a callable default, a required value): only Click does that.
        """
        signature = inspect.signature(self.callback)  # type: ignore[arg-type]  # Typer's wrapper: the command's own signature
        annotations = {name: _declared(parameter.annotation) for name, parameter in signature.parameters.items()}
        flags: dict[str, tuple[str, bool]] = {}
        texts: dict[str, str] = {}
        arguments: list[str] = []
        defaults: dict[str, Any] = {}
        for param in self.params:
            if param.envvar or getattr(param, "prompt", None) or callable(param.default) or param.required:
                return None
            if param.name is None or not param.expose_value:
                continue
            defaults[param.name] = param.default
            if param.multiple or param.nargs != 1 or getattr(param, "count", False) or param.callback is not None:
                continue
            if getattr(param, "is_bool_flag", False):
                flags.update({word: (param.name, True) for word in param.opts})
                flags.update({word: (param.name, False) for word in param.secondary_opts})
            elif annotations.get(param.name) in _TEXT and not getattr(param, "is_flag", False):
                if param.param_type_name == "argument":
                    arguments.append(param.name)
                else:
                    texts.update({word: param.name for word in param.opts})
        return flags, texts, tuple(arguments), defaults


def _declared(annotation: Any) -> Any:
    """The type of an ``Annotated[type, typer.Option(...)]`` annotation."""
    return typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
