"""The loader-option tree of a QuerySpec, rendered twice from one walk.

Each relationship path (``posts``, ``posts.comments``) becomes a node with a
strategy; walking the tree yields the real loader options *and* the Python
source for them in the same step, so the code a user pastes is exactly the
code that ran. A single child chains (``selectinload(User.posts).joinedload(
Post.user)``); several children, or column options, nest in ``.options()``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper
from sqlalchemy.orm import strategy_options as loaders

from sqla_tui.core.errors import UserError, choices
from sqla_tui.core.query.root import attribute_source
from sqla_tui.core.query.spec import (
    COLUMN_OPTIONS,
    STRATEGIES,
    ColumnOption,
    QuerySpec,
    column_attribute,
)

# strategy -> (loader function name, keyword arguments)
_LOADERS: dict[str | None, tuple[str, dict[str, Any]]] = {
    None: ("defaultload", {}),
    "select": ("lazyload", {}),
    "joined": ("joinedload", {}),
    "joined_inner": ("joinedload", {"innerjoin": True}),
    "selectin": ("selectinload", {}),
    "subquery": ("subqueryload", {}),
    "immediate": ("immediateload", {}),
    "raise": ("raiseload", {}),
    "raise_on_sql": ("raiseload", {"sql_only": True}),
    "noload": ("noload", {}),
}


@dataclass
class _Rendered:
    """A loader option object and the source text that builds it."""

    option: Any
    source: str


@dataclass
class LoaderNode:
    """One relationship on a path, the strategy chosen for it, and what hangs below."""

    key: str
    owner: type
    target: type
    strategy: str | None = None
    children: dict[str, LoaderNode] = field(default_factory=dict)
    column_options: list[ColumnOption] = field(default_factory=list)

    @property
    def attribute_source(self) -> str:
        return attribute_source(self.owner, self.key)


class LoaderTree:
    """Relationship paths of a spec, validated against the mapped classes."""

    def __init__(self, root: type) -> None:
        self.root = root
        self.children: dict[str, LoaderNode] = {}
        self.root_column_options: list[ColumnOption] = []
        self.loader_names: set[str] = set()

    @classmethod
    def from_spec(cls, spec: QuerySpec, root: type) -> LoaderTree:
        tree = cls(root)
        for load in spec.loads:
            if load.strategy not in STRATEGIES:
                raise UserError(
                    f"unknown strategy {load.strategy!r} for {load.path!r}; choose one of: {', '.join(STRATEGIES)}"
                )
            tree.node(load.path).strategy = load.strategy
        for column_option in spec.column_options:
            if column_option.option not in COLUMN_OPTIONS:
                raise UserError(
                    f"unknown column option {column_option.option!r}; choose one of: {', '.join(COLUMN_OPTIONS)}"
                )
            if not column_option.columns:
                raise UserError(f"{column_option.option} names no column; name at least one, or drop it")
            entity = tree.node(column_option.path).target if column_option.path else root
            for name in column_option.columns:
                column_attribute(entity, name)
            if column_option.path:
                tree.node(column_option.path).column_options.append(column_option)
            else:
                tree.root_column_options.append(column_option)
        return tree

    def node(self, path: str) -> LoaderNode:
        """The node for a dotted path, creating intermediate nodes as ``defaultload``."""
        owner, level, node = self.root, self.children, None
        for key in path.split("."):
            mapper: Mapper[Any] = inspect(owner)
            if key not in mapper.relationships:
                known = choices(list(mapper.relationships.keys()), key) or "(none)"
                raise UserError(
                    f"unknown relationship {key!r} on {owner.__name__} in path {path!r}; choose one of: {known}"
                )
            target = mapper.relationships[key].mapper.class_
            node = level.setdefault(key, LoaderNode(key, owner, target))
            owner, level = target, node.children
        assert node is not None  # a path has at least one key
        return node

    def walk(self) -> list[tuple[str, LoaderNode]]:
        """Every node with its dotted path, parents first."""
        found: list[tuple[str, LoaderNode]] = []

        def visit(prefix: str, level: dict[str, LoaderNode]) -> None:
            for key, node in level.items():
                found.append((f"{prefix}{key}", node))
                visit(f"{prefix}{key}.", node.children)

        visit("", self.children)
        return found

    # -- rendering ------------------------------------------------------------
    def _rendered(self) -> list[_Rendered]:
        column_options = [self._column(option, self.root) for option in self.root_column_options]
        return [item for option in column_options for item in option] + [
            self._render(node, None) for node in self.children.values()
        ]

    def options(self) -> list[Any]:
        """The loader options to pass to ``Select.options``."""
        return [rendered.option for rendered in self._rendered()]

    def source(self) -> list[str]:
        """The Python source of each option, in the same order as ``options()``."""
        return [rendered.source for rendered in self._rendered()]

    def _render(self, node: LoaderNode, parent: _Rendered | None) -> _Rendered:
        name, kwargs = _LOADERS[node.strategy]
        self.loader_names.add(name)
        attribute = getattr(node.owner, node.key)
        arguments = node.attribute_source + "".join(f", {key}={value!r}" for key, value in kwargs.items())
        with warnings.catch_warnings():
            # noload() is deprecated in SQLAlchemy 2.1 but still what a learner asks about
            warnings.filterwarnings("ignore", message=r"The noload\(\) option is deprecated")
            if parent is None:
                current = _Rendered(getattr(loaders, name)(attribute, **kwargs), f"{name}({arguments})")
            else:
                option = getattr(parent.option, name)(attribute, **kwargs)
                current = _Rendered(option, f"{parent.source}.{name}({arguments})")
        children = list(node.children.values())
        if len(children) == 1 and not node.column_options:
            return self._render(children[0], current)
        nested = [item for option in node.column_options for item in self._column(option, node.target)]
        nested += [self._render(child, None) for child in children]
        if not nested:
            return current
        return _Rendered(
            current.option.options(*(item.option for item in nested)),
            f"{current.source}.options({', '.join(item.source for item in nested)})",
        )

    def _column(self, option: ColumnOption, entity: type) -> list[_Rendered]:
        self.loader_names.add(option.option)
        function = getattr(loaders, option.option)
        attributes = [column_attribute(entity, name) for name in option.columns]
        names = [attribute_source(entity, attribute.key) for attribute in attributes]
        if option.option == "load_only":
            return [_Rendered(function(*attributes), f"load_only({', '.join(names)})")]
        return [_Rendered(function(attr), f"{option.option}({name})") for attr, name in zip(attributes, names)]
