"""TLS options on a URL: an encrypted, verified session, or one line saying why not.

On MySQL/MariaDB aiomysql got SQLAlchemy's ``ssl`` dictionary where it needs a
context: it failed against a TLS server (``'dict' object has no attribute
'wrap_bio'``) and went on in plain text against one without TLS. On
PostgreSQL, libpq's ``sslrootcert`` was refused as an unknown option.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.connect.engine import connect
from tests.databases import MY_HOST, MY_PORT, PG_HOST, PG_PORT, require_server, run_async
from tests.tls_servers import TlsServer, tls_mariadb, tls_postgresql

runner = CliRunner()


def _failure(url: str) -> str:
    result = runner.invoke(app, ["schema", url])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_ssl_ca_gives_an_encrypted_session_and_the_commands_work(tls_mariadb: TlsServer) -> None:
    url = tls_mariadb.url(ssl_ca=str(tls_mariadb.ca))

    async def scenario() -> str:
        engine, _ = await connect(url, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY)"))
                await conn.execute(text("INSERT IGNORE INTO notes (id) VALUES (1), (2), (3)"))
                cipher = (await conn.execute(text("SHOW SESSION STATUS LIKE 'Ssl_cipher'"))).one()[1]
        finally:
            await engine.dispose()
        return str(cipher)

    assert run_async(scenario()) != ""  # the server says this session is encrypted
    result = runner.invoke(app, ["query", url, "notes", "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["root_rows"] == 3


def test_a_certificate_the_ca_did_not_sign_is_one_line(tls_mariadb: TlsServer) -> None:
    line = _failure(tls_mariadb.url(ssl_ca=str(tls_mariadb.other_ca)))
    assert line.startswith(f"error: the TLS certificate of the server at 127.0.0.1:{tls_mariadb.port} failed verification (")
    assert line.endswith("; check the CA the URL names, and that the certificate names the host the URL uses\n")


def test_a_host_the_certificate_does_not_name_is_refused_unless_told(tls_mariadb: TlsServer) -> None:
    line = _failure(tls_mariadb.url("localhost", ssl_ca=str(tls_mariadb.ca)))
    assert "failed verification (Hostname mismatch, certificate is not valid for 'localhost'.)" in line
    unchecked = runner.invoke(app, ["schema", tls_mariadb.url("localhost", ssl_ca=str(tls_mariadb.ca), ssl_check_hostname="false")])
    assert unchecked.exit_code == 0, unchecked.stderr


def test_a_server_without_tls_is_refused_when_the_url_asks_for_it(tls_mariadb: TlsServer) -> None:
    """The shared servers offer no TLS: a URL asking for it is one line, never a session in plain text."""
    require_server("mariadb")
    require_server("postgresql")
    refused = {
        f"mysql://root@{MY_HOST}:{MY_PORT}/test?ssl_ca={tls_mariadb.ca}": (
            f"the server at {MY_HOST}:{MY_PORT} does not offer TLS, but the URL asks for it (ssl_mode, ssl_ca, ssl_cert…): "
            "enable TLS on the server, or use ssl_mode=PREFERRED (or remove the ssl options) to connect unencrypted"
        ),
        f"postgresql://postgres@{PG_HOST}:{PG_PORT}/postgres?sslmode=require": (
            f"the server at {PG_HOST}:{PG_PORT} does not offer TLS, but the URL asks for it (sslmode=require): "
            "enable TLS on the server, or use sslmode=prefer (or disable) to connect unencrypted"
        ),
    }
    for url, line in refused.items():
        assert _failure(url) == f"error: {line}\n"


# -- MySQL's ssl_mode (mysqlclient, mysql --ssl-mode; ssl-mode or sslmode as hosts' docs paste it) ----------------


def _cipher(url: str) -> str:
    """The cipher of a session opened on ``url``: empty when the session is in plain text."""

    async def scenario() -> str:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                return str((await conn.execute(text("SHOW SESSION STATUS LIKE 'Ssl_cipher'"))).one()[1])
        finally:
            await engine.dispose()

    return run_async(scenario())


def test_ssl_mode_asks_for_as_much_tls_as_it_says(tls_mariadb: TlsServer) -> None:
    """It was refused as an unknown option; each mode now encrypts, verifies or refuses as ``mysql --ssl-mode`` does."""
    assert _cipher(tls_mariadb.url(ssl_mode="REQUIRED")) != ""  # encrypted, the certificate not checked
    assert _cipher(tls_mariadb.url(**{"ssl-mode": "required"})) != ""
    assert _cipher(tls_mariadb.url(sslmode="require")) != ""
    assert _cipher(tls_mariadb.url(ssl_mode="PREFERRED")) != ""
    assert _cipher(tls_mariadb.url(ssl_mode="DISABLED")) == ""
    # VERIFY_CA checks the chain (the system's CAs without ssl_ca), VERIFY_IDENTITY the host name too
    assert "failed verification (self-signed certificate in certificate chain)" in _failure(
        tls_mariadb.url(ssl_mode="VERIFY_CA")
    )
    assert _cipher(tls_mariadb.url("localhost", ssl_mode="VERIFY_CA", ssl_ca=str(tls_mariadb.ca))) != ""
    assert "failed verification (Hostname mismatch, certificate is not valid for 'localhost'.)" in _failure(
        tls_mariadb.url("localhost", ssl_mode="VERIFY_IDENTITY", ssl_ca=str(tls_mariadb.ca))
    )
    assert _cipher(tls_mariadb.url(sslmode="verify-full", ssl_ca=str(tls_mariadb.ca))) != ""


def test_ssl_mode_against_a_server_without_tls_and_contradictions() -> None:
    require_server("mariadb")
    shared = f"mysql://root@{MY_HOST}:{MY_PORT}/test"
    refused = (
        f"error: the server at {MY_HOST}:{MY_PORT} does not offer TLS, but the URL asks for it (ssl_mode, ssl_ca, ssl_cert…): "
        "enable TLS on the server, or use ssl_mode=PREFERRED (or remove the ssl options) to connect unencrypted\n"
    )
    for mode in ("REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"):
        assert _failure(f"{shared}?ssl_mode={mode}") == refused
    assert _cipher(f"{shared}?ssl_mode=PREFERRED") == ""  # plain text, as PREFERRED allows
    assert _cipher(f"{shared}?ssl_mode=disabled") == ""
    assert _failure(f"{shared}?ssl_mode=DISABLED&ssl_ca=/etc/hosts") == (
        "error: URL option ssl_mode=DISABLED contradicts ssl_ca: keep one\n"
    )
    assert _failure(f"{shared}?ssl_mode=VERIFY_IDENTITY&ssl_check_hostname=false") == (
        "error: URL option ssl_mode=VERIFY_IDENTITY checks the host name; ssl_check_hostname=false contradicts it: keep one\n"
    )
    assert _failure(f"{shared}?ssl_mode=ON") == (
        "error: URL option ssl_mode='ON' must be one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY\n"
    )
    assert _failure(f"{shared}?ssl_mode=REQUIRED&ssl-mode=REQUIRED") == (
        "error: URL options 'ssl-mode' and 'ssl_mode' say the same thing; keep one\n"
    )


def test_a_missing_ca_file_is_one_line(tls_mariadb: TlsServer) -> None:
    line = _failure(tls_mariadb.url(ssl_ca="/no/such/ca.pem"))
    assert line == "error: TLS file /no/such/ca.pem from the URL does not exist; check the path\n"


# -- PostgreSQL: libpq's sslrootcert (and sslcert, sslkey, sslcrl) reach asyncpg as libpq would read them ----------


def test_sslrootcert_with_verify_full_gives_a_verified_encrypted_session(tls_postgresql: TlsServer) -> None:
    url = tls_postgresql.url(sslmode="verify-full", sslrootcert=str(tls_postgresql.ca))

    async def encrypted() -> bool:
        engine, _ = await connect(url)
        try:
            async with engine.connect() as conn:
                return bool((await conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))).scalar())
        finally:
            await engine.dispose()

    assert run_async(encrypted())
    result = runner.invoke(app, ["schema", url, "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["schema"] == "public"


def test_postgresql_certificate_checks_are_one_line(tls_postgresql: TlsServer) -> None:
    wrong_ca = _failure(tls_postgresql.url(sslmode="verify-full", sslrootcert=str(tls_postgresql.other_ca)))
    assert wrong_ca.startswith(f"error: the TLS certificate of the server at 127.0.0.1:{tls_postgresql.port} failed verification (")
    other_host = _failure(tls_postgresql.url("localhost", sslmode="verify-full", sslrootcert=str(tls_postgresql.ca)))
    assert "failed verification (Hostname mismatch, certificate is not valid for 'localhost'.)" in other_host
    ca_only = runner.invoke(app, ["schema", tls_postgresql.url("localhost", sslmode="verify-ca", sslrootcert=str(tls_postgresql.ca))])
    assert ca_only.exit_code == 0, ca_only.stderr  # verify-ca checks the chain, not the name, as libpq does
    assert _failure(tls_postgresql.url(sslmode="verify-full", sslrootcert="/no/such/root.crt")) == (
        "error: TLS file /no/such/root.crt from the URL does not exist; check the path\n"
    )


def test_a_script_written_on_a_tls_url_opens_it_the_same_way(tls_mariadb: TlsServer, tmp_path: Path) -> None:
    """The script's URL carried ssl_mode to aiomysql (unexpected keyword argument 'ssl_mode') and ssl_ca as
    SQLAlchemy's dictionary ('dict' object has no attribute 'wrap_bio'); a DATABASE_URL asking for TLS of a
    server without it ran in plain text. Now the script builds the context as sqla-tui does and refuses so."""
    import subprocess
    import sys

    from tests.test_script import run_script

    verified = tls_mariadb.url(ssl_mode="VERIFY_IDENTITY", ssl_ca=str(tls_mariadb.ca))

    async def two_rows() -> None:
        engine, _ = await connect(verified, read_only=False)
        try:
            async with engine.begin() as conn:
                await conn.execute(text("CREATE TABLE IF NOT EXISTS script_rows (id INTEGER PRIMARY KEY)"))
                await conn.execute(text("INSERT IGNORE INTO script_rows (id) VALUES (1), (2)"))
        finally:
            await engine.dispose()

    run_async(two_rows())
    script = tmp_path / "script.py"
    result = runner.invoke(app, ["query", verified, "script_rows", "--script", "-o", str(script)])
    assert result.exit_code == 0, result.stderr
    assert f"query={{'ssl_mode': 'VERIFY_IDENTITY', 'ssl_ca': '{tls_mariadb.ca}'}}" in script.read_text()
    expected = "1 statement, 2 rows received, 2 entities (2 root rows)"
    assert run_script(script, None).splitlines()[-1] == expected
    assert run_script(script, tls_mariadb.url(**{"ssl-mode": "required"})).splitlines()[-1] == expected
    require_server("mariadb")
    plain = f"mysql://root@{MY_HOST}:{MY_PORT}/mysql?sslmode=require"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env={**os.environ, "DATABASE_URL": plain}, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", "the MySQL server does not offer TLS, but the URL asks for it (ssl_mode, ssl_ca, ssl_cert...)\n"
    )
