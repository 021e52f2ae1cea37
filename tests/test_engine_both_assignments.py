"""The engine's general mechanisms (layer stacks, output shapes, weights, constant outputs,
arrays, layer tables, set labels) judged on BOTH assignments' reference observations. Pure."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from grader.argsets import ArgSet, set_label
from grader.assignment import load_assignment
from grader.attachments import collect_attachments
from grader.checks import layers as lay
from grader.checks.base import JudgeContext
from grader.judge import judge_question, load_rubric, run_checks
from grader.messages import assignment_messages
from grader.model import PASSED, GradeReport, Observation
from grader.render.html import render_html
from grader.render.terminal import render_layers, render_terminal
from grader.wording import say

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ("td_keras_mlp", "td_convnets")


def expected_sets(name: str) -> dict[str, list[dict]]:
    """Return each question's committed reference observations, one entry per public set."""
    bundle = json.loads((ROOT / "assignments" / name / "expected_observations.json").read_text())
    return {q: obs["data"]["sets"] for q, obs in bundle["observations"].items()}


def first_build(name: str, question: str) -> dict:
    """Return the first set's observation of a model-building question."""
    return expected_sets(name)[question][0]["data"]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_reference_passes_every_check_of_its_own_observations(name: str) -> None:
    assignment = load_assignment(name)
    rubric = load_rubric(assignment)
    messages = assignment_messages(assignment.plugin.messages_module)
    for question, sets in expected_sets(name).items():
        for entry in sets:
            arg_set = ArgSet(entry["id"], entry["args"])
            results = run_checks(rubric, question, entry["data"], entry["data"], arg_set,
                                 messages)
            assert results and [r.message for r in results if r.status != PASSED] == [], question


@pytest.mark.parametrize(("name", "question", "shape"), [("td_keras_mlp", "q3", "(10,)"),
                                                         ("td_convnets", "q3", "(24, 24, 6)")])
def test_layer_tables_carry_output_shapes_when_asked(name: str, question: str, shape: str
                                                     ) -> None:
    data = first_build(name, question)
    assert collect_attachments(question, data, data) == {}  # equal stacks: nothing to show
    table = collect_attachments(question, data, data, show_layers=True)["layers"][0]
    assert table["same"] and table["always"]
    assert shape in [row.get("output_shape") for row in table["actual"]]
    lines = render_layers(table, "en", colour=False)
    assert "output_shape" in lines[1] and any(shape in line for line in lines[2:])
    assert not any(line.lstrip().startswith("≠") for line in lines)


def test_a_differing_layer_is_marked_with_the_reference_row_under_it() -> None:
    want = first_build("td_convnets", "q3")
    got = copy.deepcopy(want)
    got["builds"][0]["model"]["layers"][2]["filters"] = 32
    table = collect_attachments("q3", want, got, show_layers=True)["layers"][0]
    lines = render_layers(table, "fr", colour=False)
    marked = [i for i, line in enumerate(lines) if line.lstrip().startswith("≠3")]
    assert marked and "32" in lines[marked[0]] and "référence" in lines[marked[0] + 1]


@pytest.mark.parametrize(("name", "question", "activation", "where"), [
    ("td_keras_mlp", "q2", "softmax", "Q2, output layer: output — expected values that vary "
                                      "with the input, got always [0.1, 0.1"),
    ("td_convnets", "q8", "softmax", "Q8, output layer: softmax over 1 unit always outputs 1 — "
                                     "use sigmoid, or 2 units."),
    ("td_convnets", "q8", "sigmoid", "Q8, output layer: output — expected values that vary with "
                                     "the input, got always [1], whatever the input."),
])
def test_a_constant_output_is_caught_in_either_assignment(name: str, question: str,
                                                          activation: str, where: str) -> None:
    want = first_build(name, question)
    got = copy.deepcopy(want)
    model = got["builds"][0]["model"]
    model["layers"][-1]["activation"] = activation
    width = model["run"]["output_shape"][-1]
    model["run"].update(constant_output=True, constant_value=[round(1 / width, 4)] * width)
    verdict = lay.check_output_varies(JudgeContext(question), want, got, build=0)
    assert not verdict.passed and say(verdict.message, "en").startswith(where)
    assert lay.check_output_varies(JudgeContext(question), want, want, build=0).passed


@pytest.mark.parametrize(("name", "label"), [("td_keras_mlp", "Q3 (n_hidden=0)"),
                                           ("td_convnets", "Q3")])
def test_weights_are_counted_and_compared_in_either_assignment(name: str, label: str) -> None:
    want = first_build(name, "q3")
    got = copy.deepcopy(want)
    got["builds"][0]["model"]["weights"]["trainable"] = 0
    verdict = lay.check_weight_count(JudgeContext("q3"), want, got, build=0, which="trainable")
    total = want["builds"][0]["model"]["params"]
    assert want["builds"][0]["model"]["weights"] == {"trainable": total, "non_trainable": 0}
    assert say(verdict.message, "en") == f"{label}: trainable parameters — expected {total:,}, got 0."


def test_the_frozen_base_flag_game_is_judged_on_weights() -> None:
    want = first_build("td_convnets", "q6")
    got = copy.deepcopy(want)
    got["builds"][0]["model"]["base"]["trainable"] = 16  # batch normalisation set trainable again
    verdict = lay.check_base_trainable(JudgeContext("q6"), want, got, build=0)
    assert say(verdict.message, "en") == (
        "Q6: trainable parameters of the base model — expected 0, got 16.")
    catalog = assignment_messages("grader.td_convnets.messages")
    own = JudgeContext("q6", messages=catalog)
    verdict = lay.check_base_trainable(own, want, got, build=0)  # the lab names its argument
    assert say(verdict.message, "en", catalog) == (
        "Q6: trainable parameters of base_model — expected 0, got 16.")


def test_set_labels_show_shapes_as_the_tuples_the_function_gets() -> None:
    assert set_label(ArgSet("public-2", {"input_shape": [32, 32, 3], "n_classes": 5})) == \
        "input_shape=(32, 32, 3), n_classes=5"
    assert set_label(ArgSet("public-2", {"val_losses": [0.9, 0.7], "epochs": 2})) == "epochs=2"


@pytest.mark.parametrize(("name", "question", "shown"), [("td_convnets", "q3", True),
                                                         ("td_convnets", "q2", False),
                                                         ("td_keras_mlp", "q3", False)])
def test_show_layers_puts_the_table_in_both_reports(name: str, question: str, shown: bool
                                                    ) -> None:
    """Judged like a real run (the reference's own observations as the student's): the layer
    table with its output shapes is in the terminal and HTML reports where assignment.toml asks."""
    assignment = load_assignment(name)
    q = assignment.question(question)
    bundle = json.loads(assignment.expected_path.read_text())
    observation = Observation.from_json(bundle["observations"][question])
    by_set = {entry["id"]: Observation(question, "ok", entry["data"])
              for entry in observation.data["sets"]}
    result = judge_question(assignment, q, q.arg_sets, by_set, by_set)
    assert result.status == PASSED and q.show_layers == shown
    report = GradeReport(name, "submission", result.score, result.max_score, (result,))
    terminal, html = render_terminal(report), render_html(report)
    first_shape = "(24, 24, 6)" if name == "td_convnets" else "(10,)"
    assert ("Layers of your model" in terminal) == shown
    assert (first_shape in terminal) == shown
    assert (first_shape in html) == shown


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_each_assignment_catalogue_has_both_languages(name: str) -> None:
    messages = assignment_messages(load_assignment(name).plugin.messages_module)
    assert set(messages["en"]) == set(messages["fr"])


def test_every_named_form_of_q5_has_a_name_in_both_languages() -> None:
    """check_array_form names the form a batch matched: the observer's candidates must all be
    in the catalogue (read from the observer's source: it imports keras)."""
    source = (ROOT / "grader" / "td_convnets" / "observers.py").read_text()
    block = source[source.index("candidates = {"):source.index("}", source.index("candidates = {"))]
    names = [line.split('"')[1] for line in block.splitlines()[1:] if '"' in line]
    messages = assignment_messages("grader.td_convnets.messages")
    assert len(names) == 6
    for lang in ("en", "fr"):
        assert [n for n in names if f"value.form.{n}" not in messages[lang]] == []
