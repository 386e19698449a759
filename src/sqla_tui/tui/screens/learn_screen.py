"""Lessons: pick one, step through it with n and p; each step runs its code and shows the statement log.

The screen is thin: the workbench runs a step on the lessons' own engine and
returns the step's check and statements; the screen draws them and
remembers how far the person got (core/lessons/progress.py).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from sqla_tui.core.grammar import counted
from sqla_tui.core.lessons.catalog import LESSONS, find_lesson
from sqla_tui.core.lessons.engine import Lesson, StepResult
from sqla_tui.core.lessons.progress import Progress, load_progress, remember
from sqla_tui.tui.screens.guarded_screen import GuardedScreen
from sqla_tui.tui.widgets.code_preview import CodePreview
from sqla_tui.tui.widgets.key_footer import KeyFooter
from sqla_tui.tui.widgets.server_banner import ServerBanner
from sqla_tui.workbench import Workbench


class LearnScreen(GuardedScreen):
    """The lessons list, and the current step: its words, its code, its check and its statements."""

    FAILURE_TITLE = "Step failed to run"

    BINDINGS = [
        Binding("escape", "back", "Back", id="learn.back"),
        Binding("n,right", "step(1)", "Next step", id="learn.next_step"),
        Binding("p,left", "step(-1)", "Previous step", id="learn.previous_step"),
        Binding("r", "rerun", "Run again", id="learn.run_again"),
    ]

    def __init__(self, workbench: Workbench, lesson: str = "") -> None:
        super().__init__()
        self.workbench = workbench
        self.lesson: Lesson | None = None
        self.index = 0
        self.result: StepResult | None = None
        """The shown step's outcome; None while it runs."""
        self._wanted = lesson

    def compose(self) -> ComposeResult:
        yield ServerBanner(self.workbench.info.url, info=self.workbench.info)
        with Horizontal(id="learn-body"):
            yield OptionList(id="learn-lessons")
            with Vertical(id="learn-main"):
                with VerticalScroll(id="learn-text-box"):
                    yield Static("pick a lesson: Enter opens it, n and p step through", id="learn-text")
                yield CodePreview("python", title="The code this step runs", id="learn-code")
                yield Static(id="learn-check")
                yield DataTable(id="learn-log", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        lessons = self.query_one("#learn-lessons", OptionList)
        lessons.border_title = "Lessons"
        log = self.query_one("#learn-log", DataTable)
        log.border_title = "Statements this step sent"
        log.add_columns("#", "rows", "origin", "SQL")
        self._list_lessons()
        lessons.focus()
        if self._wanted:
            self.open_lesson(self._wanted)

    def _list_lessons(self) -> None:
        progress = load_progress()
        listing = self.query_one("#learn-lessons", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(
            Option(Content(f"{number}. {lesson.title}  {_mark(lesson, progress.get(lesson.name))}"), id=lesson.name)
            for number, lesson in enumerate(LESSONS, start=1)
        )
        listing.highlighted = highlighted if highlighted is not None else 0

    @on(OptionList.OptionSelected, "#learn-lessons")
    def _lesson_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.open_lesson(event.option.id)

    def choose(self, name: str) -> None:
        """Open ``name`` now, or once the screen is mounted (``sqla-tui learn LESSON``)."""
        if self.is_mounted:
            self.open_lesson(name)
        else:
            self._wanted = name

    def open_lesson(self, name: str) -> None:
        """Open a lesson at the step the person reached last time."""
        self.lesson = find_lesson(name)
        resume = load_progress().get(self.lesson.name, Progress()).step
        self.index = min(resume, len(self.lesson.steps) - 1)
        self.run_current()

    def action_step(self, change: int) -> None:
        if self.lesson is None:
            return
        index = self.index + change
        if 0 <= index < len(self.lesson.steps):
            self.index = index
            self.run_current()
        elif index >= len(self.lesson.steps):
            self.notify("that was the last step: pick the next lesson", title=self.lesson.title)

    def action_rerun(self) -> None:
        if self.lesson is not None:
            self.run_current()

    def action_back(self) -> None:
        self.dismiss()

    def run_current(self) -> None:
        assert self.lesson is not None
        step = self.lesson.steps[self.index]
        self.result = None
        total = len(self.lesson.steps)
        text = self.query_one("#learn-text", Static)
        text.update(Content.assemble((f"{self.lesson.title}\n", "bold"), f"Step {self.index + 1} of {total}: ",
                                     (step.title, "bold"), f"\n{step.text}"))  # fmt: skip
        self.query_one("#learn-code", CodePreview).code = step.source
        check = self.query_one("#learn-check", Static)
        check.update("running…")
        check.remove_class("passed", "failed")
        self.query_one("#learn-log", DataTable).loading = True
        self.run_step(self.lesson.name, self.index)

    @work(exclusive=True, exit_on_error=False, group="learn-step")
    async def run_step(self, name: str, index: int) -> None:
        """Run the step on the database and show its check and statements."""
        log = self.query_one("#learn-log", DataTable)
        try:
            result = await self.workbench.learn_step(name, index)
        finally:
            log.loading = False
        self.result = result
        check = self.query_one("#learn-check", Static)
        check.set_class(result.passed, "passed")
        check.set_class(not result.passed, "failed")
        check.update(Content(f"{'✓ holds here' if result.passed else '✗ does not hold here'}: {result.detail}"))
        log.clear()
        for number, statement in enumerate(result.statements, start=1):
            log.add_row(str(number), f"{statement.rows:,}", statement.origin, statement.sql)
        log.border_subtitle = counted(len(result.statements), "statement")
        remember(name, index, result.passed)
        self._list_lessons()


def _mark(lesson: Lesson, progress: Progress | None) -> str:
    """✓ when every step passed last time, else the steps passed so far, e.g. 2/4."""
    passed = len(progress.passed) if progress is not None else 0
    return "✓" if passed == len(lesson.steps) else f"{passed}/{len(lesson.steps)}"
