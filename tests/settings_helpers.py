"""What the settings tests share: config and data directories of their own, and a keyring that really stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import MY_ADMIN_URL, MY_HOST, MY_PORT, TestDatabase, run_async
from tests.schema_fixtures import execute


@pytest.fixture
def settings_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG config and data directories under ``tmp_path`` (platformdirs reads them on every call); the config file's path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from sqla_tui.settings.paths import config_file

    return config_file()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """keyring's fail backend, as on a headless Linux box: no keyring available."""
    keyring = pytest.importorskip("keyring")
    from keyring.backends.fail import Keyring as Fail

    previous = keyring.get_keyring()
    keyring.set_keyring(Fail())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """A real keyring backend (keyring's KeyringBackend) keeping passwords in memory; yields the store."""
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    store: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if store.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    yield store
    keyring.set_keyring(previous)


PASSWORD = "s3cr:et@pw"
"""The MariaDB test user's password: a ':' and an '@' that a URL must carry encoded."""


@pytest.fixture
def mariadb_user_with_password(seeded_db: TestDatabase) -> Iterator[str]:
    """A MariaDB user that needs ``PASSWORD``, allowed to read the seeded database; yields a URL without the password.

    The servers here trust every local connection, so only a user created
    with a password can tell the right password from a wrong one.
    """
    assert seeded_db.backend == "mariadb", "parametrize the test with seeded_db=['mariadb']"
    user = f"pw_{seeded_db.name[-10:]}"
    run_async(execute(MY_ADMIN_URL, f"CREATE USER '{user}'@'%' IDENTIFIED BY '{PASSWORD}'", f"GRANT SELECT ON `{seeded_db.name}`.* TO '{user}'@'%'"))
    try:
        yield f"mysql://{user}@{MY_HOST}:{MY_PORT}/{seeded_db.name}"
    finally:
        run_async(execute(MY_ADMIN_URL, f"DROP USER IF EXISTS '{user}'@'%'"))
