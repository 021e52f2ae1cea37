"""What a student's report may show: the student's view of a report, a pure step before renderers.

The instructor's view (the gradebook, `grade --instructor`, `grade bulk --reveal`) is the report
as judged. The student's view (`grade`, `%grade`, the per-student reports of `grade bulk`) follows
each check's policy, declared in assignment.toml per question and criterion (`show`,
`show_hidden`; grader/assignment.py):
- "value": expected against got, and the reference's layer table beside the student's;
- "described": the checks' messages, which speak of a described target ("within 5% of the
  parameter count of build_mlp(…, 3)"), never the reference's model (its layer table): for a value
  the student must find (q4's width);
- "match-only": only whether it matched: where and what, no expected or actual value.
A hidden argument set is "match-only" unless declared otherwise: "a hidden case with other
arguments" plus the property that failed, never its arguments or values (nor its layer table, its
exception's text or its output); a hidden failure of a check that also failed on a public set is
the same mistake, said once (by the public one). Once a hidden set ran, what the student's code
printed and the text and call of an exception it raised there are not shown (they may hold its
arguments): the exception's kind and the student's own lines are.
"""

from __future__ import annotations

from dataclasses import replace

from grader.assignment import Assignment, Question
from grader.model import FAILED, CheckResult, GradeReport, QuestionResult
from grader.render import same_mistake
from grader.wording import Said, Text, said

HIDDEN_MARK = "set=hidden-"
HIDDEN_SET = "hidden-"
WHAT_SEPARATOR = " — "  # "<where>: <what> — expected E, got A." (messages' mismatch sentence)


def student_view(report: GradeReport, assignment: Assignment) -> GradeReport:
    """Return the report as a student may read it."""
    questions = tuple(student_question(q, assignment) for q in report.questions)
    return replace(report, questions=questions)


def student_question(result: QuestionResult, assignment: Assignment) -> QuestionResult:
    """Return one question's result as a student may read it."""
    try:
        question = assignment.question(result.id)
    except KeyError:  # a question of another version of the lab: the defaults (values shown,
        question = Question(result.id, "", 0, "", "", 0)  # hidden sets protected)
    return question_view(result, question)


def is_hidden(check_id: str) -> bool:
    """Whether a check was made with a hidden argument set."""
    return HIDDEN_MARK in check_id


def question_view(result: QuestionResult, question: Question) -> QuestionResult:
    """One question as the student may read it, each check under its criterion's policy."""
    criterion_of = {check: c.id for c in result.criteria for check in c.checks}
    titles = {check: c.title for c in result.criteria for check in c.checks}
    public_failures = {same_mistake(c.id, None, None) for c in result.checks
                       if c.status == FAILED and not is_hidden(c.id)}
    shown: list[CheckResult] = []
    for check in result.checks:
        hidden = is_hidden(check.id)
        if hidden and check.status == FAILED and same_mistake(check.id, None, None) in \
                public_failures:
            continue  # said by the public set's check
        policy = question.policy(criterion_of.get(check.id), hidden)
        shown.append(_check_view(check, policy, hidden, titles.get(check.id, result.title)))
    views = {c.id: c for c in shown}
    changed = {c.message: views[c.id].message for c in result.checks
               if c.id in views and views[c.id].message != c.message}
    dropped = {c.message for c in result.checks if c.id not in views}
    message = result.message
    from_hidden = any(c.message == message for c in result.checks if is_hidden(c.id))
    if message in changed:
        message = changed[message]
    elif message in dropped or (from_hidden and question.show_hidden != "value"):
        message = next((c.message for c in shown if is_hidden(c.id) and c.status == FAILED), "")
    failure, output, notes = result.failure, result.output, result.notes
    protected = question.show_hidden != "value"
    if protected and failure is not None and (result.hidden_failure or from_hidden):
        hidden_raised = said("disclosure.hidden_raised", kind=failure.type)
        message = hidden_raised if message == result.message else message
        failure = replace(failure, message=hidden_raised, where="")  # its text and call hold the arguments
    if protected and result.hidden_run and output:  # printed while it ran with hidden arguments
        output, notes = "", (*notes, said("disclosure.output_hidden"))
    return replace(result, attachments=_attachments(result.attachments, question),
                   checks=tuple(shown), message=message, failure=failure, notes=notes,
                   output=output)


def _check_view(check: CheckResult, policy: str, hidden: bool, what: Text) -> CheckResult:
    """One check under its policy: unchanged ('value', 'described'), or only whether it matched."""
    if policy != "match-only":
        return check
    if hidden:
        key = "disclosure.hidden_failed" if check.status == FAILED else "disclosure.hidden_passed"
        return replace(check, message=said(key, what=what), expected=None, actual=None)
    if check.status != FAILED:
        return replace(check, expected=None)
    return replace(check, message=said("disclosure.not_matched", what=_where_what(check, what)),
                   expected=None, actual=None)


def _where_what(check: CheckResult, title: Text) -> Text:
    """Where a check looked and what it compared ("Q3, layer 1 (Dense): units"), from its
    sentence; the criterion's title when the sentence does not say."""
    message = check.message
    if isinstance(message, Said) and message.param("where") is not None:
        what = message.param("what")
        return message.param("where") if what is None else said("disclosure.where_what",
                                                                 where=message.param("where"),
                                                                 what=what)
    if isinstance(message, str) and WHAT_SEPARATOR in message:  # a report read back from JSON
        return message.split(WHAT_SEPARATOR)[0]
    return title


def _attachments(attachments: dict, question: Question) -> dict:
    """The layer tables a student may see: never a hidden set's; the reference's side only
    where every check of the question shows values."""
    if "layers" not in attachments:
        return attachments
    tables = [t for t in attachments["layers"] if isinstance(t, dict)
              and (question.show_hidden == "value"
                   or not str(t.get("set", "")).startswith(HIDDEN_SET))]
    if not question.shows_reference:
        tables = [{**t, "expected": [], "same": False, "described": True} for t in tables]
    return {**attachments, "layers": tables} if tables else {
        k: v for k, v in attachments.items() if k != "layers"}
