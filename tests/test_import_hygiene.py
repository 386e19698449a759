"""The core and the headless CLI never import Textual (or Rich, for the core).

Checked in a fresh interpreter, because the test process itself has Textual
loaded by the TUI tests. This keeps ``sqla-tui --help`` and every headless
command free of Textual's import time, and the core usable without a terminal.
"""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys

import sqla_tui.core


def _loaded_after(imports: str) -> set[str]:
    probe = f"import sys; {imports}; print(' '.join(sorted(sys.modules)))"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(output.split())


def test_every_core_module_imports_without_textual_or_rich() -> None:
    names = [module.name for module in pkgutil.walk_packages(sqla_tui.core.__path__, "sqla_tui.core.")]
    assert "sqla_tui.core.connect.engine" in names
    loaded = _loaded_after("; ".join(f"import {name}" for name in names))
    assert {"textual", "rich"} & loaded == set()


def test_cli_and_its_commands_do_not_import_textual_or_sqlalchemy() -> None:
    """``sqla-tui --help`` stays fast: commands import the database layer only when they run."""
    loaded = _loaded_after("from sqla_tui.cli import app")
    assert {"textual", "sqlalchemy"} & loaded == set()


def test_help_is_printed_without_rich() -> None:
    """``sqla-tui --help`` is Click's plain help: Typer's Rich panels would import Rich's markdown (~0.1 s)."""
    probe = (
        "import sys; from sqla_tui.cli import app\n"
        "try:\n    app(['--help'], prog_name='sqla-tui')\nexcept SystemExit:\n    pass\n"
        "print('LOADED', ' '.join(sorted(sys.modules)))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    help_text, loaded = output.split("LOADED")
    assert re.search(r"\n  schema +Show tables and views\.", help_text)
    assert {"rich", "typer.rich_utils", "textual", "sqlalchemy"} & set(loaded.split()) == set()


def test_the_app_imports_no_screen_until_it_is_opened() -> None:
    """The first paint needs the home screen only: other screens, the ORM's composer, pygments and plotext wait."""
    loaded = _loaded_after("import sqla_tui.tui.app")
    deferred = {
        "sqla_tui.tui.screens.compose_screen",
        "sqla_tui.tui.screens.pool_screen",
        "sqla_tui.tui.screens.fanout_screen",
        "sqla_tui.tui.screens.explain_screen",
        "textual_plotext",
        "plotext",
        "pygments",
    }
    assert deferred & loaded == set()


def test_the_first_frame_needs_neither_sqlalchemy_nor_typer() -> None:
    """``sqla-tui`` paints before SQLAlchemy loads (the connecting worker imports it in a thread),
    and its plain launches never load Typer or pydantic (see ``sqla_tui.launch``)."""
    loaded = _loaded_after("import sqla_tui.launch, sqla_tui.tui.app")
    assert {"sqlalchemy", "typer", "pydantic"} & loaded == set()
