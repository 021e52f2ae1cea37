"""Render a report as JUnit XML: one testcase per check, the question id as classname."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.localize import said_report
from grader.messages import code, translate
from grader.model import (
    FAILED,
    PASSED,
    SKIPPED,
    CheckResult,
    CriterionResult,
    GradeReport,
    QuestionResult,
)
from grader.wording import say, source_text


def points(value: float) -> str:
    """Write points without useless decimals: 1.5, 2, 0.75."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def criterion_line(criterion: CriterionResult | None, lang: str) -> list[str]:
    """Return the line naming a check's criterion and its points, if it has one."""
    if criterion is None:
        return []
    return [translate(lang, "junit.criterion", title=criterion.title,
                      score=points(criterion.score), points=points(criterion.points))]


def check_text(check: CheckResult, lang: str, criterion: CriterionResult | None = None) -> str:
    """Return a failed check's details: message, expected and got, hint, its criterion."""
    lines = [check.message]
    if check.expected is not None or check.actual is not None:
        lines.append(f"{translate(lang, 'html.expected')}: {code(check.expected)}")
        lines.append(f"{translate(lang, 'html.got')}: {code(check.actual)}")
    if check.hint:
        lines.append(translate(lang, "report.hint", hint=check.hint))
    return "\n".join(lines + criterion_line(criterion, lang))


def question_text(result: QuestionResult, lang: str) -> str:
    """Return why a question could not be judged, with the student's frames."""
    lines = [result.message]
    if result.failure is not None:
        lines += [translate(lang, "report.frame", file=say(source_text(f.file), lang), line=f.line,
                            function=f.function) + (f": {f.code}" if f.code else "")
                  for f in result.failure.frames]
    return "\n".join(lines)


def _seconds(value: float) -> str:
    """Write a duration as JUnit does."""
    return f"{value:.3f}"


def question_cases(result: QuestionResult, lang: str) -> list[ET.Element]:
    """Return the testcases of one question: its checks, or one case when it was not judged."""
    if not result.checks or result.status not in (PASSED, FAILED):
        case = ET.Element("testcase", classname=result.id, name=result.id,
                          time=_seconds(result.duration))
        if result.status != PASSED:
            failure = ET.SubElement(case, "failure", type=result.status, message=result.message)
            failure.text = question_text(result, lang)
        return [case]
    share = result.duration / len(result.checks)
    owner = {i: c for c in result.criteria for i in c.checks}
    cases = []
    for check in result.checks:
        case = ET.Element("testcase", classname=result.id, name=check.id, time=_seconds(share))
        criterion = owner.get(check.id)
        if criterion is not None:
            properties = ET.SubElement(case, "properties")
            ET.SubElement(properties, "property", name="criterion", value=criterion.id)
            ET.SubElement(properties, "property", name="criterion_points",
                          value=f"{points(criterion.score)}/{points(criterion.points)}")
        if check.status == FAILED:
            failure = ET.SubElement(case, "failure", type="check", message=check.message)
            failure.text = check_text(check, lang, criterion)
        elif check.status == SKIPPED:
            ET.SubElement(case, "skipped", message=check.message)
        cases.append(case)
    return cases


def render_junit(report: GradeReport) -> str:
    """Return the report as a JUnit XML document (clean text holds no XML-forbidden character)."""
    report = said_report(report)
    cases = [case for result in report.questions for case in question_cases(result, report.lang)]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    skipped = sum(1 for case in cases if case.find("skipped") is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0",
              "skipped": str(skipped), "time": _seconds(report.duration)}
    root = ET.Element("testsuites", name=report.assignment, **counts)
    suite = ET.SubElement(root, "testsuite", name=report.assignment, **counts)
    properties = ET.SubElement(suite, "properties")
    for name, value in (("submission", report.submission), ("score", f"{report.score:g}"),
                        ("max_score", f"{report.max_score:g}"), ("lang", report.lang),
                        ("grader_version", report.grader_version)):
        ET.SubElement(properties, "property", name=name, value=value)
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
