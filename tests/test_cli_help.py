"""``--help`` explains every option of every command, and every command line README.md shows parses.

The option list is read from the Click command tree Typer builds, so a new
option is checked the moment it exists; README's command lines are read from
its code blocks and parsed (names, types and values checked) without running.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from sqla_tui.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
_CODE_BLOCK = re.compile(r"^```(?:sh|console|bash)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _group() -> Any:
    return typer.main.get_command(app)


def _commands(path: str = "sqla-tui", group: Any = None) -> Iterator[tuple[str, Any]]:
    """Every command, those of sub-groups (``sqla-tui connections add``) included."""
    group = group or _group()
    yield path, group
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(f"{path} {name}", command)
        else:
            yield f"{path} {name}", command


def _options() -> Iterator[tuple[str, Any, tuple[str, str]]]:
    for path, command in _commands():
        context = command.make_context(path, [], resilient_parsing=True)
        for parameter in command.params:
            record = parameter.get_help_record(context)
            if record is not None:
                yield path, parameter, record


OPTIONS = list(_options())


@pytest.mark.parametrize(("path", "parameter", "record"), OPTIONS, ids=[f"{p} {r[0].split()[0]}" for p, _, r in OPTIONS])
def test_every_option_says_what_it_does(path: str, parameter: Any, record: tuple[str, str]) -> None:
    names, text = record
    assert text.strip() and not text.lstrip().startswith("["), f"{path} {names}: no help text, only {text!r}"


def test_choice_options_list_their_choices() -> None:
    checked = 0
    for path, parameter, (names, text) in OPTIONS:
        choices = parameter.type_descriptor.choices if hasattr(parameter, "type_descriptor") else None
        if choices:
            checked += 1
            missing = [choice for choice in choices if str(choice) not in names + text]
            assert not missing, f"{path} {names}: --help does not list {missing}"
    assert checked, "no choice option found: --poolclass at least is one"


def _help_of(command: str, option: str) -> str:
    return next(names + " " + text for path, _, (names, text) in OPTIONS if path == command and names.startswith(option))


def test_options_taking_names_from_a_fixed_list_list_them_all() -> None:
    """Values checked by the core (they need SQLAlchemy, which --help never imports) are listed in the help all the same."""
    from sqla_tui.core.pool.load import SCENARIOS
    from sqla_tui.core.query.fanout import PLANS
    from sqla_tui.core.query.spec import STRATEGIES

    for command, option, names in [
        ("sqla-tui pool", "--scenario", SCENARIOS),
        ("sqla-tui fanout", "--strategies", PLANS),
        ("sqla-tui query", "-l, --load", STRATEGIES),
    ]:
        text = _help_of(command, option)
        assert [name for name in names if not re.search(rf"(?<![\w+-]){re.escape(name)}(?![\w+-])", text)] == [], text


def _readme_command_lines() -> list[list[str]]:
    """Every ``sqla-tui ...`` command in README's sh/console blocks, as argv after the program name."""
    found = []
    for block in _CODE_BLOCK.findall(README.read_text()):
        for line in block.splitlines():
            if block.lstrip().startswith("$") and not line.startswith("$ "):
                continue  # a console block's output
            words = shlex.split(line.removeprefix("$ "), comments=True)
            command: list[str] = []
            for word in [*words, "&&"]:
                if word in ("&&", "|", ";"):
                    if command[:1] == ["sqla-tui"]:
                        found.append(command[1:])
                    command = []
                else:
                    command.append(word)
    return found


README_LINES = _readme_command_lines()


def test_readme_has_command_lines_to_check() -> None:
    assert len(README_LINES) >= 20 and ["schema", "demo", "--table", "messages"] in README_LINES


@pytest.mark.parametrize("argv", README_LINES, ids=[" ".join(argv)[:60] for argv in README_LINES])
def test_every_readme_command_line_parses(argv: list[str]) -> None:
    """Parsed as the console script would (a first word that is no command opens the app), without running it."""
    group = _group()
    group.make_context("sqla-tui", list(argv))
    name, rest = (argv[0], argv[1:]) if argv and argv[0] in group.commands else ("open", argv)
    group.commands[name].make_context(f"sqla-tui {name}", list(rest))


@pytest.mark.parametrize("group", ["config", "connections"])
def test_a_group_given_no_command_prints_its_help(group: str) -> None:
    """'sqla-tui config' printed its help folded into one 'error: usage: ...' line, with exit status 2."""
    given = CliRunner().invoke(app, [group])
    asked = CliRunner().invoke(app, [group, "--help"])
    assert (given.exit_code, given.stderr) == (0, "")
    assert given.stdout == asked.stdout and f" {group} [OPTIONS] COMMAND [ARGS]..." in given.stdout.splitlines()[0]
