"""English number for table names: ``users`` -> ``user``, ``child`` -> ``children``, ``status`` -> ``statuses``.

Relationship and class names come from table names, which a schema spells
singular or plural as its authors pleased, so ``plural`` must leave a plural
alone and ``singular`` a singular. That is the opposite of what a general
inflection library assumes: ``inflect`` (which sqlacodegen uses) turns
``users`` into ``userss`` and ``bus`` into ``bu``, and costs 75 ms to import
warm (1.9 s cold, through typeguard). So a few rules and the irregular words
tables are actually named with, applied to the last word of a name
(``order_children``), its case kept (``Children`` from ``Child``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_IRREGULAR = {
    "child": "children", "person": "people", "man": "men", "woman": "women", "mouse": "mice", "goose": "geese",
    "tooth": "teeth", "foot": "feet", "ox": "oxen", "datum": "data", "criterion": "criteria",
    "phenomenon": "phenomena", "leaf": "leaves", "knife": "knives", "wife": "wives", "life": "lives",
    "half": "halves", "shelf": "shelves", "wolf": "wolves", "thief": "thieves", "crisis": "crises",
    "basis": "bases", "axis": "axes", "matrix": "matrices", "vertex": "vertices", "index": "indexes", "quiz": "quizzes",
}  # fmt: skip
"""Singular -> plural where the rules below would be wrong."""
_SINGULAR = {many: one for one, many in _IRREGULAR.items() if many not in ("bases", "axes", "indexes", "data")} | {
    "movies": "movie", "cookies": "cookie", "zombies": "zombie", "pies": "pie", "ties": "tie", "lies": "lie",
    "rookies": "rookie", "selfies": "selfie", "calories": "calorie", "brownies": "brownie", "caches": "cache",
    "niches": "niche", "indices": "index", "vertices": "vertex", "matrices": "matrix",
}  # fmt: skip
"""Plural -> singular where the rules below would be wrong (``bases`` stays a plural of ``base``, ``data`` is
uncounted: a table of it becomes ``Data``, not ``Datum``)."""
_UNCOUNTED = frozenset((
    "data", "media", "metadata", "news", "series", "species", "sheep", "fish", "deer", "equipment", "information",
    "info", "software", "hardware", "feedback", "staff", "audio", "money", "music", "furniture", "luggage", "advice",
    "people", "children", "men", "women", "mice", "criteria", "personnel", "aircraft", "inventory", "traffic", "sms",
))  # fmt: skip
"""Words that are their own plural, or plurals already: left as they are both ways."""

_LAST_WORD = re.compile(r"(?:[A-Z]?[a-z]+|[A-Z]+)$")
"""The last word of ``order_items``, ``OrderItems``, ``ORDER_ITEMS``: what is counted."""
_NO_WORD_PLURAL = re.compile(r"[^A-Za-z]s$")


def plural(word: str) -> str:
    """English plural of a table-ish name; one already plural (``users``, ``people``, ``data``) stays as it is, and
    one ending in no word (``t_1``) gets an ``s``."""
    return _inflect(word, _plural_of) if _LAST_WORD.search(word) else word + "s"


def singular(word: str) -> str:
    """English singular of a table name (``profiles`` -> ``profile``, ``categories`` -> ``category``,
    ``statuses`` -> ``status``, ``children`` -> ``child``); one already singular stays as it is."""
    if _NO_WORD_PLURAL.search(word):  # t_1s, as ``plural`` makes it
        return word[:-1]
    return _inflect(word, _singular_of)


def _inflect(word: str, change: Callable[[str], str]) -> str:
    """``change`` applied to the last word of ``word``, lower-cased, with the word's case given back: the letters
    the two share keep theirs (``Child`` -> ``Children``), the rest follow an upper-case word (``USERS``)."""
    matched = _LAST_WORD.search(word)
    if matched is None:
        return word
    last = matched[0]
    changed = change(last.lower())
    kept = 0
    while kept < min(len(last), len(changed)) and last[kept].lower() == changed[kept]:
        kept += 1
    rest = changed[kept:].upper() if last.isupper() and len(last) > 1 else changed[kept:]
    return word[: matched.start()] + last[:kept] + rest


def _plural_of(word: str) -> str:
    if word in _UNCOUNTED or word in _SINGULAR:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("is") and len(word) > 3:  # analysis -> analyses
        return word[:-2] + "es"
    if word.endswith(("ss", "us", "x", "z", "ch", "sh")):  # address, status, box, batch
        return word + "es"
    if word.endswith("s"):  # users: already plural
        return word
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _singular_of(word: str) -> str:
    if word in _UNCOUNTED and word not in _SINGULAR:
        return word
    if word in _SINGULAR:
        return _SINGULAR[word]
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("yses", "theses")):  # analyses, theses, hypotheses
        return word[:-2] + "is"
    if word.endswith("uses") and len(word) > 4 and word[-5] not in "oacf":  # statuses, buses; not houses, causes
        return word[:-2]
    if word.endswith(("sses", "xes", "zzes", "ches", "shes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")) or not word.endswith("s") or len(word) < 2:
        return word
    return word[:-1]
