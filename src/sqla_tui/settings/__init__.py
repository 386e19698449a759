"""What sqla-tui remembers between runs: saved connections, query history, keymap and theme.

Saved connections and preferences live in one TOML file in the user's
config directory, history in the data directory (``paths``). Nothing here
imports Textual, Rich or Typer: both front-ends read and write through it,
and the console entry reads a saved name without loading either.
"""

__all__: list[str] = []
