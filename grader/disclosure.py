"""What a student's report may show: the student's view of a report, a pure step before renderers.

The instructor's view (the gradebook, `grade --instructor`, `grade bulk --reveal`) is the report
as judged. The student's view (`grade`, `%grade`, the per-student reports of `grade bulk`):
- a question declared `disclose = "described"` in assignment.toml (a value the student must
  find, e.g. q4's width) never shows the reference's layer table, only the checks' described
  targets ("within 5% of the parameter count of build_mlp(…, 3)");
- a hidden argument set is "a hidden case with other arguments" plus the property that failed:
  never its arguments, expected or actual values; a hidden failure of a check that also failed
  on a public set is the same mistake, said once (by the public one); what the student's code
  printed, and the text and call of an exception it raised, are not shown once a hidden set ran
  (they may hold its arguments): the exception's kind and the student's own lines are.
"""

from __future__ import annotations

from dataclasses import replace

from grader.assignment import Assignment
from grader.messages import translate
from grader.model import FAILED, CheckResult, GradeReport, QuestionResult
from grader.render import same_mistake

HIDDEN_MARK = "set=hidden-"


def student_view(report: GradeReport, assignment: Assignment) -> GradeReport:
    """Return the report as a student may read it."""
    questions = tuple(student_question(q, assignment, report.lang) for q in report.questions)
    return replace(report, questions=questions)


def student_question(result: QuestionResult, assignment: Assignment, lang: str
                     ) -> QuestionResult:
    """Return one question's result as a student may read it."""
    try:
        disclose = assignment.question(result.id).disclose
    except KeyError:  # a question of another version of the lab: nothing to hide by policy
        disclose = "value"
    return _question_view(result, disclose, lang)


def _question_view(result: QuestionResult, disclose: str, lang: str) -> QuestionResult:
    """One question as the student may read it."""
    attachments = dict(result.attachments)
    if disclose == "described" and "layers" in attachments:
        attachments["layers"] = [{**table, "expected": [], "same": False, "described": True}
                                 for table in attachments["layers"] if isinstance(table, dict)]
    titles = {check: c.title for c in result.criteria for check in c.checks}
    public_failures = {same_mistake(c.id, None, None) for c in result.checks
                       if c.status == FAILED and HIDDEN_MARK not in c.id}
    checks = tuple(_hidden_check(c, titles.get(c.id, result.title), lang)
                   if HIDDEN_MARK in c.id else c for c in result.checks
                   if not (HIDDEN_MARK in c.id and c.status == FAILED
                           and same_mistake(c.id, None, None) in public_failures))
    message, failure, notes = result.message, result.failure, result.notes
    if any(c.message == message for c in result.checks if HIDDEN_MARK in c.id):
        message = next((c.message for c in checks if HIDDEN_MARK in c.id), "")
    if result.hidden_failure and failure is not None:  # its text and call hold the arguments
        said = translate(lang, "disclosure.hidden_raised", kind=failure.type)
        message = said if message == result.message else message
        failure = replace(failure, message=said, where="")
    output = result.output
    if result.hidden_run and output:  # printed while it ran with the hidden arguments too
        output, notes = "", (*notes, translate(lang, "disclosure.output_hidden"))
    return replace(result, attachments=attachments, checks=checks, message=message,
                   failure=failure, notes=notes, output=output)


def _hidden_check(check: CheckResult, what: str, lang: str) -> CheckResult:
    """A hidden set's check, without its arguments or values: which property, and the verdict."""
    key = "disclosure.hidden_failed" if check.status == FAILED else "disclosure.hidden_passed"
    return replace(check, message=translate(lang, key, what=what), expected=None, actual=None)
