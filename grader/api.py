"""The library API: grade a submission and return its report (no rendering, no printing)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader import __version__
from grader.assignment import Assignment, Question, load_assignment
from grader.judge import judge_question
from grader.messages import translate
from grader.model import ERROR, Failure, GradeReport, Observation, QuestionResult
from grader.notebook import broken_functions, error_note, notebook_notes
from grader.observe.child import IMPORT_JOB
from grader.reference import (
    ExpectedSet,
    cache_key,
    default_reference_dir,
    load_expected,
    store_expected,
    write_bundle,
)
from grader.runner import RunOptions, WarmWorker, grader_failure, make_job
from grader.scoring import total_score
from grader.submission import find_submission

IMPORT_TIMEOUT = 30.0
SANDBOX_NOTES = ("network_not_isolated", "processes_not_isolated", "reference_not_hidden")
REFERENCE_PREFIX = "reference:"


@dataclass(frozen=True)
class GradeOptions:
    """What to grade and how."""

    questions: tuple[str, ...] = ()  # empty: all
    lang: str = "en"
    run: RunOptions = field(default_factory=RunOptions)
    reference_dir: Path | None = None  # default: the reference beside the grader, if any
    use_reference: bool = True  # False: only the committed expected observations


def selected_questions(assignment: Assignment, ids: Sequence[str]) -> list[Question]:
    """Return the questions asked for, in the assignment's order (all when none is given)."""
    if not ids:
        return list(assignment.questions)
    wanted = set(ids)
    return [q for q in assignment.questions if q.id in wanted]


def preload_modules(questions: Sequence[Question]) -> list[str]:
    """Return the modules the warm worker should import for these questions."""
    modules = ["keras"]
    for question in questions:
        modules += [m for m in question.preload if m not in modules]
    return modules


def _jobs(questions: Sequence[Question], submission: str, assignment: Assignment,
          options: RunOptions, prefix: str = "", hidden: tuple[str, ...] = ()) -> list[dict]:
    """Build one job per question, longest first so that parallel runs finish sooner."""
    ordered = sorted(questions, key=lambda q: -q.timeout)
    return [make_job(prefix + q.id, q.id, q.function, submission, assignment, options, q.timeout,
                     hidden, q.eager) for q in ordered]


def observe_reference(worker: WarmWorker, assignment: Assignment, reference_dir: Path,
                      questions: Sequence[Question], options: RunOptions) -> list[Observation]:
    """Observe the reference solution's answers to the questions."""
    file = find_submission(reference_dir, assignment.module)
    jobs = _jobs(questions, str(file), assignment, options, REFERENCE_PREFIX)
    return [observation for _, observation in worker.run(jobs, options.parallel)]


def grade(submission: Path, options: GradeOptions | None = None,
          assignment: Assignment | None = None,
          on_result: Callable[[QuestionResult], None] | None = None,
          worker: WarmWorker | None = None) -> GradeReport:
    """Grade a submission (folder or file) and return its report.

    A warm `worker` may be shared between submissions (bulk grading, tests); by default one is
    started for this call and stopped after it.
    """
    started = time.monotonic()
    options = options or GradeOptions()
    assignment = assignment or load_assignment()
    file = find_submission(submission, assignment.module)
    questions = selected_questions(assignment, options.questions)
    reference_dir = options.reference_dir or (default_reference_dir(assignment)
                                              if options.use_reference else None)
    expected = load_expected(assignment, reference_dir)
    missing = [q for q in questions if q.id not in expected.observations]
    preload = preload_modules(questions) + (["IPython.core.inputtransformer2"]  # %magic cells
                                            if file.suffix == ".ipynb" else [])
    with nullcontext(worker) if worker else WarmWorker(preload) as worker:
        hidden = (str(reference_dir),) if reference_dir is not None else ()
        import_job = make_job(IMPORT_JOB, IMPORT_JOB, "", str(file), assignment, options.run,
                              IMPORT_TIMEOUT, hidden)
        _, imported = next(worker.run([import_job], 1))
        observations: dict[str, Observation] = {}
        reference: dict[str, Observation] = dict(expected.observations)
        jobs = []
        if missing and reference_dir is not None:
            jobs += _jobs(missing, str(find_submission(reference_dir, assignment.module)),
                          assignment, options.run, REFERENCE_PREFIX)
        # a notebook cell that does not run costs only the questions whose functions it defines
        broken = broken_functions(imported.data) if imported.status == "ok" else {}
        if imported.status == "ok":
            jobs += _jobs([q for q in questions if q.function not in broken], str(file),
                          assignment, options.run, hidden=hidden)
        fresh_reference = []
        for job_id, observation in worker.run(jobs, options.run.parallel) if jobs else ():
            if job_id.startswith(REFERENCE_PREFIX):
                fresh_reference.append(observation)
                reference[observation.question] = observation
            else:
                observations[observation.question] = observation
    if fresh_reference and expected.key:
        store_expected(expected.key, fresh_reference)
    machine = machine_notes([imported, *observations.values()], options.lang)
    imported = _without_machine_notes(imported)
    observations = {q: _without_machine_notes(o) for q, o in observations.items()}
    results = []
    for question in questions:
        actual = (observations.get(question.id) or _cell_failure(question, broken)
                  or _import_failure(question, imported))
        result = judge_question(assignment.name, question, reference.get(question.id), actual,
                                options.lang)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return _report(assignment, file, results, imported, expected, options,
                   time.monotonic() - started, machine)


def machine_notes(observations: Sequence[Observation], lang: str) -> list[str]:
    """Say once what this machine's sandbox could not do (every job notes it for itself)."""
    keys = {n for o in observations for n in o.notes if n in SANDBOX_NOTES}
    if {"network_not_isolated", "processes_not_isolated"} <= keys:  # no namespaces at all
        keys = {"not_sandboxed"} | (keys & {"reference_not_hidden"})
    return [translate(lang, f"note.{key}") for key in sorted(keys)]


def _without_machine_notes(observation: Observation) -> Observation:
    """Drop the notes about the machine from a question's observation."""
    return replace(observation, notes=tuple(n for n in observation.notes if n not in SANDBOX_NOTES))


def _cell_failure(question: Question, broken: dict[str, Failure]) -> Observation | None:
    """The observation of a question whose function is in a notebook cell that does not run."""
    failure = broken.get(question.function)
    return Observation(question.id, ERROR, failure=failure) if failure else None


def _import_failure(question: Question, imported: Observation) -> Observation:
    """The observation of a question that could not run because the file does not import."""
    if imported.status == "ok":
        return grader_failure(question.id, "no observation came back for this question")
    return replace(imported, question=question.id, output="",
                   status=imported.status if imported.status != "ok" else ERROR)


def _report(assignment: Assignment, file: Path, results: list[QuestionResult],
            imported: Observation, expected: ExpectedSet, options: GradeOptions, duration: float,
            machine: list[str]) -> GradeReport:
    """Assemble the report; notes say once what concerns the whole submission."""
    notes = list(expected.notes)
    notebook = imported.data.get("notebook") if imported.status == "ok" else None
    if notebook:
        notes[:0] = notebook_notes(notebook, options.lang)
    other = file.with_suffix(".py" if file.suffix == ".ipynb" else ".ipynb")
    if other.is_file():
        notes.insert(0, translate(options.lang, "note.both_submissions", graded=file.name,
                                  other=other.name))
    if imported.status != "ok" and imported.failure is not None:
        from grader.judge import failure_message

        notes.insert(0, error_note(imported.data, options.lang)
                     or failure_message(imported.status, imported.failure, options.lang))
        results = [replace(r, message=translate(options.lang, "q.import_failed_short"))
                   for r in results]
    return GradeReport(
        assignment=assignment.name,
        submission=str(file),
        score=total_score(results),
        max_score=sum(r.max_score for r in results),
        questions=tuple(results),
        answers=imported.data.get("answers", {}) if imported.status == "ok" else {},
        notes=tuple(notes + machine),
        lang=options.lang,
        grader_version=__version__,
        duration=round(duration, 2),
    )


def regenerate_expected(assignment: Assignment | None = None,
                        reference_dir: Path | None = None,
                        run: RunOptions | None = None) -> Path:
    """Observe the reference on every question and write the committed expected observations."""
    assignment = assignment or load_assignment()
    reference_dir = reference_dir or default_reference_dir(assignment)
    if reference_dir is None:
        raise FileNotFoundError("the reference solution is not here: give --reference DIR")
    questions = list(assignment.questions)
    with WarmWorker(preload=preload_modules(questions)) as worker:
        observations = observe_reference(worker, assignment, reference_dir, questions,
                                         run or RunOptions())
    failed = [o.question for o in observations if o.status != "ok"]
    if failed:
        raise RuntimeError(f"the reference failed on {', '.join(failed)}")
    clean = {o.question: replace(o, output="", duration=0.0) for o in observations}
    return write_bundle(assignment, cache_key(assignment, reference_dir), clean)
