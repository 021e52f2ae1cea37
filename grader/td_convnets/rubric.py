"""Which checks judge each question of the convolutional-networks lab. Pure, no keras."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from grader.checks import arrays as arr
from grader.checks import layers as lay
from grader.checks import models as mdl
from grader.checks import runs
from grader.checks.base import Check
from grader.contract import RubricEntry
from grader.layer_kinds import settings_of

# Per-question settings: tolerances and thresholds live here, not in the checks.
SETTINGS: dict[str, dict[str, Any]] = {
    "q4": {"tolerance": 0.05},
    "q8": {"min_accuracy": 0.8},
}


def layer_checks(expected: dict, build: int = 0) -> Iterator[Check]:
    """Layer-by-layer checks of a build: kinds, each layer's settings (the output layer's are
    checked by output_checks) and each layer's output shape."""
    layers = lay.stack(expected["builds"][build]["model"])
    yield partial(lay.check_layer_kinds, build=build)
    for index, layer in enumerate(layers[:-1], start=1):
        for setting in settings_of(layer["kind"]):
            yield partial(lay.check_layer_setting, build=build, index=index, setting=setting)
    for index in range(1, len(layers) + 1):
        yield partial(lay.check_layer_output_shape, build=build, index=index)


def output_checks(build: int = 0, rows: bool = True) -> Iterator[Check]:
    """Checks of the output layer and of what the model returns on a small batch."""
    yield partial(mdl.check_output_units, build=build)
    yield partial(mdl.check_output_activation, build=build)
    yield partial(mdl.check_output_shape, build=build)
    if rows:
        yield partial(mdl.check_softmax_rows, build=build)


def compile_checks(build: int = 0) -> Iterator[Check]:
    """Checks of the loss and metric, and that one training step changes the weights."""
    yield partial(mdl.check_loss, build=build)
    yield partial(mdl.check_accuracy_metric, build=build)
    yield partial(mdl.check_training_step, build=build)


def q1(expected: dict) -> Iterator[Check]:
    """MNIST as images in [0, 1] and one-hot labels."""
    for name in ("x_train", "x_test"):
        yield partial(arr.check_array_shape, name=name)
        yield partial(arr.check_array_dtype, name=name)
        yield partial(arr.check_array_range, name=name)
        yield partial(arr.check_array_values, name=name)
    for name in ("y_train", "y_test"):
        yield partial(arr.check_array_shape, name=name)
        yield partial(arr.check_array_dtype, name=name)
        yield partial(arr.check_one_hot, name=name)


def q2(expected: dict) -> Iterator[Check]:
    """One Conv2D (ReLU), one MaxPooling2D, Flatten, a softmax output (sizes free)."""
    yield partial(mdl.check_returns_model, build=0, function="build_shallow_cnn")
    yield partial(lay.check_layer_kinds, build=0)
    yield partial(lay.check_layer_setting, build=0, index=1, setting="activation")
    yield from output_checks()
    yield from compile_checks()


def q3(expected: dict) -> Iterator[Check]:
    """LeNet, with its layers' output shapes and parameter count."""
    yield partial(mdl.check_returns_model, build=0, function="build_lenet")
    yield from layer_checks(expected)
    yield partial(lay.check_param_count, build=0)
    yield from output_checks()
    yield from compile_checks()


def q4(expected: dict) -> Iterator[Check]:
    """Flatten, one hidden ReLU Dense layer and the output, about as many parameters as LeNet."""
    yield partial(mdl.check_returns_model, build=0, function="build_dense_like_lenet")
    yield partial(lay.check_layer_kinds, build=0)
    yield partial(lay.check_layer_setting, build=0, index=2, setting="activation")
    yield partial(mdl.check_params_within, build=0, **SETTINGS["q4"])
    yield from output_checks()
    yield from compile_checks()


def q5(expected: dict) -> Iterator[Check]:
    """A float32 batch of one RGB image, resized, after ResNet50's preprocess_input."""
    yield partial(arr.check_array_shape, name="batch")
    yield partial(arr.check_array_dtype, name="batch")
    yield partial(arr.check_array_form, name="batch")
    yield partial(arr.check_array_values, name="batch")


def q6(expected: dict) -> Iterator[Check]:
    """The base frozen (counted from its weights), Flatten and Dense(1, sigmoid) added."""
    yield partial(mdl.check_returns_model, build=0, function="build_transfer_model")
    yield partial(lay.check_uses_base, build=0)
    yield partial(lay.check_base_trainable, build=0)
    yield partial(lay.check_weight_count, build=0, which="non_trainable")
    yield partial(lay.check_base_changes, build=0)
    yield partial(lay.check_added_layers, build=0)
    yield from output_checks(rows=False)
    yield from compile_checks()


def q7(expected: dict) -> Iterator[Check]:
    """The whole base trainable again, recompiled with Adam(learning_rate)."""
    yield partial(mdl.check_returns_model, build=0, function="unfreeze_for_fine_tuning")
    yield partial(lay.check_uses_base, build=0)
    yield partial(lay.check_base_trainable, build=0)
    yield partial(lay.check_weight_count, build=0, which="trainable")
    yield partial(lay.check_weight_count, build=0, which="non_trainable")
    yield partial(lay.check_base_changes, build=0)
    yield partial(lay.check_optimizer, build=0)
    yield partial(mdl.check_loss, build=0)
    yield partial(mdl.check_accuracy_metric, build=0)


def q8(expected: dict) -> Iterator[Check]:
    """A small CNN whose output suits two classes, and that learns."""
    yield partial(lay.check_output_varies, build=0)
    yield partial(mdl.check_returns_model, build=0, function="build_small_binary_cnn")
    yield partial(lay.check_kind_count, build=0, kind="Conv2D", minimum=1)
    yield partial(lay.check_kind_count, build=0, kind="Pooling", minimum=1)
    yield partial(lay.check_binary_output, build=0)
    yield partial(mdl.check_accuracy_metric, build=0)
    yield partial(mdl.check_training_step, build=0)
    yield partial(runs.check_learns, **SETTINGS["q8"])


RUBRIC: dict[str, RubricEntry] = {
    f"q{i}": globals()[f"q{i}"] for i in range(1, 9)
}


def notes(question: str, actual: dict) -> list[tuple[str, dict[str, Any]]]:
    """Return (message key, params) notes about a question's observation."""
    found = []
    for build in actual.get("builds", []):
        if "model_built_by_grader" in (build.get("model") or {}).get("notes", []):
            found.append(("note.model_built_by_grader",
                          {"where": question.upper(), "input_shape": build["args"]["input_shape"]}))
    return found
