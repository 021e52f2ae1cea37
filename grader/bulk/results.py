"""One student's outcome in a bulk run, and the class grade policy (out of 20, manual points)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from grader.assignment import Assignment, Question
from grader.bulk.inputs import Student
from grader.bulk.manual import ManualPoints
from grader.model import ERROR, GRADER_ERROR, Failure, GradeReport, QuestionResult
from grader.version import __version__
from grader.wording import Both, Text, said

GRADE_SCALE = 20.0

# How a student's report was obtained.
GRADED = "graded"  # graded in this run
CACHED = "cached"  # reused from an earlier run (same submission, reference and grader)
NO_SUBMISSION = "no_submission"  # nothing gradable was found (the student's problem)
REJECTED = "rejected"  # the upload was refused (archive too large, unreadable zip), with why
FAILED_TO_GRADE = "grader_error"  # the grader failed (not the student's fault; retried next run)
NOTHING_GRADED = (NO_SUBMISSION, REJECTED)  # no report of the student's code: left out of means


@dataclass(frozen=True)
class StudentResult:
    """A student's report and how it was obtained."""

    student: Student
    report: GradeReport
    state: str  # graded | cached | no_submission | rejected | grader_error
    manual: tuple[ManualPoints, ...] = ()
    notes: tuple[str, ...] = ()  # about the submission as found (duplicates, renamed file…)

    @property
    def manual_total(self) -> float:
        """Return the manual points added to this student's grade."""
        return round(sum(m.points for m in self.manual), 2)

    @property
    def grade(self) -> float:
        """Return the grade out of 20: automatic share of 20 plus manual points, within 0–20."""
        automatic = (self.report.score / self.report.max_score * GRADE_SCALE
                     if self.report.max_score else 0.0)
        return round(min(GRADE_SCALE, max(0.0, automatic + self.manual_total)), 2)

    def shown_report(self) -> GradeReport:
        """Return the report as the student sees it, with the run's notes and manual points."""
        lines = self.notes + tuple(manual_note(m) for m in self.manual)
        return replace(self.report, notes=lines + self.report.notes) if lines else self.report


def manual_note(points: ManualPoints) -> str:
    """Describe a manual adjustment in one line."""
    comment = f" — {points.comment}" if points.comment else ""
    return f"{points.question}, graded by the instructor: {points.points:+g} points{comment}."


def _report_of(assignment: Assignment, questions: Sequence[Question], label: str, status: str,
               message: Text, failure: Failure | None, notes: tuple[str, ...], lang: str
               ) -> GradeReport:
    """Build a report where every question has the same non-graded outcome."""
    results = tuple(QuestionResult(q.id, Both(q.title_en, q.title_fr), 0.0, q.points, status,
                                   message=message,
                                   failure=failure) for q in questions)
    return GradeReport(assignment=assignment.name, submission=label, score=0.0,
                       max_score=sum(q.points for q in questions), questions=results,
                       notes=notes, lang=lang, grader_version=__version__)


def problem_report(assignment: Assignment, questions: Sequence[Question], label: str,
                   problem: str, lang: str) -> GradeReport:
    """The report of a student whose submission could not be found or unpacked."""
    failure = Failure("import", "SubmissionNotFound", problem)
    return _report_of(assignment, questions, label, ERROR, f"not graded: {problem}", failure,
                      (problem,), lang)


def grader_error_report(assignment: Assignment, questions: Sequence[Question], label: str,
                        detail: str, lang: str) -> GradeReport:
    """The report of a submission the grader itself failed on (never cached)."""
    failure = Failure("grader", "GraderError", detail[:500])
    return _report_of(assignment, questions, label, GRADER_ERROR,
                      said("q.grader_error"), failure, (), lang)


def state_of(report: GradeReport, cached: bool) -> str:
    """Say how a report was obtained."""
    if any(q.status == GRADER_ERROR for q in report.questions):
        return FAILED_TO_GRADE
    return CACHED if cached else GRADED
