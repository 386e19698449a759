"""``sqla-tui [URL]``: open the app (the demo database when no URL is given)."""

from typing import TYPE_CHECKING
from sqla_tui.cli.app import app
from sqla_tui.cli.options import connection_command
from sqla_tui.cli.output import fail

if TYPE_CHECKING:
    from sqla_tui.core.connect import Target


@app.command("open", hidden=True)
@connection_command(url_required=False)
def open_app(target: "Target") -> None:
    """Open the terminal app on a database."""
    from sqla_tui.core.connect import parse_url
    from sqla_tui.core.errors import UserError

    try:
        target.pool.validate()
        if not target.is_demo:
            parse_url(target.url or "")
    except UserError as error:
        fail(error)
    from sqla_tui.tui.app import SqlaTuiApp

    SqlaTuiApp(target).run()
