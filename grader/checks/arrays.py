"""Checks of returned arrays described as data (grader/observe/arrays.py). Pure, no keras."""

from __future__ import annotations

import math
from typing import Any

from grader.checks.base import JudgeContext, Skip, Verdict
from grader.messages import code, shape_code
from grader.wording import Text

VALUE_TOLERANCE = 1e-3  # relative, on the mean and the range of the values


def _pair(ctx: JudgeContext, expected: dict, actual: dict, name: str
          ) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Return the label, the reference's and the student's description of array `name`."""
    where = ctx.t("where.array", label=ctx.label, name=name)
    want, got = expected["arrays"][name], actual["arrays"][name]
    return where, want, got


def _array(ctx: JudgeContext, where: str, got: dict[str, Any]) -> dict[str, Any]:
    """Return the student's array, or skip when it is not one (check_array_shape says it)."""
    if not got.get("is_array"):
        raise Skip(where, ctx.t("reason.not_array"))
    return got


def check_array_shape(ctx: JudgeContext, expected: dict, actual: dict, name: str) -> Verdict:
    """The array has the reference's shape."""
    where, want, got = _pair(ctx, expected, actual, name)
    if not got.get("is_array"):
        return ctx.compare(where, ctx.t("what.returns"), want["shape"], got.get("type"),
                           passed=False, shown_expected=ctx.t("value.an_array",
                                                              shape=shape_code(want["shape"])),
                           shown_actual=str(got.get("type")))
    return ctx.compare(where, ctx.t("what.array_shape"), want["shape"], got["shape"],
                       shown_expected=shape_code(want["shape"]),
                       shown_actual=shape_code(got["shape"]))


def check_array_dtype(ctx: JudgeContext, expected: dict, actual: dict, name: str) -> Verdict:
    """The array has the reference's dtype."""
    where, want, got = _pair(ctx, expected, actual, name)
    return ctx.compare(where, "dtype", want["dtype"], _array(ctx, where, got)["dtype"])


def _close(a: float | None, b: float | None) -> bool:
    """Whether two summary values agree (relative tolerance, with a floor for small values)."""
    return a is not None and b is not None and math.isclose(a, b, rel_tol=VALUE_TOLERANCE,
                                                            abs_tol=VALUE_TOLERANCE)


def check_array_range(ctx: JudgeContext, expected: dict, actual: dict, name: str) -> Verdict:
    """The array's values span the reference's range (e.g. [0, 1] after scaling pixels)."""
    where, want, got = _pair(ctx, expected, actual, name)
    got = _array(ctx, where, got)
    passed = _close(want["min"], got["min"]) and _close(want["max"], got["max"])
    return ctx.compare(where, ctx.t("what.value_range"), [want["min"], want["max"]],
                       [got["min"], got["max"]], passed=passed,
                       shown_expected=f"[{code(want['min'])}, {code(want['max'])}]",
                       shown_actual=f"[{code(got['min'])}, {code(got['max'])}]")


def check_array_values(ctx: JudgeContext, expected: dict, actual: dict, name: str) -> Verdict:
    """The array's values are the reference's (their mean, with its range checked apart)."""
    where, want, got = _pair(ctx, expected, actual, name)
    got = _array(ctx, where, got)
    if got["shape"] != want["shape"]:
        raise Skip(where, ctx.t("reason.other_shape"))
    return ctx.compare(where, ctx.t("what.value_mean"), want["mean"], got["mean"],
                       passed=_close(want["mean"], got["mean"]))


def check_one_hot(ctx: JudgeContext, expected: dict, actual: dict, name: str) -> Verdict:
    """The array holds one-hot rows of the reference's labels, in the reference's order."""
    where, want, got = _pair(ctx, expected, actual, name)
    got = _array(ctx, where, got)
    yes = ctx.t("value.one_hot")
    if not got["one_hot"]:
        shown = ctx.t("value.not_one_hot", shape=shape_code(got["shape"]))
        return ctx.compare(where, ctx.t("what.rows"), True, False, passed=False,
                           shown_expected=yes, shown_actual=shown)
    same = got.get("labels_digest") == want.get("labels_digest")
    return ctx.compare(where, ctx.t("what.rows"), True, same, shown_expected=yes,
                       shown_actual=yes if same else ctx.t("value.other_labels"))


def check_array_form(ctx: JudgeContext, expected: dict, actual: dict, name: str) -> Verdict:
    """The array is the form the reference returns among the observer's named candidates
    (e.g. 'preprocess_input' rather than 'divided by 255'); the forms are named in the
    assignment's catalogue as `value.form.<name>`."""
    where, want, got = _pair(ctx, expected, actual, name)
    got = _array(ctx, where, got)
    form = got.get("matches")

    def named(key: str | None) -> Text:
        return ctx.t(f"value.form.{key}") if key else ctx.t("value.form_unknown")

    return ctx.compare(where, ctx.t("what.array_form"), want.get("matches"), form,
                       shown_expected=named(want.get("matches")), shown_actual=named(form))
