"""The library API: grade a submission and return its report (no rendering, no printing)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.argsets import ArgSet, split_sets
from grader.assignment import Assignment, Question, load_assignment
from grader.judge import judge_question
from grader.model import (
    ERROR,
    Evidence,
    Failure,
    GradeReport,
    Observation,
    QuestionResult,
    Status,
)
from grader.notebook_notes import broken_functions, error_note, notebook_notes
from grader.observe.audit import TAMPER_NOTE
from grader.plan import (
    InstructorModeError,
    Plan,
    PlannedJob,
    Role,
    make_plan,
    question_jobs,
)
from grader.reference import (
    ExpectedSet,
    cache_key,
    default_reference_dir,
    hidden_key,
    missing_reference,
    store_expected,
    write_bundle,
)
from grader.reuse import function_reach, with_cause, with_causes
from grader.runner import RunOptions, WarmWorker, grader_failure
from grader.scoring import total_score
from grader.submission import find_submission
from grader.tamper import MAX_EVIDENCE, scan_submission
from grader.text import clean_text
from grader.version import __version__
from grader.which_assignment import plugin_for_submission
from grader.wording import Said, Text, said

SANDBOX_NOTES = ("network_not_isolated", "processes_not_isolated", "files_not_isolated")


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


def run_planned(worker: WarmWorker, jobs: Sequence[PlannedJob], parallel: int
                ) -> Iterator[tuple[PlannedJob, Observation]]:
    """Run planned jobs on a warm worker, yielding each with its observation as it finishes."""
    by_id = {planned.job.id: planned for planned in jobs}
    for job, observation in worker.run([planned.job for planned in jobs], parallel):
        yield by_id[job.id], observation


def store_reference(plan: Plan, done: Sequence[tuple[PlannedJob, Observation]]
                    ) -> dict[Role, dict[str, Observation]]:
    """Store the reference's fresh observations, public and hidden apart; return them by role."""
    fresh: dict[Role, dict[str, Observation]] = {Role.REFERENCE: {}, Role.HIDDEN_REFERENCE: {}}
    for planned, observation in done:
        if planned.role in fresh:
            fresh[planned.role][observation.question] = observation
    if fresh[Role.REFERENCE] and plan.expected.key:
        store_expected(plan.expected.key, list(fresh[Role.REFERENCE].values()))
    if fresh[Role.HIDDEN_REFERENCE] and plan.reference_dir is not None:
        store_expected(hidden_key(plan.assignment, plan.reference_dir),
                       list(fresh[Role.HIDDEN_REFERENCE].values()))
    return fresh


def observe_reference(worker: WarmWorker, plan: Plan, run: RunOptions) -> list[Observation]:
    """Observe (and store) the reference observations the plan lacks; return them."""
    jobs = plan.reference_jobs(run)
    done = list(run_planned(worker, jobs, run.parallel)) if jobs else []
    store_reference(plan, done)
    return [observation for _, observation in done]


def reference_dir_of(assignment: Assignment, options: GradeOptions) -> Path | None:
    """Return the reference folder grading will use, if any."""
    if options.reference_dir is not None:
        return options.reference_dir
    return default_reference_dir(assignment) if options.use_reference else None


def plan_for(assignment: Assignment, options: GradeOptions) -> Plan:
    """The grading plan of these options (the reference refused where students could read it)."""
    reference_dir = reference_dir_of(assignment, options)
    refuse_visible_reference(assignment, reference_dir)
    return make_plan(assignment, selected_questions(assignment, options.questions), reference_dir,
                     options.instructor)


@dataclass(frozen=True)
class Observed:
    """What grading observed of one submission: plain data, judged into a report in any
    language (the bulk cache keeps it, so a class is re-rendered without running keras)."""

    imported: Observation
    questions: dict[str, Observation]  # the student's observations, by question
    duration: float
    scanned: tuple[Evidence, ...] = ()  # what the trusted side read in the files (grader/tamper)
    reach: dict[str, tuple[str, ...]] = field(default_factory=dict)  # grader/reuse.py

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"imported": self.imported.to_json(), "duration": self.duration,
                "questions": {q: o.to_json() for q, o in self.questions.items()},
                "scanned": [asdict(e) for e in self.scanned],
                "reach": {k: list(v) for k, v in self.reach.items()}}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Observed:
        """Read the JSON form back."""
        return Observed(Observation.from_json(data["imported"]),
                        {q: Observation.from_json(o) for q, o in data["questions"].items()},
                        float(data["duration"]),
                        tuple(Evidence(**e) for e in data.get("scanned", ())),
                        {str(k): tuple(map(str, v)) for k, v in data.get("reach", {}).items()})

    def review(self) -> tuple[Evidence, ...]:
        """The tamper evidence: the static scan's, then what the audit hook saw, each once."""
        seen = [evidence_from_note(n) for o in (self.imported, *self.questions.values())
                for n in o.notes if n.startswith(TAMPER_NOTE)]
        unique = dict.fromkeys([*self.scanned, *(e for e in seen if e is not None)])
        ordered = sorted(unique, key=lambda e: (e.file, e.line, e.source != "static"))
        return tuple(ordered)[:MAX_EVIDENCE]


def grade(submission: Path, options: GradeOptions | None = None,
          assignment: Assignment | None = None,
          on_result: Callable[[QuestionResult], None] | None = None,
          worker: WarmWorker | None = None) -> GradeReport:
    """Grade a submission (folder or file) and return its report.

    A warm `worker` may be shared between submissions (bulk grading, tests); by default one is
    started for this call and stopped after it.
    """
    return grade_observed(submission, options, assignment, on_result, worker)[0]


def grade_observed(submission: Path, options: GradeOptions | None = None,
                   assignment: Assignment | None = None,
                   on_result: Callable[[QuestionResult], None] | None = None,
                   worker: WarmWorker | None = None) -> tuple[GradeReport, Observed]:
    """Grade a submission; return its report and what it was judged from."""
    started = time.monotonic()
    options = options or GradeOptions()
    assignment = assignment or load_assignment(options.assignment
                                               or plugin_for_submission(submission))
    file = find_submission(submission, assignment.module)
    plan = plan_for(assignment, options)
    preload = preload_modules(assignment, plan.questions) + (
        ["IPython.core.inputtransformer2"] if file.suffix == ".ipynb" else [])  # %magic cells
    with nullcontext(worker) if worker else WarmWorker(preload) as worker:
        _, imported = next(run_planned(worker, [plan.import_job(file, options.run)], 1))
        # a notebook cell that does not run costs only the questions whose functions it defines
        broken = broken_functions(imported.data) if imported.status == Status.OK else {}
        jobs = plan.reference_jobs(options.run)
        if imported.status == Status.OK:
            jobs += plan.student_jobs(file, options.run, skipped=tuple(broken))
        reach = function_reach(file)  # static: which functions call which (grader/reuse.py)
        stream = (Stream(plan, jobs, imported, options, on_result, reach)
                  if on_result is not None and imported.status == Status.OK else None)
        done = []
        for planned, observation in (run_planned(worker, jobs, options.run.parallel)
                                     if jobs else ()):
            done.append((planned, observation))
            if stream is not None:
                stream.arrived(planned, observation)
    fresh = store_reference(plan, done)
    plan = replace(plan, expected=replace(plan.expected, observations={
        **plan.expected.observations, **fresh[Role.REFERENCE]}),
        hidden_expected={**plan.hidden_expected, **fresh[Role.HIDDEN_REFERENCE]})
    observed = Observed(imported, {o.question: o for p, o in done if p.role == Role.STUDENT},
                        round(time.monotonic() - started, 2), scan_folder(file), reach)
    if stream is not None:  # what was not said yet (none, normally), still in the lab's order
        on_result = stream.rest
    elif imported.status != Status.OK:  # nothing ran: the report is said whole, its note first
        on_result = None
    return judge_submission(plan, file, observed, options, on_result), observed


class Stream:
    """Judge each question as soon as its observations are in, and say it in the lab's order
    (`grade` prints a question's lines while the next ones run). Pure judging, as at the end."""

    def __init__(self, plan: Plan, jobs: Sequence[PlannedJob], imported: Observation,
                 options: GradeOptions, on_result: Callable[[QuestionResult], None],
                 reach: dict[str, tuple[str, ...]] | None = None) -> None:
        self.plan, self.imported, self.options, self.on_result = plan, imported, options, on_result
        self.reach, self.judged = reach or {}, {}
        self.waiting = {(p.role, p.job.question) for p in jobs}
        self.student: dict[str, Observation] = {}
        self.reference: dict[Role, dict[str, Observation]] = {
            Role.REFERENCE: dict(plan.expected.observations),
            Role.HIDDEN_REFERENCE: dict(plan.hidden_expected)}
        self.said: set[str] = set()
        self.next = 0

    def arrived(self, planned: PlannedJob, observation: Observation) -> None:
        """Take one job's observation; say every question now complete, in order."""
        self.waiting.discard((planned.role, planned.job.question))
        if planned.role == Role.STUDENT:
            self.student[observation.question] = observation
        elif planned.role in self.reference:
            self.reference[planned.role][observation.question] = observation
        questions = self.plan.questions
        while self.next < len(questions) and self._complete(questions[self.next].id):
            self._say(self._judged(questions[self.next]))
            self.next += 1

    def rest(self, result: QuestionResult) -> None:
        """Say a question the stream did not (the final judging passes them all)."""
        if result.id not in self.said:
            self._say(result)

    def _complete(self, question: str) -> bool:
        """Whether nothing this question's judging needs is still running."""
        return not any((role, question) in self.waiting
                       for role in (Role.STUDENT, Role.REFERENCE, Role.HIDDEN_REFERENCE))

    def _judged(self, question: Question) -> QuestionResult:
        """Judge one question from what has arrived."""
        plan = replace(self.plan, expected=replace(
            self.plan.expected, observations=self.reference[Role.REFERENCE]),
            hidden_expected=self.reference[Role.HIDDEN_REFERENCE])
        broken = broken_functions(self.imported.data)
        result = judge_one(plan, question, self.student.get(question.id), self.imported, broken)
        self.judged[question.id] = result
        return with_cause(result, self.judged, self.reach, self.plan.assignment)

    def _say(self, result: QuestionResult) -> None:
        self.said.add(result.id)
        self.on_result(result)


def judge_submission(plan: Plan, file: Path, observed: Observed, options: GradeOptions,
                     on_result: Callable[[QuestionResult], None] | None = None) -> GradeReport:
    """Judge what was observed of a submission against the plan's reference: its report."""
    assignment = plan.assignment
    machine = machine_notes([observed.imported, *observed.questions.values()])
    imported = _without_machine_notes(observed.imported)
    broken = broken_functions(imported.data) if imported.status == Status.OK else {}
    results = with_causes([judge_one(plan, question, observed.questions.get(question.id),
                                     imported, broken)
                           for question in plan.questions], observed.reach, assignment)
    report = _report(assignment, file, results, imported, plan.expected, options,
                     observed.duration, machine)
    for result in report.questions if on_result is not None else ():
        on_result(result)  # as the report says them (a failed import shortens each line)
    return replace(report, review=observed.review())


def judge_one(plan: Plan, question: Question, observation: Observation | None,
              imported: Observation, broken: dict[str, Failure]) -> QuestionResult:
    """Judge one question: the student's observation (or why there is none) against the
    plan's reference, every set."""
    sets = plan.sets(question.id)
    actual = ((_without_machine_notes(observation) if observation is not None else None)
              or _cell_failure(question, broken) or _import_failure(question, imported))
    want = _split(plan.expected.observations.get(question.id), plan.public[question.id])
    want |= _split(plan.hidden_expected.get(question.id), plan.hidden.get(question.id, ()))
    return judge_question(plan.assignment, question, sets, want, split_sets(actual, sets))


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


def _split(observation: Observation | None, sets: tuple[ArgSet, ...]
           ) -> dict[str, Observation | None]:
    """Split a reference observation per set (None for every set when there is none)."""
    if observation is None:
        return {s.id: None for s in sets}
    return dict(split_sets(observation, sets))


def machine_notes(observations: Sequence[Observation]) -> list[Said]:
    """Say once what this machine's sandbox could not do (every job notes it for itself)."""
    keys = {n for o in observations for n in o.notes if n in SANDBOX_NOTES}
    if {"network_not_isolated", "processes_not_isolated"} <= keys:  # no namespaces at all
        keys = {"not_sandboxed"}
    return [said(f"note.{key}") for key in sorted(keys)]


def _without_machine_notes(observation: Observation) -> Observation:
    """Drop the notes about the machine (and the audit hook's) from a question's observation."""
    return replace(observation, notes=tuple(n for n in observation.notes if n not in SANDBOX_NOTES
                                            and not n.startswith(TAMPER_NOTE)))


def scan_folder(file: Path) -> tuple[Evidence, ...]:
    """Read the files the sandbox copies of a submission for tamper evidence (no code runs)."""
    from grader.observe.workspace import plan_copy

    taken, _ = plan_copy(file)
    return scan_submission([(clean_text(name, newlines=False), Path(real)) for name, real in taken])


def evidence_from_note(note: str) -> Evidence | None:
    """Rebuild an audit hook's event from its note (None when malformed: the student's pipe)."""
    try:
        event = json.loads(note.removeprefix(TAMPER_NOTE))
        return Evidence(str(event["file"])[:200], int(event["line"]), str(event["kind"])[:40],
                        str(event["detail"])[:200], "run")
    except (ValueError, KeyError, TypeError):
        return None


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
            machine: list[Said]) -> GradeReport:
    """Assemble the report; notes say once what concerns the whole submission."""
    notes: list[Text] = list(expected.notes)
    if expected.other_versions:
        notes.append(said("note.other_versions", libraries=", ".join(
            f"{name} {made} → {here}" for name, made, here in expected.other_versions)))
    if not options.instructor:
        notes.append(said("note.public_only"))
    notebook = imported.data.get("notebook") if imported.status == Status.OK else None
    if notebook:
        notes[:0] = notebook_notes(notebook)
    other = file.with_suffix(".py" if file.suffix == ".ipynb" else ".ipynb")
    if other.is_file():
        notes.insert(0, said("note.both_submissions", graded=file.name, other=other.name))
    if imported.status != Status.OK and imported.failure is not None:
        from grader.judge import failure_message

        notes.insert(0, error_note(imported.data)
                     or failure_message(imported.status, imported.failure))
        results = [replace(r, message=said("q.import_failed_short")) for r in results]
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
        raise FileNotFoundError(missing_reference(assignment))
    questions = list(assignment.questions)
    run = run or RunOptions()
    jobs = question_jobs(Role.REFERENCE, questions, find_submission(reference_dir, assignment.module),
                         assignment, run, {q.id: q.arg_sets for q in questions})
    with WarmWorker(preload=preload_modules(assignment, questions)) as worker:
        observations = [observation for _, observation in run_planned(worker, jobs, run.parallel)]
    failed = [o.question for o in observations
              if o.status != Status.OK or any(s.status != Status.OK for s in split_sets(
                  o, assignment.question(o.question).arg_sets).values())]
    if failed:
        raise RuntimeError(f"the reference failed on {', '.join(failed)}")
    clean = {o.question: replace(o, output="", duration=0.0) for o in observations}
    return write_bundle(assignment, cache_key(assignment, reference_dir), clean)
