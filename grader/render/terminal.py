"""Render a report for the terminal: a line per question, a line per failed check, a summary."""

from __future__ import annotations

from grader.layer_kinds import column_order
from grader.localize import said_report
from grader.messages import translate
from grader.model import (
    FAILED,
    NOT_IMPLEMENTED,
    PASSED,
    CheckResult,
    CriterionResult,
    GradeReport,
    QuestionResult,
)
from grader.render import mistakes, placed_tables, same_mistake, where_else
from grader.render.review import review_lines
from grader.wording import say, source_text

MAX_LINES_PER_QUESTION = 8
MAX_FRAMES = 3
GREEN, RED, YELLOW, DIM, RESET = "\033[32m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"
CONTINUATION = "┆ "  # starts the continuation lines of a multi-line text


def one_line_each(lines: list[str]) -> list[str]:
    """Split entries that hold newlines; their continuation lines are indented past their first
    line and marked, so no text (a student's) ever starts a line that reads like the grader's."""
    split = []
    for line in lines:
        first, *rest = line.split("\n")
        indent = " " * (len(first) - len(first.lstrip(" ")) + 2)
        split += [first, *(f"{indent}{CONTINUATION}{part}" for part in rest)]
    return split


def _paint(text: str, colour: str, enabled: bool) -> str:
    """Wrap text in an ANSI colour when colours are on."""
    return f"{colour}{text}{RESET}" if enabled else text


def _points(value: float) -> str:
    """Write points without useless decimals: 1.5, 2, 0.75."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_question(result: QuestionResult, lang: str, colour: bool = False) -> list[str]:
    """Return the lines of one question."""
    status = translate(lang, f"report.status.{result.status}")
    mark = _paint("✓", GREEN, colour) if result.status == PASSED else _paint("✗", RED, colour)
    score = f"{_points(result.score)}/{_points(result.max_score)}"
    lines = [f"{mark} {result.id:<4} {result.title:<52} {score:>9}  {status}"]
    said_below = result.status == FAILED and any(c.message == result.message for c in result.checks)
    if result.message and not said_below:
        lines.append(f"    {result.message}")
    shown_once = result.failure is not None and result.failure.phase == "import"  # in the notes
    if result.failure is not None and not shown_once and result.status not in (PASSED, FAILED,
                                                                                NOT_IMPLEMENTED):
        for frame in result.failure.frames[-MAX_FRAMES:]:
            code = f": {frame.code}" if frame.code else ""
            where = translate(lang, "report.frame", file=say(source_text(frame.file), lang), line=frame.line,
                              function=frame.function)
            lines.append(_paint(f"      {where}{code}", DIM, colour))
    tables = {key: [t for t in stacks if t.get("always")]  # show_layers (assignment.toml)
              for key, stacks in placed_tables(result).items()}
    if result.status == FAILED and result.criteria:
        lines += render_criteria(result, lang, colour, tables)
    else:
        lines += render_checks([c for c in result.checks if c.status == FAILED], "    ", lang,
                               colour)
        tables = {"": [t for stacks in tables.values() for t in stacks]}
    for table in tables.get("", ()):
        lines += render_layers(table, lang, colour)
    for note in result.notes:
        lines.append(_paint("    " + translate(lang, "report.note", note=note), YELLOW, colour))
    return one_line_each(lines)


def render_layers(table: dict, lang: str, colour: bool) -> list[str]:
    """Return a question's layer table (the student's layers, with the reference's row under
    each row that differs), columns aligned."""
    want, got = list(table.get("expected") or ()), list(table.get("actual") or ())
    present = {k for row in [*want, *got] if isinstance(row, dict) for k in row}
    columns = column_order(present)
    reference = translate(lang, "report.layers_reference")
    rows: list[tuple[str, list[str]]] = []
    described = bool(table.get("described"))  # the reference's layers are not the student's to see
    for index in range(max(len(want), len(got))):
        mine = got[index] if index < len(got) else {}
        theirs = mine if described else (want[index] if index < len(want) else {})
        mark = "≠" if mine != theirs else " "
        rows.append((f"{mark}{index + 1}", [str(mine.get(c, "")) for c in columns]))
        if mine != theirs:
            rows.append((f" {reference}", [str(theirs.get(c, "")) for c in columns]))
    header = ("#", columns)
    widths = [max(len(r[0]) for r in [header, *rows])]
    widths += [max(len(r[1][i]) for r in [header, *rows]) for i in range(len(columns))]
    lines = [f"    {translate(lang, 'report.layers', label=table.get('label', ''))}"]
    for first, cells in [header, *rows]:
        text = "  ".join(c.ljust(w) for c, w in zip([first, *cells], widths, strict=True))
        painted = _paint(text.rstrip(), RED, colour) if first.startswith("≠") else text.rstrip()
        lines.append(f"      {painted}")
    return lines


def criterion_checks(result: QuestionResult, criterion: CriterionResult) -> list[CheckResult]:
    """Return what a failed criterion shows: its failed checks, else its first unchecked one."""
    by_id = {c.id: c for c in result.checks}
    checks = [by_id[i] for i in criterion.checks if i in by_id]
    failed = [c for c in checks if c.status == FAILED]
    return failed or [c for c in checks if c.status != PASSED][:1]


def render_criteria(result: QuestionResult, lang: str, colour: bool,
                    tables: dict[str, list[dict]] | None = None) -> list[str]:
    """Return a line per criterion with its points, and under each failed one, its checks and
    the layer tables they are about."""
    lines = []
    budget = MAX_LINES_PER_QUESTION
    for criterion in result.criteria:
        mark = _paint("✓", GREEN, colour) if criterion.passed else _paint("✗", RED, colour)
        score = f"{_points(criterion.score)}/{_points(criterion.points)}"
        lines.append(f"    {mark} {score:>7}  {criterion.title}")
        if not criterion.passed:
            shown = render_checks(criterion_checks(result, criterion), "      ", lang, colour,
                                  max(budget, 1))
            lines += shown
            budget -= sum(1 for line in shown if line.lstrip().startswith("- "))
            for table in (tables or {}).get(criterion.id, ()):
                lines += ["  " + line for line in render_layers(table, lang, colour)]
    return lines


def render_checks(checks: list[CheckResult], indent: str, lang: str, colour: bool,
                  limit: int = MAX_LINES_PER_QUESTION) -> list[str]:
    """Return a line per check (and its hint), at most `limit`, then how many more."""
    lines = []
    grouped = mistakes(checks, lambda c: c.id, lambda c: same_mistake(c.id, c.expected, c.actual),
                       lambda c: c.message)
    for check, others in grouped[:limit]:
        also = where_else(check.id, others, lang)
        lines.append(f"{indent}- {check.message}{' ' + also if also else ''}")
        if check.hint:
            lines.append(_paint(f"{indent}  " + translate(lang, "report.hint", hint=check.hint),
                                DIM, colour))
    if len(grouped) > limit:
        lines.append(f"{indent}{translate(lang, 'report.more', count=len(grouped) - limit)}")
    return lines


def render_summary(report: GradeReport) -> str:
    """Return the summary line."""
    passed = sum(1 for q in report.questions if q.status == PASSED)
    key = "report.summary" if report.hidden_sets else "report.summary_public"
    return translate(report.lang, key, passed=passed, total=len(report.questions),
                     score=_points(report.score), max_score=_points(report.max_score))


def render_terminal(report: GradeReport, colour: bool = False) -> str:
    """Return the whole report as terminal text (no control character but the colours')."""
    report = said_report(report)
    lines = [render_head(report.assignment, report.submission), *render_notes(report, colour)]
    for result in report.questions:
        lines += render_question(result, report.lang, colour)
    lines.append(render_summary(report))
    return "\n".join(one_line_each(lines)) + "\n"


def render_head(assignment: str, submission: str) -> str:
    """The first line: which lab, which file."""
    return f"{assignment} — {submission}"


def render_notes(report: GradeReport, colour: bool = False) -> list[str]:
    """The review (tamper evidence) and the report's notes, one entry each."""
    review = review_lines(report)
    lines = [_paint(f"‼ {line}" if i == 0 else f"    {line}", RED, colour)
             for i, line in enumerate(review)]
    return lines + [_paint(f"! {note}", YELLOW, colour) for note in report.notes]


def render_lines(lines: list[str]) -> str:
    """Join lines for the terminal, each entry on lines of its own."""
    return "\n".join(one_line_each(lines)) + "\n"
