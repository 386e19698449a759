"""Counts and articles for the sentences both front-ends print: "1 statement", "an artist row".

Table names and counts come from the user's database, so a sentence cannot
hard-code "a" or a plural "s"; every count and article in user-facing text
goes through here.
"""

from __future__ import annotations

import re

_AN_THOUGH_CONSONANT = re.compile(r"^(?:[aeio]|un|u(?![bcdfghjklmnpqrstvwxz][aeiouy])|hour|honest|honou?r|heir|8|1[18](?!\d))")
"""Spoken with a vowel first: an artist, an hour, an umbrella, an 8-column row; but a user, a unit."""
_A_THOUGH_VOWEL = re.compile(r"^(?:eu|ewe|ones?(?![a-z])|once|uni|use|usu|ura|ure|uti)")
"""Written with a vowel first, spoken with a consonant: a euro, a one-off, a unique key."""


def plural(noun: str) -> str:
    """``statement`` -> ``statements``, ``entity`` -> ``entities``, ``batch`` -> ``batches``."""
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


def counted(number: int, noun: str, many: str | None = None) -> str:
    """``1 statement``, ``0 statements``, ``1,204 statements``; ``many`` where the plural is irregular.

    The noun may be a phrase whose first word is counted: ``root row`` -> ``root rows``
    pluralises the last word, as English does.
    """
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {many or _plural_phrase(noun)}"


def _plural_phrase(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    return f"{head} {plural(last)}" if head else plural(last)


def article(word: str) -> str:
    """``a`` or ``an`` as ``word`` is usually said: an artist, a users row, an hour, a one-off."""
    lowered = word.lower().lstrip("\"'`_")
    if _A_THOUGH_VOWEL.match(lowered):
        return "a"
    return "an" if _AN_THOUGH_CONSONANT.match(lowered) else "a"


def with_article(phrase: str) -> str:
    """``an artist row``, ``a users row``."""
    return f"{article(phrase)} {phrase}"
