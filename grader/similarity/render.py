"""Render a similarity report: `similarity.csv` (every pair) and `similarity.html` (evidence).

Instructor material: it names students side by side and shows their code. The reference's text
is never rendered, only the student's lines that match it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from grader.render.templates import template_environment
from grader.similarity.evidence import highlighted_lines
from grader.similarity.fingerprint import K
from grader.similarity.model import Fragment, Pair, SimilarityReport, Span, UnitShare
from grader.similarity.profile import Profile
from grader.text import clean_text

TEMPLATE = "similarity.html.j2"
BELOW_SHOWN = 15  # pairs under the threshold still listed on the page (all are in the CSV)
MAX_DETAILS = 40  # flagged pairs whose evidence the page shows (the highest; all in the CSV)
MAX_LINES = 80  # per side and unit in the side-by-side view
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV injection"



@dataclass(frozen=True)
class Evidence:
    """What the page needs besides the report: fingerprints, source lines, what was left out."""

    profiles: Mapping[str, Profile]
    sources: Mapping[str, Mapping[int, Sequence[str]]]  # student -> cell -> source lines
    excluded: frozenset[int] = frozenset()  # handed out or common: never highlighted


def _cell(text: str) -> str:
    """Return a CSV text cell a spreadsheet shows as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unit_label(units: Sequence[str]) -> str:
    """Write the units of a fragment: 'q8', 'q2, q3'."""
    return ", ".join(units)


def fragment_text(fragment: Fragment) -> str:
    """Write one fragment for the CSV: 'q8: lines 40–52 | cell 12, lines 1–13'."""
    return f"{unit_label(fragment.units)}: {fragment.a.label()} | {fragment.b.label()}"


def unit_text(shares: Sequence[UnitShare]) -> str:
    """Write the per-question shares for the CSV: 'q8 1.00; q9 0.95'."""
    return "; ".join(f"{u.unit} {u.share:.2f}" for u in shares if u.found_a or u.found_b)


def render_csv(report: SimilarityReport) -> str:
    """Return every pair, ranked, with the signals, the per-question shares and the fragments."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "student_a", "student_b", "score", "code", "observations",
                     "flagged", "shared", "own_a", "own_b", "questions", "fragments",
                     "observations_in_common"])
    for rank, pair in enumerate(report.pairs, 1):
        writer.writerow([rank, _cell(pair.a), _cell(pair.b), f"{pair.score:.3f}",
                         f"{pair.code:.3f}", f"{pair.observations:.3f}",
                         "yes" if pair.score >= report.settings.threshold else "no",
                         pair.shared, pair.own_a, pair.own_b, unit_text(pair.units),
                         _cell(" ; ".join(fragment_text(f) for f in pair.fragments)),
                         _cell(" ; ".join(pair.choices))])
    return buffer.getvalue()


def _code_block(profile: Profile, lines: Mapping[int, Sequence[str]], unit: str,
                hits: Mapping[int, set[int]]) -> dict[str, Any]:
    """Return one side of a unit: its parts' lines, each marked when shared."""
    rows: list[dict[str, Any]] = []
    for part in profile.parts:
        if unit not in part.units:
            continue
        source = lines.get(part.cell, ())
        if rows or part.cell:
            rows.append({"gap": True, "label": f"cell {part.cell}" if part.cell else "⋯"})
        for number in range(part.first, part.last + 1):
            text = source[number - 1] if number - 1 < len(source) else ""
            rows.append({"gap": False, "where": Span(part.cell, number, number).label(),
                         "number": number, "text": clean_text(text, newlines=False),
                         "hit": number in hits.get(part.cell, set())})
    shown = rows[:MAX_LINES]
    return {"rows": shown, "more": max(0, len(rows) - len(shown))}


def _pair_context(pair: Pair, report: SimilarityReport, evidence: Evidence) -> dict[str, Any]:
    """Return what the page shows of one flagged pair."""
    profiles, sources = evidence.profiles, evidence.sources
    shared = (profiles[pair.a].hashes & profiles[pair.b].hashes) - evidence.excluded
    hits_a = highlighted_lines(profiles[pair.a], shared)
    hits_b = highlighted_lines(profiles[pair.b], shared)
    titles = dict(report.units)
    units = []
    for share in pair.units:
        if not (share.found_a or share.found_b):
            continue
        units.append({"id": share.unit, "title": titles.get(share.unit, share.unit),
                      "share": f"{share.share:.0%}", "found_a": share.found_a,
                      "own_a": share.own_a, "found_b": share.found_b, "own_b": share.own_b,
                      "a": _code_block(profiles[pair.a], sources.get(pair.a, {}), share.unit,
                                       hits_a),
                      "b": _code_block(profiles[pair.b], sources.get(pair.b, {}), share.unit,
                                       hits_b)})
    return {**_pair_row(pair, report), "units": units,
            "fragments": [{"units": unit_label(f.units), "a": f.a.label(), "b": f.b.label()}
                          for f in pair.fragments],
            "choices": list(pair.choices)}


def _widths(pair: Pair) -> dict[str, int]:
    """Split the score's bar between the signals, in proportion (the score is capped at 1)."""
    total = pair.code + pair.observations
    scale = 100 * pair.score / total if total else 0.0
    return {"code_width": round(pair.code * scale),
            "observations_width": round(pair.observations * scale)}


def _pair_row(pair: Pair, report: SimilarityReport) -> dict[str, Any]:
    """Return a pair's line of the ranking."""
    names = report.students
    top = sorted((u for u in pair.units if u.found_a or u.found_b), key=lambda u: -u.share)
    return {"id": f"pair-{pair.a}-{pair.b}", "a": pair.a, "b": pair.b,
            "name_a": names.get(pair.a, pair.a), "name_b": names.get(pair.b, pair.b),
            "score": f"{pair.score:.2f}", "code": f"{pair.code:.2f}",
            "observations": f"{pair.observations:.2f}",
            **_widths(pair),
            "shared": pair.shared, "own_a": pair.own_a, "own_b": pair.own_b,
            "flagged": pair.score >= report.settings.threshold,
            "questions": ", ".join(f"{u.unit} {u.share:.0%}" for u in top[:6]),
            "choices_count": len(pair.choices)}


def html_context(report: SimilarityReport, evidence: Evidence, assignment: str
                 ) -> dict[str, Any]:
    """Compute everything the page shows (the template only loops and prints)."""
    flagged = report.flagged()
    below = [p for p in report.pairs if p.score < report.settings.threshold][:BELOW_SHOWN]
    titles = dict(report.units)
    reference = None
    if report.reference is not None:
        reference = [{"student": m.student, "name": report.students.get(m.student, m.student),
                      "score": f"{m.code:.2f}", "shared": m.shared, "own": m.own,
                      "questions": ", ".join(f"{u.unit} {u.found_a}/{u.own_a}" for u in m.units
                                             if u.found_a),
                      "spans": [f"{unit_label(units)}: {span.label()}" for units, span in m.spans]}
                     for m in report.close_to_reference()]
    settings = report.settings
    return {
        "assignment": assignment,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "students": len(report.students), "pair_count": len(report.pairs),
        "threshold": f"{settings.threshold:.2f}", "settings": settings, "settings_k": K,
        "given": list(report.given), "common": report.common, "notes": list(report.notes),
        "flagged": [_pair_row(p, report) for p in flagged],
        "below": [_pair_row(p, report) for p in below],
        "details": [_pair_context(p, report, evidence) for p in flagged[:MAX_DETAILS]],
        "details_left_out": max(0, len(flagged) - MAX_DETAILS),
        "reference": reference,
        "units": [{"id": u, "title": t} for u, t in report.units if u in titles],
    }


def render_html(report: SimilarityReport, evidence: Evidence, assignment: str) -> str:
    """Return the similarity page."""
    template = template_environment().get_template(TEMPLATE)
    return template.render(html_context(report, evidence, assignment))
