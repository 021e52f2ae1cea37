"""pytest plugin: `pytest --grade` in a student's repository runs one test per question.

Inactive unless asked for (`--grade`, or the ini option `grade_submission`). The submission is
graded once per session, for the questions still selected after `-k`; each question's test fails
with the grader's own messages, its checks listed as sub-results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader.model import FAILED, PASSED, GradeReport, QuestionResult

MARKS = {PASSED: "✓", FAILED: "✗"}


class QuestionFailed(Exception):
    """A question that did not pass (carries its result)."""

    def __init__(self, result: QuestionResult) -> None:
        super().__init__(result.id)
        self.result = result


class GradingFailed(Exception):
    """The submission could not be graded at all."""


@dataclass
class Grading:
    """The session's single grading run, done on first use."""

    submission: Path
    lang: str
    assignment: str  # the registered assignment's name
    report: GradeReport | None = None
    error: str = ""
    results: dict[str, QuestionResult] = field(default_factory=dict)

    def result(self, session: pytest.Session, question: str) -> QuestionResult:
        """Return a question's result, grading every selected question the first time."""
        if self.report is None and not self.error:
            self.run(sorted({i.question for i in session.items if isinstance(i, QuestionItem)}))
        if self.error:
            raise GradingFailed(self.error)
        return self.results[question]

    def run(self, questions: list[str]) -> None:
        """Grade the submission once."""
        from grader.api import GradeOptions, grade
        from grader.assignment import load_assignment
        from grader.disclosure import student_view
        from grader.localize import said_report
        from grader.runner import WorkerError
        from grader.submission import SubmissionNotFound

        try:
            report = grade(self.submission, GradeOptions(
                questions=tuple(questions), lang=self.lang, assignment=self.assignment))
        except (SubmissionNotFound, WorkerError) as exc:
            self.error = str(exc)
            return
        # a student's run: the student's view, said in their language
        self.report = said_report(student_view(report, load_assignment(self.assignment)))
        self.results = {q.id: q for q in self.report.questions}


GRADING = pytest.StashKey[Grading]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --grade, --grade-submission, --grade-lang and the ini option grade_submission."""
    group = parser.getgroup("grade", "td-keras-grader")
    group.addoption("--grade", action="store_true",
                    help="grade the lab's submission here (its file name says which lab): "
                         "one test per question")
    group.addoption("--grade-submission", metavar="PATH", default=None,
                    help="folder or file to grade (implies --grade)")
    group.addoption("--grade-assignment", metavar="NAME", default=None,
                    help="the assignment (default: found from the submission's file name)")
    group.addoption("--grade-lang", choices=("en", "fr"), default=None,
                    help="language of the messages (default: from the locale)")
    parser.addini("grade_submission", "grade this submission (folder or file) in every run",
                  default="")


def submission_path(config: pytest.Config) -> Path | None:
    """Return what to grade, or None when the plugin is not asked for."""
    option = config.getoption("grade_submission")
    if option:
        return config.invocation_params.dir / option
    ini = config.getini("grade_submission")
    if ini:
        return config.rootpath / str(ini)
    return config.invocation_params.dir if config.getoption("grade") else None


def pytest_configure(config: pytest.Config) -> None:
    """Set up the session's grading when the plugin is asked for."""
    path = submission_path(config)
    if path is None:
        return
    from grader.assignment import load_assignment
    from grader.cli_options import default_lang
    from grader.contract import ContractError
    from grader.registry import UnknownAssignment, find_plugin
    from grader.submission import SubmissionNotFound, find_submission
    from grader.which_assignment import plugin_for_submission

    name = config.getoption("grade_assignment")
    try:
        assignment = load_assignment(find_plugin(name) if name else plugin_for_submission(path))
        file = find_submission(path, assignment.module)
    except (SubmissionNotFound, UnknownAssignment, ContractError) as exc:
        raise pytest.UsageError(f"--grade: {exc}") from exc
    config.stash[GRADING] = Grading(file, config.getoption("grade_lang") or default_lang(),
                                    assignment.name)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Add one item per question (before -k and -m deselect)."""
    grading = config.stash.get(GRADING, None)
    if grading is None:
        return
    from grader.assignment import load_assignment

    node = SubmissionFile.from_parent(session, path=grading.submission)
    items[:0] = [QuestionItem.from_parent(node, name=q.id, question=q.id,
                                          title=q.title(grading.lang))
                 for q in load_assignment(grading.assignment).questions]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Print the grader's summary line after the run."""
    grading = config.stash.get(GRADING, None)
    if grading is None or (grading.report is None and not grading.error):
        return
    from grader.render.terminal import render_summary

    terminalreporter.write_sep("-", "grade")
    terminalreporter.write_line(grading.error or render_summary(grading.report))


class SubmissionFile(pytest.File):
    """The student's td_keras.py (or notebook) as a collector of questions."""

    def collect(self) -> list[pytest.Item]:
        """Return nothing: the items are added by pytest_collection_modifyitems."""
        return []


class QuestionItem(pytest.Item):
    """One question of the lab."""

    def __init__(self, *, question: str, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.title = title

    def runtest(self) -> None:
        """Fail unless the grader says the question passed."""
        result = self.config.stash[GRADING].result(self.session, self.question)
        if result.status != PASSED:
            raise QuestionFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
                     ) -> str:
        """Show the grader's own messages instead of a Python traceback."""
        if isinstance(excinfo.value, QuestionFailed):
            return failure_text(excinfo.value.result, self.config.stash[GRADING].lang)
        if isinstance(excinfo.value, GradingFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Name the test by its question."""
        return self.path, None, f"{self.question}: {self.title}"


def failure_text(result: QuestionResult, lang: str) -> str:
    """Return the failure text: the question's line, its message, frames and every check."""
    from grader.messages import translate
    from grader.render.terminal import render_question

    lines = render_question(result, lang)[:1]
    if result.message:
        lines.append(f"    {result.message}")
    if result.failure is not None and result.status not in (PASSED, FAILED):
        lines += ["      " + translate(lang, "report.frame", file=f.file, line=f.line,
                                       function=f.function) + (f": {f.code}" if f.code else "")
                  for f in result.failure.frames]
    for check in result.checks:
        lines.append(f"    {MARKS.get(check.status, '–')} {check.message}")
        if check.hint and check.status == FAILED:
            lines.append("      " + translate(lang, "report.hint", hint=check.hint))
    lines += ["    " + translate(lang, "report.note", note=note) for note in result.notes]
    return "\n".join(lines)
