"""The sentences both front-ends print, in one place so the CLI and the TUI cannot drift.

``words.catalog`` says how a column's keys, a relationship's direction, an
index or a row estimate read; ``words.pool`` how a pool's settings, a load's
ending and a leak suspect read. The CLI adds only its layout (a rich tree,
aligned columns) and the TUI only its widgets. Errors and verdicts are
sentences the core itself raises or returns (``UserError``, ``query.verdict``)
and reach both front-ends unchanged.
"""
