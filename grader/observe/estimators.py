"""Describe scikit-learn estimators and searches that wrap keras networks (in the executor: the
objects stay in the student's process; see `grader.observe.probes`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.observe.context import short_repr


def describe_estimator(est: Any) -> dict[str, Any]:
    """Return the estimator's class and which scikit-learn methods it has."""
    cls = type(est)
    return {
        "type": cls.__name__,
        "module": cls.__module__.split(".")[0],
        "methods": sorted(m for m in ("fit", "predict", "score", "get_params", "set_params")
                          if callable(getattr(est, m, None))),
    }


def try_clone(est: Any) -> dict[str, Any]:
    """Clone with sklearn.base.clone and say whether it worked."""
    from sklearn.base import clone

    try:
        copy = clone(est)
    except Exception as exc:  # noqa: BLE001 - reported to the student as a failed check
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": type(copy) is type(est), "error": ""}


def describe_search(search: Any) -> dict[str, Any]:
    """Return the search's class, folds, scoring and whether it was fitted."""
    from sklearn.model_selection._search import BaseSearchCV

    info = describe_estimator(search)
    info["is_search"] = isinstance(search, BaseSearchCV)
    info["fitted"] = hasattr(search, "cv_results_")
    info["n_splits"] = int(getattr(search, "n_splits_", 0) or 0) or None
    scoring = getattr(search, "scoring", None)
    info["scoring"] = scoring if isinstance(scoring, str) or scoring is None else short_repr(scoring)
    estimator = getattr(search, "estimator", None)
    info["estimator"] = describe_estimator(estimator) if estimator is not None else None
    if info["fitted"]:
        scores = np.asarray(search.cv_results_.get("mean_test_score", []), dtype=float)
        info["scores_finite"] = bool(scores.size and np.isfinite(scores).all())
    return info


def build_network(est: Any, x: Any, y: Any) -> Any:
    """Build the keras model a wrapper would train, without training it when the wrapper allows."""
    if callable(getattr(est, "initialize", None)):  # scikeras
        est.initialize(x, y)
        return est.model_
    if callable(getattr(est, "_get_model", None)) and callable(getattr(est, "_process_target", None)):
        from keras.src.wrappers.sklearn_wrapper import _validate_data  # keras.wrappers

        x_checked, y_checked = _validate_data(est, x, y)
        return est._get_model(x_checked, est._process_target(y_checked, reset=True))
    quiet(est.fit, x, y)
    return est.model_


def quiet(method: Any, *args: Any) -> Any:
    """Call fit or predict with verbose=0 when the wrapper accepts it."""
    try:
        return method(*args, verbose=0)
    except TypeError:
        return method(*args)
