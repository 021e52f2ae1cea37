"""Judging is pure: the reference's committed observations, mutated one fact at a time."""

from __future__ import annotations

import copy
import json
import string
from dataclasses import replace

import pytest

from grader.argsets import split_sets
from grader.assignment import load_assignment, normalize_question_id
from grader.judge import judge_question
from grader.localize import said_question
from grader.messages import CATALOG
from grader.model import CriterionResult, GradeReport, Observation, QuestionResult
from grader.reference import load_expected
from grader.scoring import exit_code, question_score

ASSIGNMENT = load_assignment("td_keras_mlp")
EXPECTED = load_expected(ASSIGNMENT, None).observations


def per_set(question: str) -> dict[str, Observation]:
    """The reference's committed observation of a question, one per public argument set."""
    return split_sets(EXPECTED[question], ASSIGNMENT.question(question).arg_sets)


def judge(question: str, mutate=None, lang: str = "en", set_id: str = "public-1"
          ) -> QuestionResult:
    """Judge a copy of the reference's observations after applying `mutate` to one set's data."""
    expected = per_set(question)
    actual = {k: replace(v, data=copy.deepcopy(v.data)) for k, v in expected.items()}
    if mutate is not None:
        mutate(actual[set_id].data)
    q = ASSIGNMENT.question(question)
    return said_question(judge_question(ASSIGNMENT, q, q.arg_sets, expected, actual), lang,
                         ASSIGNMENT.name)


def failed_messages(result: QuestionResult) -> list[str]:
    """The messages of the failed checks."""
    return [c.message for c in result.checks if c.status == "failed"]


@pytest.mark.parametrize("question", [q.id for q in ASSIGNMENT.questions])
def test_reference_against_itself_passes(question: str) -> None:
    result = judge(question)
    assert result.status == "passed", failed_messages(result)
    assert result.score == result.max_score
    assert len(result.checks) >= 2


def test_wrong_units_names_build_layer_and_values() -> None:
    def halve(data):
        data["builds"][2]["model"]["layers"][1]["units"] = 64

    result = judge("q3", halve)
    assert result.status == "failed"
    assert failed_messages(result) == ["Q3 (n_hidden=2), layer 2 (Dense): units — expected 128, got 64."]
    assert 0 < result.score < result.max_score


def test_missing_hidden_layer_reports_count_and_missing_layer() -> None:
    def drop_layer(data):
        del data["builds"][3]["model"]["layers"][0]

    messages = failed_messages(judge("q3", drop_layer))
    assert "Q3 (n_hidden=3): number of Dense layers — expected 4 (3 hidden + output), got 3 (2 hidden + output)." in messages
    assert "Q3 (n_hidden=3), layer 3 (Dense): missing — expected Dense(128, activation='relu')." in messages


def test_not_a_model_skips_dependent_checks_and_says_why() -> None:
    def not_a_model(data):
        data["builds"][0]["model"] = {"is_model": False, "type": "NoneType"}
        del data["learning"]

    result = judge("q2", not_a_model)
    assert failed_messages(result) == [
        "Q2: build_linear_classifier() returned NoneType, expected a keras Model."
    ]
    first_set = [c for c in result.checks if "set=" not in c.id]
    assert {c.status for c in first_set} == {"failed", "skipped"}
    assert all(c.status == "passed" for c in result.checks if "set=public-2" in c.id)
    assert result.score < result.max_score / 2  # the other set's model is still right


def test_uncompiled_model() -> None:
    def uncompiled(data):
        data["builds"][0]["model"]["compile"] = None
        del data["learning"]

    messages = failed_messages(judge("q2", uncompiled))
    assert messages == [
        "Q2: the model is not compiled — expected model.compile(loss=…, metrics=['accuracy'])."
    ]


def test_logits_output_is_accepted_only_with_from_logits() -> None:
    def logits(data):
        data["builds"][0]["model"]["layers"][-1]["activation"] = "linear"
        data["builds"][0]["model"]["compile"]["loss"]["from_logits"] = True

    assert judge("q2", logits).status == "passed"

    def linear_without_logits(data):
        data["builds"][0]["model"]["layers"][-1]["activation"] = "linear"

    assert failed_messages(judge("q2", linear_without_logits)) == [
        "Q2, output layer (Dense): activation — expected 'softmax' (or 'linear' with "
        "from_logits=True), got 'linear'."
    ]


def test_l2_instead_of_l1() -> None:
    def l2(data):
        for layer in data["builds"][0]["model"]["layers"]:
            if layer["kind"] == "Dense":
                layer["kernel_regularizer"] = {"class": "L2", "l1": 0.0, "l2": 0.01}

    messages = failed_messages(judge("q6", l2))
    assert messages[0] == ("Q6 (n_hidden=2, l1=0.01), layer 1 (Dense): kernel_regularizer — "
                           "expected L1(l1=0.01), got L2(l2=0.01).")
    assert len(messages) == 3


def test_wide_model_parameter_tolerance() -> None:
    def small(data):
        data["builds"][0]["model"]["params"] = 50890

    assert failed_messages(judge("q4", small)) == [
        "Q4: parameter count — expected within 5% of 134,794, got 50,890."
    ]


def test_validation_split_of_20_percent() -> None:
    def twenty(data):
        data["fit_calls"][0]["validation_split"] = 0.2
        data["steps_per_epoch"] = 8

    assert failed_messages(judge("q5", twenty)) == [
        "Q5: share of the training data held out for validation — expected 30 % (60 of 200 "
        "samples), got 20 % (40 of 200 samples)."
    ]


def test_early_stopping_patience_3() -> None:
    def early(data):
        data["run"]["stopped_after"] = 6

    (message,) = failed_messages(judge("q13", early))
    assert message.startswith("Q13, EarlyStopping (val_loss: [0.9, 0.8, 0.7")
    assert message.endswith("training stopped after epoch — expected 8, got 6.")


def test_checkpoint_every_epoch() -> None:
    def every_epoch(data):
        data["run"]["saved_epochs"] = [1, 2, 3]

    (message,) = failed_messages(judge("q12", every_epoch))
    assert message.endswith("epochs at which the model was saved — expected [2, 4, 8, 10], got [1, 2, 3].")


def test_messages_in_french() -> None:
    def halve(data):
        data["builds"][2]["model"]["layers"][1]["units"] = 64

    result = judge("q3", halve, lang="fr")
    assert failed_messages(result) == [
        "Q3 (n_hidden=2), couche 2 (Dense) : units — attendu 128, obtenu 64."
    ]
    assert result.title == ASSIGNMENT.question("q3").title_fr


def test_failed_observation_gives_one_line_per_question() -> None:
    raised = Observation.from_json({
        "kind": "observation", "schema": 1, "question": "q4", "status": "error", "data": {},
        "notes": [], "output": "", "duration": 0.1,
        "failure": {"phase": "call", "type": "ValueError", "message": "bad units",
                    "where": "build_wide_mlp(input_dim=784, n_classes=10)",
                    "frames": [{"file": "td_keras.py", "line": 41, "function": "build_wide_mlp",
                                "code": "raise ValueError('bad units')"}]},
    })
    q4 = ASSIGNMENT.question("q4")
    result = said_question(judge_question(ASSIGNMENT, q4, q4.arg_sets, per_set("q4"),
                                          split_sets(raised, q4.arg_sets)), "en")
    assert result.status == "error" and result.score == 0 and not result.checks
    assert result.message == ("build_wide_mlp(input_dim=784, n_classes=10) raised ValueError: "
                              "bad units (td_keras.py, line 41)")


def test_scoring_and_exit_code_policy() -> None:
    criteria = [CriterionResult("a", "A", 1.0, 1.0), CriterionResult("b", "B", 0.5, 0.0)]
    assert question_score(criteria) == 1.0
    passed = QuestionResult("q1", "t", 1, 1, "passed")
    failed = QuestionResult("q2", "t", 0, 1, "failed")
    broken = QuestionResult("q3", "t", 0, 1, "grader_error")
    assert exit_code([passed]) == 0
    assert exit_code([passed, failed]) == 1
    assert exit_code([failed, broken]) == 3


def test_report_json_round_trip() -> None:
    result = judge("q3", lambda d: d["builds"][1]["model"]["layers"][0].update(units=7))
    report = GradeReport("td_keras_mlp", "x.py", result.score, 1.5, (result,), {"q1": "hi"})
    again = GradeReport.from_json(json.loads(json.dumps(report.to_json())))
    assert again == report
    assert [c.passed for c in again.questions[0].criteria] == [False, True]


def test_catalog_languages_have_same_keys_and_fields() -> None:
    english, french = CATALOG["en"], CATALOG["fr"]
    assert set(english) == set(french)
    formatter = string.Formatter()
    for key in english:
        fields_en = {f for _, f, _, _ in formatter.parse(english[key]) if f}
        fields_fr = {f for _, f, _, _ in formatter.parse(french[key]) if f}
        assert fields_en == fields_fr, key


@pytest.mark.parametrize("text,expected", [("q4", "q4"), ("Q04", "q4"), ("4", "q4")])
def test_question_ids(text: str, expected: str) -> None:
    assert normalize_question_id(text) == expected


def test_bad_question_id() -> None:
    with pytest.raises(ValueError, match="not a question id"):
        normalize_question_id("four")


@pytest.mark.parametrize("mutate,where", [
    (lambda d: d["builds"][0]["model"].__setitem__("params", "101,770"),
     "builds[0].model.params — expected int, got str"),
    (lambda d: d["builds"][0]["model"]["layers"][0].pop("kind"),
     "builds[0].model.layers[0].kind is missing"),
    (lambda d: d["builds"][0]["model"]["run"].__setitem__("output_shape", "(4, 10)"),
     "builds[0].model.run.output_shape — expected list or null, got str"),
    (lambda d: d.__setitem__("builds", {"0": {}}), "builds — expected list, got object"),
])
def test_a_claim_of_the_wrong_types_is_that_sets_error(mutate, where: str) -> None:
    """The student's observation is checked against its declaration (grader/observations.py)."""
    result = judge("q4", mutate)
    assert result.status == "failed"
    failed = [c for c in result.checks if c.status == "failed"]
    assert failed and all("set=" not in c.id for c in failed)
    assert {c.message for c in failed} == {
        f"Q4: not judged — the grader could not read what your code returned: {where}"}
    assert result.score == 0  # every criterion holds a check of the first set
    other = [c for c in result.checks if "set=public-2" in c.id]
    assert other and all(c.status == "passed" for c in other)


def test_a_hint_of_the_assignment_is_given_to_its_failed_check() -> None:
    """Hints live in the assignment's own catalogue (hint.<question>.<check>), in both languages."""
    def twenty(data):
        data["fit_calls"][0]["validation_split"] = 0.2

    english = {c.id: c.hint for c in judge("q5", twenty).checks if c.status == "failed"}
    french = {c.id: c.hint for c in judge("q5", twenty, "fr").checks if c.status == "failed"}
    assert english["q5.check_validation_fraction"].startswith(
        "Keras can hold out the end of the training data for validation itself")
    assert french["q5.check_validation_fraction"].startswith("Keras sait réserver la fin")
    assert all(not c.hint for c in judge("q5").checks)
