"""The second signal: unusual choices two students have in common, read from their reports. Pure.

A choice is what a report says a student's code did where it differs from the reference: a check
that failed with its actual value (the same wrong width, the same odd patience), a check that
passed with a value other than the reference's (the same odd hyperparameter), a question that
failed the same way (the same exception on a hidden set). A choice is unusual when few students
of the class made it; a shared common mistake says nothing about copying.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Mapping

from grader.localize import said_report
from grader.model import FAILED, GRADER_ERROR, NOT_IMPLEMENTED, PASSED, SKIPPED, GradeReport
from grader.similarity.model import Settings

ABSENT = (NOT_IMPLEMENTED, GRADER_ERROR)  # nothing the student chose: never a choice
PARAMETERS = re.compile(r"\[[^\]]*\]$")  # where a check looked (layer=2), not what it found


def _value(value: object) -> str:
    """Write a value canonically (JSON, sorted keys)."""
    return json.dumps(value, sort_keys=True, default=str)


def _odd_number(actual: object, expected: object) -> bool:
    """Whether a passing check accepted a number other than the reference's (a style such as
    'Functional' instead of 'Sequential' is not a choice worth a signal)."""
    return (isinstance(actual, int | float) and not isinstance(actual, bool)
            and _value(actual) != _value(expected))


def choices(report: GradeReport) -> dict[str, str]:
    """Return the choices a report shows (failures, odd passing values, the same exception):
    a key, equal for the same choice in two reports, and the report's first sentence saying it
    (instructor material: it may name expected values)."""
    found: dict[str, str] = {}
    for question in said_report(report).questions:
        if question.status in ABSENT:
            continue
        if question.status not in (PASSED, FAILED):
            failure = question.failure
            what = f"{failure.type}: {failure.message}" if failure else question.message
            found.setdefault(f"{question.id}|{question.status}|{what}",
                             f"{question.id}: {question.message or what}")
            continue
        for check in question.checks:
            if check.status == SKIPPED:
                continue
            if check.status == PASSED and not _odd_number(check.actual, check.expected):
                continue  # a passing check says something unusual only with an odd value
            kind = PARAMETERS.sub("", check.id)
            found.setdefault(f"{kind}|{check.status}|{_value(check.actual)}", check.message)
    return found


def unusual_in_common(reports: Mapping[str, GradeReport], settings: Settings
                      ) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return, for each pair of students, the unusual choices both made (sentences, sorted)."""
    made = {key: choices(report) for key, report in reports.items()}
    counts = Counter(key for found in made.values() for key in found)
    limit = max(settings.unusual_min, settings.unusual_share * len(reports))
    holders: dict[str, list[str]] = {}
    text: dict[str, str] = {}
    for key in sorted(made):
        for choice, sentence in made[key].items():
            if 1 < counts[choice] <= limit:
                holders.setdefault(choice, []).append(key)
                text.setdefault(choice, sentence)
    common: dict[tuple[str, str], list[str]] = {}
    for choice_key, keys in holders.items():
        for pair in itertools.combinations(keys, 2):
            common.setdefault(pair, []).append(text[choice_key])
    return {pair: tuple(sorted(texts)) for pair, texts in common.items()}


def observation_score(count: int, settings: Settings) -> float:
    """Return what `count` unusual choices in common add to a pair's score."""
    return min(settings.observation_cap, settings.observation_step * count)
