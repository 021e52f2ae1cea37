"""The library API: grade a submission and return its report (no rendering, no printing)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader import __version__
from grader.argsets import ArgSet, load_hidden_sets, split_sets
from grader.assignment import Assignment, Question, load_assignment
from grader.judge import judge_question
from grader.messages import translate
from grader.model import ERROR, Failure, GradeReport, Observation, QuestionResult, Status
from grader.notebook import broken_functions, error_note, notebook_notes
from grader.observe.observer import IMPORT_JOB
from grader.reference import (
    ExpectedSet,
    cache_key,
    default_reference_dir,
    hidden_key,
    load_cached,
    load_expected,
    store_expected,
    write_bundle,
)
from grader.registry import plugin_for_submission
from grader.runner import RunOptions, WarmWorker, grader_failure, make_job
from grader.scoring import total_score
from grader.submission import find_submission
from grader.text import clean_text

IMPORT_TIMEOUT = 30.0
SANDBOX_NOTES = ("network_not_isolated", "processes_not_isolated", "files_not_isolated")
REFERENCE_PREFIX = "reference:"
HIDDEN_PREFIX = "reference-hidden:"


@dataclass(frozen=True)
class GradeOptions:
    """What to grade and how."""

    questions: tuple[str, ...] = ()  # empty: all
    lang: str = "en"
    run: RunOptions = field(default_factory=RunOptions)
    reference_dir: Path | None = None  # default: the reference beside the grader, if any
    use_reference: bool = True  # False: only the committed expected observations
    instructor: bool = False  # also the hidden argument sets (needs the reference)
    unsafe: bool = False  # the instructor accepts grading where the sandbox is unavailable
    assignment: str = ""  # its registered name; empty: found from the submission's file name


def selected_questions(assignment: Assignment, ids: Sequence[str]) -> list[Question]:
    """Return the questions asked for, in the assignment's order (all when none is given)."""
    if not ids:
        return list(assignment.questions)
    wanted = set(ids)
    return [q for q in assignment.questions if q.id in wanted]


def preload_modules(assignment: Assignment, questions: Sequence[Question]) -> list[str]:
    """Return the modules the warm worker should import for these questions: keras, the
    assignment's observers (forked children then inherit them) and the questions' own."""
    modules = ["keras", assignment.plugin.observers_module]
    for question in questions:
        modules += [m for m in question.preload if m not in modules]
    return modules


def _jobs(questions: Sequence[Question], submission: str, assignment: Assignment,
          options: RunOptions, sets: Mapping[str, tuple[ArgSet, ...]], prefix: str = ""
          ) -> list[dict]:
    """Build one job per question with its sets, longest first so parallel runs finish sooner."""
    ordered = sorted(questions, key=lambda q: -q.timeout)
    return [make_job(prefix + q.id, q.id, q.function, submission, assignment, options,
                     q.timeout * len(sets[q.id]), q.eager, sets[q.id])
            for q in ordered if sets.get(q.id)]


def observe_reference(worker: WarmWorker, assignment: Assignment, reference_dir: Path,
                      questions: Sequence[Question], options: RunOptions,
                      sets: Mapping[str, tuple[ArgSet, ...]] | None = None) -> list[Observation]:
    """Observe the reference solution's answers to the questions (public sets by default)."""
    file = find_submission(reference_dir, assignment.module)
    sets = sets if sets is not None else {q.id: q.arg_sets for q in questions}
    jobs = _jobs(questions, str(file), assignment, options, sets, REFERENCE_PREFIX)
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
    assignment = assignment or load_assignment(options.assignment
                                               or plugin_for_submission(submission))
    file = find_submission(submission, assignment.module)
    questions = selected_questions(assignment, options.questions)
    reference_dir = options.reference_dir or (default_reference_dir(assignment)
                                              if options.use_reference else None)
    refuse_visible_reference(assignment, reference_dir)
    hidden = instructor_sets(questions, reference_dir) if options.instructor else {}
    public = {q.id: q.instructor_public_sets(q.id in hidden) for q in questions}
    expected = load_expected(assignment, reference_dir)
    hidden_expected = load_cached(hidden_key(assignment, reference_dir)) if hidden else {}
    preload = preload_modules(assignment, questions) + (["IPython.core.inputtransformer2"]  # %magic cells
                                            if file.suffix == ".ipynb" else [])
    with nullcontext(worker) if worker else WarmWorker(preload) as worker:
        import_job = make_job(IMPORT_JOB, IMPORT_JOB, "", str(file), assignment, options.run,
                              IMPORT_TIMEOUT)
        _, imported = next(worker.run([import_job], 1))
        observations: dict[str, Observation] = {}
        reference: dict[str, Observation] = dict(expected.observations)
        jobs = []
        if reference_dir is not None:
            reference_file = str(find_submission(reference_dir, assignment.module))
            # observed with every public set, whatever this run uses: the cache keeps them all
            missing = [q for q in questions
                       if not covers_sets(expected.observations.get(q.id), q.arg_sets)]
            jobs += _jobs(missing, reference_file, assignment, options.run,
                          {q.id: q.arg_sets for q in missing}, REFERENCE_PREFIX)
            unseen = [q for q in questions if q.id in hidden and q.id not in hidden_expected]
            jobs += _jobs(unseen, reference_file, assignment, options.run, hidden, HIDDEN_PREFIX)
        # a notebook cell that does not run costs only the questions whose functions it defines
        broken = broken_functions(imported.data) if imported.status == Status.OK else {}
        if imported.status == Status.OK:
            every = {q: public[q] + hidden.get(q, ()) for q in public}
            jobs += _jobs([q for q in questions if q.function not in broken], str(file),
                          assignment, options.run, every)
        fresh_reference, fresh_hidden = [], []
        for job_id, observation in worker.run(jobs, options.run.parallel) if jobs else ():
            if job_id.startswith(HIDDEN_PREFIX):
                fresh_hidden.append(observation)
                hidden_expected[observation.question] = observation
            elif job_id.startswith(REFERENCE_PREFIX):
                fresh_reference.append(observation)
                reference[observation.question] = observation
            else:
                observations[observation.question] = observation
    if fresh_reference and expected.key:
        store_expected(expected.key, fresh_reference)
    if fresh_hidden and reference_dir is not None:
        store_expected(hidden_key(assignment, reference_dir), fresh_hidden)
    machine = machine_notes([imported, *observations.values()], options.lang)
    imported = _without_machine_notes(imported)
    observations = {q: _without_machine_notes(o) for q, o in observations.items()}
    results = []
    for question in questions:
        sets = public[question.id] + hidden.get(question.id, ())
        actual = (observations.get(question.id) or _cell_failure(question, broken)
                  or _import_failure(question, imported))
        want = _split(reference.get(question.id), public[question.id])
        want |= _split(hidden_expected.get(question.id), hidden.get(question.id, ()))
        result = judge_question(assignment, question, sets, want,
                                split_sets(actual, sets), options.lang)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return _report(assignment, file, results, imported, expected, options,
                   time.monotonic() - started, machine)


class InstructorModeError(ValueError):
    """Instructor grading was asked for without the reference's hidden argument sets."""


class ReferenceVisible(InstructorModeError):
    """The reference folder lies where the sandbox would show it to student code."""


def refuse_visible_reference(assignment: Assignment, reference_dir: Path | None) -> None:
    """Refuse to grade when student code could read the reference (e.g. inside a Python path)."""
    if reference_dir is None:
        return
    from grader.observe.view import allowed_paths, seen_through
    from grader.reference import PROJECT_ROOT

    through = seen_through(reference_dir, allowed_paths(PROJECT_ROOT, assignment.directory))
    if through is not None:
        raise ReferenceVisible(
            f"the reference folder {reference_dir} is inside {through}, which student code can "
            "read: keep the reference outside the Python environment and the assignment's "
            "public folder")


def instructor_sets(questions: Sequence[Question], reference_dir: Path | None
                    ) -> dict[str, tuple[ArgSet, ...]]:
    """Return the hidden sets of the questions; instructor grading cannot do without them."""
    hidden = load_hidden_sets(reference_dir)
    if not hidden:
        raise InstructorModeError(
            "instructor grading needs the reference solution and its hidden_args.toml "
            "(give --reference DIR)")
    return {q.id: hidden[q.id] for q in questions if q.id in hidden}


def covers_sets(observation: Observation | None, sets: tuple[ArgSet, ...]) -> bool:
    """Whether a reference observation holds a successful entry for every one of the sets."""
    if observation is None or observation.status != Status.OK:
        return False
    return all(o.status == Status.OK for o in split_sets(observation, sets).values())


def _split(observation: Observation | None, sets: tuple[ArgSet, ...]
           ) -> dict[str, Observation | None]:
    """Split a reference observation per set (None for every set when there is none)."""
    if observation is None:
        return {s.id: None for s in sets}
    return dict(split_sets(observation, sets))


def machine_notes(observations: Sequence[Observation], lang: str) -> list[str]:
    """Say once what this machine's sandbox could not do (every job notes it for itself)."""
    keys = {n for o in observations for n in o.notes if n in SANDBOX_NOTES}
    if {"network_not_isolated", "processes_not_isolated"} <= keys:  # no namespaces at all
        keys = {"not_sandboxed"}
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
    if imported.status == Status.OK:
        return grader_failure(question.id, "no observation came back for this question")
    return replace(imported, question=question.id, output="",
                   status=imported.status if imported.status != Status.OK else ERROR)


def _report(assignment: Assignment, file: Path, results: list[QuestionResult],
            imported: Observation, expected: ExpectedSet, options: GradeOptions, duration: float,
            machine: list[str]) -> GradeReport:
    """Assemble the report; notes say once what concerns the whole submission."""
    notes = list(expected.notes)
    if not options.instructor:
        notes.append(translate(options.lang, "note.public_only"))
    notebook = imported.data.get("notebook") if imported.status == Status.OK else None
    if notebook:
        notes[:0] = notebook_notes(notebook, options.lang)
    other = file.with_suffix(".py" if file.suffix == ".ipynb" else ".ipynb")
    if other.is_file():
        notes.insert(0, translate(options.lang, "note.both_submissions", graded=file.name,
                                  other=other.name))
    if imported.status != Status.OK and imported.failure is not None:
        from grader.judge import failure_message

        notes.insert(0, error_note(imported.data, options.lang)
                     or failure_message(imported.status, imported.failure, options.lang))
        results = [replace(r, message=translate(options.lang, "q.import_failed_short"))
                   for r in results]
    return GradeReport(
        assignment=assignment.name,
        submission=clean_text(str(file), newlines=False),  # a student's file name
        score=total_score(results),
        max_score=sum(r.max_score for r in results),
        questions=tuple(results),
        answers=imported.data.get("answers", {}) if imported.status == Status.OK else {},
        notes=tuple(notes + machine),
        lang=options.lang,
        grader_version=__version__,
        duration=round(duration, 2),
        hidden_sets=options.instructor,
    )


def regenerate_expected(assignment: Assignment, reference_dir: Path | None = None,
                        run: RunOptions | None = None) -> Path:
    """Observe the reference on every question and write the committed expected observations."""
    reference_dir = reference_dir or default_reference_dir(assignment)
    if reference_dir is None:
        raise FileNotFoundError("the reference solution is not here: give --reference DIR")
    questions = list(assignment.questions)
    with WarmWorker(preload=preload_modules(assignment, questions)) as worker:
        observations = observe_reference(worker, assignment, reference_dir, questions,
                                         run or RunOptions())
    failed = [o.question for o in observations
              if o.status != Status.OK or any(s.status != Status.OK for s in split_sets(
                  o, assignment.question(o.question).arg_sets).values())]
    if failed:
        raise RuntimeError(f"the reference failed on {', '.join(failed)}")
    clean = {o.question: replace(o, output="", duration=0.0) for o in observations}
    return write_bundle(assignment, cache_key(assignment, reference_dir), clean)
