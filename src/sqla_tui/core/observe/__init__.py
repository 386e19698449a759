"""What watches an engine: statement capture with exact rows, the code line behind each checkout, the instrumented pool and its monitor.

Import the modules themselves (``from sqla_tui.core.observe.capture import ...``); this
package imports nothing, so naming it costs no SQLAlchemy import.
"""

__all__ = ["capture", "figures", "loaders", "monitor", "origin", "pool"]
