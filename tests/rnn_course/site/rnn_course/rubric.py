"""The lab's checks, all the engine's: which ones each question runs, with their parameters."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from grader.checks import arrays, layers, models, runs
from grader.checks.base import Check
from grader.layer_kinds import settings_of


def q1(expected: dict) -> Iterator[Check]:
    """The windows: shapes and values of x and y."""
    for name in ("x", "y"):
        yield partial(arrays.check_array_shape, name=name)
        yield partial(arrays.check_array_values, name=name)


def model_checks(expected: dict, function: str) -> Iterator[Check]:
    """A model: its layers (kinds, each one's settings), its compile settings, a training step."""
    yield partial(models.check_returns_model, build=0, function=function)
    yield partial(layers.check_layer_kinds, build=0)
    for index, layer in enumerate(layers.stack(expected["builds"][0]["model"]), start=1):
        for setting in dict.fromkeys((*settings_of(layer["kind"]), "activation")):
            if setting in layer:
                yield partial(layers.check_layer_setting, build=0, index=index, setting=setting)
    yield partial(models.check_loss, build=0)
    yield partial(models.check_training_step, build=0)


def q5(expected: dict) -> Iterator[Check]:
    """The callback: a Callback, when it stops, which weights it leaves."""
    yield partial(runs.check_returns_callback, function="make_early_stopping")
    yield runs.check_stopped_after
    yield runs.check_weights_kept


RUBRIC = {
    "q1": q1,
    "q2": partial(model_checks, function="build_lstm_regressor"),
    "q3": partial(model_checks, function="build_stacked_gru"),
    "q4": partial(model_checks, function="build_text_classifier"),
    "q5": q5,
}
