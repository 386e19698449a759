"""What is in the database: names first, the bulk catalog, the product's relationship names, and ORM classes to compose over.

Import the modules themselves (``from sqla_tui.core.catalog.entities import ...``); this
package imports nothing, so naming it costs no SQLAlchemy import.
"""

__all__ = ["entities", "mapping", "names", "naming", "raw_names", "schema"]
