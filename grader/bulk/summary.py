"""Class statistics from the students' results: histogram, pass rates, frequent failures. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from grader.bulk.results import GRADE_SCALE, NOTHING_GRADED, StudentResult
from grader.model import FAILED, PASSED, QuestionResult
from grader.render import same_mistake

BINS = 10  # histogram bars over 0–20: [0, 2), [2, 4), …, [18, 20]
TOP_FAILURES = 5
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 420, 160, 24


@dataclass(frozen=True)
class Bar:
    """One bar of the score histogram, with its SVG geometry."""

    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class CriterionStats:
    """How the class did on one criterion of a question."""

    id: str
    title: str
    points: float
    graded: int
    passed: int

    @property
    def pass_rate(self) -> float:
        """Return the share of students with a submission who earned the criterion."""
        return self.passed / self.graded if self.graded else 0.0


@dataclass(frozen=True)
class QuestionStats:
    """How the class did on one question."""

    id: str
    title: str
    max_score: float
    graded: int  # students with a submission
    passed: int
    mean_score: float
    failures: tuple[tuple[str, int], ...]  # most frequent failure messages and their counts
    partial: int = 0  # students with some of the points but not all
    criteria: tuple[CriterionStats, ...] = ()

    @property
    def pass_rate(self) -> float:
        """Return the share of students with a submission who passed."""
        return self.passed / self.graded if self.graded else 0.0


def histogram(grades: Sequence[float]) -> tuple[Bar, ...]:
    """Count grades out of 20 in BINS bars and place them in a CHART_WIDTH × CHART_HEIGHT chart."""
    counts = [0] * BINS
    for grade in grades:
        counts[min(BINS - 1, int(grade / GRADE_SCALE * BINS))] += 1
    tallest = max(counts) or 1
    step = GRADE_SCALE / BINS
    slot = (CHART_WIDTH - CHART_MARGIN) / BINS
    usable = CHART_HEIGHT - 2 * CHART_MARGIN
    bars = []
    for index, count in enumerate(counts):
        height = usable * count / tallest
        bars.append(Bar(f"{index * step:g}–{(index + 1) * step:g}", count,
                        CHART_MARGIN + index * slot + 2, CHART_MARGIN + usable - height,
                        slot - 4, height))
    return tuple(bars)


def _failure_kinds(result: StudentResult, question_id: str) -> dict[str, str]:
    """Map each kind of mistake a student made on a question to one of its messages.

    A kind is a check without its position (which build, which layer): "units — expected 128,
    got 64" on five layers is one mistake of one student, not five.
    """
    for question in result.report.questions:
        if question.id != question_id or question.status == PASSED:
            continue
        if question.status != FAILED:
            return {question.status: question.message or question.status}
        kinds: dict[str, str] = {}
        for check in question.checks:
            if check.status == FAILED:
                kinds.setdefault(same_mistake(check.id, None, None), check.message)
        return kinds
    return {}


def question_stats(results: Sequence[StudentResult]) -> tuple[QuestionStats, ...]:
    """Return each question's pass rate, mean score and most frequent failure messages."""
    with_submission = [r for r in results if r.state not in NOTHING_GRADED]
    if not results:
        return ()
    stats = []
    for question in results[0].report.questions:
        outcomes = [q for r in with_submission for q in r.report.questions if q.id == question.id]
        kinds = [_failure_kinds(r, question.id) for r in with_submission]
        counts = Counter(kind for student in kinds for kind in student)
        example = {kind: message for student in reversed(kinds) for kind, message in student.items()}
        ranked = sorted(counts.items(), key=lambda item: (-item[1], example[item[0]]))
        frequent = [(example[kind], count) for kind, count in ranked[:TOP_FAILURES]]
        mean = sum(q.score for q in outcomes) / len(outcomes) if outcomes else 0.0
        partial = sum(1 for q in outcomes if 0 < q.score < q.max_score)
        stats.append(QuestionStats(question.id, question.title, question.max_score, len(outcomes),
                                   sum(1 for q in outcomes if q.status == PASSED), round(mean, 2),
                                   tuple(frequent), partial,
                                   criterion_stats(next((q for q in outcomes if q.criteria),
                                                        question), outcomes)))
    return tuple(stats)


def criterion_stats(question: QuestionResult, outcomes: Sequence[QuestionResult]
                    ) -> tuple[CriterionStats, ...]:
    """Each criterion of a question: how many students earned it (a student whose question
    could not be judged, e.g. it raised, earned none)."""
    stats = []
    for criterion in question.criteria:
        earned = sum(1 for q in outcomes for c in q.criteria if c.id == criterion.id and c.passed)
        stats.append(CriterionStats(criterion.id, criterion.title, criterion.points,
                                    len(outcomes), earned))
    return tuple(stats)


def mean(values: Sequence[float]) -> float:
    """Return the mean, 0 for no values."""
    return round(sum(values) / len(values), 2) if values else 0.0


def median(values: Sequence[float]) -> float:
    """Return the median, 0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 2)
