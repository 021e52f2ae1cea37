"""Which checks judge each question of the lab, chosen by short generators. Pure, no keras."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from grader.checks import estimators as est
from grader.checks import models as mdl
from grader.checks import runs
from grader.checks.base import Check
from grader.contract import RubricEntry

# Per-question settings: tolerances and thresholds live here, not in the checks.
SETTINGS: dict[str, dict[str, Any]] = {
    "q2": {"min_accuracy": 0.5},
    "q4": {"tolerance": 0.05},
}
KERAS_WRAPPER_WITH_CLONE_BUG = "SKLearnClassifier"
# What q10's and q11's observers write from the set's arguments (grader/observations.py)
ECHOES = ("history", "epochs")


def model_checks(expected: dict, function: str, regularizer: bool = False, dropout: bool = False,
                 compile_build: int = 0) -> Iterator[Check]:
    """Checks of every build of a model-building function, layer by layer, and of its run."""
    builds = expected["builds"]
    for b, build in enumerate(builds):
        yield partial(mdl.check_returns_model, build=b, function=function)
        yield partial(mdl.check_dense_count, build=b)
        for layer in range(1, len(mdl.dense_layers(build["model"]))):
            yield partial(mdl.check_dense_attribute, build=b, layer=layer, attribute="units")
            yield partial(mdl.check_dense_attribute, build=b, layer=layer, attribute="activation")
            if regularizer:
                yield partial(mdl.check_kernel_regularizer, build=b, layer=layer)
            if dropout:
                yield partial(mdl.check_dropout_after_hidden, build=b, layer=layer)
        yield from output_checks(b)
        if regularizer:
            yield partial(mdl.check_kernel_regularizer, build=b, layer=0)
        if dropout:
            yield partial(mdl.check_no_stray_dropout, build=b)
    yield from compile_checks(compile_build % len(builds))
    for b in range(len(builds)):
        yield partial(mdl.check_training_step, build=b)


def output_checks(build: int) -> Iterator[Check]:
    """Checks of the output layer of one build and of what it returns on a small batch."""
    yield partial(mdl.check_output_units, build=build)
    yield partial(mdl.check_output_activation, build=build)
    yield partial(mdl.check_output_shape, build=build)
    yield partial(mdl.check_softmax_rows, build=build)


def compile_checks(build: int) -> Iterator[Check]:
    """Checks of the loss and metrics of one build."""
    yield partial(mdl.check_loss, build=build)
    yield partial(mdl.check_accuracy_metric, build=build)


def q1(expected: dict) -> Iterator[Check]:
    """Shapes and task of both datasets."""
    for dataset in ("mnist", "boston"):
        yield partial(runs.check_description_dataset, dataset=dataset)
        for array in ("x_train", "y_train", "x_test", "y_test"):
            yield partial(runs.check_dataset_shape, dataset=dataset, array=array)
        yield partial(runs.check_dataset_task, dataset=dataset)


def q2(expected: dict) -> Iterator[Check]:
    """A compiled softmax layer that learns MNIST."""
    yield from model_checks(expected, "build_linear_classifier")
    if "learning" in expected:  # only the set with MNIST's shapes trains
        yield partial(runs.check_learns, **SETTINGS["q2"])


def q3(expected: dict) -> Iterator[Check]:
    """0 to 3 hidden layers of 128 ReLU units."""
    yield from model_checks(expected, "build_mlp", compile_build=-1)


def q4(expected: dict) -> Iterator[Check]:
    """One hidden layer, as many parameters as build_mlp(..., 3)."""
    yield partial(mdl.check_returns_model, build=0, function="build_wide_mlp")
    yield partial(mdl.check_dense_count, build=0)
    yield partial(mdl.check_params_within, build=0, **SETTINGS["q4"])
    yield from output_checks(0)
    yield from compile_checks(0)
    yield partial(mdl.check_training_step, build=0)


def q5(expected: dict) -> Iterator[Check]:
    """A fit holding out 30 % for validation."""
    yield runs.check_returns_history
    yield runs.check_epochs_run
    yield runs.check_validation_metrics
    yield runs.check_validation_fraction
    yield runs.check_batch_size


def q6(expected: dict) -> Iterator[Check]:
    """L1 on the kernel of every Dense layer."""
    yield from model_checks(expected, "build_mlp_l1", regularizer=True)


def q7(expected: dict) -> Iterator[Check]:
    """Dropout(0.1) after every hidden layer."""
    yield from model_checks(expected, "build_mlp_dropout", dropout=True)


def q8(expected: dict) -> Iterator[Check]:
    """A scikit-learn classifier around a two-hidden-layer network."""
    yield est.check_estimator_methods
    yield est.check_clone
    yield est.check_predict
    yield est.check_score
    yield est.check_hidden_count
    yield est.check_fit_epochs
    yield est.check_fit_batch_size


def q9(expected: dict) -> Iterator[Check]:
    """A cross-validated search between rmsprop and sgd."""
    yield partial(est.check_is_search, function="select_optimizer")
    yield est.check_folds
    if "candidates" in expected:  # the sets that rebuild the candidates (see assignment.toml)
        yield est.check_optimizers
        yield est.check_same_network


def q10(expected: dict) -> Iterator[Check]:
    """The accuracy curves, with a legend."""
    yield runs.check_returns_figure
    yield partial(runs.check_curve, key="accuracy")
    yield partial(runs.check_curve, key="val_accuracy")
    yield runs.check_legend


def q11(expected: dict) -> Iterator[Check]:
    """TensorBoard logs of loss and accuracy, training and validation."""
    yield partial(runs.check_returns_callback, function="make_tensorboard_callback")
    for run in ("training", "validation"):
        for metric in ("loss", "accuracy"):
            yield partial(runs.check_logged_scalar, run=run, metric=metric)


def q12(expected: dict) -> Iterator[Check]:
    """Saves every second epoch, only on a new best val_loss."""
    yield partial(runs.check_returns_callback, function="make_checkpoint_callback")
    yield runs.check_saved_epochs


def q13(expected: dict) -> Iterator[Check]:
    """Stops after 5 epochs without progress of val_loss."""
    yield partial(runs.check_returns_callback, function="make_early_stopping_callback")
    yield runs.check_stopped_after


def q14(expected: dict) -> Iterator[Check]:
    """A regression search over depths, widths and optimizers."""
    yield partial(est.check_is_search, function="select_boston_model")
    yield est.check_folds
    yield est.check_regressor
    if "candidates" in expected:  # the sets that rebuild the candidates (see assignment.toml)
        for dimension in ("depths", "widths", "optimizers"):
            yield partial(est.check_varies, dimension=dimension)
    yield est.check_regression_scoring


RUBRIC: dict[str, RubricEntry] = {
    f"q{i}": globals()[f"q{i}"] for i in range(1, 15)
}


def notes(question: str, actual: dict) -> list[tuple[str, dict[str, Any]]]:
    """Return (message key, params) notes about a question's observation."""
    found = []
    for build in actual.get("builds", []):
        if "model_built_by_grader" in build["model"].get("notes", []):
            args = ", ".join(f"{k}={v}" for k, v in build["args"].items())
            found.append(("note.model_built_by_grader",
                          {"where": f"{question.upper()} ({args})",
                           "input_dim": build["args"]["input_dim"]}))
    wrapper = (actual.get("estimator") or (actual.get("search") or {}).get("estimator") or {})
    if wrapper.get("type") == KERAS_WRAPPER_WITH_CLONE_BUG and wrapper.get("module") == "keras":
        found.append(("note.keras_clone_bug", {}))
    return found
