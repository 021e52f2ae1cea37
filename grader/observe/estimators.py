"""Describe scikit-learn estimators and searches that wrap keras networks."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.observe.context import ObserveContext, short_repr
from grader.observe.keras_models import describe_model

MAX_CANDIDATES = 24


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


def fitted_network(est: Any, input_dim: int) -> dict[str, Any] | None:
    """Describe the keras model a fitted wrapper holds, with the epochs and steps of its fit."""
    model = getattr(est, "model_", None)
    if model is None:
        return None
    description = describe_model(model, input_dim, run=False)
    history = getattr(model, "history", None)
    if history is not None and hasattr(history, "history"):
        description["fit_epochs"] = len(history.history.get("loss", []))
        description["fit_steps"] = (getattr(history, "params", None) or {}).get("steps")
    return description


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


def describe_candidates(
    ctx: ObserveContext, search: Any, x: Any, y: Any, input_dim: int
) -> list[dict[str, Any]]:
    """Build each candidate of the search (clone + set_params + a 1-epoch fit) and describe it."""
    from sklearn.base import clone

    candidates = []
    for params in list(search.cv_results_["params"])[:MAX_CANDIDATES]:
        entry: dict[str, Any] = {"params": short_repr(params)}
        try:
            est = clone(search.estimator).set_params(**params)
            model = ctx.call(build_network, est, x, y,
                             label=f"building candidate {short_repr(params)}")
            entry["network"] = describe_model(model, input_dim, run=False)
        except Exception as exc:  # noqa: BLE001 - one bad candidate is reported, not fatal
            entry["error"] = f"{type(getattr(exc, 'exc', exc)).__name__}: {getattr(exc, 'exc', exc)}"[:300]
        candidates.append(entry)
    return candidates


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
