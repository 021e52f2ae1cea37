"""Fits received: the student's code calls `fit` on a model the grader handed over, and the
observer does that fit itself, on its own copy, with the arguments it received.

What the question is about (which data, how many epochs, which batch size, what share held out
for validation) is then the call the trusted side received and performed, not a report of the
student's process; forging it means sending that very call, which is the answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from grader.observe.remote import ExecutorClient, Remote

ACCEPTED = ("x", "y", "batch_size", "epochs", "validation_split", "validation_data", "shuffle",
            "class_weight", "sample_weight", "initial_epoch", "steps_per_epoch",
            "validation_steps", "validation_batch_size", "validation_freq")


@dataclass
class HandedModel:
    """A model of the grader's given to the student's code, and the fits it received."""

    remote: Remote
    model: Any  # the observer's own copy (the one every observed fit trains)
    fits: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)  # of the Histories those fits returned


def _arrays(value: Any, what: str) -> Any:
    """Refuse fit data that is not arrays (the grader's model is fitted on arrays only)."""
    if isinstance(value, tuple):
        return tuple(_arrays(v, what) for v in value)
    if value is not None and not isinstance(value, np.ndarray):
        raise TypeError(f"the grader's model can only be fitted on arrays ({what} is a "
                        f"{type(value).__name__})")
    return value


def recorded_call(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return what the observation keeps of a fit call (any value the student passed)."""
    validation = kwargs.get("validation_data")
    x = kwargs.get("x")
    return {
        "samples": int(len(x)) if x is not None else None,
        "batch_size": kwargs.get("batch_size"),
        "epochs": kwargs.get("epochs", 1),
        "validation_split": kwargs.get("validation_split"),
        "validation_samples": (int(len(validation[0])) if isinstance(validation, tuple)
                               and validation and validation[0] is not None else None),
    }


def fit_received(client: ExecutorClient, progress: Callable[[str], None], handed: HandedModel,
                 kwargs: dict[str, Any]) -> dict[str, Any]:
    """Do the fit the student's code asked of a handed model; return what its copy needs."""
    unknown = sorted(set(kwargs) - set(ACCEPTED))
    if unknown:
        raise TypeError(f"fit() got an unexpected keyword argument {unknown[0]!r}")
    for name in ("x", "y", "validation_data", "sample_weight"):
        kwargs[name] = _arrays(kwargs.get(name), name)
    progress("the grader's fit of its model, as your code asked")
    history = handed.model.fit(**kwargs, verbose=0)
    handed.fits.append(recorded_call(kwargs) | {
        "epochs_run": len(history.history.get("loss", [])),
        "steps_per_epoch": (history.params or {}).get("steps"),
        "history_keys": sorted(str(k) for k in history.history)})
    token = secrets.token_hex(8)
    handed.tokens.append(token)
    name = client.outbox.new_name("weights", "npz")
    weights = handed.model.get_weights()
    np.savez(client.outbox.path / name, **{f"w{i}": w for i, w in enumerate(weights)})
    return client.encode({"weights": name, "token": token, "epoch": list(history.epoch),
                          "params": dict(history.params or {}),
                          "history": {str(k): [float(v) for v in values]
                                      for k, values in history.history.items()}})
