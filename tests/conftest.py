"""Fixtures shared by every test: throwaway databases on all three backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import BACKENDS, TestDatabase, create_database


@pytest.fixture(autouse=True)
def _own_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config and data directories of the test's own: no test reads the user's saved connections or writes their history."""
    home = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend name, once per backend; server backends skip or fail when down."""
    return request.param


@pytest.fixture
def empty_db(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """A fresh empty database on each backend, dropped after the test."""
    database = create_database(backend, tmp_path_factory.mktemp("db"))
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A runtime directory of this test's own, so listings see only its applications."""
    directory = tmp_path / "rt"
    monkeypatch.setenv("SQLA_TUI_RUNTIME_DIR", str(directory))
    return directory
