"""Credentials are masked in text alone, whatever shape the URL or the error message has."""

from __future__ import annotations

import pytest

from sqla_tui.core.connect.masking import mask_url, mask_url_text, url_secrets

SECRET = "Zq9_s3cret_PW"

HOSTILE_URLS = [
    (f"postgresql://u:{SECRET}@h/db", "postgresql://u:***@h/db"),
    (f"postgresql://u:pw@{SECRET}@127.0.0.1/db", "postgresql://u:***@127.0.0.1/db"),
    (f"postgresql://u:a@b:{SECRET}@c:d@host:5432/db", "postgresql://u:***@host:5432/db"),
    (f"postgresql://u:pw {SECRET}@127.0.0.1/db", "postgresql://u:***@127.0.0.1/db"),
    (f"postgres:{SECRET}@127.0.0.1/db", "postgres:***@127.0.0.1/db"),
    (f"mysql://root:ab/{SECRET}?x#y@host/db", "mysql://root:***@host/db"),
    (f"pg://user@example.com:{SECRET}@host/db", "pg://user@example.com:***@host/db"),
    (f"postgresql://u:{SECRET}@[::1]:5432,h2:1/db", "postgresql://u:***@[::1]:5432,h2:1/db"),
    (f"mysql://root:{SECRET}@", "mysql://root:***@"),
    (f"h/db?password={SECRET}&sslmode=require", "h/db?password=***&sslmode=require"),
    (f"p://h/db?passwd={SECRET}&pwd={SECRET}&x=1", "p://h/db?passwd=***&pwd=***&x=1"),
    (f"p://h/db?sslpassword=a&{SECRET}&token={SECRET}", "p://h/db?sslpassword=***&token=***"),
    (f"p://h/db?secret={SECRET}&api_key={SECRET}&aws_access_key_id={SECRET}", "p://h/db?secret=***&api_key=***&aws_access_key_id=***"),
    (f"p://h/db?AWS_SECRET_ACCESS_KEY={SECRET}#frag", "p://h/db?AWS_SECRET_ACCESS_KEY=***#frag"),
]


@pytest.mark.parametrize(("raw", "shown"), HOSTILE_URLS)
def test_hostile_urls_are_masked_whole(raw: str, shown: str) -> None:
    assert mask_url(raw) == shown


@pytest.mark.parametrize(
    "raw",
    ["postgresql://u@h:5432/db?sslmode=require", "sqlite:////home/me@x/a:b.db", "mysql://root@127.0.0.1/test", "demo"],
)
def test_urls_without_credentials_are_unchanged(raw: str) -> None:
    assert mask_url(raw) == raw


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"could not reach postgresql://u:{SECRET}@h/db: refused", "could not reach postgresql://u:***@h/db: refused"),
        (f"postgresql://a:{SECRET}@h1/x and mysql://b:{SECRET}@h2/y", "postgresql://a:***@h1/x and mysql://b:***@h2/y"),
        (f"host=h user=u password={SECRET} dbname=x", "host=h user=u password=*** dbname=x"),
        (f"password='{SECRET} with spaces' user=x", "password='***' user=x"),
        (f"{{'user': 'x', 'password': '{SECRET}', \"token\": \"{SECRET}\"}}", "{'user': 'x', 'password': '***', \"token\": \"***\"}"),
        (f"login u:{SECRET}@host failed", "login u:***@host failed"),
        ("Access denied for user 'root'@'localhost' (using password: YES)", None),
        # MariaDB's accounts ('user'@'host') after a URL on the same line are not its userinfo's end
        (
            "mysql+aiomysql://root@127.0.0.1/db: (1449, \"The user specified as a definer ('ghost'@'localhost') does not exist\")",
            None,
        ),
        (
            f"mysql://root:{SECRET}@127.0.0.1/db: SELECT command denied to user `u`@`h` for table `t`",
            "mysql://root:***@127.0.0.1/db: SELECT command denied to user `u`@`h` for table `t`",
        ),
        ('password authentication failed for user "x"', None),
        ("Connect call failed ('127.0.0.1', 1) at 12:30", None),
    ],
)
def test_free_text_is_masked(text: str, shown: str | None) -> None:
    assert mask_url_text(text) == (text if shown is None else shown)


def test_known_secrets_are_masked_anywhere_even_split_at_an_at_sign() -> None:
    secrets = url_secrets(f"postgresql://u:pw@{SECRET}@127.0.0.1/db?token=t%40k3n")
    assert mask_url_text(f"unknown host '{SECRET}@127.0.0.1'", secrets) == "unknown host '***@127.0.0.1'"
    assert mask_url_text("rejected t@k3n", secrets) == "rejected ***"
