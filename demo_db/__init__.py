"""The built-in teaching database: one table per relationship shape, seeded deterministically.

``models`` holds the schema (and is the example for ``--models``), ``seed``
generates the rows as plain dicts, and ``load`` writes both into any async
engine or into the cached SQLite demo file. Nothing is imported here, so
``import sqla_tui.demo_db`` stays free until a submodule is used.
"""

__all__ = ["load", "models", "seed"]
