"""How commands finish: JSON or human text on stdout, one error line on stderr.

Every user-facing failure ends here as ``error: <one line>`` and exit status 2;
Ctrl-C ends with status 130 and SIGTERM with 143, each after stopping the
server's statement (``cli.signals``), with one line and no traceback. A
Python warning raised while a command runs is one ``warning: <text>`` line,
once per distinct text.
"""

import contextlib
import gc
import io
import json
import sys
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

import typer

from sqla_tui.core.connect.masking import mask_url_text
from sqla_tui.core.errors import EXIT_USAGE, UserError
from sqla_tui.core.fields import json_value
from sqla_tui.words.controls import shown_controls

if TYPE_CHECKING:
    from pathlib import Path

    from sqla_tui.core.connect.target import Target
    from sqla_tui.core.export.table import Table
    from sqla_tui.workbench import Workbench

T = TypeVar("T")

EXIT_INTERRUPTED = 130


def fail(error: UserError | str) -> NoReturn:
    """Print one error line on stderr, credentials masked whatever produced it, and exit 2."""
    typer.echo(f"error: {mask_url_text(str(error))}", err=True)
    raise typer.Exit(EXIT_USAGE)


def usage_line(error: typer.TyperException, command_path: str) -> str:
    """Click's complaint about the command line as one line, naming the help to read.

    ``command_path`` (``sqla-tui schema``) is used when Click's error does not
    know its command, as for an option given without its value.
    """
    message = " ".join(error.format_message().split()).rstrip(".")
    message = message[:1].lower() + message[1:]
    context = getattr(error, "ctx", None)
    return f"{message}; see '{context.command_path if context is not None else command_path} --help'"


@contextlib.contextmanager
def warnings_as_lines() -> Iterator[None]:
    """Print each distinct warning as one masked line, without Python's file, line number and source line.

    The warnings that reach a user (SQLAlchemy's about their own --models,
    a driver's about the server) are worth reading once; the source line
    under them is sqla-tui's, not theirs. SQLA_TUI_DEBUG=1 keeps Python's format.
    """
    from sqla_tui.core.connect.masking import mask_url_text
    from sqla_tui.last_resort import debugging

    if debugging():
        yield
        return
    shown: set[str] = set()

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        text = mask_url_text(" ".join(str(message).split()))
        if text not in shown:
            shown.add(text)
            typer.echo(f"warning: {text}", err=True)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


class _Shown(io.TextIOBase):
    """A terminal's stream that shows the control characters written to it instead of passing them on
    (``words.controls``): what a command prints of a database's text cannot drive the user's terminal."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown_controls(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return True  # only a terminal's stream is wrapped: Rich and Click still colour and indent for one

    # io.TextIOBase answers these itself (None), so __getattr__ never passed them on, and Click, finding no
    # encoding, wrote typer.echo's text to the terminal's binary buffer round this wrapper (``history``'s lines)
    @property
    def encoding(self) -> str:  # type: ignore[override]  # the terminal's: a str, where TextIOBase allows None
        return self._stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]  # read-only here: the terminal's own
        return self._stream.errors

    def fileno(self) -> int:
        return self._stream.fileno()

    def __getattr__(self, name: str) -> Any:  # encoding, errors, buffer...: the terminal's own
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_shown() -> Iterator[None]:
    """Show, not obey, the control characters a command prints on a terminal (its stdout, its stderr).

    Every line a command writes passes here, whoever wrote it (Click,
    Rich, an error, a warning), so no path can forget: a table's comment
    or a row's value holding an escape sequence prints as ``\\x1b]52;...``.
    A pipe or a file gets the exact text, as ``ls`` leaves it.
    """
    saved = sys.stdout, sys.stderr
    if sys.stdout.isatty():
        sys.stdout = _Shown(sys.stdout)
    if sys.stderr.isatty():
        sys.stderr = _Shown(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a one-shot command that builds a catalog, prints it and exits.

    What such a command makes (a 2,000-table catalog is ~300,000 objects)
    lives until it ends, so each full collection walks it all to free
    nothing: ~0.15 s of a ``schema --json`` run's CPU (benchmarks/schema_json.py).
    Reference counting still frees what is dropped; peak RSS is the same.
    At the end what was made is frozen (``gc.freeze``) before collecting
    resumes, or the first young-generation pass would walk all of it (~0.05 s).
    Never for a command that runs until stopped (``pool``, ``serve``), whose
    cycles must be collected.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.enable()


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a core coroutine, turning user errors and Ctrl-C into clean exits."""
    import asyncio  # ~0.02 s that --help, which imports every command, never needs

    from sqla_tui.cli.signals import Stopped, leave, until_signalled

    try:
        return asyncio.run(until_signalled(coroutine))
    except UserError as error:
        fail(error)
    except Stopped as stopped:
        leave(stopped)
    except KeyboardInterrupt:  # Ctrl-C before the command's loop was listening
        typer.echo("interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None


def on_workbench(
    target: "Target",
    use: Callable[["Workbench"], Awaitable[T]],
    *,
    models: str | None = None,
    read_only: bool = True,
    connect: bool = True,
) -> T:
    """Open a workbench on ``target``, run one use case on it, close it: the whole of a command's database work.

    ``connect=False`` only resolves the target, for a use case that opens
    connections of its own (the pool lab).
    """

    async def session() -> T:
        import asyncio

        from sqla_tui.workbench import Workbench

        bench = Workbench(target, models=models, read_only=read_only)
        try:
            if connect:
                await bench.open()
            else:
                await asyncio.to_thread(bench.resolve)
            return await use(bench)
        finally:
            await bench.close()

    return run(session())


def emit_text(text: str, output: "Path | None") -> None:
    """Print ``text`` on stdout, or write it to ``output`` and say where on stderr; a file that cannot be written is one line."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    typer.echo(f"wrote {output}", err=True)


def emit_json(value: Any, *, indent: bool | None = None) -> None:
    """Print a dataclass (or plain data) as JSON on stdout: indented on a terminal, compact in a pipe.

    ``indent`` None decides by stdout; True or False says (``--indent``).
    The data is walked once, by the encoder: dataclasses are opened as it
    meets them, never copied into dicts first. A top-level value that is an
    iterator (``schema``'s tables) is written item by item in a pipe, so a
    2,000-table document (~6 MB) is never whole in memory (benchmarks/schema_json.py).
    """
    if indent is None:
        indent = sys.stdout.isatty()
    if indent:
        if isinstance(value, dict):
            value = {key: list(item) if isinstance(item, Iterator) else item for key, item in value.items()}
        sys.stdout.write(_dumps(value, indent=2, separators=(",", ": ")) + "\n")
        return
    write = sys.stdout.write
    if not isinstance(value, dict):
        write(_dumps(value) + "\n")
        return
    for number, (key, item) in enumerate(value.items()):
        write(("{" if number == 0 else ",") + _dumps(str(key)) + ":")
        if isinstance(item, Iterator):
            write("[")
            for index, element in enumerate(item):
                write(("," if index else "") + _dumps(element))
            write("]")
        else:
            write(_dumps(item))
    write(("}" if value else "{}") + "\n")


def _dumps(value: Any, **options: Any) -> str:
    """One value as JSON; NaN is not JSON, and one here is a bug, never output."""
    return json.dumps(value, default=json_value, allow_nan=False, **({"separators": (",", ":")} | options))


def wants_json(json_flag: bool, format_name: str | None) -> bool:
    """``--json`` and ``--format json`` are one request; ``--json`` with another ``--format`` is a contradiction."""
    if json_flag and format_name not in (None, "json"):
        fail(f"--json and --format {format_name} ask for two outputs: give one of them")
    return json_flag or format_name == "json"


def emit_table(table: "Table", format_name: str) -> None:
    """Print ``table`` as CSV or Markdown on stdout, exactly as the TUI's export writes it to a file."""
    from sqla_tui.core.export.writers import render

    sys.stdout.write(render(table, format_name))
