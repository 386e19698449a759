"""The URL grammar read without SQLAlchemy accepts, rejects and splits exactly as ``make_url`` does."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from sqla_tui.core.connect.url import check_url, display_url, parse_url
from sqla_tui.core.connect.url_grammar import render_hiding_password, split_url
from sqla_tui.core.errors import UserError

ODD_URLS = [
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgres://u:p@h/db",
    "postgresql+asyncpg://u:p%40ss@h:5432/db?ssl=require",
    "postgresql://u:p@ss@h/db",  # SQLAlchemy ends the password at the first @
    "postgresql://u:p@ss:w@h/db",  # ... and then fails on the port
    "postgresql://u:p:q@h/db",
    "postgresql://:p@h/db",
    "postgresql://u:@h/db",
    "postgresql://@h/db",
    "postgresql://h",
    "postgresql://",
    "postgresql:///db",
    "postgresql://h/",
    "postgresql://h:/db",  # an empty port
    "postgresql://h:abc/db",
    "postgresql://h:0/db",
    "postgresql://h:65536/db",
    "postgresql://h:-1/db",
    "postgresql://h: 5432/db",  # int() takes spaces
    "postgresql://h:5_432/db",  # ... and underscores
    "postgresql://h:\u0665\u0664\u0663\u0662/db",  # ... and Arabic-Indic digits
    "postgresql://h:99999999999999999999/db",
    "postgresql://[::1]:5432/db",
    "postgresql://[::1/db",
    "postgresql://[fe80::1%25eth0]/db",
    "postgresql://u@[::1]/db",
    "postgresql://h1:5432,h2:5433/db",
    "postgresql://u@/db?host=/tmp&host=/var/run",
    "postgresql://u@h/db?sslmode=require&sslmode=disable",
    "postgresql://u@h/db?a=1&a=2&a=3",
    "postgresql://u@h/db?key=",
    "postgresql://u@h/db?=value",
    "postgresql://u@h/db?&&",
    "postgresql://u@h/db?a=%20b+c",
    "postgresql://u@h/db?a=1;b=2",
    "postgresql://u@h/db?a=x\ny=2",
    "postgresql://u@h/d%2Fb",
    "postgresql://u@h/db#fragment",
    "postgresql://u@h/db name with spaces",
    "postgresql://ü:ß@höst/数据库",
    "postgresql://u%3Ax:p%2Fq@h/db",
    "postgresql://u/x:p@h/db",
    "postgresql://u@h?db",
    "postgresql+://h/db",
    "post-gres://h/db",
    "postgre.sql://h/db",
    "+://h/db",
    "://h/db",
    "postgresql:/h/db",
    "postgresql:h/db",
    "  postgresql://h/db",
    "\tpostgresql://h/db",
    "postgresql//h/db",
    "mysql://root@127.0.0.1:3306/db",
    "mysql+pymysql://root:secret@localhost/db?charset=utf8mb4",
    "mariadb://root@h/db?unix_socket=/tmp/mysql.sock",
    "mysql://root@h/db?charset=nonsense",
    "mysql://root@h/db?connect_timeout=abc",
    "sqlite://",
    "sqlite:///",
    "sqlite:///:memory:",
    "sqlite:///relative.db",
    "sqlite:////absolute/path.db",
    "sqlite:///file:x.db?uri=true&mode=ro",
    "sqlite:///x.db?mode=rwc&cache=shared",
    "sqlite:///%3Fodd%23name.db",
    "sqlite://user:pw@host/x.db",
    "sqlite:///C:\\path\\x.db",
    "sqlite+aiosqlite:///x.db?timeout=abc",
    "sqlite+pysqlite:///x.db",
    "oracle://u@h/db",
    "mssql+pyodbc://u@dsn",
    "foo://h/db",
    "foo+bar://h/db",
    "postgresql+psycopg2://u@h/db",
    "not a url",
    "",
    "://",
    "a://b://c",
    "postgresql://u:p@h/db?password=secret",
    "postgresql://" + "a" * 5000 + "@h/db",
    "postgresql://h/" + "%" * 100,
    "postgresql://h/%zz",
    "postgresql://\x00@h/db",
]


def _parts(url) -> tuple:  # type: ignore[no-untyped-def]
    return (url.drivername, url.username, url.password, url.host, url.port, url.database, dict(url.query))


def _sqlalchemy(raw: str) -> tuple | str:  # type: ignore[type-arg]
    try:
        return _parts(make_url(raw))
    except (sa_exc.ArgumentError, ValueError, TypeError):
        return "rejected"


def _ours(raw: str) -> tuple | str:  # type: ignore[type-arg]
    try:
        return _parts(split_url(raw))
    except ValueError:
        return "rejected"


@pytest.mark.parametrize("raw", ODD_URLS)
def test_split_url_accepts_rejects_and_splits_as_make_url(raw: str) -> None:
    assert _ours(raw) == _sqlalchemy(raw)


@pytest.mark.parametrize("raw", [raw for raw in ODD_URLS if _sqlalchemy(raw) != "rejected"])
def test_rendering_is_sqlalchemys_hide_password_rendering(raw: str) -> None:
    assert render_hiding_password(split_url(raw)) == make_url(raw).render_as_string(hide_password=True)


def _outcome(parse, raw: str) -> tuple | str:  # type: ignore[no-untyped-def,type-arg]
    try:
        url = parse(raw)
    except UserError as error:
        return f"error: {error}"
    return (*_parts(url), display_url(url))


@pytest.mark.parametrize("raw", ODD_URLS)
def test_check_url_says_what_parse_url_says(raw: str) -> None:
    """The check before the first frame gives the same one line (or the same URL) as the engine's parse."""
    assert _outcome(check_url, raw) == _outcome(parse_url, raw)


def test_errors_are_one_line_without_the_password() -> None:
    for raw in ODD_URLS:
        outcome = _outcome(check_url, raw)
        if isinstance(outcome, str):
            assert "\n" not in outcome
            assert "secret" not in outcome


def test_checking_a_url_imports_no_sqlalchemy() -> None:
    """What the launch runs before the first frame: the pool flags and the URL, SQLAlchemy never loaded."""
    code = (
        "import sys; from sqla_tui.core.connect.target import Target; "
        "Target('postgresql://u:p@h:5432/db?sslmode=require').validate(); "
        "from sqla_tui.tui.widgets.server_banner import target_label; "
        "target_label(Target('mysql://root@h/db')); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
