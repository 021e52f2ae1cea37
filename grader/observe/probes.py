"""Probes: the grader's questions about objects that cannot leave the student's process.

They run in the executor, on the live object (an estimator, a search, a figure, a callback, a
model keras cannot save), so what they return is a claim of the student's process: the trusted
observer type-checks it, and `docs/isolation.md` says for each question what forging it would
cost. Everything that can leave the process as data (models, arrays) is described by the
observer instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.observe.context import short_repr
from grader.observe.failures import StudentCodeError

MAX_CANDIDATES = 24


def probe_estimator(est: Any) -> dict[str, Any]:
    """The estimator's class and which scikit-learn methods it has."""
    from grader.observe.estimators import describe_estimator

    return describe_estimator(est)


def probe_clone(est: Any) -> dict[str, Any]:
    """Whether sklearn.base.clone works on the estimator."""
    from grader.observe.estimators import try_clone

    return try_clone(est)


def probe_search(search: Any) -> dict[str, Any]:
    """The search's class, folds, scoring and whether it was fitted."""
    from grader.observe.estimators import describe_search

    return describe_search(search)


def probe_candidates(search: Any, x: Any, y: Any) -> list[dict[str, Any]]:
    """Build the network of each candidate of a fitted search (clone, set_params, build): the
    networks themselves leave the process, to be described by the observer."""
    from sklearn.base import clone

    from grader.observe.estimators import build_network

    candidates = []
    for params in list(search.cv_results_["params"])[:MAX_CANDIDATES]:
        entry: dict[str, Any] = {"params": short_repr(params)}
        try:
            est = clone(search.estimator).set_params(**params)
            entry["network"] = build_network(est, x, y)
        except Exception as exc:  # noqa: BLE001 - one bad candidate is reported, not fatal
            entry["error"] = f"{type(exc).__name__}: {exc}"[:300]
        candidates.append(entry)
    return candidates


def probe_fit_history(model: Any) -> dict[str, Any]:
    """The epochs and steps per epoch of the last fit of a model (its `history` attribute)."""
    history = getattr(model, "history", None)
    if history is None or not hasattr(history, "history"):
        return {"fit_epochs": None, "fit_steps": None}
    return {"fit_epochs": len(history.history.get("loss", [])),
            "fit_steps": (getattr(history, "params", None) or {}).get("steps")}


def probe_figure(figure: Any) -> dict[str, Any]:
    """The figure's lines, legends and labels, and a small PNG."""
    from grader.observe.figures import describe_figure

    return describe_figure(figure)


def probe_callback(callback: Any) -> dict[str, Any]:
    """Whether the object is a keras Callback, and its keras class."""
    from grader.observe.callbacks import describe_callback

    return describe_callback(callback)


def probe_model(model: Any, input_shape: Any = None, run: bool = True, base: Any = None,
                probe: Any = None) -> dict[str, Any]:
    """Describe a model in the student's process: only for models whose own classes keras
    cannot rebuild outside it (subclassed models and layers); `probe`, the question's input."""
    from grader.observe.keras_models import ProbeInput, describe_model

    shape = tuple(input_shape) if isinstance(input_shape, list) else input_shape
    return describe_model(model, shape, run=run, base=base, probe=ProbeInput.from_json(probe))


PROBES: dict[str, Callable[..., Any]] = {
    "estimator": probe_estimator,
    "clone": probe_clone,
    "search": probe_search,
    "candidates": probe_candidates,
    "fit_history": probe_fit_history,
    "figure": probe_figure,
    "callback": probe_callback,
    "model": probe_model,
}

__all__ = ["PROBES", "StudentCodeError"]
