"""A MariaDB server of the test's own that offers TLS: its data directory, certificates and port.

The shared server at 3306 has no TLS, so the ``ssl_*`` URL options are tried
against this one: the machine's own ``mariadbd``, started on a free port
from a fresh data directory (``mariadb-install-db``, ~2 s), with a CA and a
server certificate for 127.0.0.1 made by ``openssl``. A second CA, which
did not sign the server's certificate, is there to be refused.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.databases import REQUIRE_SERVERS

MARIADBD = "/usr/sbin/mariadbd"
DEADLINE_S = 60.0


@dataclass(frozen=True)
class TlsServer:
    port: int
    ca: Path
    """The CA that signed the server's certificate (for 127.0.0.1 only)."""
    other_ca: Path
    """A CA that signed nothing this server shows."""

    def url(self, host: str = "127.0.0.1", **options: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in options.items())
        return f"mysql://root@{host}:{self.port}/test" + (f"?{query}" if query else "")


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


def _answers(port: int) -> bool:
    ping = ["mariadb-admin", "-h127.0.0.1", f"-P{port}", "-uroot", "--silent", "ping"]
    return subprocess.run(ping, capture_output=True, timeout=30, check=False).returncode == 0


@pytest.fixture(scope="module")
def tls_mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    missing = [tool for tool in (MARIADBD, "mariadb-install-db", "mariadb-admin", "openssl") if shutil.which(tool) is None]
    if missing:
        reason = f"a TLS MariaDB of the test's own needs {', '.join(missing)}"
        if REQUIRE_SERVERS:
            pytest.fail(f"{reason}, and SQLA_TUI_REQUIRE_SERVERS=1 requires it")
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp("tls-mariadb")
    _certificates(directory)
    data = directory / "data"
    _run("mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={data}",
         "--auth-root-authentication-method=normal", cwd=directory)  # fmt: skip
    port = _free_port()
    log = directory / "server.log"
    command = [
        MARIADBD, "--no-defaults", "--user=root", f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1",
        f"--socket={directory / 'sock'}", f"--pid-file={directory / 'pid'}", "--skip-log-bin",
        "--innodb-buffer-pool-size=16M", f"--ssl-ca={directory / 'ca.pem'}",
        f"--ssl-cert={directory / 'server.pem'}", f"--ssl-key={directory / 'server.key'}",
    ]  # fmt: skip
    with log.open("wb") as log_file:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log_file)
    try:
        ends = time.monotonic() + DEADLINE_S
        while not _answers(port):
            if server.poll() is not None or time.monotonic() > ends:
                raise AssertionError(f"the TLS MariaDB did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield TlsServer(port, directory / "ca.pem", directory / "other-ca.pem")
    finally:
        server.terminate()
        server.wait(timeout=60)
