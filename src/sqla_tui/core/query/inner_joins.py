"""What ``joined_inner`` leaves out: the root rows without a related row along a path it loads from the root.

``joinedload(..., innerjoin=True)`` joins with an INNER JOIN, so a comment
whose ``author_id`` is NULL, or a user without posts, is not in the result at
all, while the count of matched rows ("10 of 637") is the filters'. Below an
outer join SQLAlchemy nests the inner one inside it, which drops no root, so
only a chain of ``joined_inner`` from the root on counts. The result says
how many were left out, counted with an EXISTS per chain (one row per root,
as the result has).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import RelationshipProperty

from sqla_tui.core.query.root import Root
from sqla_tui.core.query.spec import QuerySpec

INNER = "joined_inner"


def inner_chains(spec: QuerySpec) -> list[str]:
    """The longest paths loaded ``joined_inner`` from the root through every hop (``author``, ``posts.tags``)."""
    strategies = {load.path: load.strategy for load in spec.loads}
    chains = [
        path
        for path, strategy in strategies.items()
        if strategy == INNER and all(strategies.get(prefix) == INNER for prefix in _prefixes(path))
    ]
    return [path for path in chains if not any(other.startswith(f"{path}.") for other in chains)]


def _prefixes(path: str) -> list[str]:
    hops = path.split(".")
    return [".".join(hops[:end]) for end in range(1, len(hops))]


def kept_by(root: Any, path: str) -> ColumnElement[bool] | None:
    """A root row's having a related row at every hop of ``path``, as nested EXISTS (``has``/``any``); None when
    no root can lack one (a many-to-one on NOT NULL columns all the way)."""
    attributes, mapped, can_lack = [], root, False
    for hop in path.split("."):
        attribute = getattr(mapped, hop)
        prop: RelationshipProperty[Any] = attribute.property
        can_lack = can_lack or prop.uselist or any(column.nullable for column in prop.local_columns)
        attributes.append(attribute)
        mapped = prop.mapper.class_
    if not can_lack:
        return None
    condition: ColumnElement[bool] | None = None
    for attribute in reversed(attributes):
        test = attribute.any if attribute.property.uselist else attribute.has
        condition = test() if condition is None else test(condition)
    return condition


def left_out_select(counting: Select[Any], root: Root, spec: QuerySpec) -> tuple[Select[Any], list[str]] | None:
    """``counting`` (the filters' count) narrowed to the roots every inner chain keeps, and those chains; None when
    no chain can leave a root out."""
    if not hasattr(root, "__mapper__"):
        return None
    chains = [(path, condition) for path in inner_chains(spec) if (condition := kept_by(root, path)) is not None]
    if not chains:
        return None
    kept = counting
    for _, condition in chains:
        kept = kept.where(condition)
    return kept, [path for path, _ in chains]


def left_out_warning(spec: QuerySpec, paths: list[str], left_out: int, matched: int) -> str:
    """The warning a result with left-out roots carries: how many, why, and the strategy that returns them."""
    where = ", ".join(paths)
    return (
        f"joined_inner on {where}: its INNER JOIN never returns a {spec.root} row without one: {left_out:,} of the "
        f"{matched:,} rows the filters match {'has' if left_out == 1 else 'have'} none "
        "(joined, a LEFT OUTER JOIN, returns them)"
    )
