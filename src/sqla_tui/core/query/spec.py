"""QuerySpec: a query as plain data.

A spec is what the compose screen edits and what ``--where``/``--load`` flags
build: root entity, filters, order, limit/offset and a loader tree. It
serialises to JSON (``spec_file``); ``query.statement`` turns it into a real
``Select`` against a mapped class, or the ``Table`` of a relation without one
(``query.root``), and into the Python a user can paste.
Filter values are converted by the column's Python type and always bound as
parameters, never spliced into SQL text. Where the column has no type to
convert by (SQLite's undeclared one), a value reads as SQL reads it: ``1`` is
a number, ``'1'`` text.
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy import Column, LargeBinary, String, Table, TypeDecorator, cast, inspect, literal
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import InstrumentedAttribute
from sqlalchemy.types import NullType, TypeEngine

from sqla_tui.core.errors import UserError, choices
from sqla_tui.core.query.json_filter import JsonEquals, JsonText, is_json
from sqla_tui.core.query.root import Root, column_keys, root_name
from sqla_tui.core.query.sqlite_time import OPERATORS as INSTANT_OPERATORS
from sqla_tui.core.query.sqlite_time import TEMPORAL, InstantComparison

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "like", "ilike", "in", "not_in", "is_null", "not_null", "between")
STRATEGIES = (
    "select",
    "joined",
    "joined_inner",
    "selectin",
    "subquery",
    "immediate",
    "raise",
    "raise_on_sql",
    "noload",
)
COLUMN_OPTIONS = ("defer", "undefer", "load_only")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000_000
MAX_OFFSET = 10**12
"""More rows than any table has, and well inside the 64-bit integers every database binds an OFFSET as."""

_NO_VALUE = ("is_null", "not_null")
_LIST_VALUE = ("in", "not_in", "between")
_OPERATOR_SPELLINGS = {
    "==": "=", "<>": "!=", "not in": "not_in", "is null": "is_null", "is not null": "not_null",
    "not null": "not_null", "is_not_null": "not_null",
}  # fmt: skip
_QUOTED_NAME = r'"(?P<quoted>(?:[^"]|"")+)"|`(?P<backquoted>(?:[^`]|``)+)`'
"""A column name in double quotes or backquotes, a quote inside it doubled as SQL doubles it (``_quoted_name``)."""
_WHERE = re.compile(
    rf"^\s*(?:{_QUOTED_NAME}|(?P<column>[^\s!=<>\"`]+))\s*"
    r"(?P<op>is\s+not\s+null|is\s+null|not\s+null|not\s+in|not_in|is_null|not_null|is_not_null"
    r"|ilike|like|between|in|==|!=|<>|<=|>=|=|<|>)"
    r"(?:\s*(?P<value>.*?))?\s*$",
    re.IGNORECASE,
)


@dataclass
class Filter:
    """One condition on a column of the root entity; ``value`` is text (or a list of texts) until converted."""

    column: str
    op: str
    value: Any = None
    quoted: list[bool] | None = None
    """Per value, whether it was typed in quotes. A column without a type reads ``1`` as a number and
    ``'1'`` as text, and a text column keeps a quoted ``'null'``. None (specs saved before it was kept):
    every value is text converted by the column's type, as it was then."""


@dataclass
class Order:
    column: str
    descending: bool = False


@dataclass
class LoadOption:
    """How one relationship path (``posts.comments``) loads."""

    path: str
    strategy: str


@dataclass
class ColumnOption:
    """defer / undefer / load_only on columns of the entity at ``path`` ("" = root)."""

    option: str
    columns: list[str]
    path: str = ""


@dataclass
class QuerySpec:
    """Everything needed to build one ORM select, as plain data."""

    root: str
    filters: list[Filter] = field(default_factory=list)
    order_by: list[Order] = field(default_factory=list)
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0
    loads: list[LoadOption] = field(default_factory=list)
    column_options: list[ColumnOption] = field(default_factory=list)
    default_order: bool = True
    """With a limit or offset and no ``order_by``, order by the root's primary key (see ``statement.ordering``)."""
    schema: str | None = None
    """The root table's schema (MySQL/MariaDB: database); None is the connection's default."""
    models: str | None = None
    """The ``--models`` it ran over (``package.module:Base`` or an absolute ``path.py:Base``), kept in history so
    ``--spec @N`` composes over the same classes; None for sqla-tui's own mapping."""

    def strategy_for(self, path: str) -> str | None:
        """The strategy chosen for a path, the last one given winning.

        Loaders nested under a statement-emitting loader (selectin, subquery)
        report paths relative to that statement's entity, so a path that only
        matches the end of a chosen one (``comments`` of ``posts.comments``) counts.
        """
        chosen = [load.strategy for load in self.loads if load.path == path]
        chosen = chosen or [load.strategy for load in self.loads if load.path.endswith(f".{path}")]
        return chosen[-1] if chosen else None


def parse_where(text: str) -> Filter:
    """Parse ``'col op value'`` as typed on the command line or in the filter form."""
    match = _WHERE.match(text)
    if match is None:
        raise UserError(
            f"cannot read filter {text!r}: write 'column operator value', e.g. \"id > 5\" or \"name like 'a%'\" "
            "(quote a column name with spaces: '\"user id\" = 1')"
        )
    column = _quoted_name(match) or match["column"]
    op = " ".join(match["op"].lower().split())
    op = _OPERATOR_SPELLINGS.get(op, op)
    raw = (match["value"] or "").strip()
    if op in _NO_VALUE:
        return Filter(column, op)
    if not raw:
        raise UserError(f"filter {text!r} has no value after {op!r}")
    if op in _LIST_VALUE:
        if op != "between" and raw.startswith("(") and raw.endswith(")"):
            raw = raw[1:-1]  # in (1, 2), as SQL writes it
        values = _listed_values(raw, _BETWEEN_SEPARATOR if op == "between" else _LIST_SEPARATOR)
        return Filter(column, op, [text for text, _ in values], [quoted for _, quoted in values])
    value, quoted = _unquote(raw)
    return Filter(column, op, value, [quoted])


def filter_text(spec_filter: Filter) -> str:
    """The filter as it would be typed (``qty in 1, '2'``, ``d between 1 and 5``): quoted values keep their quotes."""
    values = spec_filter.value if isinstance(spec_filter.value, list) else [spec_filter.value]
    flags = spec_filter.quoted or [False] * len(values)
    shown = [
        _quoted(value) if quoted else str(value)
        for value, quoted in zip(values, flags, strict=False)
        if value is not None
    ]
    joined = (" and " if spec_filter.op == "between" else ", ").join(shown)
    return f"{_column_text(spec_filter.column)} {spec_filter.op} {joined}".rstrip()


_ORDER = re.compile(rf"^\s*(?:{_QUOTED_NAME}|(?P<column>[^:]+))\s*(?::(?P<direction>[^:]*))?$")


def parse_order(text: str) -> Order:
    """``name`` or ``name:desc`` (also ``:asc``); a name holding ``:`` is quoted as in filters: ``"a:b":desc``."""
    match = _ORDER.match(text)
    direction = (match["direction"] or "").strip().lower() if match else ""
    if match is None or direction not in ("", "asc", "desc"):
        raise UserError(
            f"cannot read order {text!r}: use column or column:desc (quote a name with ':', e.g. '\"a:b\":desc')"
        )
    column = _quoted_name(match) or match["column"].strip()
    return Order(column, direction == "desc")


_BARE_COLUMN = re.compile(r"[^\s!=<>\"`:]+")
"""A column name that reads as itself in a filter or an order; any other is written in double quotes."""


def _quoted_name(match: re.Match[str]) -> str | None:
    """The name ``_QUOTED_NAME`` matched, its doubled quotes made single; None for a bare name."""
    if match["quoted"]:
        return match["quoted"].replace('""', '"')
    if match["backquoted"]:
        return match["backquoted"].replace("``", "`")
    return None


def _column_text(name: str) -> str:
    """``name`` as a filter or an order takes it back: bare when it can be, else in double quotes."""
    return name if _BARE_COLUMN.fullmatch(name) else '"' + name.replace('"', '""') + '"'


def parse_load(text: str) -> LoadOption:
    """``posts.comments=selectin``."""
    path, sep, strategy = text.partition("=")
    if not sep or not path or not strategy:
        raise UserError(f"cannot read --load {text!r}: write PATH=STRATEGY, e.g. posts=selectin")
    return LoadOption(path.strip(), strategy.strip().lower())


def _quoted(value: str) -> str:
    """A text value as SQL writes it, and as ``parse_where`` reads it back: in single quotes, a quote in it doubled."""
    return "'" + value.replace("'", "''") + "'"


_QUOTED_VALUE = r"'(?P<single>(?:[^']|'')*)'|\"(?P<double>(?:[^\"]|\"\")*)\""
"""A value in single quotes, as SQL writes text, or in double quotes; a quote inside it doubled."""
_LIST_SEPARATOR = r"\s*,\s*"
_BETWEEN_SEPARATOR = r"\s*,\s*|\s+and\s+"
_QUOTED_WHOLE = re.compile(rf"(?:{_QUOTED_VALUE})\Z", re.DOTALL)


def _listed_values(raw: str, separator: str) -> list[tuple[str, bool]]:
    """The values of an ``in`` list or a ``between`` pair, each with whether it was quoted.

    A separator inside quotes is part of the value (``in 'p,q', 'x'`` is two
    values, ``between 'a and b' and 'z'`` two), as SQL reads a list; a quoted
    value that runs on past its closing quote is read bare, as typed.
    """
    item = re.compile(rf"(?:(?:{_QUOTED_VALUE})|(?P<bare>.*?))\s*(?:{separator}|\Z)", re.IGNORECASE | re.DOTALL)
    values, start = [], 0
    while True:
        found = item.match(raw, start)
        assert found is not None  # the bare value matches anything up to a separator or the end
        values.append(_unquoted_match(found) or (found["bare"].strip(), False))
        if found.end() >= len(raw):
            return values
        start = found.end()


def _unquote(value: str) -> tuple[str, bool]:
    """The value's text, and whether it was typed in quotes: ``'it''s'`` is ``it's``, as SQL reads it."""
    value = value.strip()
    found = _QUOTED_WHOLE.match(value)
    return (found and _unquoted_match(found)) or (value, False)


def _unquoted_match(found: re.Match[str]) -> tuple[str, bool] | None:
    """The text of the quoted value ``_QUOTED_VALUE`` matched, its doubled quotes made single; None for a bare one."""
    if found["single"] is not None:
        return found["single"].replace("''", "'"), True
    if found["double"] is not None:
        return found["double"].replace('""', '"'), True
    return None


ColumnAttribute: TypeAlias = InstrumentedAttribute[Any] | Column[Any]
"""A root's column: a mapped class's attribute, or a ``Table``'s column. Both compare, bind and have a type."""


def column_attribute(root: Root, name: str) -> ColumnAttribute:
    """The column of ``root`` whose key is ``name``, or the column named ``name`` in the database.

    A column the mapping renamed (``user id`` as ``user_id``, ``class`` as
    ``class_``) is found by either name; anything else is a UserError naming the choices.
    """
    found = _table_column(root, name) if isinstance(root, Table) else _mapped_column(root, name)
    if found is None:
        raise UserError(f"unknown column {name!r} on {root_name(root)}; choose one of: {choices(column_keys(root), name)}")
    return found


def _table_column(table: Table, name: str) -> Column[Any] | None:
    found = table.c.get(name)
    return found if found is not None else next((column for column in table.columns if column.name == name), None)


def _mapped_column(entity: type, name: str) -> InstrumentedAttribute[Any] | None:
    mapper: Mapper[Any] = inspect(entity)
    if name in mapper.column_attrs:
        return getattr(entity, name)
    for prop in mapper.column_attrs:
        if any(getattr(column, "name", None) == name for column in prop.columns):
            return getattr(entity, prop.key)
    return None


def convert_value(attribute: ColumnAttribute, raw: Any) -> Any:
    """Convert text to the column's Python type so the driver binds a proper value.

    Text stays text where the column's Python type is one text cannot be
    turned into here (an array, an interval, a type Python has no value
    for): ``read_by_database`` has the database read it as the column's type.
    A binary column compares with the text's UTF-8 bytes.
    """
    if raw is None or not isinstance(raw, str):
        return raw
    python_type = _python_type(attribute)
    if python_type is None:
        return raw
    if raw.lower() == "null":
        return None
    if python_type in (datetime.datetime, datetime.date) and _ZERO_DATE.match(raw):
        return raw  # MariaDB's and MySQL's zero date, which no Python date holds: the server compares its text
    try:
        if python_type is bool:
            return {"true": True, "false": False, "1": True, "0": False}[raw.lower()]
        if python_type is datetime.datetime:
            return datetime.datetime.fromisoformat(raw)
        if python_type is datetime.date:
            return datetime.date.fromisoformat(raw)
        if python_type is int and not -(2**63) <= int(raw) < 2**63:
            raise UserError(f"{raw!r} is out of range for column {attribute.key!r}: databases hold 64-bit integers")
        if python_type in (int, float, decimal.Decimal, uuid.UUID):
            return python_type(raw)
        if python_type is bytes:
            return raw.encode()
    except (ValueError, KeyError, decimal.InvalidOperation):
        raise UserError(f"{raw!r} is not a valid {python_type.__name__} for column {attribute.key!r}") from None
    return raw


_ZERO_DATE = re.compile(r"^0000-00-00(?:[ T]00:00:00(?:\.0+)?)?$")
"""The zero date MariaDB and MySQL keep where a date was invalid or missing (sql_mode without NO_ZERO_DATE)."""
_NOT_CAST = frozenset(
    (str, bool, int, float, decimal.Decimal, uuid.UUID, bytes, dict, datetime.datetime, datetime.date, datetime.time)
)
"""The Python types of columns whose filter values are bound as ``convert_value`` leaves them, never cast: the
types it converts into, a JSON column's ``dict`` (``json_filter``'s), and ``time``, bound as typed (MariaDB compares
a TIME past 24 hours with text, and SQLite would read ``CAST('10:00' AS TIME)`` as the number 10). Any other column
type reads the text itself (``read_by_database``)."""


_NUMBER = re.compile(r"^[+-]?(?:(?P<integer>\d+)|\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][+-]?\d+)$")


def filter_values(attribute: ColumnAttribute, spec_filter: Filter) -> list[Any]:
    """The filter's values as they are bound: converted by the column's type, or read as SQL reads them.

    A column without a type (SQLite's undeclared one, reflected as NullType)
    has nothing to convert by, and SQLite compares the text '1' with the
    integer 1 as unequal: a value typed bare is read as SQL reads a literal
    (``1``, ``-2.5``, ``true``, ``null``), a quoted one stays text. A spec
    saved before quotes were kept has no flags; its values convert as they did.
    """
    values = spec_filter.value if isinstance(spec_filter.value, list) else [spec_filter.value]
    flags: list[bool | None] = [None] * len(values) if spec_filter.quoted is None else list(spec_filter.quoted)
    if len(flags) != len(values):
        raise UserError(
            f"filter on {spec_filter.column!r} has {len(values)} value(s) but {len(flags)} quoted flag(s); "
            "type the filter again"
        )
    return [_typed_value(attribute, value, quoted) for value, quoted in zip(values, flags, strict=True)]


def _typed_value(attribute: ColumnAttribute, raw: Any, quoted: bool | None) -> Any:
    if quoted is None or not isinstance(raw, str):
        return convert_value(attribute, raw)
    sql_type = attribute.type
    if isinstance(sql_type, NullType):
        return raw if quoted else _sql_literal(raw)
    python_type = _python_type(attribute)
    if quoted and python_type is str:
        return raw  # 'null' typed in quotes is the text null
    if not quoted and python_type is int and raw.lower() in ("true", "false"):
        return int(raw.lower() == "true")  # MySQL's BOOLEAN is TINYINT(1): SQL reads true as 1
    return convert_value(attribute, raw)


def _python_type(attribute: ColumnAttribute) -> type | None:
    try:
        return attribute.type.python_type
    except NotImplementedError:
        return None


def _sql_literal(raw: str) -> Any:
    """A bare value as SQL reads it: a whole number is an integer, one with a point or exponent a float."""
    lowered = raw.lower()
    if lowered in ("null", "true", "false"):
        return {"null": None, "true": True, "false": False}[lowered]
    number = _NUMBER.match(raw)
    if number is None:
        return raw
    if number["integer"] is None:
        return float(raw)
    if not -(2**63) <= int(raw) < 2**63:
        raise UserError(f"{raw!r} is out of range: databases hold 64-bit integers")
    return int(raw)


def read_by_database(attribute: ColumnAttribute, value: Any) -> bool:
    """Whether ``value`` is text for a column type it is not converted into here: one Python has no value for (a
    domain, money, tsvector, oid...), an array, an interval.

    Bound as text it compares as text, which PostgreSQL refuses (``operator
    does not exist: day = character varying``), or the driver binds it as
    something else (an array of its characters); cast to the column's type,
    the database reads it as that type, ``'{a,b}'`` as an array. A type
    SQLAlchemy could not reflect has no name to cast to.
    """
    return (
        isinstance(value, str) and not isinstance(attribute.type, NullType) and _python_type(attribute) not in _NOT_CAST
    )


class BinaryValue(TypeDecorator[bytes]):
    """A filter's bytes for a binary column, bound as bytes, but on MariaDB and MySQL as their text.

    aiomysql cannot bind bytes beside PyMySQL 1.1 (it calls a PyMySQL
    function that is now a string, ``escape_bytes_prefixed``), and the server
    compares a binary column with text byte by byte, as it does bytes.
    """

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(String() if binds_bytes_as_text(dialect) else LargeBinary())

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> Any:
        return value.decode() if value is not None and binds_bytes_as_text(dialect) else value


def binds_bytes_as_text(dialect: Dialect | None) -> bool:
    """Whether a binary column's filter value is bound as text on ``dialect``'s database (``BinaryValue``)."""
    return dialect is not None and dialect.name == "mysql"


def read_as_the_column(attribute: ColumnAttribute, value: Any) -> bool:
    """Whether ``value`` is text for a column of a type SQLAlchemy does not know (an extension's: ``ltree``,
    ``cube``, ``isbn13``), to be bound with the column's own NullType: SQLAlchemy then adds no ``::VARCHAR``,
    and PostgreSQL reads the parameter as the column's type, where as text it refused the comparison
    (``operator does not exist: ltree = character varying``). Elsewhere it is bound as text all the same."""
    return isinstance(value, str) and isinstance(attribute.type, NullType)


def _bound(attribute: ColumnAttribute, value: Any) -> Any:
    if isinstance(value, bytes):
        return literal(value, BinaryValue())
    if read_as_the_column(attribute, value):
        return literal(value, attribute.type)
    if not read_by_database(attribute, value):
        return value
    return JsonText(value, attribute.type) if is_json(attribute.type) else cast(literal(value), attribute.type)


_JSON_EQUALITY = {"=": False, "in": False, "!=": True, "not_in": True}
"""The operators that compare a JSON column as JSON, and whether each is negated."""


def json_equality(attribute: ColumnAttribute, spec_filter: Filter, values: list[Any]) -> JsonEquals | None:
    """``=``, ``!=``, ``in``, ``not in`` on a JSON column as JSON (``json_filter``); None for another filter.

    A value that is not JSON could equal no stored value: it is refused, as
    PostgreSQL refuses to cast it, rather than matching nothing.
    """
    if spec_filter.op not in _JSON_EQUALITY or not is_json(attribute.type) or not values:
        return None
    if not all(isinstance(value, str) for value in values):
        return None  # null: IS NULL, as on any column
    for value in values:
        try:
            json.loads(value)
        except ValueError:
            raise UserError(
                f"{value!r} is not JSON, so column {attribute.key!r} holds no value equal to it; "
                'write JSON: {"x": 1}, [1, 2], "text" in double quotes, 1, true'
            ) from None
    if spec_filter.op in ("=", "!=") and len(values) != 1:
        return None  # the one-value rule below says so
    return JsonEquals(attribute, values, negate=_JSON_EQUALITY[spec_filter.op])


def condition(root: Root, spec_filter: Filter) -> Any:
    """The SQL expression for one filter, with its value bound as a parameter."""
    if spec_filter.op not in OPERATORS:
        raise UserError(f"unknown operator {spec_filter.op!r}; choose one of: {', '.join(OPERATORS)}")
    attribute = column_attribute(root, spec_filter.column)
    op = spec_filter.op
    if op in _NO_VALUE:
        return attribute.is_(None) if op == "is_null" else attribute.is_not(None)
    converted = filter_values(attribute, spec_filter)
    json_equals = json_equality(attribute, spec_filter, converted)
    if json_equals is not None:
        return json_equals
    values = [_bound(attribute, value) for value in converted]
    # a date and time compared as an instant (SQLite keeps any writer's text: ``sqlite_time``)
    instants = compares_instants_of(attribute, op, converted)
    if op in _LIST_VALUE:
        if op == "between" and len(values) != 2:
            raise UserError(f"between on {spec_filter.column!r} needs two values, e.g. 'id between 1 and 5'")
        if instants:
            return InstantComparison(attribute, op, values)
        if op == "between":
            return attribute.between(*values)
        return attribute.in_(values) if op == "in" else attribute.not_in(values)
    if len(values) != 1:
        raise UserError(f"filter {spec_filter.column!r} {op} takes one value, not {len(values)}; a list is for 'in'")
    if op not in ("=", "!=") and (converted[0] is None or isinstance(converted[0], bool)):
        raise UserError(
            f"filter {spec_filter.column!r} {op} needs a value, not {'null' if converted[0] is None else str(converted[0]).lower()}; "
            "'is_null' and 'not_null' match missing values, '=' compares with true/false"
        )
    if instants:
        return InstantComparison(attribute, op, values)
    [value] = values
    comparisons = {
        "=": attribute.__eq__, "!=": attribute.__ne__, "<": attribute.__lt__, "<=": attribute.__le__,
        ">": attribute.__gt__, ">=": attribute.__ge__, "like": attribute.like, "ilike": attribute.ilike,
    }  # fmt: skip
    return comparisons[op](value)


def compares_instants_of(attribute: ColumnAttribute, op: str, values: list[Any]) -> bool:
    """Whether a filter compares a date-and-time or time column's instants (``sqlite_time``): an ordering or equality
    operator, and no value a NULL test or a boolean stands for."""
    return (
        op in INSTANT_OPERATORS
        and _python_type(attribute) in TEMPORAL
        and all(value is not None and not isinstance(value, bool) for value in values)
    )


def check_limit(spec: QuerySpec) -> None:
    if spec.limit is not None and not 0 <= spec.limit <= MAX_LIMIT:
        raise UserError(f"--limit must be between 0 and {MAX_LIMIT:,}, got {spec.limit}")
    if not 0 <= spec.offset <= MAX_OFFSET:
        raise UserError(f"--offset must be between 0 and {MAX_OFFSET:,}, got {spec.offset}")
