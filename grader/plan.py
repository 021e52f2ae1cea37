"""The grading plan: which argument sets each question is observed with, and the jobs to run.

Built once per grading (`grade`, `grade bulk` for the whole class, `%grade`, the pytest plugin)
by `make_plan`; each job carries its typed role (the student's, the reference's, the
reference's on a hidden set) instead of an id prefix to be parsed back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from grader.argsets import HIDDEN_FILE, ArgSet, load_hidden_sets, split_sets
from grader.assignment import Assignment, Question
from grader.jobs import Job
from grader.model import Observation, Status
from grader.observe.probe_input import calls_of, declaration_problem
from grader.reference import ExpectedSet, hidden_key, load_cached, load_expected
from grader.runner import RunOptions, make_job
from grader.submission import find_submission

IMPORT_TIMEOUT = 30.0


class Role(Enum):
    """Whose answers a job observes."""

    IMPORT = "import"  # the student's file imported alone (does it load, which cells fail)
    STUDENT = "student"
    REFERENCE = "reference"  # the reference on the public sets
    HIDDEN_REFERENCE = "hidden-reference"  # the reference on the hidden sets


@dataclass(frozen=True)
class PlannedJob:
    """A job to run and the role of what it observes."""

    role: Role
    job: Job


class InstructorModeError(ValueError):
    """Instructor grading was asked for without the reference's hidden argument sets."""


@dataclass(frozen=True)
class Plan:
    """What one grading observes: the questions, their sets, and what the reference holds."""

    assignment: Assignment
    questions: tuple[Question, ...]
    reference_dir: Path | None
    expected: ExpectedSet
    public: Mapping[str, tuple[ArgSet, ...]]
    hidden: Mapping[str, tuple[ArgSet, ...]] = field(default_factory=dict)
    hidden_expected: Mapping[str, Observation] = field(default_factory=dict)

    def sets(self, question: str) -> tuple[ArgSet, ...]:
        """Every set the student's function is called with for this question."""
        return tuple(self.public.get(question, ())) + tuple(self.hidden.get(question, ()))

    def reference_jobs(self, run: RunOptions) -> list[PlannedJob]:
        """The reference's observations this plan still lacks: public sets not in the store
        (observed with every public set, so the store keeps them all), hidden ones not cached."""
        if self.reference_dir is None:
            return []
        file = find_submission(self.reference_dir, self.assignment.module)
        missing = [q for q in self.questions
                   if not covers_sets(self.expected.observations.get(q.id), q.arg_sets)]
        unseen = [q for q in self.questions
                  if q.id in self.hidden and q.id not in self.hidden_expected]
        return (question_jobs(Role.REFERENCE, missing, file, self.assignment, run,
                              {q.id: q.arg_sets for q in missing})
                + question_jobs(Role.HIDDEN_REFERENCE, unseen, file, self.assignment, run,
                                self.hidden))

    def student_jobs(self, file: Path, run: RunOptions, skipped: Sequence[str] = ()
                     ) -> list[PlannedJob]:
        """The student's jobs: every question but those whose function cannot run."""
        questions = [q for q in self.questions if q.function not in skipped]
        return question_jobs(Role.STUDENT, questions, file, self.assignment, run,
                             {q.id: self.sets(q.id) for q in questions})

    def import_job(self, file: Path, run: RunOptions) -> PlannedJob:
        """The job that imports the student's file alone."""
        from grader.observe.observer import IMPORT_JOB

        return PlannedJob(Role.IMPORT, make_job(IMPORT_JOB, IMPORT_JOB, "", str(file),
                                                self.assignment, run, IMPORT_TIMEOUT))


def make_plan(assignment: Assignment, questions: Sequence[Question], reference_dir: Path | None,
              instructor: bool) -> Plan:
    """Plan a grading: public sets always, the hidden ones too for an instructor."""
    hidden = instructor_sets(questions, reference_dir) if instructor else {}
    public = {q.id: q.instructor_public_sets(q.id in hidden) for q in questions}
    return Plan(assignment, tuple(questions), reference_dir, load_expected(assignment, reference_dir),
                public, hidden,
                load_cached(hidden_key(assignment, reference_dir)) if hidden else {})


def question_jobs(role: Role, questions: Sequence[Question], file: Path, assignment: Assignment,
                  run: RunOptions, sets: Mapping[str, tuple[ArgSet, ...]]) -> list[PlannedJob]:
    """One job per question with its sets, longest first so parallel runs finish sooner."""
    ordered = sorted(questions, key=lambda q: -q.timeout)
    return [PlannedJob(role, make_job(f"{role.value}:{q.id}", q.id, q.function, str(file),
                                      assignment, run, q.timeout * len(sets[q.id]), q.eager,
                                      sets[q.id], q.probe))
            for q in ordered if sets.get(q.id)]


def instructor_sets(questions: Sequence[Question], reference_dir: Path | None
                    ) -> dict[str, tuple[ArgSet, ...]]:
    """Return the hidden sets of the questions; instructor grading cannot do without them."""
    hidden = load_hidden_sets(reference_dir)
    if not hidden:
        raise InstructorModeError(
            "instructor grading needs the reference solution and its hidden_args.toml "
            "(give --reference DIR)")
    for question in questions:
        check_hidden_probe(question, hidden.get(question.id, ()))
    return {q.id: hidden[q.id] for q in questions if q.id in hidden}


def check_hidden_probe(question: Question, sets: tuple[ArgSet, ...]) -> None:
    """Refuse hidden sets in which the question's declared probe input cannot be read."""
    calls = [call for arg_set in sets for call in calls_of(arg_set.args)]
    problem = declaration_problem(question.probe, calls) if question.probe and calls else None
    if problem is not None:
        key, message = problem
        raise InstructorModeError(f"{HIDDEN_FILE}: [[{question.id}]] — the probe input of "
                                  f"assignment.toml, probe.{key}: {message}")


def covers_sets(observation: Observation | None, sets: tuple[ArgSet, ...]) -> bool:
    """Whether a reference observation holds a successful entry for every one of the sets."""
    if observation is None or observation.status != Status.OK:
        return False
    return all(o.status == Status.OK for o in split_sets(observation, sets).values())
