"""The expected side of every check comes from the reference or the job's arguments, never from
the claim: every field an observer writes from the set's arguments (an echo) is taken from the
reference's observation before any check reads a student's one. Pure, both labs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from grader.argsets import ArgSet
from grader.assignment import load_assignment
from grader.judge import judge_question, load_rubric
from grader.localize import said_question
from grader.model import Observation, Status
from grader.observations import ECHOES, with_trusted_echoes

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("td_keras_mlp", "td_convnets")


def reference_sets(name: str) -> dict[str, list[dict]]:
    """Each question's committed reference observations, one entry per public set."""
    bundle = json.loads((ROOT / "assignments" / name / "expected_observations.json").read_text())
    return {q: obs["data"]["sets"] for q, obs in bundle["observations"].items()}


def scrambled(value: Any) -> Any:
    """Another value of the same kind (numbers moved, lists reversed and lengthened…)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value * 3 + 7
    if isinstance(value, str):
        return value + "-forged"
    if isinstance(value, list):
        return [scrambled(v) for v in reversed(value)] + ([scrambled(value[0])] if value else [1])
    if isinstance(value, dict):
        return {k: scrambled(v) for k, v in value.items()} | {"forged": 1}
    return value


def with_scrambled_echoes(data: dict[str, Any], echoes: tuple[str, ...]) -> tuple[dict, int]:
    """Return the data with every echo field scrambled, and how many fields that was."""
    data = copy.deepcopy(data)
    changed = 0
    for path in echoes:
        head, _, rest = path.partition(".")
        owners = [data]
        if head.endswith("[]"):
            owners, head = [item for item in data.get(head[:-2], [])
                            if isinstance(item, dict)], rest
        elif rest:
            owners, head = [data[head]] if isinstance(data.get(head), dict) else [], rest
        for owner in owners:
            if head in owner:
                owner[head] = scrambled(owner[head])
                changed += 1
    return data, changed


def verdicts(name: str, question: str, entries: list[dict], claim: list[dict]) -> list[tuple]:
    """Judge a claim (one data per set) against the reference; return each check's verdict."""
    assignment = load_assignment(name)
    q = assignment.question(question)
    sets = [ArgSet(e["id"], e["args"]) for e in entries]
    expected = {e["id"]: Observation(question, Status.OK, data=e["data"]) for e in entries}
    actual = {e["id"]: Observation(question, Status.OK, data=d) for e, d in zip(entries, claim,
                                                                                 strict=True)}
    result = said_question(judge_question(assignment, q, sets, expected, actual), "en",
                           assignment.name)
    return [(c.id, c.status, c.message) for c in result.checks]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_verdict_changes_when_every_echo_of_the_claim_is_forged(name: str) -> None:
    rubric = load_rubric(load_assignment(name))
    echoes = ECHOES + tuple(getattr(rubric, "ECHOES", ()))
    forged_fields = 0
    for question, entries in reference_sets(name).items():
        honest = [e["data"] for e in entries]
        forged = []
        for data in honest:
            mutated, changed = with_scrambled_echoes(data, echoes)
            forged.append(mutated)
            forged_fields += changed
        assert verdicts(name, question, entries, forged) == verdicts(name, question, entries,
                                                                     honest), question
    assert forged_fields >= 10  # the corpus of echoes is not empty: builds' arguments at least


def test_a_check_that_reads_an_echo_cannot_be_fooled_through_the_judge() -> None:
    # The attack the rule closes: a figure plotting made-up values, and a claimed History equal
    # to them. A check written the old way (the curve to look for taken from the claim) passes
    # the raw claim; through the judge's rule it reads the reference's History and fails.
    def naive_curve(claim: dict) -> bool:
        want = claim["history"]["accuracy"]
        return any(line["y"] == want for ax in claim["figure"]["axes"] for line in ax["lines"])

    reference = reference_sets("td_keras_mlp")["q10"][0]["data"]
    made_up = [0.9, 0.9, 0.9]
    claim = copy.deepcopy(reference)
    claim["history"] = {k: list(made_up) for k in reference["history"]}
    for ax in claim["figure"]["axes"]:
        for line in ax["lines"]:
            line["y"] = list(made_up)
    rubric = load_rubric(load_assignment("td_keras_mlp"))
    assert naive_curve(claim)
    assert not naive_curve(with_trusted_echoes(claim, reference, ECHOES + rubric.ECHOES))
    entries = reference_sets("td_keras_mlp")["q10"][:1]
    statuses = {c[0]: c[1] for c in verdicts("td_keras_mlp", "q10", entries, [claim])}
    assert statuses["q10.check_curve[key=accuracy]"] == Status.FAILED


def test_echoes_come_from_the_reference_or_go() -> None:
    actual = {"samples": 5, "builds": [{"args": {"n": 1}, "model": {"is_model": True}}],
              "run": {"val_losses": [9.0], "saved_epochs": [2]}, "history": {"loss": [1]}}
    expected = {"samples": 200, "builds": [{"args": {"n": 2}, "model": {}}],
                "run": {"saved_epochs": [4]}}
    trusted = with_trusted_echoes(actual, expected, ECHOES + ("history",))
    assert trusted["samples"] == 200
    assert trusted["builds"] == [{"args": {"n": 2}, "model": {"is_model": True}}]
    assert trusted["run"] == {"saved_epochs": [2]}  # the reference had none: dropped
    assert "history" not in trusted
    assert actual["samples"] == 5  # the claim itself is left as it came
