"""Where sqla-tui keeps its files: the platform's config and data directories (XDG on Linux)."""

from __future__ import annotations

from pathlib import Path

APP = "sqla-tui"


def config_file() -> Path:
    """The TOML file holding saved connections, the keymap and the theme."""
    import platformdirs

    return platformdirs.user_config_path(APP) / "config.toml"


def history_dir() -> Path:
    """Where each connection's query history is kept, one file per connection."""
    import platformdirs

    return platformdirs.user_data_path(APP) / "history"
