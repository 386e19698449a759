"""Export: what a screen or command shows, as one ``Table``, written as CSV, JSON or Markdown.

Headless like the rest of core, so the CLI's ``--format`` and the TUI's export
dialog write the same bytes for the same data.
"""

__all__ = ["FORMATS", "Table", "render"]

from sqla_tui.core.export.table import Table
from sqla_tui.core.export.writers import FORMATS, render
