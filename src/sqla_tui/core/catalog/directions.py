"""A relationship's direction, as the catalog names it: plain strings, importable without SQLAlchemy.

``naming`` decides directions; the words both front-ends print read them
(``sqla_tui.words.catalog``) on paths such as ``sqla-tui schema --help``
that must not load SQLAlchemy.
"""

MANY_TO_ONE = "many_to_one"
ONE_TO_MANY = "one_to_many"
MANY_TO_MANY = "many_to_many"
