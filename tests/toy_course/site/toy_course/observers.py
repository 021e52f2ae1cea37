"""Observers of the toy assignment: call the student's function, describe what it returned."""

from typing import Any

from grader.observe.context import ObserveContext, jsonable


def observe_q1(module: Any, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q1: double(x) for the set's x."""
    return {"value": jsonable(ctx.call(module.double, args["x"]))}


OBSERVERS = {"q1": observe_q1}
