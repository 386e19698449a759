"""``sqla-tui attach`` and ``sqla-tui replay``: watch an instrumented application live, or a recorded feed.

Without a target, ``attach`` lists the instrumented applications this user
runs. With one, it opens the attach screen, or with ``--json`` reads the
feed until the application exits (or ``--duration`` ends) and prints one
summary. ``--record FILE`` keeps the raw feed for ``replay``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from sqla_tui.cli.app import app
from sqla_tui.cli.output import emit_json, fail
from sqla_tui.core.errors import UserError
from sqla_tui.core.grammar import counted

if TYPE_CHECKING:
    from collections.abc import Iterable

_MAX_DURATION = 7 * 24 * 3600.0


@app.command()
def attach(
    target: Annotated[
        Optional[str], typer.Argument(help="PID, name, PID-NAME, socket path or tcp://127.0.0.1:PORT; none lists them.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON summary when the feed ends.")] = False,
    duration: Annotated[
        Optional[float], typer.Option("--duration", help="Stop after this many seconds (default: when the app exits).")
    ] = None,
    record: Annotated[
        Optional[Path], typer.Option("--record", help="Write the raw feed to this file, for replay.")
    ] = None,
    token: Annotated[Optional[str], typer.Option("--token", help="The token a tcp:// application printed.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="The database, for EXPLAIN of a statement (e).")] = None,
) -> None:
    """Watch a running application that called sqla_tui.attach.instrument(engine)."""
    from sqla_tui.attach.runtime import cards
    from sqla_tui.attach.viewer import connect, read_events

    if duration is not None and not 0 < duration <= _MAX_DURATION:
        fail(f"--duration must be more than 0 and at most {_MAX_DURATION:g} seconds, not {duration:g}")
    try:
        if target is None:
            _list(cards(), json)
            return
        sock = connect(target, token)
        handle = _open_record(record)
        try:
            if not json:
                from sqla_tui.launch import open_attach

                stop = threading.Event()  # set as the screen closes: the reader thread ends with it
                events = read_events(sock, duration=duration, record=handle, stop=stop)
                open_attach(events, title=target, target=_explain_on(url), stop=stop)
                return
            emit_json(_digest(read_events(sock, duration=duration, record=handle)).summary())
        finally:
            if handle is not None:
                handle.close()
    except UserError as error:
        fail(error)


@app.command()
def replay(
    file: Annotated[Path, typer.Argument(help="A feed written by 'sqla-tui attach --record'.")],
    json: Annotated[bool, typer.Option("--json", help="Print the JSON summary instead of opening the screen.")] = False,
    url: Annotated[Optional[str], typer.Option("--url", help="The database, for EXPLAIN of a statement (e).")] = None,
) -> None:
    """Open a recorded attach feed (an incident file) in the same screens, or summarise it."""
    from sqla_tui.attach.viewer import replay_events

    try:
        if json:
            emit_json(_digest(replay_events(file)).summary())
            return
        from sqla_tui.launch import open_attach

        stop = threading.Event()
        open_attach(replay_events(file, stop), title=str(file), target=_explain_on(url), stop=stop)
    except UserError as error:
        fail(error)


def _explain_on(url: str | None) -> Any:
    """The --url target, checked before the screen opens; None without one."""
    if url is None:
        return None
    from sqla_tui.core.connect.target import Target

    target = Target(url)
    target.validate()
    return target


def _digest(events: Iterable[dict[str, Any]]) -> Any:
    """Fold the feed; Ctrl-C ends it early and still prints what was seen."""
    from sqla_tui.attach.digest import Digest

    digest = Digest()
    try:
        for event in events:
            digest.add(event)
    except KeyboardInterrupt:
        pass
    if digest.cut_at_line is not None:
        typer.echo(f"warning: the recording is cut off at line {digest.cut_at_line}; summarised up to it", err=True)
    return digest


def _open_record(path: Path | None) -> Any:
    if path is None:
        return None
    try:  # only this user's, as the feed's socket is: statements, and with capture_params their values
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a file that was there keeps its mode through O_CREAT
        return os.fdopen(fd, "wb")
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from None


def _list(found: list[Any], json: bool) -> None:
    if json:
        emit_json([card.public() for card in found])
        return
    if not found:
        typer.echo("no instrumented applications running; add sqla_tui.attach.instrument(engine) to one")
        return
    typer.echo(f"{counted(len(found), 'instrumented application')}:")
    now = time.time()
    for card in found:
        typer.echo(
            f"  {card.pid:>7}  {card.name:<20} {card.dialect:<11} {card.poolclass:<22} "
            f"up {_uptime(now - card.started):>8}  {card.address}"
        )


def _uptime(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"
