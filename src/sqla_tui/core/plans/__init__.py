"""The database's EXPLAIN as one PlanNode tree, with warnings that teach.

Import the modules themselves (``from sqla_tui.core.plans.explain import ...``); this
package imports nothing, so naming it costs no SQLAlchemy import.
"""

__all__ = ["explain", "mysql", "node", "postgresql", "predicates", "sqlite", "warnings"]
