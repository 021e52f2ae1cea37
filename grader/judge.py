"""Judge one question: compare the student's observation with the reference's. Pure, no keras.

What the judge says has no language yet (grader/wording.py): the renderers word it."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import ModuleType

from grader.argsets import FIRST_SET, ArgSet, set_label
from grader.assignment import Assignment, Question
from grader.attachments import collect_attachments
from grader.checks.base import AuthoringError, JudgeContext, Skip, check_id, check_name
from grader.contract import validate_table
from grader.hooks import hook
from grader.layer_kinds import LAYER_KINDS, Kinds
from grader.messages import Catalog, assignment_messages
from grader.model import (
    CRASHED,
    ERROR,
    FAILED,
    GRADER_ERROR,
    MEMORY,
    NOT_IMPLEMENTED,
    PASSED,
    SKIPPED,
    STUDENT_FAULTS,
    TIMEOUT,
    CheckResult,
    Failure,
    Observation,
    QuestionResult,
    Status,
)
from grader.observations import ECHOES, Problem, first_problem, with_trusted_echoes
from grader.scoring import CriteriaError, question_score, score_criteria
from grader.wording import Both, Said, Text, joined, said, source_text

MALFORMED = "MalformedResult"
SETTING_PARAM = re.compile(r"[\[,]setting=([^,\]]+)")  # in a check id: ...[index=2,setting=units]


def load_rubric(assignment: Assignment) -> ModuleType:
    """Return the rubric module of an assignment (its RUBRIC and notes), checked against its
    questions."""
    rubric = importlib.import_module(assignment.plugin.rubric_module)
    validate_table(assignment.plugin, f"{assignment.plugin.rubric_module}.RUBRIC",
                   getattr(rubric, "RUBRIC", None), (q.id for q in assignment.questions))
    return rubric


def run_checks(rubric: ModuleType, question: str, expected: dict, actual: dict,
               arg_set: ArgSet | None = None, messages: Catalog | None = None,
               function: str = "") -> tuple[CheckResult, ...]:
    """Run every check the rubric picks for the question; report every difference.

    `actual` is the student's claim: a check that cannot read it fails (it is never the grader's
    error, which a student could otherwise trigger at will). `messages` is the assignment's own
    catalogue (its sentences and hints).
    """
    set_id = "" if arg_set is None or arg_set.id == FIRST_SET else arg_set.id
    ctx = JudgeContext(question, set_label(arg_set) if arg_set is not None else "",
                       messages or {}, function)
    results = []
    for check in rubric.RUBRIC[question](expected):
        ident = check_id(question, check, set_id)
        try:
            verdict = check(ctx, expected, actual)
        except Skip as skip:
            results.append(CheckResult(ident, SKIPPED, said("skipped", where=skip.where,
                                                            reason=skip.reason)))
            continue
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            results.append(CheckResult(ident, FAILED, said(
                "q.unjudgeable", where=ctx.label, type=type(exc).__name__,
                message=str(exc)[:200])))
            continue
        hint = verdict.hint or ("" if verdict.passed else ctx.hint(check_name(check)))
        results.append(CheckResult(ident, PASSED if verdict.passed else FAILED,
                                   verdict.message, verdict.expected, verdict.actual, hint))
    return tuple(results)


def failed_set_checks(rubric: ModuleType, question: str, expected: dict, arg_set: ArgSet,
                      message: Text) -> tuple[CheckResult, ...]:
    """Fail every check of a set whose call raised, crashed or returned nothing readable."""
    set_id = "" if arg_set.id == FIRST_SET else arg_set.id
    label = JudgeContext(question, set_label(arg_set)).label
    text = said("q.set_failed", where=label, message=message)
    return tuple(CheckResult(check_id(question, check, set_id), FAILED, text)
                 for check in rubric.RUBRIC[question](expected))


def location(failure: Failure) -> Text:
    """Return 'td_keras.py, line 41' for the innermost student frame, or ''."""
    if not failure.frames:
        return ""
    frame = failure.frames[-1]
    return said("q.location", file=source_text(frame.file), line=frame.line)


def failure_message(status: str, failure: Failure | None) -> Text:
    """Say in one line why a question could not be judged."""
    if status == NOT_IMPLEMENTED:
        return said("q.not_implemented")
    if failure is None or status == GRADER_ERROR:
        return said("q.grader_error")
    where = location(failure)
    at = said("q.at", location=where) if where else ""
    if status == ERROR and failure.phase == "cell":  # a notebook cell that does not run
        return joined(said("q.cell_failed", cell=source_text(failure.where), type=failure.type,
                           message=failure.message), at, separator=" ")
    if status == ERROR and failure.phase == "import":
        return joined(said("q.import_failed", type=failure.type, message=failure.message), at,
                      separator=" ")
    if status == ERROR and failure.type == "AttributeError" and not failure.frames:
        return said("q.missing_function", message=failure.message)
    if status == ERROR and failure.phase == "observe" and failure.type == MALFORMED:
        return said("q.malformed", problem=failure.message)
    if status == ERROR and failure.phase == "observe":
        return said("q.undescribable", function=failure.where, type=failure.type,
                    message=failure.message)
    if status == ERROR:
        return joined(said("q.raised", function=failure.where, type=failure.type,
                           message=failure.message), at, separator=" ")
    key = {TIMEOUT: "q.timeout", MEMORY: "q.memory", CRASHED: "q.crashed"}.get(status)
    if failure.type == "ProcessLimit":
        key = "q.processes"
    if key is None:
        return said("q.grader_error")
    return joined(said(key, limit=failure.message, message=failure.message,
                       where=failure.where or "?"), at, separator=" ")


def observation_notes(rubric: ModuleType, observation: Observation, readable: bool = True
                      ) -> tuple[Said, ...]:
    """Say the notes attached to an observation (truncated output, keras bugs…); the rubric's
    notes only for a `readable` claim (one of the declared types)."""
    texts = []
    for note in observation.notes:
        key, _, value = note.partition(":")
        texts.append(said(f"note.{key}", count=value))
    notes = hook(rubric, "notes")  # optional (grader/contract.py)
    if observation.status == Status.OK and notes is not None and readable:
        texts += [said(key, **params) for key, params in notes(observation.question,
                                                                observation.data)]
    return tuple(texts)


def judge_question(assignment: Assignment, question: Question, sets: Sequence[ArgSet],
                   expected: Mapping[str, Observation | None], actual: Mapping[str, Observation]
                   ) -> QuestionResult:
    """Return the graded result of one question, observed with each of its argument sets (its
    sentences have no language yet: grader/localize.py words them)."""
    rubric = load_rubric(assignment)
    messages = assignment_messages(assignment.plugin.messages_module)
    echoes = ECHOES + tuple(hook(rubric, "ECHOES") or ())
    actual = {s.id: _trusted(actual[s.id], expected.get(s.id), echoes) for s in sets}
    first = actual[sets[0].id]
    problems = {s.id: first_problem(actual[s.id].data) if actual[s.id].status == Status.OK
                else None for s in sets}  # the claim against its declared types, once
    notes = tuple(dict.fromkeys(n for s in sets for n in observation_notes(
        rubric, actual[s.id], problems[s.id] is None)))
    base = {"id": question.id, "title": Both(question.title_en, question.title_fr),
            "max_score": question.points,
            "notes": notes, "output": first.output, "duration": round(first.duration, 3),
            "hidden_run": any(s.hidden for s in sets)}
    if all(actual[s.id].status != Status.OK for s in sets):
        status = first.status if first.status in STUDENT_FAULTS else GRADER_ERROR
        return QuestionResult(score=0.0, status=status, failure=first.failure,
                              message=failure_message(status, first.failure),
                              hidden_failure=sets[0].hidden, **base)
    if any(expected.get(s.id) is None or expected[s.id].status != Status.OK for s in sets):
        return QuestionResult(score=0.0, status=GRADER_ERROR, **base,
                              message=said("q.grader_error"),
                              failure=Failure("grader", "ReferenceUnavailable",
                                              "no reference observation for this question"))
    try:
        return _judged(assignment, question, sets, expected, actual, rubric, messages, problems,
                       base)
    except (AuthoringError, CriteriaError) as exc:  # the lab does not fit its checks: its fault
        return QuestionResult(score=0.0, status=GRADER_ERROR, **base,
                              message=said("q.grader_error"),
                              failure=Failure("judge", type(exc).__name__, str(exc)[:500]))


def _judged(assignment: Assignment, question: Question, sets: Sequence[ArgSet],
            expected: Mapping[str, Observation | None], actual: Mapping[str, Observation],
            rubric: ModuleType, messages: Catalog, problems: dict, base: dict) -> QuestionResult:
    """Judge every argument set's observation and score the question's criteria."""
    checks: list[CheckResult] = []
    attachments: dict = {}
    message: Text = ""
    failure, hidden_failure = None, False
    for arg_set in sets:
        want, got = expected[arg_set.id].data, actual[arg_set.id]
        problem = problems[arg_set.id]
        if problem is not None:  # the claim is not of the declared types (grader/observations.py)
            got = replace(got, status=ERROR, failure=Failure(
                "observe", MALFORMED, problem_text(problem), arg_set.id))
        if got.status == Status.OK and not _same_calls(want, got.data):
            got = replace(got, status=ERROR, failure=Failure(
                "observe", "ForeignResult", said("q.foreign_calls"), arg_set.id))
        if got.status == Status.OK:
            checks += run_checks(rubric, question.id, want, got.data, arg_set, messages,
                                 question.function)
            attachments = attachments or _attachments(
                question.id, want, got.data, question.show_layers,
                "" if arg_set.id == FIRST_SET else arg_set.id,
                assignment.layer_table, mentioned_settings(checks))
            continue
        status = got.status if got.status in STUDENT_FAULTS else ERROR
        why = failure_message(status, got.failure)
        set_checks = failed_set_checks(rubric, question.id, want, arg_set, why)
        checks += set_checks
        message = message or (set_checks[0].message if set_checks else why)
        if failure is None:
            failure, hidden_failure = got.failure, arg_set.hidden
    criteria = score_criteria(question, checks)
    passed = all(c.status == PASSED for c in checks)
    return QuestionResult(score=question_score(criteria), status=PASSED if passed else FAILED,
                          checks=tuple(checks), criteria=criteria, attachments=attachments,
                          message=message, failure=failure, hidden_failure=hidden_failure,
                          **base)


def _trusted(observation: Observation, reference: Observation | None,
             echoes: tuple[str, ...]) -> Observation:
    """The student's observation with its echo fields taken from the reference's: the expected
    side of a check is never the claim's (grader/observations.py)."""
    if observation.status != Status.OK or reference is None or reference.status != Status.OK:
        return observation
    return replace(observation, data=with_trusted_echoes(observation.data, reference.data, echoes))


def problem_text(problem: Problem) -> Said:
    """Say where a malformed claim departs from its declaration."""
    if not problem.expected:
        return said("q.malformed_missing", path=problem.path)
    return said("q.malformed_type", path=problem.path, expected=problem.expected,
                actual=problem.got)


def _same_calls(expected: dict, actual: dict) -> bool:
    """Whether the student's builds describe the very calls the reference's describe."""
    if "builds" not in expected:
        return True
    builds = actual.get("builds")
    return isinstance(builds, list) and len(builds) == len(expected["builds"]) and all(
        isinstance(b, dict) and b.get("args") == e["args"]
        for b, e in zip(builds, expected["builds"], strict=True))


def mentioned_settings(checks: Sequence[CheckResult]) -> tuple[str, ...]:
    """Return the layer settings the question's checks compared, in order ('units', …)."""
    found = (SETTING_PARAM.search(c.id) for c in checks if ".check_layer_setting[" in c.id)
    return tuple(dict.fromkeys(m.group(1) for m in found if m is not None))


def _attachments(question: str, expected: dict, actual: dict,
                 show_layers: bool = False, set_id: str = "", kinds: Kinds = LAYER_KINDS,
                 mentioned: tuple[str, ...] = ()) -> dict:
    """Collect the renderers' extras; a student's malformed data only loses them."""
    try:
        return collect_attachments(question, expected, actual, show_layers, set_id,
                                   kinds, mentioned)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return {}
