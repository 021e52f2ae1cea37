"""Tamper evidence in the reader's language: one line per finding, for every renderer."""

from __future__ import annotations

from grader.messages import translate
from grader.model import Evidence, GradeReport
from grader.wording import say, source_text


def evidence_line(evidence: Evidence, lang: str) -> str:
    """Say where, what, of which kind, and how it was found."""
    where = say(source_text(evidence.file), lang)
    if evidence.line:
        where = f"{where}, {translate(lang, 'review.line', line=evidence.line)}"
    return translate(lang, "review.evidence", where=where, detail=evidence.detail,
                     kind=translate(lang, f"review.kind.{evidence.kind}"),
                     how=translate(lang, f"review.{evidence.source}"))


def review_lines(report: GradeReport) -> list[str]:
    """The title, then each finding (empty when nothing needs review)."""
    if not report.review:
        return []
    return [translate(report.lang, "review.title", count=len(report.review)),
            *(evidence_line(e, report.lang) for e in report.review)]
