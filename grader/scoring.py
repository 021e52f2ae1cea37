"""The scoring policy: points per question and in total, and the exit code. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from grader.model import GRADER_ERROR, PASSED, CheckResult, QuestionResult

EXIT_ALL_PASSED = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_GRADER_ERROR = 3


def question_score(points: float, checks: Iterable[CheckResult]) -> float:
    """Give the share of the points equal to the share of checks passed (skipped ones fail)."""
    checks = list(checks)
    if not checks:
        return 0.0
    passed = sum(1 for c in checks if c.status == PASSED)
    return round(points * passed / len(checks), 2)


def total_score(questions: Iterable[QuestionResult]) -> float:
    """Add up the questions' scores."""
    return round(sum(q.score for q in questions), 2)


def exit_code(questions: Iterable[QuestionResult]) -> int:
    """0 when every question passed, 3 when the grader failed on any, 1 otherwise.

    (2, a usage error, is decided by the command line before grading starts.)
    """
    statuses = [q.status for q in questions]
    if GRADER_ERROR in statuses:
        return EXIT_GRADER_ERROR
    return EXIT_ALL_PASSED if all(s == PASSED for s in statuses) else EXIT_SOME_FAILED
