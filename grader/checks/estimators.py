"""Checks of scikit-learn wrappers and searches over keras networks. Pure, no keras."""

from __future__ import annotations

import math
from typing import Any

from grader.checks.base import JudgeContext, Skip, Verdict
from grader.messages import code
from grader.wording import joined

SKLEARN_METHODS = ("fit", "get_params", "predict", "score", "set_params")
REGRESSION_SCORERS = frozenset({
    "r2", "explained_variance", "max_error", "neg_mean_squared_error",
    "neg_root_mean_squared_error", "neg_mean_absolute_error", "neg_median_absolute_error",
    "neg_mean_squared_log_error", "neg_root_mean_squared_log_error",
    "neg_mean_absolute_percentage_error",
})


def check_estimator_methods(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The object is a scikit-learn estimator (fit, predict, score, get/set_params)."""
    got = actual["estimator"]["methods"]
    return ctx.compare(ctx.label, ctx.t("what.estimator_methods"), list(SKLEARN_METHODS), got,
                       passed=set(SKLEARN_METHODS) <= set(got))


def check_clone(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """sklearn.base.clone works on the estimator."""
    clone = actual["clone"]
    return ctx.compare(ctx.label, ctx.t("what.clone"), True, clone["ok"],
                       shown_expected=ctx.t("value.works"),
                       shown_actual=ctx.t("value.works") if clone["ok"] else clone["error"].rstrip("."))


def _fitted(ctx: JudgeContext, actual: dict) -> dict:
    """Return the observation of a fitted estimator, or skip."""
    if "predict" not in actual:
        raise Skip(ctx.label, ctx.t("reason.not_fitted"))
    return actual


def check_predict(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """predict(X) returns one class label per sample."""
    predict = _fitted(ctx, actual)["predict"]
    want = expected["predict"]["shape"]
    passed = predict["shape"] == want and predict["labels_ok"]
    return ctx.compare(ctx.label, ctx.t("what.predict"), want, predict["shape"], passed=passed,
                       shown_expected=ctx.t("value.labels", shape=code(tuple(want))),
                       shown_actual=joined(code(tuple(predict["shape"])), "" if predict["labels_ok"]
                                           else ctx.t("value.not_labels"), separator=" "))


def check_score(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """score(X, y) returns an accuracy between 0 and 1."""
    if "score" not in _fitted(ctx, actual):
        raise Skip(ctx.label, ctx.t("reason.no_score"))
    score = actual["score"]
    passed = isinstance(score, int | float) and 0.0 <= score <= 1.0
    bounds = ctx.t("value.accuracy_bounds")
    return ctx.compare(ctx.label, ctx.t("what.score"), bounds, score, passed=passed,
                       shown_expected=bounds)


def _network(ctx: JudgeContext, actual: dict) -> dict:
    """Return the fitted keras network inside the wrapper, or skip."""
    network = _fitted(ctx, actual).get("network")
    if not network or not network.get("is_model"):
        raise Skip(ctx.label, ctx.t("reason.not_model"))
    return network


def hidden_units(network: dict[str, Any]) -> list[int]:
    """Return the units of the hidden Dense layers."""
    dense = [layer["units"] for layer in network["layers"] if layer["kind"] == "Dense"]
    return dense[:-1]


def check_hidden_count(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The wrapped network has as many hidden layers as the reference's."""
    want = len(hidden_units(expected["network"]))
    got = len(hidden_units(_network(ctx, actual)))
    return ctx.compare(ctx.label, ctx.t("what.hidden_count"), want, got)


def check_fit_epochs(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """fit(X, y) trains for the epochs fixed at construction."""
    got = _network(ctx, actual).get("fit_epochs")
    return ctx.compare(ctx.label, ctx.t("what.epochs"), expected["epochs_asked"], got)


def check_fit_batch_size(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """fit(X, y) uses the batch size fixed at construction (seen from its steps per epoch)."""
    got = _network(ctx, actual).get("fit_steps")
    batch = expected["batch_size_asked"]
    want = math.ceil(expected["samples"] / batch)
    return ctx.compare(ctx.label, ctx.t("what.steps"), want, got,
                       shown_expected=ctx.t("value.steps", steps=want, train=expected["samples"],
                                            batch=batch))


def _search(ctx: JudgeContext, actual: dict) -> dict:
    """Return the search description when it is a fitted search, or skip."""
    search = actual["search"]
    if not (search["is_search"] and search["fitted"]):
        raise Skip(ctx.label, ctx.t("reason.not_search"))
    return search


def check_is_search(ctx: JudgeContext, expected: dict, actual: dict, function: str) -> Verdict:
    """The function returns a fitted GridSearchCV or RandomizedSearchCV."""
    search = actual["search"]
    if search["is_search"] and search["fitted"]:
        return ctx.compare(ctx.label, ctx.t("what.search_type"), search["type"], search["type"])
    shown = joined(search["type"], "" if search["fitted"] else ctx.t("value.not_fitted"),
                   separator=" ")
    return Verdict(False, ctx.t("wrong_type", where=ctx.label, function=f"{function}()",
                                actual=shown, expected=ctx.t("value.a_search")),
                   "GridSearchCV", search["type"])


def check_folds(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The search cross-validates with the number of folds given as argument."""
    return ctx.compare(ctx.label, ctx.t("what.folds"), expected["cv_asked"],
                       _search(ctx, actual)["n_splits"])


def candidate_networks(ctx: JudgeContext, observation: dict) -> list[dict[str, Any]]:
    """Return the networks the search's candidates build (those that could be built)."""
    networks = [c["network"] for c in observation.get("candidates", [])
                if c.get("network") and c["network"].get("is_model")]
    if not networks:
        raise Skip(ctx.label, ctx.t("reason.not_search"))
    return networks


def _optimizers(networks: list[dict[str, Any]]) -> list[str]:
    """Return the distinct optimizers of the candidates, sorted."""
    return sorted({(n["compile"] or {}).get("optimizer", "?") for n in networks})


def check_optimizers(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The candidates use exactly the reference's optimizers."""
    _search(ctx, actual)
    want = _optimizers(candidate_networks(ctx, expected))
    got = _optimizers(candidate_networks(ctx, actual))
    return ctx.compare(ctx.label, ctx.t("what.optimizers"), want, got)


def check_same_network(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """Every candidate builds the same layers (only the optimizer varies)."""
    _search(ctx, actual)
    stacks = {tuple(hidden_units(n)) for n in candidate_networks(ctx, actual)}
    return ctx.compare(ctx.label, ctx.t("what.same_network"), 1, len(stacks),
                       shown_expected=ctx.t("value.identical"),
                       shown_actual=ctx.t("value.identical") if len(stacks) == 1
                       else ctx.t("value.different", count=len(stacks)))


def check_varies(ctx: JudgeContext, expected: dict, actual: dict, dimension: str) -> Verdict:
    """The candidates cover at least two depths, widths or optimizers."""
    _search(ctx, actual)
    networks = candidate_networks(ctx, actual)
    if dimension == "depths":
        values = sorted({len(hidden_units(n)) for n in networks})
    elif dimension == "widths":
        values = sorted({u for n in networks for u in hidden_units(n)})
    else:
        values = _optimizers(networks)
    return ctx.compare(ctx.label, ctx.t(f"what.{dimension}"), 2, values, passed=len(values) >= 2,
                       shown_expected=ctx.t("value.at_least_two"))


def is_regressor(search: dict[str, Any], candidates: list[dict[str, Any]]) -> bool:
    """Whether the searched estimator is a regressor: by its class, or a single linear output."""
    estimator = search.get("estimator") or {}
    if "Regressor" in estimator.get("type", ""):
        return True
    outputs = [[layer for layer in c["network"]["layers"] if layer["kind"] == "Dense"][-1:]
               for c in candidates if (c.get("network") or {}).get("is_model")]
    return bool(outputs) and all(o and o[0]["units"] == 1 and o[0]["activation"] == "linear"
                                 for o in outputs)


def check_regressor(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The searched estimator is a regressor."""
    search = _search(ctx, actual)
    passed = is_regressor(search, actual.get("candidates", []))
    got = (search.get("estimator") or {}).get("type", "?")
    return ctx.compare(ctx.label, ctx.t("what.regressor"), "regressor", got, passed=passed,
                       shown_expected=ctx.t("value.regressor"), shown_actual=code(got))


def check_regression_scoring(ctx: JudgeContext, expected: dict, actual: dict) -> Verdict:
    """The search is scored for regression (a regression scorer, or a regressor's default R²)."""
    search = _search(ctx, actual)
    scoring = search["scoring"]
    if scoring is None:
        passed = is_regressor(search, actual.get("candidates", []))
        shown = ctx.t("value.default_score_r2" if passed else "value.default_score")
    else:
        passed = scoring in REGRESSION_SCORERS or not isinstance(scoring, str)
        shown = code(scoring)
    return ctx.compare(ctx.label, ctx.t("what.scoring"), expected["search"]["scoring"], scoring,
                       passed=passed, shown_expected=ctx.t("value.regression_scoring"),
                       shown_actual=shown)
