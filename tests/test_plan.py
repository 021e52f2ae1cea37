"""The grading plan: the sets each question is observed with and the jobs, each with its role."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.argsets import load_hidden_sets
from grader.assignment import load_assignment
from grader.jobs import Job
from grader.plan import InstructorModeError, Role, make_plan
from grader.reference import default_reference_dir
from grader.runner import RunOptions

RUN = RunOptions()


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No reference observation cached: the hidden ones must be planned."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize("name", ["td_keras_mlp", "td_convnets"])
def test_a_student_plan_observes_the_public_sets_and_no_reference(name: str, empty_cache: Path
                                                                  ) -> None:
    """With the committed expectations, a student's `grade` plans only the student's jobs."""
    assignment = load_assignment(name)
    plan = make_plan(assignment, assignment.questions, default_reference_dir(assignment), False)
    assert plan.reference_jobs(RUN) == []
    jobs = plan.student_jobs(empty_cache / "x.py", RUN)
    assert {p.role for p in jobs} == {Role.STUDENT}
    assert all(isinstance(p.job, Job) for p in jobs)
    assert {p.job.question for p in jobs} == {q.id for q in assignment.questions}
    for planned in jobs:
        public = assignment.question(planned.job.question).arg_sets
        assert [s["id"] for s in planned.job.sets] == [s.id for s in public]


def test_an_instructor_plan_adds_the_hidden_sets_to_both_sides(empty_cache: Path) -> None:
    """The hidden sets are the student's too, and the reference's uncached ones are planned
    as hidden-reference jobs, told apart by role and never by the job's id."""
    assignment = load_assignment("td_keras_mlp")
    reference = default_reference_dir(assignment)
    hidden = load_hidden_sets(reference)
    plan = make_plan(assignment, assignment.questions, reference, True)
    planned = plan.reference_jobs(RUN)
    assert {p.role for p in planned} == {Role.HIDDEN_REFERENCE}
    assert {p.job.question for p in planned} == set(hidden)
    for p in planned:
        assert [s["id"] for s in p.job.sets] == [s.id for s in hidden[p.job.question]]
    student = {p.job.question: p.job for p in plan.student_jobs(empty_cache / "x.py", RUN)}
    for question, sets in hidden.items():
        ids = [s["id"] for s in student[question].sets]
        assert ids[-len(sets):] == [s.id for s in sets]


def test_functions_that_cannot_run_get_no_job(empty_cache: Path) -> None:
    """A notebook cell that fails costs only the questions whose functions it defines."""
    assignment = load_assignment("td_keras_mlp")
    plan = make_plan(assignment, assignment.questions, None, False)
    skipped = assignment.question("q3").function
    jobs = plan.student_jobs(empty_cache / "x.py", RUN, skipped=(skipped,))
    assert "q3" not in {p.job.question for p in jobs}
    assert len(jobs) == len(assignment.questions) - sum(
        q.function == skipped for q in assignment.questions)


def test_instructor_grading_without_hidden_sets_is_refused(empty_cache: Path) -> None:
    """No reference folder: instructor grading refuses instead of grading the public sets."""
    assignment = load_assignment("td_keras_mlp")
    with pytest.raises(InstructorModeError, match="--reference"):
        make_plan(assignment, assignment.questions, empty_cache, True)
