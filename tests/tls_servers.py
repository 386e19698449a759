"""Database servers of the test's own that offer TLS: MariaDB and PostgreSQL, each with its certificates and port.

The shared servers at 3306 and 5432 have no TLS, so the URL's TLS options
are tried against these: the machine's own ``mariadbd`` and ``postgres``,
started on a free port from a fresh data directory (``mariadb-install-db``
~2 s, ``initdb`` under the postgres user <1 s), with a CA and a server
certificate for 127.0.0.1 made by ``openssl``. A second CA, which did not
sign the server's certificate, is there to be refused.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.databases import REQUIRE_SERVERS

MARIADBD = "/usr/sbin/mariadbd"
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), Path("/usr/lib/postgresql/bin"))
DEADLINE_S = 60.0


@dataclass(frozen=True)
class TlsServer:
    base: str
    """The URL without host and port: ``mysql://root@{}/test``."""
    port: int
    ca: Path
    """The CA that signed the server's certificate (for 127.0.0.1 only)."""
    other_ca: Path
    """A CA that signed nothing this server shows."""

    def url(self, host: str = "127.0.0.1", **options: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in options.items())
        return self.base.format(f"{host}:{self.port}") + (f"?{query}" if query else "")


def _run(*command: str | Path, cwd: Path) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, capture_output=True, timeout=120)


def _certificates(directory: Path) -> None:
    """ca.pem signs server.pem (subjectAltName IP:127.0.0.1); other-ca.pem signs nothing."""
    for name in ("ca", "other-ca"):
        _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
             "-days", "2", "-subj", f"/CN=sqla-tui {name}", cwd=directory)  # fmt: skip
    _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=127.0.0.1", cwd=directory)  # fmt: skip
    (directory / "san.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    _run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "2", "-extfile", "san.cnf", cwd=directory)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _need(*tools: str | Path) -> None:
    missing = [str(tool) for tool in tools if shutil.which(tool) is None]
    if missing:
        reason = f"a TLS server of the test's own needs {', '.join(missing)}"
        if REQUIRE_SERVERS:
            pytest.fail(f"{reason}, and SQLA_TUI_REQUIRE_SERVERS=1 requires it")
        pytest.skip(reason)


@contextmanager
def _serving(command: list[str | Path], directory: Path, answers: list[str], user: str | None = None) -> Iterator[None]:
    """Run the server until the test module ends, once ``answers`` (a ping command) succeeds."""
    log = directory / "server.log"
    with log.open("wb") as log_file:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen([str(part) for part in command], stdout=subprocess.DEVNULL, stderr=log_file, user=user)
    try:
        ends = time.monotonic() + DEADLINE_S
        while subprocess.run(answers, capture_output=True, timeout=30, check=False).returncode != 0:
            if server.poll() is not None or time.monotonic() > ends:
                raise AssertionError(f"the TLS server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture(scope="module")
def tls_mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    _need(MARIADBD, "mariadb-install-db", "mariadb-admin", "openssl")
    directory = tmp_path_factory.mktemp("tls-mariadb")
    _certificates(directory)
    data = directory / "data"
    _run("mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={data}",
         "--auth-root-authentication-method=normal", cwd=directory)  # fmt: skip
    port = _free_port()
    command = [
        MARIADBD, "--no-defaults", "--user=root", f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1",
        f"--socket={directory / 'sock'}", f"--pid-file={directory / 'pid'}", "--skip-log-bin",
        "--innodb-buffer-pool-size=16M", f"--ssl-ca={directory / 'ca.pem'}",
        f"--ssl-cert={directory / 'server.pem'}", f"--ssl-key={directory / 'server.key'}",
    ]  # fmt: skip
    ping = ["mariadb-admin", "-h127.0.0.1", f"-P{port}", "-uroot", "--silent", "ping"]
    with _serving(command, directory, ping):
        yield TlsServer("mysql://root@{}/test", port, directory / "ca.pem", directory / "other-ca.pem")


@pytest.fixture(scope="module")
def tls_postgresql() -> Iterator[TlsServer]:
    """PostgreSQL refuses to run as root: its files belong to the postgres user, which runs it."""
    _need(PG_BIN / "initdb", PG_BIN / "postgres", "pg_isready", "openssl")
    with tempfile.TemporaryDirectory(prefix="sqla-tui-tls-") as held:  # pytest's directories are root's alone
        yield from _postgresql_in(Path(held))


def _postgresql_in(directory: Path) -> Iterator[TlsServer]:
    _certificates(directory)
    (directory / "server.key").chmod(0o600)
    directory.chmod(0o755)
    shutil.chown(directory, "postgres")
    for path in directory.iterdir():
        shutil.chown(path, "postgres")
    data = directory / "data"
    subprocess.run([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], cwd=directory,
                   check=True, capture_output=True, timeout=120, user="postgres")  # fmt: skip
    port = _free_port()
    command = [
        PG_BIN / "postgres", "-D", data, "-p", str(port), "-k", directory, "-c", "listen_addresses=127.0.0.1",
        "-c", "ssl=on", "-c", f"ssl_cert_file={directory / 'server.pem'}", "-c", f"ssl_key_file={directory / 'server.key'}",
        "-c", "fsync=off",
    ]  # fmt: skip
    ping = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]
    with _serving(command, directory, ping, user="postgres"):
        yield TlsServer("postgresql://postgres@{}/postgres", port, directory / "ca.pem", directory / "other-ca.pem")
