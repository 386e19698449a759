"""The ``sqla-tui`` command line: thin commands that call core and print.

Each command lives in its own module and registers itself on ``app`` when
imported; nothing here imports Textual except the command that opens the TUI,
and only when it runs.
"""

from sqla_tui.cli import (  # noqa: F401  (registers commands)
    attach_cmd,
    config_cmd,
    connections_cmd,
    demo_cmd,
    explain_cmd,
    fanout_cmd,
    history_cmd,
    learn_cmd,
    models_cmd,
    open_cmd,
    pool_cmd,
    query_cmd,
    schema_cmd,
    serve_cmd,
)
from sqla_tui.cli.app import app

__all__ = ["app"]
