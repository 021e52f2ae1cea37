"""The bulk library API: grade a class (from cache where possible) and write its outputs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from grader.api import (
    GradeOptions,
    Observed,
    judge_submission,
    observe_reference,
    plan_for,
    preload_modules,
    reference_dir_of,
    refuse_visible_reference,
    selected_questions,
)
from grader.assignment import Assignment
from grader.bulk.cache import ResultCache, grader_fingerprint, result_key, submission_digest
from grader.bulk.inputs import Discovery, Limits, Submission, discover
from grader.bulk.manual import ManualPoints, assign_manual
from grader.bulk.outputs import RunInfo, write_outputs
from grader.bulk.results import (
    CACHED,
    FAILED_TO_GRADE,
    GRADED,
    NO_SUBMISSION,
    REJECTED,
    StudentResult,
    problem_report,
    state_of,
)
from grader.bulk.run import Batch, Task, run_local
from grader.bulk.similarity import write_class_similarity
from grader.model import GradeReport
from grader.reference import hidden_key
from grader.runner import WarmWorker
from grader.similarity.model import Settings as SimilaritySettings
from grader.trees import remove_tree

WORK_DIR, CACHE_DIR = ".work", ".cache"


@dataclass(frozen=True)
class BulkRequest:
    """What to grade, where to write, and how to run."""

    input: Path
    out: Path
    options: GradeOptions
    workers: int = 1
    scheduler: str = ""  # a Dask scheduler address; empty: local workers
    manual: tuple[ManualPoints, ...] = ()
    cache_dir: Path | None = None  # default: OUT/.cache
    feedback_base: str = ""
    limits: Limits = field(default_factory=Limits)  # what unpacking zips may write
    similarity: SimilaritySettings | None = field(default_factory=SimilaritySettings)  # None: no
    # similarity report
    given: tuple[Path, ...] = ()  # files handed out besides the lab's (subtracted in similarity)
    reveal: bool = False  # students' reports show everything (hidden sets, the reference's side)


@dataclass(frozen=True)
class BulkOutcome:
    """The students' results and the files written."""

    results: tuple[StudentResult, ...]
    files: dict[str, Path]
    complete: bool  # False when interrupted before every submission was graded
    duration: float
    discovery: Discovery = field(default_factory=lambda: Discovery(()))
    unmatched_manual: tuple[str, ...] = ()
    similarity_error: str = ""  # why the similarity report could not be written

    def count(self, state: str) -> int:
        """Return how many students ended in this state."""
        return sum(1 for r in self.results if r.state == state)


Listener = Callable[[StudentResult, bool], None]  # (result, graded in this run)


def prepare_expected(assignment: Assignment, options: GradeOptions) -> str | None:
    """Plan the class's grading once and observe the reference once, for the whole class, where
    the stored observations (public, and hidden for an instructor) lack some."""
    plan = plan_for(assignment, options)
    lacking = {planned.job.question for planned in plan.reference_jobs(options.run)}
    if lacking:
        questions = [q for q in plan.questions if q.id in lacking]
        with WarmWorker(preload_modules(assignment, questions)) as worker:
            observe_reference(worker, plan, options.run)
    return plan.expected.key


def cache_basis(assignment: Assignment, options: GradeOptions, expected_key: str | None
                ) -> str | None:
    """What, besides the submission, decides its report: the expectations, hidden ones too."""
    reference_dir = reference_dir_of(assignment, options)
    if not options.instructor or reference_dir is None:
        return expected_key
    return f"{expected_key}|{hidden_key(assignment, reference_dir)}"


def _graded(batch: Batch, request: BulkRequest, tasks: list[Task], expected_key: str | None,
            cache: ResultCache) -> Iterator[tuple[Task, GradeReport]]:
    """Grade the tasks locally or on the Dask cluster, storing each report as it comes."""

    def store(task: Task, report: GradeReport, observed: Observed | None) -> None:
        cache.put(task.key, report, task.submission.student.key, observed)

    if request.scheduler:
        from grader.bulk.cluster import run_dask

        return run_dask(batch, tasks, request.scheduler, expected_key, store)
    return run_local(batch, tasks, request.workers, store)


def grade_class(request: BulkRequest, assignment: Assignment,
                on_result: Listener | None = None, on_start: Callable[[int], None] | None = None
                ) -> BulkOutcome:
    """Grade every submission of the input not already cached, then write the outputs.

    A KeyboardInterrupt stops grading; the outputs are still written for what was finished
    (and the cache keeps it), then the interrupt is re-raised.
    """
    try:
        return _grade_class(request, assignment, on_result, on_start)
    finally:  # unpacked submissions are never left behind, whatever happened
        remove_tree(request.out / WORK_DIR)


def _grade_class(request: BulkRequest, assignment: Assignment, on_result: Listener | None,
                 on_start: Callable[[int], None] | None) -> BulkOutcome:
    """Grade the class with its submissions unpacked in OUT/.work (see grade_class)."""
    started = time.monotonic()
    options = request.options
    refuse_visible_reference(assignment, reference_dir_of(assignment, options))
    remove_tree(request.out / WORK_DIR)  # left by a killed run
    discovery = discover(request.input, request.out / WORK_DIR, assignment.module,
                         exclude=(request.out,), limits=request.limits)
    manual, unmatched = assign_manual(request.manual, [s.student for s in discovery.submissions])
    expected_key = prepare_expected(assignment, options)
    plan = plan_for(assignment, options)  # with what prepare_expected observed
    basis = cache_basis(assignment, options, expected_key)
    fingerprint = grader_fingerprint()
    cache = ResultCache(request.cache_dir or request.out / CACHE_DIR)
    questions = selected_questions(assignment, options.questions)
    results: list[StudentResult] = []
    tasks: list[Task] = []
    if on_start is not None:
        on_start(len(discovery.submissions))

    def finish(submission: Submission, report: GradeReport, state: str, graded: bool) -> None:
        key = submission.student.key
        result = StudentResult(submission.student, report, state, manual.get(key, ()),
                               submission.notes)
        results.append(result)
        if on_result is not None:
            on_result(result, graded)

    for submission in discovery.submissions:
        if submission.file is None:
            finish(submission, problem_report(assignment, questions, submission.student.source,
                                              submission.problem, options.lang),
                   REJECTED if submission.rejected else NO_SUBMISSION, False)
            continue
        ids = [q.id for q in questions]
        student = submission.student.key
        key = result_key(submission_digest(submission.file), basis, fingerprint,
                         ids, options.run, assignment.name, student=student)
        cached = cache.get(key, assignment.name, ids, student, options.lang,
                           partial(judge_submission, plan, submission.file, options=options))
        if cached is not None:
            finish(submission, cached, CACHED, False)
        else:
            tasks.append(Task(submission, key))
    batch = Batch(assignment, options)
    complete = True
    try:
        if tasks:
            with closing(_graded(batch, request, tasks, expected_key, cache)) as graded:
                for task, report in graded:
                    finish(task.submission, report, state_of(report, cached=False), True)
    except KeyboardInterrupt:
        complete = False
    similarity, problem = (_similarity(request, assignment, discovery, results)
                           if complete else ({}, ""))
    info = RunInfo(assignment.name, str(request.input), fingerprint, discovery.ignored, unmatched,
                   request.feedback_base, len(discovery.submissions) - len(results),
                   similarity=similarity["similarity"].name if similarity else "",
                   student_view=None if request.reveal else assignment)
    files = {**write_outputs(request.out, results, info), **similarity}
    outcome = BulkOutcome(tuple(sorted(results, key=lambda r: r.student.key)), files, complete,
                          time.monotonic() - started, discovery, unmatched, problem)
    if not complete:
        raise BulkInterrupted(outcome)
    return outcome


def _similarity(request: BulkRequest, assignment: Assignment, discovery: Discovery,
                results: list[StudentResult]) -> tuple[dict[str, Path], str]:
    """Write the similarity report; return its files, or why it could not be written (the
    grades are written either way)."""
    if request.similarity is None:
        return {}, ""
    try:
        return write_class_similarity(
            request.out, assignment, discovery.submissions, results, request.similarity,
            request.given, reference_dir_of(assignment, request.options),
            request.cache_dir or request.out / CACHE_DIR, request.options.lang), ""
    except Exception as exc:  # noqa: BLE001 - a similarity bug must not lose the class's grades
        return {}, f"{type(exc).__name__}: {exc}"


class BulkInterrupted(KeyboardInterrupt):
    """Grading was interrupted; the outputs hold what was finished."""

    def __init__(self, outcome: BulkOutcome) -> None:
        super().__init__("interrupted")
        self.outcome = outcome


__all__ = ["CACHED", "FAILED_TO_GRADE", "GRADED", "NO_SUBMISSION", "REJECTED", "BulkInterrupted",
           "BulkOutcome", "BulkRequest", "grade_class"]
