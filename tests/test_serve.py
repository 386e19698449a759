"""``sqla-tui serve``: the app in a real headless Chromium, and the refusals that keep it on this machine.

The browser is Debian's ``chromium`` driven by Playwright (never a browser
downloaded at test time). xterm.js paints the terminal on a canvas, so the
page records the terminal stream its websocket receives and the tests wait on
text appearing there: what the app drew for the browser, escape codes removed.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sqla_tui.cli.web import is_loopback
from tests.databases import REQUIRE_SERVERS, TestDatabase
from tests.seeded import COMMENTS, seed, seeded_db
from tests.server_probes import wait_until
from tests.tui_helpers import demo_cache, small_demo_cache

CHROMIUM = Path("/usr/bin/chromium")
SECRET = "s3cret-pw-never-shown"
STOP_S = 30

RECORD_TERMINAL = r"""
(() => {
  const decoder = new TextDecoder();
  window.sqlaReceived = "";
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) window.sqlaReceived += decoder.decode(event.data, {stream: true});
      });
    }
  };
  window.sqlaText = (from) => window.sqlaReceived.slice(from).replace(/\x1b(\[[0-9;?$]*[A-Za-z]|\][^\x07]*\x07)/g, "");
})();
"""
"""Keep what the terminal receives in ``window.sqlaReceived``; ``sqlaText(from)`` is it without escape codes."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "sqla_tui", "serve", *args]


def _environment(url: str | None) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return environment if url is None else {**environment, "DATABASE_URL": url}


@dataclass
class Served:
    """A running ``sqla-tui serve``: its process, its address and, once stopped, what it printed."""

    process: subprocess.Popen[str]
    url: str
    stdout: str = ""
    stderr: str = ""

    def app_command_lines(self) -> list[str]:
        """The command lines of every process under the server (the app per browser tab), as ``ps`` shows them."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (ValueError, OSError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
        lines, todo = [], list(children.get(self.process.pid, []))
        while todo:
            pid = todo.pop()
            try:
                lines.append((Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
            todo.extend(children.get(pid, []))
        return lines


@contextmanager
def serving(*args: str, url: str | None, home: Path | None = None) -> Iterator[Served]:
    """``sqla-tui serve --port <free> ARGS`` with ``DATABASE_URL=url`` (and ``HOME``), ready to accept; stopped with SIGTERM after."""
    port = _free_port()
    environment = _environment(url) if home is None else {**_environment(url), "HOME": str(home)}
    process = subprocess.Popen(
        _serve_command("--port", str(port), *args), env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    served = Served(process, f"http://127.0.0.1:{port}/")
    try:
        wait_until(lambda: _accepts(port) or process.poll() is not None, "sqla-tui serve to listen")
        assert process.poll() is None, process.communicate()
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            served.stdout, served.stderr = process.communicate(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            process.kill()
            served.stdout, served.stderr = process.communicate()
    assert process.returncode == 0, served.stderr


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium from the system package; skipped when it is not installed (failed under SQLA_TUI_REQUIRE_SERVERS=1)."""
    missing = None if CHROMIUM.exists() else f"{CHROMIUM} not installed (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright not installed (pip install -e '.[test]')"
    if missing is not None:
        if REQUIRE_SERVERS:
            pytest.fail(f"{missing}, and SQLA_TUI_REQUIRE_SERVERS=1 requires it")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Any, url: str) -> Any:
    """A tab on the served app, recording its terminal, offline (the page asks Google for a font), keyboard in the terminal."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.add_init_script(RECORD_TERMINAL)
    page.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    page.goto(url)
    page.wait_for_selector(".xterm-helper-textarea", state="attached")
    page.locator(".xterm-helper-textarea").focus()
    return page


def received(page: Any) -> int:
    """How much of the terminal stream has arrived; pass it to ``drawn`` to wait only for what comes next."""
    return int(page.evaluate("window.sqlaReceived.length"))


def drawn(page: Any, text: str, since: int = 0) -> None:
    """Wait until the app draws ``text`` in the browser (Playwright's timeout is the deadline); say what it drew instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("([text, since]) => window.sqlaText(since).includes(text)", arg=[text, since])
    except PlaywrightTimeout:
        shown = page.evaluate("(since) => window.sqlaText(since)", since)
        raise AssertionError(f"the app never drew {text!r}; it drew:\n{shown[-3000:]}") from None


def connected(page: Any) -> None:
    """Wait for the seeded tables and then the engine: the names paint first, and the screen keys work once the banner names the pool."""
    drawn(page, "Tables (5)")
    drawn(page, "QueuePool")


def press(page: Any, key: str, then: str) -> None:
    """Press ``key`` in the terminal and wait until the app draws ``then`` in answer."""
    since = received(page)
    page.keyboard.press(key)
    drawn(page, then, since)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_schema_compose_screenshot_and_download_in_chromium(
    browser: Any, seeded_db: TestDatabase, tmp_path: Path
) -> None:
    home = tmp_path / "home"  # no Downloads directory on the server: a browser's export does not need one
    with serving(url=seeded_db.url, home=home) as served:
        page = open_page(browser, served.url)
        connected(page)
        assert any(" -m sqla_tui" in line for line in served.app_command_lines())
        press(page, "s", then="many-to-one")  # the schema screen, comments under the cursor
        press(page, "c", then="default post → Post")  # compose over comments: its loaders listed
        press(page, "F5", then=f"1 statement, {COMMENTS} rows received")  # runs from any field

        shot = tmp_path / "served.png"
        page.screenshot(path=str(shot))
        data = shot.read_bytes()
        assert _png_size(data) == (1400, 900) and len(data) > 20_000  # a painted terminal, not a blank page

        press(page, "Control+s", then="Enter writes it")  # the export dialog, results as CSV by default
        with page.expect_download() as delivery:
            page.keyboard.press("Enter")
        download = delivery.value
        assert download.suggested_filename == "results-comments.csv"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        lines = saved.read_text().splitlines()
        assert lines[0] == "id,post_id,author_id,body" and len(lines) == 1 + COMMENTS
        drawn(page, "exported results-comments")
        page.context.close()
    assert served.stderr == ""
    assert served.stdout.startswith(f"serving sqla-tui on {seeded_db.url} at {served.url.rstrip('/')}")


def test_the_demo_in_chromium(browser: Any, demo_cache: Path) -> None:
    with serving(url=None) as served:
        page = open_page(browser, served.url)
        drawn(page, "user_post_counts")  # the demo's view, listed on the home screen
        drawn(page, "QueuePool")  # the engine is up: screen keys are disabled until then (a busy CI ran ahead of it)
        press(page, "s", then="no primary key")  # the first table's detail, once the catalog is in
        page.context.close()
    assert served.stdout.startswith("serving sqla-tui on the demo database at ")


@pytest.mark.parametrize("seeded_db", ["postgresql"], indirect=True)
def test_the_password_stays_out_of_the_page_the_process_list_and_the_log(browser: Any, seeded_db: TestDatabase) -> None:
    url = seeded_db.url.replace("postgres@", f"postgres:{SECRET}@", 1)  # trust authentication ignores it
    with serving(url=url) as served:
        page = open_page(browser, served.url)
        connected(page)
        press(page, "s", then="many-to-one")
        html = page.content()
        terminal = page.evaluate("window.sqlaReceived")
        command_lines = served.app_command_lines()
        page.context.close()
    assert "sqla-tui · postgresql://postgres:***@" in html
    assert SECRET not in html and SECRET not in terminal
    assert command_lines and not any(SECRET in line for line in command_lines)
    assert SECRET not in served.stdout + served.stderr


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _serve_command(*args), check=False, env=_environment(None), capture_output=True, text=True, timeout=60
    )


def test_a_host_other_machines_reach_needs_public() -> None:
    result = _serve("--host", "0.0.0.0", "--port", str(_free_port()))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: --host 0.0.0.0 is reachable from other machines and the served app has no login; "
        "pass --public to serve it anyway, or keep the default 127.0.0.1"
    ]


def test_public_serves_with_a_warning(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "shop.db").execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    with serving("--host", "0.0.0.0", "--public", url=f"sqlite:///{tmp_path}/shop.db") as served:
        pass
    port = served.url.rsplit(":", 1)[1].strip("/")
    assert served.stderr.splitlines() == [
        f"warning: serving on 0.0.0.0:{port} with no login: anyone who can reach it browses "
        f"sqlite:///{tmp_path}/shop.db with this connection's credentials"
    ]


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve("--port", str(port))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; pick another with --port"
    ]


def test_a_bad_url_is_refused_before_serving() -> None:
    result = _serve(f"nosuchdb://u:{SECRET}@h/x", "--port", str(_free_port()))
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "unknown database dialect 'nosuchdb'" in line and SECRET not in line


def test_a_sqlite_file_that_is_no_database_is_refused_before_serving(tmp_path: Path) -> None:
    """Served, each tab's app opened only to say so; every other command refuses it at once."""
    (tmp_path / "notes.db").write_text("not a database")
    result = _serve(f"sqlite:///{tmp_path}/notes.db", "--port", str(_free_port()))
    assert (result.returncode, result.stdout) == (2, "")
    [line] = result.stderr.splitlines()  # a long path is shortened in the message ("… (81 characters)")
    assert line.startswith("error: /") and "notes.db" in line
    assert line.endswith(" is not a SQLite database (its first bytes are not 'SQLite format 3')")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("db.example.com", False)],
)  # fmt: skip
def test_only_loopback_hosts_count_as_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
