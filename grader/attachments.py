"""Pick what a renderer shows beside the checks: the student's figure, layer stacks side by side."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from grader.checks.base import JudgeContext
from grader.checks.layers import SHAPE_SETTINGS, layer_text
from grader.checks.models import build_label, regularizer_text
from grader.layer_kinds import LAYER_KINDS, Kinds, setting_value, settings_of, shown_settings
from grader.messages import code, shape_code


def layer_row(layer: dict[str, Any], kinds: Kinds = LAYER_KINDS, mentioned: Iterable[str] = ()
              ) -> dict[str, str]:
    """Describe one layer by the settings a student sets (its kind's, and those the criteria
    mention), each written as code; a wrapped layer as LSTM(units=8, …)."""
    row = {}
    for name in shown_settings(layer, kinds, mentioned):
        value = setting_value(layer, name)
        last = name.rsplit(".", 1)[-1]
        if last.endswith("regularizer") and isinstance(value, dict):
            row[name] = regularizer_text(value)
        elif isinstance(value, dict):
            row[name] = layer_text(value, settings_of(str(value.get("kind", "")), kinds))
        elif name == "kind":
            row[name] = str(value)
        elif last in ("output_shape", *SHAPE_SETTINGS):
            row[name] = shape_code(value)
        else:
            row[name] = code(value)
    return row


def layer_stacks(ctx: JudgeContext, expected: dict[str, Any], actual: dict[str, Any],
                 always: bool = False, set_id: str = "", kinds: Kinds = LAYER_KINDS,
                 mentioned: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Return the expected and actual layer stacks of every build whose stacks differ (of every
    build when `always`); `same` says whether they are equal, `set` and `build` which call it is
    (the checks' ids say the same: a renderer puts the table under the criterion it explains)."""
    stacks = []
    for build, (want, got) in enumerate(zip(expected.get("builds", ()), actual.get("builds", ()),
                                            strict=False)):
        if not (want["model"].get("is_model") and got["model"].get("is_model")):
            continue
        mentioned = tuple(mentioned)
        rows_want = [layer_row(layer, kinds, mentioned) for layer in want["model"]["layers"]]
        rows_got = [layer_row(layer, kinds, mentioned) for layer in got["model"]["layers"]]
        if always or rows_want != rows_got:
            stacks.append({"label": build_label(ctx, got), "expected": rows_want,
                           "actual": rows_got, "same": rows_want == rows_got, "always": always,
                           "set": set_id, "build": build})
    return stacks


def collect_attachments(question: str, expected: dict[str, Any], actual: dict[str, Any],
                        show_layers: bool = False, set_id: str = "",
                        kinds: Kinds = LAYER_KINDS, mentioned: Iterable[str] = ()
                        ) -> dict[str, Any]:
    """Return the attachments of a judged question, chosen by the shape of its observation;
    `show_layers` (assignment.toml) keeps the layer tables even when they equal the reference's;
    `kinds` is the lab's table of layer kinds, `mentioned` the settings its checks compare."""
    attachments: dict[str, Any] = {}
    figure = actual.get("figure")
    if isinstance(figure, dict) and figure.get("png"):
        attachments["figure"] = figure["png"]
    stacks = layer_stacks(JudgeContext(question), expected, actual, show_layers, set_id,
                          kinds, mentioned)
    if stacks:
        attachments["layers"] = stacks
    return attachments
