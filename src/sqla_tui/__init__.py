"""sqla-tui: see what SQLAlchemy really does to your database.

The package is split so that headless use stays light: ``core`` talks to
databases and never imports Textual, ``tui`` draws, ``cli`` parses and prints.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
