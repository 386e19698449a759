"""A lesson as a Markdown handout: the words, the code, and the statements and numbers of this run."""

from __future__ import annotations

from sqla_tui.core.lessons.engine import Lesson, LessonResult

_SHOWN_STATEMENTS = 12
"""Statements printed per step; an N+1's hundred lazy loads are counted, not listed."""


def markdown(lesson: Lesson, result: LessonResult, where: str) -> str:
    """The handout of one run of ``lesson`` on ``where`` (a masked URL)."""
    lines = [
        f"# {lesson.title}", "", lesson.summary, "",
        f"Run on `{where}` by `sqla-tui learn {lesson.name} --markdown`: every number below is what that database did.",
        "The classes (`User`, `Post`, `Comment`) are in `sqla_tui/core/lessons/models.py`; a function taking `session` "
        "ran through `AsyncSession.run_sync`, one taking `Session` was given an `async_sessionmaker`.", "",
    ]  # fmt: skip
    for number, (step, outcome) in enumerate(zip(lesson.steps, result.steps, strict=True), start=1):
        lines += [f"## {number}. {step.title}", "", step.text, "", "```python", step.source, "```", ""]
        mark = "✓" if outcome.passed else "✗ (the claim did not hold here)"
        lines += [f"**Check {mark}:** {outcome.detail}", ""]
        if outcome.statements:
            lines += ["| # | rows | origin | SQL |", "|---|---:|---|---|"]
            for index, statement in enumerate(outcome.statements[:_SHOWN_STATEMENTS], start=1):
                sql = statement.sql.replace("|", "\\|")
                lines.append(f"| {index} | {statement.rows:,} | {statement.origin} | `{sql}` |")
            hidden = len(outcome.statements) - _SHOWN_STATEMENTS
            if hidden > 0:
                lines.append(f"| … | | | {hidden:,} more statements of this step |")
            lines.append("")
    return "\n".join(lines)
