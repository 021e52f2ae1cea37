"""Render a report as one self-contained HTML page (inline CSS, images inlined, no scripts)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jinja2

from grader.layer_kinds import column_order
from grader.localize import said_report
from grader.messages import code, translate
from grader.model import (
    ERROR,
    FAILED,
    GRADER_ERROR,
    NOT_IMPLEMENTED,
    PASSED,
    SKIPPED,
    CriterionResult,
    GradeReport,
    QuestionResult,
)
from grader.render import mistakes, placed_tables, same_mistake, where_else
from grader.render.review import review_lines
from grader.render.templates import template_environment
from grader.wording import say, source_text

TEMPLATE = "report.html.j2"
LABELS = ("submission", "total", "questions", "question", "points", "status", "item", "expected",
          "got", "layer", "traceback", "figure", "figure_alt", "output", "notes", "answers",
          "answers_none", "manual_points", "limits", "criteria", "subject")
TONES = {PASSED: "ok", FAILED: "bad", NOT_IMPLEMENTED: "todo", GRADER_ERROR: "warn"}
BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
MISSING = "—"


def points(value: float) -> str:
    """Write points without useless decimals: 1.5, 2, 0.75."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def shown(value: Any) -> str:
    """Write a value as code, or a dash when there is none."""
    return MISSING if value is None else code(value)


def cell(value: Any, other: Any) -> dict[str, Any]:
    """Return a table cell that is highlighted when it differs from its counterpart."""
    return {"text": shown(value), "diff": value != other}


def value_rows(expected: Any, actual: Any) -> list[dict[str, Any]]:
    """Pair up expected and actual values: per key for dicts, per index for lists, else one row."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        labels = sorted(set(expected) | set(actual))
        pairs = [(f"{k}", expected.get(k), actual.get(k)) for k in labels]
    elif isinstance(expected, list) and isinstance(actual, list) and max(len(expected),
                                                                         len(actual)) > 1:
        size = max(len(expected), len(actual))
        pairs = [(f"[{i}]", _at(expected, i), _at(actual, i)) for i in range(size)]
    else:
        pairs = [("", expected, actual)]
    return [{"label": label, "expected": cell(want, got), "got": cell(got, want)}
            for label, want, got in pairs]


def _at(values: list[Any], index: int) -> Any:
    """Return values[index], or None past the end."""
    return values[index] if index < len(values) else None


def is_records(value: Any) -> bool:
    """Whether a value is a non-empty list of dicts (e.g. a layer stack)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def records_table(expected: list[dict[str, Any]], actual: list[dict[str, Any]],
                  write: Callable[[Any], str] = shown) -> dict[str, Any]:
    """Lay two lists of records side by side, one row per index, differing cells highlighted."""
    present = {k for record in [*expected, *actual] for k, v in record.items() if v is not None}
    columns = column_order(present)
    rows = []
    for index in range(max(len(expected), len(actual))):
        want, got = _at(expected, index) or {}, _at(actual, index) or {}
        rows.append({"index": index + 1,
                     "expected": [_record_cell(want, got, c, write) for c in columns],
                     "got": [_record_cell(got, want, c, write) for c in columns]})
    return {"columns": columns, "rows": rows}


def _record_cell(record: dict[str, Any], other: dict[str, Any], column: str,
                 write: Callable[[Any], str]) -> dict[str, Any]:
    """Return one cell of a records table, a dash when the record lacks the column."""
    value = record.get(column)
    return {"text": MISSING if value is None else write(value), "diff": value != other.get(column)}


def check_view(check: Any) -> dict[str, Any]:
    """Describe one check for the template; failed ones get an expected-vs-got table."""
    view = {"id": check.id, "status": check.status, "message": check.message, "hint": check.hint,
            "rows": [], "records": None, "also": "",
            "mistake": same_mistake(check.id, check.expected, check.actual)}
    if check.status != FAILED or (check.expected is None and check.actual is None):
        return view
    if is_records(check.expected) or is_records(check.actual):
        view["records"] = records_table(check.expected or [], check.actual or [])
    else:
        view["rows"] = value_rows(check.expected, check.actual)
    return view


def figure_uri(result: QuestionResult) -> str:
    """Return the student's figure as a data URI, or '' when there is none (or it is not base64)."""
    png = result.attachments.get("figure") or ""
    if not isinstance(png, str) or not png or not BASE64.match(png):
        return ""
    return "data:image/png;base64," + "".join(png.split())


def frames_view(result: QuestionResult, lang: str) -> list[dict[str, str]]:
    """Return the student's own frames when their code raised (not for judged questions)."""
    if result.failure is None or result.status in (PASSED, FAILED, NOT_IMPLEMENTED):
        return []
    return [{"where": translate(lang, "report.frame", file=say(source_text(f.file), lang), line=f.line,
                                function=f.function), "code": f.code}
            for f in result.failure.frames]


def criterion_view(criterion: CriterionResult, checks: dict[str, dict[str, Any]], lang: str,
                   tables: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Describe one criterion: its points, the checks that failed (else the unchecked ones),
    and the layer tables its failures are about (the first shown, the others folded)."""
    own = [checks[i] for i in criterion.checks if i in checks]
    failed = [c for c in own if c["status"] == FAILED]
    unchecked = [c for c in own if c["status"] == SKIPPED]
    summary = (translate(lang, "html.criterion_passed", total=len(own)) if criterion.passed
               else translate(lang, "html.criterion_checks", failed=len(failed) + len(unchecked),
                              total=len(own)))
    return {"id": criterion.id, "title": criterion.title, "subject": criterion.subject,
            "score": points(criterion.score), "points": points(criterion.points),
            "tone": "ok" if criterion.passed else "bad", "mark": "✓" if criterion.passed else "✗",
            "summary": summary,
            "failed": said_once(failed, lang) or unchecked[:1],
            "layers": tables or [],
            "more_layers": translate(lang, "html.more_layers", count=len(tables or []) - 1,
                                     labels=", ".join(t["label"] for t in (tables or [])[1:]))}


def layer_view(stack: dict[str, Any]) -> dict[str, Any]:
    """One layer table (the student's layers beside the reference's, unless described)."""
    return {"label": stack["label"], "described": bool(stack.get("described")),
            **records_table(stack["actual"] if stack.get("described") else stack["expected"],
                            stack["actual"], str)}


def tables_by_criterion(result: QuestionResult) -> dict[str, list[dict[str, Any]]]:
    """The layer tables to show, each under the criterion whose failure it explains."""
    return {key: [layer_view(s) for s in stacks] for key, stacks in placed_tables(result).items()}


def said_once(failed: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Keep one view per mistake, saying where else it holds."""
    return [{**view, "also": where_else(view["id"], others, lang), "others": others}
            for view, others in mistakes(failed, lambda c: c["id"], lambda c: c["mistake"],
                                         lambda c: c["message"])]


def question_view(result: QuestionResult, lang: str) -> dict[str, Any]:
    """Compute what the template shows of one question."""
    checks = [check_view(c) for c in result.checks]
    passed = [c for c in checks if c["status"] == PASSED]
    tables = tables_by_criterion(result)
    return {
        "id": result.id, "title": result.title, "status": result.status,
        "status_label": translate(lang, f"report.status.{result.status}"),
        "tone": TONES.get(result.status, "bad"),
        "score": points(result.score), "max_score": points(result.max_score),
        "message": result.message, "frames": frames_view(result, lang),
        "checks_label": translate(lang, "html.checks", passed=len(passed), total=len(checks))
        if checks else "",
        "failed": said_once([c for c in checks if c["status"] == FAILED], lang),
        "criteria": [criterion_view(c, {v["id"]: v for v in checks}, lang, tables.get(c.id))
                     for c in result.criteria],
        "skipped": [c for c in checks if c["status"] == SKIPPED],
        "passed": passed,
        "passed_label": translate(lang, "html.passed_checks", count=len(passed)),
        "layers": tables.get("", []),
        "figure": figure_uri(result), "notes": list(result.notes), "output": result.output,
    }


def limits_view(report: GradeReport) -> list[str]:
    """List what was skipped or limited: stopped questions, unchecked checks (the report's notes
    stand in their own section, a question's under that question only: each said once)."""
    lines: list[str] = []
    for result in report.questions:
        if result.status not in (PASSED, FAILED, NOT_IMPLEMENTED, ERROR):
            status = translate(report.lang, f"report.status.{result.status}")
            lines.append(f"{result.id} ({status}): {result.message}")
        lines += [f"{result.id}: {c.message}" for c in result.checks if c.status == SKIPPED]
    return lines


def answers_view(report: GradeReport) -> list[dict[str, str]]:
    """Return the free-text answers in question order (unknown keys last, sorted)."""
    order = {q.id: i for i, q in enumerate(report.questions)}
    keys = sorted(report.answers, key=lambda k: (order.get(k, len(order)), k))
    return [{"question": k, "text": str(report.answers[k])} for k in keys]


def report_view(report: GradeReport) -> dict[str, Any]:
    """Compute everything the page shows (the template only loops and prints)."""
    lang = report.lang
    passed = sum(1 for q in report.questions if q.status == PASSED)
    share = report.score / report.max_score if report.max_score else 0.0
    return {
        "lang": lang,
        "label": {key: translate(lang, f"html.{key}") for key in LABELS},
        "title": translate(lang, "html.title", assignment=report.assignment),
        "submission": report.submission,
        "score": points(report.score), "max_score": points(report.max_score),
        "percent": round(100 * share), "tone": "ok" if passed == len(report.questions) else "bad",
        "passed_count": translate(lang, "html.passed_count" if report.hidden_sets
                                  else "html.passed_count_public", passed=passed,
                                  total=len(report.questions)),
        "questions": [question_view(q, lang) for q in report.questions],
        "limits": limits_view(report),
        "notes": list(report.notes),
        "review": review_lines(report),
        "answers": answers_view(report),
        "footer": translate(lang, "html.footer", version=report.grader_version or "?",
                            duration=points(report.duration)),
    }


def render_html(report: GradeReport, environment: jinja2.Environment | None = None) -> str:
    """Return the report as a self-contained HTML page (a class's reports pass one
    `environment`, so that the template compiles once)."""
    template = (environment or template_environment()).get_template(TEMPLATE)
    return template.render(page=report_view(said_report(report)))
