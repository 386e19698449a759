"""``sqla-tui [URL]``: open the app (the demo database when no URL is given).

Plain ``sqla-tui`` and ``sqla-tui URL`` never get here (``sqla_tui.launch``
opens them without Typer); this command takes the launches with pool flags or ``--models``.
"""

from typing import TYPE_CHECKING, Annotated, Optional

from sqla_tui.cli.app import app
from sqla_tui.cli.options import MODELS_OPTION, connection_command, pool_flags_help

if TYPE_CHECKING:
    from sqla_tui.core.connect.target import Target


@app.command("open", hidden=True)
@connection_command(url_required=False)
def open_app(target: "Target", models: Annotated[Optional[str], MODELS_OPTION] = None) -> None:
    """Open the terminal app on a database."""
    from sqla_tui import launch

    launch.open_app(target, models=models)


app.info.epilog = pool_flags_help()  # the app's own flags, shown by 'sqla-tui --help'
