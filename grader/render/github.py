"""Render a report for GitHub Actions: workflow-command annotations and a markdown job summary."""

from __future__ import annotations

import html
import os

from grader.localize import said_report
from grader.messages import translate
from grader.model import FAILED, NOT_IMPLEMENTED, PASSED, GradeReport, QuestionResult
from grader.render.html import points


def inert(text: str, token: str) -> str:
    """Wrap printed text so that the runner runs no workflow command in it (::stop-commands::)."""
    return f"::stop-commands::{token}\n{text}::{token}::\n"


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: str | int) -> str:
    """Return one workflow command line such as ::error file=…,line=…,title=…::message."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{kind} {props}::{escape_data(message)}"


def submission_path(report: GradeReport, workspace: str) -> str:
    """Return the submission's path relative to the workspace (its name when outside)."""
    path = report.submission
    if workspace and os.path.isabs(path):
        relative = os.path.relpath(path, workspace)
        return os.path.basename(path) if relative.startswith("..") else relative
    return path


def question_annotations(result: QuestionResult, file: str) -> list[str]:
    """Return the annotations of one question: student frames, failed checks, or a notice."""
    title = f"{result.id} {result.title}"
    if result.status == PASSED:
        return []
    if result.status == NOT_IMPLEMENTED:
        return [command("warning", result.message, file=file, title=title)]
    frames = result.failure.frames if result.failure is not None else ()
    if frames and result.status != FAILED:
        folder = os.path.dirname(file)
        frame = frames[-1]
        return [command("error", result.message, file=os.path.join(folder, frame.file),
                        line=frame.line, title=title)]
    failed = [c for c in result.checks if c.status == FAILED]
    if not failed:
        return [command("error", result.message, file=file, title=title)]
    return [command("error", c.message + (f"\n{c.hint}" if c.hint else ""), file=file, title=title)
            for c in failed]


def render_annotations(report: GradeReport, workspace: str = "") -> str:
    """Return the annotation lines for every question that did not pass."""
    report = said_report(report)
    file = submission_path(report, workspace)
    lines = [line for q in report.questions for line in question_annotations(q, file)]
    return "".join(line + "\n" for line in lines)


def md(text: str) -> str:
    """Make text safe inside a markdown table cell (no HTML, no column breaks)."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def render_job_summary(report: GradeReport) -> str:
    """Return the markdown job summary: total, one row per question, the failed checks."""
    report = said_report(report)

    def t(key: str, **params: object) -> str:
        return translate(report.lang, key, **params)

    passed = sum(1 for q in report.questions if q.status == PASSED)
    lines = [f"## {md(t('html.title', assignment=report.assignment))}", "",
             f"**{points(report.score)} / {points(report.max_score)}** — "
             f"{md(t('html.passed_count', passed=passed, total=len(report.questions)))}", "",
             f"| {t('html.question')} | {t('html.points')} | {t('html.status')} |",
             "|---|---:|---|"]
    for q in report.questions:
        mark = "✓" if q.status == PASSED else "✗"
        lines.append(f"| {q.id} {md(q.title)} | {points(q.score)}/{points(q.max_score)} | "
                     f"{mark} {md(t(f'report.status.{q.status}'))} |")
    problems = [q for q in report.questions if q.status != PASSED]
    if problems:
        lines += ["", f"### {md(t('md.failed_checks'))}", ""]
    for q in problems:
        lines.append(f"- **{q.id}** {md(q.title)}")
        if q.message:
            lines.append(f"  - {md(q.message)}")
        lines += [f"  - {md(c.message)}" for c in q.checks if c.status == FAILED]
    return "\n".join(lines) + "\n\n"
