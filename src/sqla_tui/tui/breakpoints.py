"""The screen classes both apps size their panes by (Textual's breakpoints): one definition for app.tcss and
attach.tcss."""

from __future__ import annotations

HORIZONTAL = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]
"""-narrow fits 80 columns, -wide uses 200."""
VERTICAL = [(0, "-short"), (32, "-tall")]
"""-short is an 80×24 terminal: one-line sparklines, no spacer lines."""
