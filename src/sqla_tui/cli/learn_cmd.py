"""``sqla-tui learn``: lessons that run on a real database, in the app, as a check, or as a handout."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.options import is_saved_name, target_for
from sqla_tui.cli.output import emit_json, fail, on_workbench

EXIT_STEP_FAILED = 1


def _split(words: list[str]) -> tuple[str | None, str | None]:
    """(lesson, url) from the positional words: a URL has '://' (or is 'demo', or a saved connection's name), anything
    else names a lesson."""
    from sqla_tui.core.errors import UserError
    from sqla_tui.core.lessons.catalog import find_lesson

    lesson = url = None
    for word in words:
        if "://" in word or word == "demo" or is_saved_name(word):
            if url is not None:
                fail(f"two database URLs given ({url!r} is the first): give one")
            url = word
        else:
            if lesson is not None:
                fail(f"two lessons given ({lesson!r}, {word!r}): give one, or none to run them all")
            try:
                lesson = find_lesson(word).name
            except UserError as error:
                fail(error)
    return lesson, url


@app.command()
def learn(
    words: Annotated[
        Optional[list[str]],
        typer.Argument(help="A lesson (name or number) and/or a database URL (default: the demo).", show_default=False, metavar="[LESSON] [URL]"),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="Run every step headlessly and print pass/fail; exit 1 if any fails.")] = False,
    json: Annotated[bool, typer.Option("--json", help="With --check: print JSON.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Write LESSON as a Markdown handout with this run's statements.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="With --markdown: write to this file instead of stdout.")] = None,
) -> None:
    """Lessons on SQLAlchemy loading and asyncio, each step run on the database with its claim checked.

    'sqla-tui learn' opens the lessons in the app (l there too); --check runs them all;
    LESSON --markdown writes a handout. Lessons only read: the demo by default, or a database with its shape.
    """
    lesson, url = _split(words or [])
    target = target_for(url or "demo")
    if json and not check:
        fail("--json goes with --check: 'sqla-tui learn --check --json'")
    if output is not None and not markdown:
        fail("--output goes with --markdown: 'sqla-tui learn LESSON --markdown -o handout.md'")
    if markdown:
        _handout(target, lesson, output)
    elif check:
        _check(target, lesson, json)
    else:
        from sqla_tui import launch

        launch.open_app(target, lesson=lesson or "")


def _check(target, lesson: str | None, as_json: bool) -> None:
    results = on_workbench(target, lambda bench: bench.learn([lesson] if lesson else None))
    if as_json:
        emit_json({"lessons": [
            {"name": r.name, "title": r.title, "steps": [{"title": s.title, "passed": s.passed, "detail": s.detail} for s in r.steps]}
            for r in results
        ]})  # fmt: skip
    else:
        for result in results:
            typer.echo(f"{result.name}: {result.title}")
            for step in result.steps:
                typer.echo(f"  {'PASS' if step.passed else 'FAIL'}  {step.title}: {step.detail}")
    if not all(result.passed for result in results):
        raise typer.Exit(EXIT_STEP_FAILED)


def _handout(target, lesson: str | None, output: Path | None) -> None:
    from sqla_tui.core.lessons.catalog import find_lesson
    from sqla_tui.core.lessons.handout import markdown

    if lesson is None:
        fail("--markdown needs a lesson: 'sqla-tui learn n-plus-one --markdown'")

    async def write(bench):
        (result,) = await bench.learn([lesson])
        return markdown(find_lesson(lesson), result, bench.info.url)

    text = on_workbench(target, write)
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        fail(f"cannot write the handout to {output}: {error.strerror or error}; choose another -o path")
    typer.echo(f"wrote {output}")
