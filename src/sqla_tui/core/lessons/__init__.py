"""Lessons that run: each step's code on a real database, its claim checked against the statement log.

Also the one source of the words that explain each loader strategy
(``strategies``), shared by the lessons, the loader tree and the fan-out.
"""

__all__: list[str] = []
