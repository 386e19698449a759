"""Counts and articles in what sqla-tui prints: "1 statement", "an artist row", wherever the words come from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_tui.cli import app
from sqla_tui.core.grammar import counted, with_article
from sqla_tui.core.query.fanout import DEFAULT_PLANS, PLANS
from sqla_tui.core.query.verdict import verdict
from tests.databases import TestDatabase
from tests.seeded import seeded_db
from tests.test_fanout import _measured

README = Path(__file__).parent.parent / "README.md"


@pytest.mark.parametrize(
    ("number", "noun", "many", "expected"),
    [
        (1, "statement", None, "1 statement"),
        (0, "statement", None, "0 statements"),
        (1204, "statement", None, "1,204 statements"),
        (2, "entity", None, "2 entities"),
        (3, "access", None, "3 accesses"),
        (2, "pass", None, "2 passes"),
        (1, "root row", None, "1 root row"),
        (7, "root row", None, "7 root rows"),
        (5, "row of users", "rows of users", "5 rows of users"),
        (1, "row of users", "rows of users", "1 row of users"),
    ],
)
def test_counts_agree_with_their_number(number: int, noun: str, many: str | None, expected: str) -> None:
    assert counted(number, noun, many) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("artist row", "an artist row"),
        ("order row", "an order row"),
        ("item row", "an item row"),
        ("employee row", "an employee row"),
        ("umbrella row", "an umbrella row"),
        ("unused_codes row", "an unused_codes row"),
        ("hour row", "an hour row"),
        ("users row", "a users row"),
        ("user row", "a user row"),
        ("units row", "a units row"),
        ("euro_rates row", "a euro_rates row"),
        ("one_offs row", "a one_offs row"),
        ("posts row", "a posts row"),
        ('"Mixed Case" row', 'a "Mixed Case" row'),
    ],
)
def test_articles_follow_the_sound_of_the_name(phrase: str, expected: str) -> None:
    assert with_article(phrase) == expected


def test_the_verdict_counts_one_of_each_in_the_singular() -> None:
    joined = _measured("joined", 2, True)
    joined.statements, joined.rows, joined.root_rows, joined.rows_per_root = 1, 2, 1, 2.0
    joined.duplicated_rows, joined.duplicated_cells, joined.bytes = 1, 1, 1
    selectin = _measured("selectin", 2, True)
    said = verdict([joined, selectin], "artist", has_collection=True)
    assert said.startswith(
        "joinedload received 2 rows for 1 row of artist (~2.0 each: 1 repeat of an artist row), 1.0× the cells "
        "of selectinload (1 duplicated cell). selectinload needed 2 statements."
    )
    assert "Recommended: selectinload (2 statements, 100 bytes, no repeated artist rows)." in said
    alone = verdict([joined], "artist", has_collection=True)
    assert "Recommended: joinedload (1 statement, 1 byte, 1 repeated artist row)." in alone


@pytest.mark.parametrize("seeded_db", ["sqlite"], indirect=True)  # about the README and the CLI, not a backend
def test_the_default_plans_are_what_the_readme_and_the_cli_say(seeded_db: TestDatabase) -> None:
    text = " ".join(README.read_text().split())
    sentence = re.search(r"Runs the same query once per plan — by default (.*?); `--strategies` also takes (.*?) —", text)
    assert sentence is not None
    assert tuple(re.findall(r"`([a-z+]+)`", sentence.group(1))) == DEFAULT_PLANS
    assert set(re.findall(r"`([a-z+]+)`", sentence.group(2))) == set(PLANS) - set(DEFAULT_PLANS)
    result = CliRunner().invoke(app, ["fanout", seeded_db.url, "users", "--path", "posts", "--runs", "0", "--json"])
    assert result.exit_code == 0, result.stderr
    assert tuple(plan["strategy"] for plan in json.loads(result.stdout)["results"]) == DEFAULT_PLANS
