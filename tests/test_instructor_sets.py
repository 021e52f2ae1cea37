"""Instructor grading of a `hidden_only` question (the searches) observes its hidden set alone."""

from __future__ import annotations

from pathlib import Path

from conftest import REFERENCE, make_variant

from grader.api import GradeOptions, grade
from grader.localize import said_report
from grader.model import GradeReport
from grader.runner import WarmWorker

CONTRACT_FOLDS = "search = GridSearchCV(clf, grid, cv=cv)"


def instructor_q9(folder: Path, worker: WarmWorker) -> GradeReport:
    """Grade q9 of a submission folder as `grade --instructor q9` would."""
    return said_report(grade(folder, GradeOptions(questions=("q9",), instructor=True), worker=worker))


def test_a_search_is_judged_on_its_hidden_set_alone(worker: WarmWorker, tmp_path: Path) -> None:
    """The reference's search passes on the hidden set only, candidates rebuilt there."""
    report = instructor_q9(make_variant(tmp_path, REFERENCE.read_text(encoding="utf-8")), worker)
    (q9,) = report.questions
    assert q9.score == q9.max_score == 1.5, q9.message
    ids = [c.id for c in q9.checks]
    assert ids and all("set=hidden-1" in i for i in ids), ids
    assert any(i.startswith("q9.check_optimizers") for i in ids), ids  # the candidates' networks


def test_folds_fixed_to_a_public_value_fail_the_hidden_set(worker: WarmWorker, tmp_path: Path
                                                           ) -> None:
    """cv fixed to the second public set's 3 passes that set but not the hidden one (cv=4)."""
    source = REFERENCE.read_text(encoding="utf-8")
    assert CONTRACT_FOLDS in source
    fixed = make_variant(tmp_path, source.replace(CONTRACT_FOLDS, CONTRACT_FOLDS[:-3] + "3)"))
    (q9,) = instructor_q9(fixed, worker).questions
    failed = {c.id: c.message for c in q9.checks if c.status != "passed"}
    assert list(failed) == ["q9.check_folds[set=hidden-1]"], failed
    assert "expected 4, got 3" in failed["q9.check_folds[set=hidden-1]"]
    assert q9.score == 0.75  # the cross-validation criterion is lost, the optimizers' kept
