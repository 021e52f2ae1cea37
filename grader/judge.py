"""Judge one question: compare the student's observation with the reference's. Pure, no keras."""

from __future__ import annotations

import importlib
from types import ModuleType

from grader.assignment import Question
from grader.attachments import collect_attachments
from grader.checks.base import JudgeContext, Skip, check_id
from grader.messages import source_name, translate
from grader.model import (
    ERROR,
    FAILED,
    GRADER_ERROR,
    NOT_IMPLEMENTED,
    PASSED,
    CheckResult,
    Failure,
    Observation,
    QuestionResult,
)
from grader.scoring import question_score

SKIPPED = "skipped"


def load_rubric(assignment: str) -> ModuleType:
    """Return the rubric module of an assignment (its RUBRIC and notes)."""
    return importlib.import_module(f"grader.{assignment}.rubric")


def run_checks(rubric: ModuleType, question: str, expected: dict, actual: dict, lang: str
               ) -> tuple[CheckResult, ...]:
    """Run every check the rubric picks for the question; report every difference."""
    ctx = JudgeContext(question, lang)
    results = []
    for check in rubric.RUBRIC[question](expected):
        try:
            verdict = check(ctx, expected, actual)
        except Skip as skip:
            results.append(CheckResult(check_id(question, check), SKIPPED,
                                       translate(lang, "skipped", where=skip.where,
                                                 reason=skip.reason)))
            continue
        results.append(CheckResult(check_id(question, check), PASSED if verdict.passed else FAILED,
                                   verdict.message, verdict.expected, verdict.actual, verdict.hint))
    return tuple(results)


def location(failure: Failure, lang: str = "en") -> str:
    """Return 'td_keras.py, line 41' for the innermost student frame, or ''."""
    if not failure.frames:
        return ""
    frame = failure.frames[-1]
    return translate(lang, "q.location", file=source_name(lang, frame.file), line=frame.line)


def failure_message(status: str, failure: Failure | None, lang: str) -> str:
    """Say in one line why a question could not be judged."""
    if status == NOT_IMPLEMENTED:
        return translate(lang, "q.not_implemented")
    if failure is None or status == GRADER_ERROR:
        return translate(lang, "q.grader_error")
    where = location(failure, lang)
    suffix = " " + translate(lang, "q.at", location=where) if where else ""
    if status == ERROR and failure.phase == "cell":  # a notebook cell that does not run
        return translate(lang, "q.cell_failed", cell=source_name(lang, failure.where),
                         type=failure.type, message=failure.message) + suffix
    if status == ERROR and failure.phase == "import":
        return translate(lang, "q.import_failed", type=failure.type, message=failure.message) + suffix
    if status == ERROR and failure.type == "AttributeError" and not failure.frames:
        return translate(lang, "q.missing_function", message=failure.message)
    if status == ERROR:
        return translate(lang, "q.raised", function=failure.where, type=failure.type,
                         message=failure.message) + suffix
    key = {"timeout": "q.timeout", "memory": "q.memory", "crashed": "q.crashed"}.get(status)
    if failure.type == "ProcessLimit":
        key = "q.processes"
    if key is None:
        return translate(lang, "q.grader_error")
    return translate(lang, key, limit=failure.message, message=failure.message,
                     where=failure.where or "?") + suffix


def observation_notes(rubric: ModuleType, observation: Observation, lang: str) -> tuple[str, ...]:
    """Translate the notes attached to an observation (truncated output, keras bugs…)."""
    texts = []
    for note in observation.notes:
        key, _, value = note.partition(":")
        texts.append(translate(lang, f"note.{key}", count=value))
    if observation.status == "ok":
        texts += [translate(lang, key, **params)
                  for key, params in rubric.notes(observation.question, observation.data)]
    return tuple(texts)


def judge_question(assignment: str, question: Question, expected: Observation | None,
                   actual: Observation, lang: str = "en") -> QuestionResult:
    """Return the graded result of one question."""
    rubric = load_rubric(assignment)
    notes = observation_notes(rubric, actual, lang)
    base = {"id": question.id, "title": question.title(lang), "max_score": question.points,
            "notes": notes, "output": actual.output, "duration": round(actual.duration, 3)}
    if actual.status != "ok":
        status = GRADER_ERROR if actual.status not in (NOT_IMPLEMENTED, ERROR, "timeout", "memory",
                                                       "crashed") else actual.status
        return QuestionResult(score=0.0, status=status, failure=actual.failure,
                              message=failure_message(status, actual.failure, lang), **base)
    if expected is None or expected.status != "ok":
        return QuestionResult(score=0.0, status=GRADER_ERROR, **base,
                              message=translate(lang, "q.grader_error"),
                              failure=Failure("grader", "ReferenceUnavailable",
                                              "no reference observation for this question"))
    try:
        checks = run_checks(rubric, question.id, expected.data, actual.data, lang)
        attachments = collect_attachments(question.id, expected.data, actual.data, lang)
    except Exception as exc:  # noqa: BLE001 - a check that breaks is the grader's fault
        return QuestionResult(score=0.0, status=GRADER_ERROR, **base,
                              message=translate(lang, "q.grader_error"),
                              failure=Failure("judge", type(exc).__name__, str(exc)[:500]))
    passed = all(c.status == PASSED for c in checks)
    return QuestionResult(score=question_score(question.points, checks),
                          status=PASSED if passed else FAILED, checks=checks,
                          attachments=attachments, **base)
