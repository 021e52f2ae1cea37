"""The renderers' guard: a judged report, whose sentences have no language yet, said in its
language (the lab's own catalogue first) and cleaned. Pure, no keras."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from types import MappingProxyType
from typing import Any

from grader.messages import LANGUAGES, Catalog, assignment_messages
from grader.model import (
    CheckResult,
    CriterionResult,
    Failure,
    GradeReport,
    QuestionResult,
    clean_question,
    clean_report,
)
from grader.registry import registered
from grader.wording import is_said, say, text_from_json, text_json


def said_report(report: GradeReport) -> GradeReport:
    """Return the report as renderers read it: every sentence said, every string cleaned."""
    return clean_report(localized_report(report))


def said_question(result: QuestionResult, lang: str, assignment: str = "") -> QuestionResult:
    """Return one streamed question of a lab as renderers read it: said in `lang`, cleaned."""
    return clean_question(localized_question(result, lang, lab_catalog(assignment)))


@cache
def lab_catalog(assignment: str) -> Catalog:
    """The catalogue of a registered lab's own sentences (empty for a lab not installed here:
    a report names its lab, never a module to import); looked up once per process, as finding
    the installed labs reads every distribution's entry points."""
    plugin = registered().get(assignment)
    return assignment_messages(plugin.messages_module) if plugin is not None else \
        MappingProxyType({})


def localized_report(report: GradeReport, catalog: Catalog | None = None) -> GradeReport:
    """Return the report with every sentence said in its language (`report.lang`), its lab's
    catalogue looked up before the engine's."""
    if catalog is None:
        catalog = lab_catalog(report.assignment)
    lang = report.lang
    return replace(report, notes=tuple(say(n, lang, catalog) for n in report.notes),
                   questions=tuple(localized_question(q, lang, catalog)
                                   for q in report.questions))


def localized_question(result: QuestionResult, lang: str, catalog: Catalog | None = None
                       ) -> QuestionResult:
    """Return one question's result with every sentence said in `lang`."""
    return replace(
        result, title=say(result.title, lang, catalog),
        message=say(result.message, lang, catalog),
        notes=tuple(say(n, lang, catalog) for n in result.notes),
        checks=tuple(_localized_check(c, lang, catalog) for c in result.checks),
        criteria=tuple(_localized_criterion(c, lang, catalog) for c in result.criteria),
        failure=_localized_failure(result.failure, lang, catalog),
        attachments=_localized_attachments(result.attachments, lang, catalog))


def _localized_check(check: CheckResult, lang: str, catalog: Catalog | None) -> CheckResult:
    """One check with its message and hint said."""
    return replace(check, message=say(check.message, lang, catalog),
                   hint=say(check.hint, lang, catalog))


def _localized_criterion(criterion: CriterionResult, lang: str, catalog: Catalog | None
                         ) -> CriterionResult:
    """One criterion with its title said."""
    return replace(criterion, title=say(criterion.title, lang, catalog))


def _localized_failure(failure: Failure | None, lang: str, catalog: Catalog | None
                       ) -> Failure | None:
    """A failure whose message the judge wrote (a malformed claim) said; a raised one as is."""
    if failure is None or not is_said(failure.message):
        return failure
    return replace(failure, message=say(failure.message, lang, catalog))


def _localized_attachments(attachments: Mapping[str, Any], lang: str, catalog: Catalog | None
                           ) -> dict[str, Any]:
    """Attachments with the labels of their layer tables said."""
    tables = attachments.get("layers")
    if not isinstance(tables, list):
        return dict(attachments)
    said_tables = [{**t, "label": say(t.get("label", ""), lang, catalog)} if isinstance(t, dict)
                   else t for t in tables]
    return {**attachments, "layers": said_tables}


def sentences_of(report: GradeReport) -> dict[str, Any]:
    """Return every sentence of a report as JSON, by where it stands (the JSON report keeps
    them beside its text, so that it is said again in another language without re-grading)."""
    return {"notes": [text_json(n) for n in report.notes],
            "questions": {q.id: _question_sentences(q) for q in report.questions}}


def _question_sentences(result: QuestionResult) -> dict[str, Any]:
    """One question's sentences as JSON."""
    tables = result.attachments.get("layers")
    return {"title": text_json(result.title), "message": text_json(result.message),
            "notes": [text_json(n) for n in result.notes],
            "failure": text_json(result.failure.message) if result.failure else None,
            "checks": {c.id: [text_json(c.message), text_json(c.hint)] for c in result.checks},
            "criteria": {c.id: text_json(c.title) for c in result.criteria},
            "layers": [text_json(t.get("label", "")) for t in tables
                       if isinstance(t, dict)] if isinstance(tables, list) else []}


def with_sentences(report: GradeReport, sentences: Any) -> GradeReport:
    """Return a report read from JSON with its sentences put back (said again in whatever
    language it is rendered in); a report without them, or with malformed ones, as it is."""
    try:
        notes = tuple(text_from_json(n) for n in sentences["notes"])
        questions = tuple(_with_question_sentences(q, sentences["questions"][q.id])
                          for q in report.questions)
    except (KeyError, TypeError, ValueError, IndexError):
        return report
    if len(notes) != len(report.notes):
        return report
    restored = replace(report, notes=notes, questions=questions)
    try:  # sentences the catalogues cannot say (another version's, edited): the text stands
        for lang in LANGUAGES:
            localized_report(replace(restored, lang=lang))
    except (KeyError, IndexError, ValueError, TypeError):
        return report
    return restored


def _with_question_sentences(result: QuestionResult, said: dict[str, Any]) -> QuestionResult:
    """One question with its sentences put back (KeyError when they do not fit it)."""
    checks = tuple(replace(c, message=text_from_json(said["checks"][c.id][0]),
                           hint=text_from_json(said["checks"][c.id][1])) for c in result.checks)
    criteria = tuple(replace(c, title=text_from_json(said["criteria"][c.id]))
                     for c in result.criteria)
    failure = result.failure
    if failure is not None and said["failure"] is not None:
        failure = replace(failure, message=text_from_json(said["failure"]))
    notes = tuple(text_from_json(n) for n in said["notes"])
    if len(notes) != len(result.notes):
        raise KeyError("notes")
    attachments = dict(result.attachments)
    tables = attachments.get("layers")
    if isinstance(tables, list) and len(tables) == len(said["layers"]):
        attachments["layers"] = [{**t, "label": text_from_json(label)}
                                 for t, label in zip(tables, said["layers"], strict=True)]
    return replace(result, title=text_from_json(said["title"]),
                   message=text_from_json(said["message"]), notes=notes, checks=checks,
                   criteria=criteria, failure=failure, attachments=attachments)
