"""Render a report as Gradescope's results.json (and one for a grading that failed)."""

from __future__ import annotations

import json
from typing import Any

from grader.localize import said_report
from grader.messages import translate
from grader.model import PASSED, GradeReport, QuestionResult
from grader.render.terminal import render_question, render_terminal

VISIBILITY = "visible"


def test_entry(result: QuestionResult, lang: str) -> dict[str, Any]:
    """Return the Gradescope test of one question."""
    passed = sum(1 for c in result.checks if c.status == PASSED)
    lines = render_question(result, lang)[1:]
    if result.checks:
        lines.insert(0, translate(lang, "html.checks", passed=passed, total=len(result.checks)))
    return {"name": f"{result.id} {result.title}", "number": result.id.lstrip("q"),
            "score": result.score, "max_score": result.max_score,
            "status": "passed" if result.status == PASSED else "failed",
            "output": "\n".join(line.removeprefix("    ").rstrip() for line in lines), "visibility": VISIBILITY}


def gradescope_results(report: GradeReport) -> dict[str, Any]:
    """Return the results as Gradescope reads them; the tests' scores add up to the score."""
    return {"score": report.score, "execution_time": round(report.duration, 2),
            "output": render_terminal(report), "visibility": VISIBILITY,
            "tests": [test_entry(q, report.lang) for q in report.questions]}


def failed_results(reason: str, lang: str, grader_fault: bool = True) -> dict[str, Any]:
    """Return the results of a grading that could not happen: score 0 and the reason."""
    key = "report.grader_failed" if grader_fault else "report.not_graded"
    return {"score": 0.0, "execution_time": 0.0, "visibility": VISIBILITY, "tests": [],
            "output": translate(lang, key, reason=reason)}


def dump(results: dict[str, Any]) -> str:
    """Write results as stable JSON."""
    return json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_gradescope(report: GradeReport) -> str:
    """Return the report as Gradescope's results.json text."""
    return dump(gradescope_results(said_report(report)))


def render_gradescope_failure(reason: str, lang: str = "en", grader_fault: bool = True) -> str:
    """Return the results.json text of a grading that failed (by the grader's fault or not)."""
    return dump(failed_results(reason, lang, grader_fault))
