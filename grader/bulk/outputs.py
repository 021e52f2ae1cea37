"""Write a bulk run's files: per-student reports, class summary, gradebook CSVs, results JSON.

Every file is rendered from the students' reports (never re-grading) and written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from grader.assignment import Assignment
from grader.bulk.results import GRADE_SCALE, NOTHING_GRADED, StudentResult
from grader.bulk.summary import (
    CHART_HEIGHT,
    CHART_MARGIN,
    CHART_WIDTH,
    histogram,
    mean,
    median,
    question_stats,
)
from grader.disclosure import student_view
from grader.localize import said_report
from grader.model import PASSED, GradeReport, QuestionResult
from grader.render.json_report import render_json, write_atomically
from grader.render.review import evidence_line
from grader.render.templates import templates_dir

SUMMARY_TEMPLATE = "bulk_summary.html.j2"
STUDENTS = "students"
SUMMARY, GRADEBOOK, OTTER, RESULTS = "index.html", "gradebook.csv", "grades.csv", "results.json"

HtmlRenderer = Callable[[GradeReport], str]


@dataclass(frozen=True)
class RunInfo:
    """What the summary says about the run itself."""

    assignment: str
    input: str
    grader: str
    ignored: tuple[str, ...] = ()
    unmatched_manual: tuple[str, ...] = ()
    feedback_base: str = ""  # URL prefix of the students' reports in the feedback links
    pending: int = 0  # submissions not graded yet (an interrupted run)
    similarity: str = ""  # the similarity page beside the summary, when written
    student_view: Assignment | None = None  # students' reports in their view (None: --reveal)


def html_renderer() -> HtmlRenderer | None:
    """Return the per-student HTML renderer when the grader has one (grader/render/html.py),
    its template compiled once for the class."""
    try:
        from grader.render.html import render_html
        from grader.render.templates import template_environment
    except ImportError:
        return None
    return partial(render_html, environment=template_environment())


def student_paths(result: StudentResult) -> tuple[str, str]:
    """Return the JSON and HTML report paths of a student, relative to the output folder."""
    return f"{STUDENTS}/{result.student.key}.json", f"{STUDENTS}/{result.student.key}.html"


def write_student(out: Path, result: StudentResult, render_html: HtmlRenderer | None,
                  view: Assignment | None = None) -> str:
    """Write a student's JSON (and HTML) report, in the student's view of `view`'s lab unless
    None; return the path the feedback should link to."""
    json_path, html_path = student_paths(result)
    report = result.shown_report()
    if view is not None:
        report = student_view(report, view)
    write_atomically(out / json_path, render_json(report), durable=True)
    if render_html is not None:
        try:
            write_atomically(out / html_path, render_html(report), durable=True)
            return html_path
        except Exception:  # noqa: BLE001 - another team's renderer: the JSON is still there
            (out / html_path).unlink(missing_ok=True)
    return json_path


def _link(info: RunInfo, path: str) -> str:
    """Return the feedback link: relative, or under the published URL."""
    return f"{info.feedback_base.rstrip('/')}/{path}" if info.feedback_base else path


def _points(value: float) -> str:
    """Write points without useless decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV injection"


def cell(text: str) -> str:
    """Return a CSV text cell a spreadsheet shows as text: a leading ' before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render_gradebook(results: Sequence[StudentResult], links: dict[str, str], info: RunInfo) -> str:
    """Return the CSV for Moodle's grade import (offline grading worksheet columns)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Identifier", "Full name", "Grade", "Maximum Grade", "Feedback comments",
                     "Needs review"])
    for result in results:
        writer.writerow([cell(result.student.identifier), cell(result.student.name),
                         f"{result.grade:.2f}", f"{GRADE_SCALE:.2f}",
                         cell(_link(info, links[result.student.key])),
                         cell(review_cell(result.report))])
    return buffer.getvalue()


def render_otter_csv(results: Sequence[StudentResult]) -> str:
    """Return an otter-style CSV: a column per question, manual points, total, status."""
    questions = [q.id for q in results[0].report.questions] if results else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", *questions, "manual", "total", "possible", "percent_correct",
                     "grade_20", "status", "needs_review"])
    for result in results:
        scores = {q.id: q.score for q in result.report.questions}
        total = result.report.score + result.manual_total
        possible = result.report.max_score
        writer.writerow([cell(result.student.key), *(_points(scores.get(q, 0.0)) for q in questions),
                         _points(result.manual_total), _points(total), _points(possible),
                         f"{total / possible:.4f}" if possible else "0", f"{result.grade:.2f}",
                         result.state, cell(review_cell(result.report))])
    return buffer.getvalue()


def mark(question: QuestionResult) -> tuple[str, str]:
    """A student's mark for a question in the summary: passed, partial credit, or nothing."""
    if question.status == PASSED:
        return "✓", "passed"
    if question.score > 0:
        return "◐", "partial"
    return "✗", str(question.status)


def review_cell(report: GradeReport) -> str:
    """Return the first finding and how many more, "" when nothing needs review."""
    if not report.review:
        return ""
    more = len(report.review) - 1
    return evidence_line(report.review[0], "en") + (f" (+{more} more)" if more else "")


def reason(result: StudentResult) -> str:
    """Return why a student was not graded ("" when they were)."""
    if result.state in NOTHING_GRADED and result.report.notes:
        return result.report.notes[0]
    return ""


def results_json(results: Sequence[StudentResult], links: dict[str, str], info: RunInfo) -> str:
    """Return the machine-readable class results."""
    students = []
    for result in results:
        json_path, _ = student_paths(result)
        students.append({
            "key": result.student.key, "name": result.student.name,
            "identifier": result.student.identifier, "moodle_id": result.student.moodle_id,
            "source": result.student.source, "state": result.state, "reason": reason(result),
            "score": result.report.score, "max_score": result.report.max_score,
            "manual": [{"question": m.question, "points": m.points, "comment": m.comment}
                       for m in result.manual],
            "grade": result.grade, "report": json_path, "feedback": links[result.student.key],
            "statuses": {q.id: q.status for q in result.report.questions},
            "needs_review": result.report.needs_review,
            "review": [asdict(e) for e in result.report.review],
        })
    data = {"kind": "bulk_results", "schema": 1, "assignment": info.assignment,
            "input": info.input, "grader": info.grader, "scale": GRADE_SCALE,
            "ignored": list(info.ignored), "unmatched_manual": list(info.unmatched_manual),
            "pending": info.pending,
            "students": students}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def summary_context(results: Sequence[StudentResult], links: dict[str, str], info: RunInfo
                    ) -> dict[str, Any]:
    """Compute everything the summary template shows (the template only loops and prints)."""
    grades = [r.grade for r in results if r.state not in NOTHING_GRADED]
    stats = question_stats(results)
    rows = [{"key": r.student.key, "name": r.student.name, "identifier": r.student.identifier,
             "detail": r.student.identifier if r.student.moodle_id else r.student.key,
             "grade": f"{r.grade:.2f}", "score": _points(r.report.score),
             "max_score": _points(r.report.max_score), "manual": _points(r.manual_total),
             "state": r.state, "link": links[r.student.key],
             "marks": [mark(q) for q in r.report.questions],
             "notes": [n for n in (reason(r), *r.notes) if n],
             "review": bool(r.report.review)} for r in results]
    review = [{"name": r.student.name, "link": links[r.student.key],
               "lines": [evidence_line(e, "en") for e in r.report.review]}
              for r in results if r.report.review]
    return {
        "info": info, "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "count": len(results), "submitted": len(grades), "mean": f"{mean(grades):.2f}", "median": f"{median(grades):.2f}",
        "bars": histogram([r.grade for r in results]), "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT,
                                             "margin": CHART_MARGIN},
        "questions": [{"id": s.id, "title": s.title, "max_score": _points(s.max_score),
                       "graded": s.graded, "passed": s.passed, "rate": f"{s.pass_rate:.0%}",
                       "rate_width": round(100 * s.pass_rate), "mean": _points(s.mean_score),
                       "failures": s.failures, "partial": s.partial,
                       "zero": s.graded - s.passed - s.partial,
                       "criteria": [{"title": c.title, "points": _points(c.points),
                                     "rate": f"{c.pass_rate:.0%}", "passed": c.passed,
                                     "graded": c.graded} for c in s.criteria]} for s in stats],
        "rows": rows,
        "review": review,
        "question_ids": [s.id for s in stats],
    }


def render_summary_html(results: Sequence[StudentResult], links: dict[str, str], info: RunInfo
                        ) -> str:
    """Return the class summary page."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.get_template(SUMMARY_TEMPLATE).render(summary_context(results, links, info))


def write_outputs(out: Path, results: Sequence[StudentResult], info: RunInfo) -> dict[str, Path]:
    """Write every output file; return their paths by kind."""
    render_html = html_renderer()
    ordered = sorted(results, key=lambda r: r.student.key)
    links = {r.student.key: write_student(out, r, render_html, info.student_view)
             for r in ordered}
    ordered = [replace(r, report=said_report(r.report)) for r in ordered]  # the class's files
    files = {"summary": out / SUMMARY, "gradebook": out / GRADEBOOK, "otter": out / OTTER,
             "results": out / RESULTS}
    write_atomically(files["gradebook"], render_gradebook(ordered, links, info), durable=True)
    write_atomically(files["otter"], render_otter_csv(ordered), durable=True)
    write_atomically(files["results"], results_json(ordered, links, info), durable=True)
    write_atomically(files["summary"], render_summary_html(ordered, links, info), durable=True)
    return files
