"""Pick what a renderer shows beside the checks: the student's figure, layer stacks side by side."""

from __future__ import annotations

from typing import Any

from grader.checks.base import JudgeContext
from grader.checks.models import build_label, regularizer_text
from grader.messages import code, shape_code

LAYER_FIELDS = ("kind", "filters", "kernel_size", "pool_size", "strides", "padding", "units",
                "activation", "rate", "kernel_regularizer", "output_shape", "params")


def layer_row(layer: dict[str, Any]) -> dict[str, str]:
    """Describe one layer by the fields a student sets, each written as code."""
    row = {}
    for name in LAYER_FIELDS:
        value = layer.get(name)
        if value is None:
            continue
        if name == "kernel_regularizer":
            row[name] = regularizer_text(value)
        elif name == "kind":
            row[name] = str(value)
        elif name in ("output_shape", "kernel_size", "pool_size", "strides"):
            row[name] = shape_code(value)
        else:
            row[name] = code(value)
    return row


def layer_stacks(ctx: JudgeContext, expected: dict[str, Any], actual: dict[str, Any],
                 always: bool = False, set_id: str = "") -> list[dict[str, Any]]:
    """Return the expected and actual layer stacks of every build whose stacks differ (of every
    build when `always`); `same` says whether they are equal, `set` and `build` which call it is
    (the checks' ids say the same: a renderer puts the table under the criterion it explains)."""
    stacks = []
    for build, (want, got) in enumerate(zip(expected.get("builds", ()), actual.get("builds", ()),
                                            strict=False)):
        if not (want["model"].get("is_model") and got["model"].get("is_model")):
            continue
        rows_want = [layer_row(layer) for layer in want["model"]["layers"]]
        rows_got = [layer_row(layer) for layer in got["model"]["layers"]]
        if always or rows_want != rows_got:
            stacks.append({"label": build_label(ctx, got), "expected": rows_want,
                           "actual": rows_got, "same": rows_want == rows_got, "always": always,
                           "set": set_id, "build": build})
    return stacks


def collect_attachments(question: str, expected: dict[str, Any], actual: dict[str, Any],
                        lang: str = "en", show_layers: bool = False, set_id: str = ""
                        ) -> dict[str, Any]:
    """Return the attachments of a judged question, chosen by the shape of its observation;
    `show_layers` (assignment.toml) keeps the layer tables even when they equal the reference's."""
    attachments: dict[str, Any] = {}
    figure = actual.get("figure")
    if isinstance(figure, dict) and figure.get("png"):
        attachments["figure"] = figure["png"]
    stacks = layer_stacks(JudgeContext(question, lang), expected, actual, show_layers, set_id)
    if stacks:
        attachments["layers"] = stacks
    return attachments
