"""The only place that reaches into private parts of SQLAlchemy or a driver, each use with a test of its own.

Import the modules themselves; this package imports nothing.
"""

__all__ = ["single_statement"]
