"""Checks of keras models described as data: layers, parameter counts, compile settings."""

from __future__ import annotations

import math
from typing import Any

from grader.checks.base import JudgeContext, Skip, Verdict
from grader.messages import code, shape_code
from grader.wording import Text, joined

IGNORED_KINDS = frozenset({"Flatten", "InputLayer", "Reshape"})
ACCURACY_METRICS = frozenset({"accuracy", "categorical_accuracy"})


def build_label(ctx: JudgeContext, build: dict[str, Any]) -> Text:
    """Return 'Q3 (n_hidden=2)': the question and the arguments that vary between calls."""
    shown = {k: build["args"][k] for k in build.get("varies", ()) if k in build["args"]}
    if not shown:
        return ctx.label
    return joined(ctx.label, f"({', '.join(f'{k}={code(v)}' for k, v in shown.items())})",
                  separator=" ")


def model_of(ctx: JudgeContext, build: dict[str, Any]) -> dict[str, Any]:
    """Return the described model, or skip the check when the function returned no model."""
    model = build["model"]
    if not model.get("is_model"):
        raise Skip(build_label(ctx, build), ctx.t("reason.not_model"))
    return model


def dense_layers(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the Dense layers, in order."""
    return [layer for layer in model["layers"] if layer["kind"] == "Dense"]


def compile_of(ctx: JudgeContext, build: dict[str, Any]) -> dict[str, Any]:
    """Return the compile settings, or skip when the model is not compiled."""
    settings = model_of(ctx, build)["compile"]
    if settings is None:
        raise Skip(build_label(ctx, build), ctx.t("reason.not_compiled"))
    return settings


def dense_text(layer: dict[str, Any]) -> str:
    """Write a Dense layer as code: Dense(128, activation='relu')."""
    text = f"Dense({layer['units']}, activation={code(layer['activation'])}"
    if layer.get("kernel_regularizer"):
        text += f", kernel_regularizer={regularizer_text(layer['kernel_regularizer'])}"
    return text + ")"


def regularizer_text(reg: dict[str, Any] | None) -> str:
    """Write a regularizer as code: L1(l1=0.01), L2(l2=0.01), None."""
    if reg is None:
        return "None"
    parts = [f"{name}={reg[name]:g}" for name in ("l1", "l2") if reg.get(name)]
    name = {("l1",): "L1", ("l2",): "L2"}.get(tuple(p.split("=")[0] for p in parts), "L1L2")
    if reg.get("class") not in ("L1", "L2", "L1L2") and reg.get("l1") is None:
        return reg.get("class", "custom")
    return f"{name}({', '.join(parts)})"


def check_returns_model(ctx: JudgeContext, expected: dict, actual: dict, build: int,
                        function: str) -> Verdict:
    """The function returns a keras Model."""
    model = actual["builds"][build]["model"]
    where = build_label(ctx, actual["builds"][build])
    if model.get("is_model"):
        return ctx.compare(where, ctx.t("what.returns"), "Model", model["type"], passed=True)
    return Verdict(False, ctx.t("wrong_type", where=where, function=f"{function}()",
                                actual=model.get("type"), expected=ctx.t("value.a_model")),
                   "Model", model.get("type"))


def check_dense_count(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The model has as many Dense layers as the reference."""
    want = len(dense_layers(expected["builds"][build]["model"]))
    got = len(dense_layers(model_of(ctx, actual["builds"][build])))
    return ctx.compare(
        build_label(ctx, actual["builds"][build]), ctx.t("what.dense_count"), want, got,
        shown_expected=ctx.t("value.n_layers", total=want, hidden=want - 1),
        shown_actual=ctx.t("value.n_layers", total=got, hidden=max(got - 1, 0)),
    )


def _layer_pair(ctx: JudgeContext, expected: dict, actual: dict, build: int, layer: int
                ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
    """Return the label, the reference layer and the student's layer (None when missing).

    `layer` counts hidden Dense layers from 1; 0 means the output layer (compared last to last).
    """
    want_layers = dense_layers(expected["builds"][build]["model"])
    got_layers = dense_layers(model_of(ctx, actual["builds"][build]))
    label = build_label(ctx, actual["builds"][build])
    if layer == 0:
        return ctx.t("where.output_layer", label=label), want_layers[-1], (got_layers or [None])[-1]
    hidden = got_layers[:-1]
    got = hidden[layer - 1] if layer <= len(hidden) else None
    return ctx.t("where.layer", label=label, index=layer), want_layers[layer - 1], got


def check_dense_attribute(ctx: JudgeContext, expected: dict, actual: dict, build: int, layer: int,
                          attribute: str) -> Verdict:
    """One attribute (units, activation) of one Dense layer matches the reference."""
    where, want, got = _layer_pair(ctx, expected, actual, build, layer)
    if got is None:
        return Verdict(False, ctx.t("missing_layer", where=where, expected=dense_text(want)),
                       dense_text(want), None)
    hint = ctx.t("hint.relu") if attribute == "activation" and want[attribute] == "relu" else ""
    return ctx.compare(where, attribute, want[attribute], got[attribute], hint=hint)


def check_output_activation(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The output activation is the reference's, or linear with a from_logits loss."""
    where, want, got = _layer_pair(ctx, expected, actual, build, 0)
    if got is None:
        return Verdict(False, ctx.t("missing_layer", where=where, expected=dense_text(want)))
    settings = model_of(ctx, actual["builds"][build])["compile"] or {}
    from_logits = bool((settings.get("loss") or {}).get("from_logits"))
    passed = (got["activation"] == want["activation"] and not from_logits) or (
        want["activation"] == "softmax" and got["activation"] == "linear" and from_logits
    )
    shown = ctx.t("value.softmax_or_logits") if want["activation"] == "softmax" else None
    label = code(got["activation"]) + (" + from_logits=True" if from_logits else "")
    return ctx.compare(where, "activation", want["activation"], got["activation"], passed=passed,
                       shown_expected=shown, shown_actual=label)


def check_kernel_regularizer(ctx: JudgeContext, expected: dict, actual: dict, build: int,
                             layer: int) -> Verdict:
    """The Dense layer's kernel regularizer has the reference's L1 and L2 coefficients."""
    where, want, got = _layer_pair(ctx, expected, actual, build, layer)
    if got is None:
        return Verdict(False, ctx.t("missing_layer", where=where, expected=dense_text(want)))
    w, g = want["kernel_regularizer"], got["kernel_regularizer"]
    passed = _same_regularizer(w, g)
    return ctx.compare(where, "kernel_regularizer", w, g, passed=passed,
                       shown_expected=regularizer_text(w), shown_actual=regularizer_text(g))


def _same_regularizer(want: dict | None, got: dict | None) -> bool:
    """Compare coefficients approximately (keras stores them as float32)."""
    if want is None or got is None:
        return want is None and got is None
    return all(
        got.get(k) is not None and math.isclose(want[k] or 0.0, got[k] or 0.0, rel_tol=1e-4,
                                                abs_tol=1e-9)
        for k in ("l1", "l2")
    )


def check_loss(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The model is compiled with the reference's loss."""
    where = build_label(ctx, actual["builds"][build])
    model = model_of(ctx, actual["builds"][build])
    if model["compile"] is None:
        return Verdict(False, ctx.t("not_compiled", where=where), "compiled", None)
    want = expected["builds"][build]["model"]["compile"]["loss"]["name"]
    got = (model["compile"]["loss"] or {}).get("name")
    return ctx.compare(where, ctx.t("what.loss"), want, got)


def check_accuracy_metric(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The model reports accuracy during training."""
    settings = compile_of(ctx, actual["builds"][build])
    got = settings["metrics"]
    return ctx.compare(build_label(ctx, actual["builds"][build]), ctx.t("what.metrics"),
                       ["accuracy"], got, passed=bool(ACCURACY_METRICS & set(got)))


def check_params_within(ctx: JudgeContext, expected: dict, actual: dict, build: int,
                        tolerance: float) -> Verdict:
    """The parameter count is within a relative tolerance of the reference's target."""
    target = expected["params_target"]
    got = model_of(ctx, actual["builds"][build])["params"]
    passed = abs(got - target) <= tolerance * target
    shown = ctx.t("value.within", tolerance=f"{tolerance:.0%}", target=f"{target:,}")
    return ctx.compare(build_label(ctx, actual["builds"][build]), ctx.t("what.params"), target, got,
                       passed=passed, shown_expected=shown, shown_actual=f"{got:,}")


def hidden_dropout_layout(model: dict[str, Any]) -> tuple[list[float | None], bool, list[float]]:
    """Return the rate of the Dropout after each hidden Dense (None if absent), whether one
    follows the output, and the rates of any other Dropout layers."""
    layers = [layer for layer in model["layers"] if layer["kind"] not in IGNORED_KINDS]
    dense_positions = [i for i, layer in enumerate(layers) if layer["kind"] == "Dense"]
    after_hidden: list[float | None] = []
    used: set[int] = set()
    for position in dense_positions[:-1]:
        following = layers[position + 1] if position + 1 < len(layers) else None
        if following is not None and following["kind"] == "Dropout":
            after_hidden.append(following["rate"])
            used.add(position + 1)
        else:
            after_hidden.append(None)
    last = dense_positions[-1] if dense_positions else len(layers)
    after_output = any(layer["kind"] == "Dropout" for layer in layers[last + 1 :])
    others = [layer["rate"] for i, layer in enumerate(layers[: last]) if layer["kind"] == "Dropout"
              and i not in used]
    return after_hidden, after_output, others


def check_dropout_after_hidden(ctx: JudgeContext, expected: dict, actual: dict, build: int,
                               layer: int) -> Verdict:
    """A Dropout of the reference's rate follows hidden layer `layer`."""
    want_rates, _, _ = hidden_dropout_layout(expected["builds"][build]["model"])
    got_rates, _, _ = hidden_dropout_layout(model_of(ctx, actual["builds"][build]))
    label = build_label(ctx, actual["builds"][build])
    want = want_rates[layer - 1]
    got = got_rates[layer - 1] if layer <= len(got_rates) else None
    if got is None:
        return Verdict(False, ctx.t("missing_dropout", where=label, rate=code(want), index=layer),
                       want, None)
    where = ctx.t("where.dropout_after", label=label, index=layer)
    return ctx.compare(where, "rate", want, got, passed=math.isclose(want, got, rel_tol=1e-6))


def check_no_stray_dropout(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """No Dropout after the output layer, and any input Dropout has the reference's rate."""
    want_rates, _, _ = hidden_dropout_layout(expected["builds"][build]["model"])
    _, after_output, others = hidden_dropout_layout(model_of(ctx, actual["builds"][build]))
    label = build_label(ctx, actual["builds"][build])
    if after_output:
        return Verdict(False, ctx.t("extra_dropout", where=label), None, "Dropout")
    rate = next((r for r in want_rates if r is not None), 0.1)
    bad = [r for r in others if not math.isclose(r, rate, rel_tol=1e-6)]
    if bad:
        return ctx.compare(ctx.t("where.input_dropout", label=label), "rate", rate, bad[0])
    return Verdict(True, ctx.t("dropout_ok", where=label, rate=code(rate)))


def check_output_units(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The output Dense layer has as many units as the reference's (n_classes)."""
    where, want, got = _layer_pair(ctx, expected, actual, build, 0)
    if got is None:
        return Verdict(False, ctx.t("missing_layer", where=where, expected=dense_text(want)),
                       dense_text(want), None)
    return ctx.compare(where, "units", want["units"], got["units"])


def run_of(ctx: JudgeContext, build: dict[str, Any]) -> dict[str, Any]:
    """Return what the model did on a small batch, or skip when it was not run."""
    run = model_of(ctx, build).get("run")
    if run is None:
        raise Skip(build_label(ctx, build), ctx.t("reason.not_run"))
    return run


def check_output_shape(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """Called on a batch of n samples, the model returns (n, n_classes)."""
    want = expected["builds"][build]["model"]["run"]["output_shape"]
    got = run_of(ctx, actual["builds"][build])["output_shape"]
    where = ctx.t("where.model_call", label=build_label(ctx, actual["builds"][build]),
                  batch=want[0])
    return ctx.compare(where, ctx.t("what.output_shape"), want, got,
                       shown_expected=shape_code(want), shown_actual=shape_code(got))


def check_softmax_rows(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """Where the reference outputs probabilities, each output row sums to 1 (logits excepted)."""
    build_got = actual["builds"][build]
    run = run_of(ctx, build_got)
    settings = model_of(ctx, build_got)["compile"] or {}
    from_logits = bool((settings.get("loss") or {}).get("from_logits"))
    asked = expected["builds"][build]["model"]["run"]["rows_sum_to_one"]  # the reference's softmax
    passed = run["rows_sum_to_one"] or from_logits or not asked
    where = ctx.t("where.model_call", label=build_label(ctx, build_got), batch=run["batch"])
    yes, no = ctx.t("value.rows_sum_to_one"), ctx.t("value.rows_do_not_sum_to_one")
    shown = ctx.t("value.logits") if from_logits else (yes if run["rows_sum_to_one"] else no)
    return ctx.compare(where, ctx.t("what.probabilities"), True, run["rows_sum_to_one"],
                       passed=passed, shown_expected=yes, shown_actual=shown)


def check_training_step(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """One training step on a small batch changes the model's weights."""
    build_got = actual["builds"][build]
    where = build_label(ctx, build_got)
    run = run_of(ctx, build_got)
    compile_of(ctx, build_got)  # not compiled: skipped (check_loss says it once)
    if run["trained"]:
        shown = ctx.t("value.weights_changed")
    elif run.get("train_error"):
        shown = ctx.t("value.train_error", error=run["train_error"].rstrip("."))
    else:
        shown = ctx.t("value.weights_unchanged")
    return ctx.compare(ctx.t("where.train_step", label=where, batch=run["batch"]),
                       ctx.t("what.training_step"), True, bool(run["trained"]),
                       shown_expected=ctx.t("value.weights_changed"), shown_actual=shown)
