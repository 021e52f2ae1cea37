"""Checks of any layer stack, layer by layer (kinds, settings, output shapes), and of how a
model trains (trainable and frozen weights, a given base, its optimizer). Pure, no keras."""

from __future__ import annotations

import math
from typing import Any

from grader.checks.base import AuthoringError, JudgeContext, Skip, Verdict
from grader.checks.models import build_label, compile_of, model_of, run_of
from grader.layer_kinds import has_setting, setting_value, settings_of
from grader.messages import code, shape_code

SHAPE_SETTINGS = ("kernel_size", "pool_size", "strides", "dilation_rate")


def stack(model: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the layers a student writes, in order (the input layer is never one)."""
    return list(model["layers"])


def kinds(layers: list[dict[str, Any]]) -> str:
    """Write a stack's kinds as 'Conv2D → MaxPooling2D → Flatten → Dense'."""
    return " → ".join(layer["kind"] for layer in layers) or "—"


def same_kind(kind: str, family: str) -> bool:
    """Whether a layer kind belongs to a family ('Conv2D' or 'Pooling', any pooling layer)."""
    return kind == family or (family == "Pooling" and "Pooling" in kind)


def _models(ctx: JudgeContext, expected: dict, actual: dict, build: int
            ) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Return the label, the reference's model and the student's (skip when not a model)."""
    got = actual["builds"][build]
    return build_label(ctx, got), expected["builds"][build]["model"], model_of(ctx, got)


def check_layer_kinds(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The model has the reference's layers, in the reference's order."""
    label, want, got = _models(ctx, expected, actual, build)
    w, g = [x["kind"] for x in stack(want)], [x["kind"] for x in stack(got)]
    return ctx.compare(label, ctx.t("what.layers"), w, g, shown_expected=kinds(stack(want)),
                       shown_actual=kinds(stack(got)))


def _layer_pair(ctx: JudgeContext, expected: dict, actual: dict, build: int, index: int
                ) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Return the label of layer `index` (from 1) and both layers; skip when the student's stack
    has another kind there (check_layer_kinds says so)."""
    label, want, got = _models(ctx, expected, actual, build)
    mine, theirs = stack(want)[index - 1], stack(got)
    where = ctx.t("where.layer_kind", label=label, index=index, kind=mine["kind"])
    if index > len(theirs) or theirs[index - 1]["kind"] != mine["kind"]:
        raise Skip(where, ctx.t("reason.other_layers"))
    return where, mine, theirs[index - 1]


def check_layer_setting(ctx: JudgeContext, expected: dict, actual: dict, build: int, index: int,
                        setting: str) -> Verdict:
    """One setting of one layer, any that keras gives (units, return_sequences, output_dim…), or
    of the layer it wraps ('layer.units'); a setting the reference's layer does not have is the
    lab's mistake (AuthoringError), never a pass."""
    where, want, got = _layer_pair(ctx, expected, actual, build, index)
    if not has_setting(want, setting):
        known = ", ".join(sorted(k for k in want if k not in ("kind", "params", "output_shape")))
        raise AuthoringError(f"{ctx.question}: check_layer_setting asks for {setting!r} of layer "
                             f"{index} ({want['kind']}), which the reference's layer does not "
                             f"have (its settings: {known or 'none'})")
    w, g = setting_value(want, setting), setting_value(got, setting)
    if isinstance(w, dict) and "kind" in w:  # a wrapped layer: compared by its described settings
        shown = layer_text(w, settings_of(str(w["kind"])))
        return ctx.compare(where, setting, w, g, passed=_same_layer(w, g),
                           shown_expected=shown, shown_actual=layer_text(
                               g, settings_of(str(w["kind"]))) if isinstance(g, dict) else code(g))
    if setting.rsplit(".", 1)[-1] in SHAPE_SETTINGS:
        return ctx.compare(where, setting, w, g, shown_expected=shape_code(w),
                           shown_actual=shape_code(g))
    return ctx.compare(where, setting, w, g)


def _same_layer(want: dict[str, Any], got: Any) -> bool:
    """Whether a wrapped layer is the reference's: same kind and same chosen settings."""
    if not isinstance(got, dict) or got.get("kind") != want.get("kind"):
        return False
    return all(got.get(name) == want.get(name) for name in settings_of(str(want["kind"])))


def layer_text(layer: dict[str, Any], names: tuple[str, ...]) -> str:
    """Write a layer as code: LSTM(units=8, return_sequences=True)."""
    shown = ", ".join(f"{name}={code(layer.get(name))}" for name in names if name in layer)
    return f"{layer.get('kind', '?')}({shown})"


def check_layer_output_shape(ctx: JudgeContext, expected: dict, actual: dict, build: int,
                             index: int) -> Verdict:
    """The layer's output has the reference's shape (batch axis left out)."""
    where, want, got = _layer_pair(ctx, expected, actual, build, index)
    w, g = want.get("output_shape"), got.get("output_shape")
    return ctx.compare(where, ctx.t("what.output_shape"), w, g, shown_expected=shape_code(w),
                       shown_actual=shape_code(g))


def check_kind_count(ctx: JudgeContext, expected: dict, actual: dict, build: int, kind: str,
                     minimum: int = 0) -> Verdict:
    """The model has as many layers of a kind as the reference (or at least `minimum`)."""
    label, want, got = _models(ctx, expected, actual, build)
    w = sum(same_kind(x["kind"], kind) for x in stack(want))
    g = sum(same_kind(x["kind"], kind) for x in stack(got))
    what = ctx.t("what.kind_count", kind=kind)
    if minimum:
        return ctx.compare(label, what, minimum, g, passed=g >= minimum,
                           shown_expected=ctx.t("value.at_least_n", count=minimum))
    return ctx.compare(label, what, w, g)


def check_param_count(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The model has exactly the reference's number of parameters."""
    label, want, got = _models(ctx, expected, actual, build)
    return ctx.compare(label, ctx.t("what.params"), want["params"], got["params"],
                       shown_expected=f"{want['params']:,}", shown_actual=f"{got['params']:,}")


def check_weight_count(ctx: JudgeContext, expected: dict, actual: dict, build: int, which: str
                       ) -> Verdict:
    """The model has the reference's number of trainable (or frozen) parameters, counted from
    the variables a training step updates, not from the layers' flags."""
    label, want, got = _models(ctx, expected, actual, build)
    w, g = want["weights"][which], got["weights"][which]
    return ctx.compare(label, ctx.t(f"what.{which}_params"), w, g, shown_expected=f"{w:,}",
                       shown_actual=f"{g:,}")


def check_base_trainable(ctx: JudgeContext, expected: dict, actual: dict, build: int
                         ) -> Verdict:
    """As many of the base's parameters are trainable as in the reference's model (none when
    frozen), counted from the variables the optimizer updates, whatever the flags say."""
    label, want, got = _models(ctx, expected, actual, build)
    if not (got.get("base") or {}).get("used"):
        raise Skip(label, ctx.t("value.base_unused"))
    w, g = want["base"]["trainable"], got["base"]["trainable"]
    return ctx.compare(label, ctx.t("what.base_trainable"), w, g, shown_expected=f"{w:,}",
                       shown_actual=f"{g:,}")


def check_uses_base(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The returned model is built on the given base network (it holds all its weights)."""
    label, _, got = _models(ctx, expected, actual, build)
    used = bool((got.get("base") or {}).get("used"))
    return ctx.compare(label, ctx.t("what.base"), True, used, shown_expected=ctx.t("value.base_used"),
                       shown_actual=ctx.t("value.base_used" if used else "value.base_not_used"))


def check_added_layers(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The layers added after the base are the reference's kinds, in order."""
    label, want, got = _models(ctx, expected, actual, build)
    if not (got.get("base") or {}).get("used"):
        raise Skip(label, ctx.t("value.base_unused"))
    w, g = want["base"]["added_layers"], got["base"]["added_layers"]
    return ctx.compare(label, ctx.t("what.added_layers"), [x["kind"] for x in w],
                       [x["kind"] for x in g], shown_expected=kinds(w), shown_actual=kinds(g))


def check_base_changes(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """A training step changes as many of the base's parameters as the reference's (none when
    frozen, all that can learn when fine-tuned)."""
    got_build = actual["builds"][build]
    label = build_label(ctx, got_build)
    if not (model_of(ctx, got_build).get("base") or {}).get("used"):
        raise Skip(label, ctx.t("value.base_unused"))
    compile_of(ctx, got_build)
    run = run_of(ctx, got_build)
    if run.get("train_error"):
        raise Skip(label, ctx.t("value.train_error", error=run["train_error"].rstrip(".")))
    w = expected["builds"][build]["model"]["run"]["changed_by_group"]["base"]
    g = (run.get("changed_by_group") or {}).get("base", 0)
    where = ctx.t("where.train_step", label=label, batch=run["batch"])
    return ctx.compare(where, ctx.t("what.base_changed"), w, g,
                       shown_expected=ctx.t("value.n_params", count=f"{w:,}"),
                       shown_actual=ctx.t("value.n_params", count=f"{g:,}"))


def optimizer_text(settings: dict[str, Any]) -> str:
    """Write an optimizer as code: Adam(learning_rate=1e-05)."""
    name = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}.get(settings["optimizer"],
                                                                  settings["optimizer"])
    rate = settings.get("learning_rate")
    return f"{name}(learning_rate={code(rate) if rate is not None else '?'})"


def check_optimizer(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The model is compiled with the reference's optimizer and learning rate."""
    label = build_label(ctx, actual["builds"][build])
    want = expected["builds"][build]["model"]["compile"]
    got = compile_of(ctx, actual["builds"][build])
    w, g = want.get("learning_rate"), got.get("learning_rate")
    passed = got["optimizer"] == want["optimizer"] and w is not None and g is not None and \
        math.isclose(w, g, rel_tol=1e-4)
    return ctx.compare(label, ctx.t("what.optimizer"), optimizer_text(want), optimizer_text(got),
                       passed=passed, shown_expected=optimizer_text(want),
                       shown_actual=optimizer_text(got))


def check_output_varies(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """Where the reference's output depends on the input, the student's does too (a softmax over
    one unit always outputs 1, so such a network cannot learn)."""
    got_build = actual["builds"][build]
    label = build_label(ctx, got_build)
    model = model_of(ctx, got_build)
    run = run_of(ctx, got_build)
    where = ctx.t("where.output", label=label)
    if not run.get("constant_output") or expected["builds"][build]["model"]["run"].get(
            "constant_output"):
        return Verdict(True, ctx.t("output_varies", where=where))
    last = (stack(model) or [{}])[-1]
    if last.get("activation") == "softmax" and last.get("units") == 1:
        return Verdict(False, ctx.t("constant_softmax", where=where), "varies", "constant")
    value = run.get("constant_value") or []
    return ctx.compare(where, ctx.t("what.output_values"), "varies", value, passed=False,
                       shown_expected=ctx.t("value.varies"),
                       shown_actual=ctx.t("value.always", value=code(value)))


def check_binary_output(ctx: JudgeContext, expected: dict, actual: dict, build: int) -> Verdict:
    """The output suits two classes: one sigmoid unit with binary cross-entropy, or two softmax
    units with a categorical loss."""
    got_build = actual["builds"][build]
    label = build_label(ctx, got_build)
    last = (stack(model_of(ctx, got_build)) or [{}])[-1]
    loss = ((compile_of(ctx, got_build).get("loss")) or {}).get("name", "")
    units, activation = last.get("units"), last.get("activation")
    passed = (units == 1 and activation == "sigmoid" and loss == "binary_crossentropy") or (
        units == 2 and activation == "softmax" and "categorical" in loss)
    got = f"{last.get('kind')}({code(units)}, activation={code(activation)}) + {code(loss)}"
    return ctx.compare(ctx.t("where.output", label=label), ctx.t("what.binary_output"),
                       "binary", got, passed=passed, shown_expected=ctx.t("value.binary_output"),
                       shown_actual=got)
