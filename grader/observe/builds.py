"""Observe a model-building question: call the student's function, describe each model built."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from grader.observe.probe_input import CALLS, calls_of

if TYPE_CHECKING:
    from grader.observe.context import ObserveContext

Shape = Any  # an int, a list of ints, or None


def observe_builds(ctx: ObserveContext, fn: Callable[..., Any], args: dict[str, Any],
                   input_shape: str | Callable[[dict[str, Any]], Shape],
                   probe: dict[str, Any] | Callable[[dict[str, Any]], Any] | None = None
                   ) -> dict[str, Any]:
    """Call `fn` once per entry of args["calls"] (once when there is none) and describe each
    model, rebuilt in the observer from the file the student's process saved.

    The set's other arguments are shared by every call; lists reach the student as tuples.
    `input_shape` names the argument holding one sample's shape (or computes it from a call's
    arguments); `probe` is what the model is called and trained on (ObserveContext.describe_model),
    e.g. `lambda call: {"dtype": "int32", "high": call["vocab_size"]}` for token ids; without
    it, the question's own (`probe = {…}` in assignment.toml), read for each call.
    """
    builds = []
    for call, extra in zip(calls_of(args), args.get(CALLS) or [{}], strict=True):
        returned = ctx.call(fn, **{k: tuple(v) if isinstance(v, list) else v
                                   for k, v in call.items()})
        shape = input_shape(call) if callable(input_shape) else call[input_shape]
        chosen = probe(call) if callable(probe) else probe
        model, _ = ctx.describe_model(
            returned, shape, probe=chosen if chosen is not None else ctx.declared_probe_for(call))
        builds.append({"args": call, "varies": list(extra), "model": model})
    return {"builds": builds}


def callback_claim(ctx: ObserveContext, callback: Any) -> dict[str, Any]:
    """Whether a returned object is a keras Callback, and its class (a claim of the student's
    process, where the object lives)."""
    from grader.observe.remote import Remote

    if not isinstance(callback, Remote):
        return {"is_callback": False, "type": type(callback).__name__}
    return ctx.probe("callback", callback, label="describing your callback")
