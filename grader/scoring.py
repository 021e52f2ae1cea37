"""The scoring policy: criteria, points per question and in total, and the exit code. Pure.

A question's points are split over the criteria of `assignment.toml`. Each check belongs to exactly
one criterion, matched by its function name (the last `check_*` name of its id) and, when the
criterion narrows it, by parameters (`check_dense_attribute[attribute=units]`). A criterion earns
its points when all its checks passed; a skipped check fails it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from grader.assignment import Criterion, Question
from grader.model import GRADER_ERROR, PASSED, CheckResult, CriterionResult, QuestionResult
from grader.wording import Both

EXIT_ALL_PASSED = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_GRADER_ERROR = 3
CHECK_NAME = re.compile(r"(check_\w+)(?:\[([^\[\]]*)\])?$")


class CriteriaError(Exception):
    """The criteria of assignment.toml do not fit the question's checks (the grader's fault)."""


def parse_check(text: str) -> tuple[str, dict[str, str]]:
    """Split 'q3.check_x[build=1,layer=2]' (or a selector 'check_x[layer=2]') into name and params.

    Only the last `check_*` name and its brackets count: a prefix (question, argument set) is
    ignored, and so are parameters the selector does not name (build indexes, set names).
    """
    found = CHECK_NAME.search(text)
    if found is None:
        raise CriteriaError(f"not a check id: {text!r}")
    params = dict(part.split("=", 1) for part in (found.group(2) or "").split(",") if "=" in part)
    return found.group(1), params


def selects(selector: str, check_id: str) -> bool:
    """Whether a criterion's selector matches a check id (same name, its params included)."""
    name, wanted = parse_check(selector)
    got_name, got = parse_check(check_id)
    return name == got_name and all(got.get(k) == v for k, v in wanted.items())


def assign_checks(question: Question, check_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Map each criterion id to its checks; every check to exactly one criterion."""
    groups: dict[str, list[str]] = {c.id: [] for c in question.criteria}
    for check_id in check_ids:
        owners = [c.id for c in question.criteria if any(selects(s, check_id) for s in c.checks)]
        if len(owners) != 1:
            which = "no criterion" if not owners else f"two criteria ({', '.join(owners)})"
            raise CriteriaError(f"{question.id}: check {check_id} belongs to {which} "
                                "in assignment.toml")
        groups[owners[0]].append(check_id)
    for criterion_id, ids in groups.items():
        if not ids:
            raise CriteriaError(f"{question.id}: criterion '{criterion_id}' of assignment.toml "
                                "matches no check")
    return {k: tuple(v) for k, v in groups.items()}


def criterion_result(criterion: Criterion, checks: Sequence[CheckResult]) -> CriterionResult:
    """Score one criterion: all its points when every check passed, else none."""
    passed = all(c.status == PASSED for c in checks)
    return CriterionResult(id=criterion.id, title=Both(criterion.title_en, criterion.title_fr), points=criterion.points,
                           score=criterion.points if passed else 0.0, subject=criterion.subject,
                           checks=tuple(c.id for c in checks))


def score_criteria(question: Question, checks: Sequence[CheckResult]
                   ) -> tuple[CriterionResult, ...]:
    """Group the checks by criterion and score each, in the order of assignment.toml."""
    groups = assign_checks(question, [c.id for c in checks])
    by_id = {c.id: c for c in checks}
    return tuple(criterion_result(c, [by_id[i] for i in groups[c.id]])
                 for c in question.criteria)


def question_score(criteria: Iterable[CriterionResult]) -> float:
    """Add up the points of the criteria that passed."""
    return round(sum(c.score for c in criteria), 2)


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
