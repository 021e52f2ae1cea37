"""Layers described from what keras says about them (issue 21 item 1): every kind's settings from
its config, wrapped layers described like any layer, a lab's own layer class by its class; a
setting check compares any setting, and one the reference lacks is the lab's error, never a pass."""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import keras
import pytest

from grader.argsets import split_sets
from grader.assignment import load_assignment
from grader.attachments import layer_row
from grader.checks.base import AuthoringError, JudgeContext
from grader.checks.layers import check_layer_kinds, check_layer_setting
from grader.judge import judge_question
from grader.layer_kinds import extended, settings_of
from grader.model import GRADER_ERROR, PASSED
from grader.observe.keras_models import ProbeInput, describe_model
from grader.reference import load_expected
from grader.wording import say

SETTING = re.compile(r"index=(?P<index>\d+),setting=(?P<setting>[\w.]+)")
NOISE = ("name", "kernel_initializer", "seed", "dtype", "trainable", "build_config",
         "kernel_constraint")


class Scale(keras.layers.Layer):
    """A lab's own layer: multiplies its input by a factor."""

    def __init__(self, factor: float = 2.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor}


def sequence_model(**changes) -> keras.Model:
    """An Embedding + Bidirectional LSTM text classifier; `changes` makes one mistake."""
    lstm = keras.layers.LSTM(changes.get("units", 16), return_sequences=True)
    recurrent = lstm if changes.get("plain") else keras.layers.Bidirectional(lstm)
    return keras.Sequential([
        keras.Input((12,), dtype="int32"),
        keras.layers.Embedding(200, changes.get("output_dim", 8)),
        recurrent,
        keras.layers.TimeDistributed(keras.layers.Dense(4, activation="relu")),
        keras.layers.GRU(6, return_sequences=changes.get("sequences", False)),
        keras.layers.Dense(1, activation=changes.get("activation", "sigmoid")),
    ])


def described(model: keras.Model) -> dict:
    """A model's description as the judge reads it: one build, no run."""
    return {"builds": [{"args": {}, "model": describe_model(model, run=False)}]}


def layers(model: keras.Model) -> list[dict]:
    """The described layers of a model."""
    return described(model)["builds"][0]["model"]["layers"]


def test_every_kind_has_its_settings_from_keras_and_no_noise() -> None:
    inputs = keras.Input((10, 6))
    attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)(inputs, inputs)
    normal = keras.layers.LayerNormalization(epsilon=1e-5)(attended)
    conv = keras.layers.Conv1D(5, 3, dilation_rate=2, activation="relu")(normal)
    batch = keras.layers.BatchNormalization(momentum=0.9)(conv)
    simple = keras.layers.SimpleRNN(7, return_sequences=True)(batch)
    scaled = Scale(3.0)(simple)
    model = keras.Model(inputs, scaled)
    by_kind = {layer["kind"]: layer for layer in layers(model)}
    assert by_kind["MultiHeadAttention"]["num_heads"] == 2
    assert by_kind["MultiHeadAttention"]["key_dim"] == 3
    assert by_kind["LayerNormalization"]["epsilon"] == pytest.approx(1e-5)
    assert by_kind["Conv1D"]["dilation_rate"] == [2] and by_kind["Conv1D"]["filters"] == 5
    assert by_kind["BatchNormalization"]["momentum"] == pytest.approx(0.9)
    assert by_kind["SimpleRNN"]["units"] == 7 and by_kind["SimpleRNN"]["return_sequences"]
    assert by_kind["Scale"]["factor"] == 3.0  # a lab's own layer: its class and its config
    for layer in by_kind.values():
        assert not [n for n in NOISE if n in layer], layer


def test_wrapped_layers_are_described_like_any_layer() -> None:
    stack = layers(sequence_model())
    assert [x["kind"] for x in stack] == ["Embedding", "Bidirectional", "TimeDistributed", "GRU",
                                          "Dense"]
    embedding, bidirectional, distributed, gru, _ = stack
    assert (embedding["input_dim"], embedding["output_dim"]) == (200, 8)
    assert bidirectional["merge_mode"] == "concat"
    assert bidirectional["layer"]["kind"] == "LSTM" and bidirectional["layer"]["units"] == 16
    assert bidirectional["layer"]["return_sequences"] is True
    assert distributed["layer"]["units"] == 4 and distributed["layer"]["activation"] == "relu"
    assert gru["units"] == 6 and gru["return_sequences"] is False


@pytest.mark.parametrize(("mistake", "index", "setting", "expected", "got"), [
    ({"units": 32}, 2, "layer.units", "16", "32"),
    ({"sequences": True}, 4, "return_sequences", "False", "True"),
    ({"output_dim": 4}, 1, "output_dim", "8", "4"),
    ({"activation": "relu"}, 5, "activation", "sigmoid", "relu"),
])
def test_one_mistake_fails_its_setting_naming_it(mistake: dict, index: int, setting: str,
                                                 expected: str, got: str) -> None:
    want, wrong = described(sequence_model()), described(sequence_model(**mistake))
    ctx = JudgeContext("q4")
    verdict = check_layer_setting(ctx, want, wrong, build=0, index=index, setting=setting)
    assert not verdict.passed, verdict
    text = say(verdict.message, "en")
    assert setting in text and expected in text and got in text
    assert check_layer_setting(ctx, want, want, build=0, index=index, setting=setting).passed


def test_a_wrapped_layer_compared_whole_says_what_differs() -> None:
    want = described(sequence_model())
    wrong = described(sequence_model(units=32))
    verdict = check_layer_setting(JudgeContext("q4"), want, wrong, build=0, index=2,
                                  setting="layer")
    assert not verdict.passed
    text = say(verdict.message, "en")
    assert "LSTM(units=16, return_sequences=True)" in text, text
    assert "LSTM(units=32" in text


def test_a_setting_the_reference_lacks_is_an_authoring_error_never_a_pass() -> None:
    want = described(sequence_model())
    with pytest.raises(AuthoringError, match="'recurrent_units'.*LSTM|layer 2"):
        check_layer_setting(JudgeContext("q4"), want, want, build=0, index=2,
                            setting="layer.recurrent_units")
    with pytest.raises(AuthoringError, match="units"):  # an Embedding has no units
        check_layer_setting(JudgeContext("q4"), want, want, build=0, index=1, setting="units")


def test_layer_tables_show_each_kinds_settings_and_those_the_criteria_mention() -> None:
    stack = layers(sequence_model())
    row = layer_row(stack[1])
    assert row["layer"] == "LSTM(units=16, return_sequences=True)", row
    assert layer_row(stack[0])["output_dim"] == "8"
    assert "dropout" not in layer_row(stack[3])
    assert layer_row(stack[3], mentioned=("dropout",))["dropout"] == "0"
    lab = extended({"GRU": ["units", "reset_after"]})
    assert layer_row(stack[3], lab)["reset_after"] == "True"
    assert settings_of("Conv2D") == ("filters", "kernel_size", "strides", "padding", "activation")
    assert settings_of("GlobalAveragePooling2D") == ()


def test_a_plain_lstm_instead_of_bidirectional_loses_the_kinds() -> None:
    want, wrong = described(sequence_model()), described(sequence_model(plain=True))
    verdict = check_layer_kinds(JudgeContext("q4"), want, wrong, build=0)
    text = say(verdict.message, "en")
    assert not verdict.passed and "Bidirectional" in text and "LSTM" in text


def test_the_judge_reports_an_authoring_error_as_the_graders_never_the_students() -> None:
    """A lab whose reference lacks a setting its rubric checks: the question is the grader's
    error naming the setting, on every submission (td_convnets' first question checking a layer
    setting, with that setting removed from the reference's layer)."""
    assignment = load_assignment("td_convnets")
    observed = load_expected(assignment, None).observations
    for question in assignment.questions:
        expected = split_sets(observed[question.id], question.arg_sets)
        actual = {k: replace(v, data=copy.deepcopy(v.data)) for k, v in expected.items()}
        result = judge_question(assignment, question, question.arg_sets, expected, actual)
        found = [SETTING.search(c.id) for c in result.checks if ".check_layer_setting[" in c.id]
        if found and found[0] is not None:
            break
    else:
        pytest.fail("td_convnets checks no layer setting")
    assert result.status == PASSED
    index, setting = int(found[0].group("index")), found[0].group("setting")
    for observation in expected.values():
        observation.data["builds"][0]["model"]["layers"][index - 1].pop(setting)
    result = judge_question(assignment, question, question.arg_sets, expected, actual)
    assert result.status == GRADER_ERROR and result.score == 0
    assert result.failure.type == "AuthoringError", result.failure
    assert f"'{setting}'" in result.failure.message, result.failure.message


def test_a_question_declares_its_probe_input_token_ids_reach_the_embedding() -> None:
    """Floats in [0, 1) are token 0 everywhere for an Embedding: the same output for every
    sample. Declared token ids (issue 21 item 2) give a varying output and a training step."""
    model = sequence_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    default = describe_model(model, 12)["run"]
    tokens = describe_model(model, 12, probe=ProbeInput("int32", 0, 200))["run"]
    assert default["constant_output"] is True
    assert tokens["constant_output"] is False and tokens["trained"] is True, tokens
    assert ProbeInput.from_json({"dtype": "int32", "high": 200}) == ProbeInput("int32", 0, 200)
    with pytest.raises(ValueError, match="dtype"):
        ProbeInput.from_json({"dtype": "str"})


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy",
                                  "mean_squared_error"])
def test_any_output_rank_gets_its_training_step(loss: str) -> None:
    """A sequence-to-sequence model (an output per time step) is trained one step too."""
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True),
                              keras.layers.TimeDistributed(keras.layers.Dense(
                                  1 if loss == "mean_squared_error" else 6,
                                  activation="softmax" if "entropy" in loss else None))])
    model.compile(optimizer="sgd", loss=loss)
    run = describe_model(model, (5, 3))["run"]
    assert run["output_shape"][1:] == [5, 1 if loss == "mean_squared_error" else 6]
    assert run["trained"] is True and run["train_error"] == "", run
