"""What the lab's questions observe, in the sandbox: arrays, models, a callback's behaviour."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from grader.observe.arrays import describe_array
from grader.observe.builds import callback_claim, observe_builds
from grader.observe.callbacks import drive_callback
from grader.observe.context import ObserveContext


def observe_q1(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q1: the windows cut from a sine wave of the set's length."""
    series = np.sin(0.3 * np.arange(args["length"])).astype("float32")
    returned = ctx.call(module.make_windows, series, args["width"])
    x, y = returned if isinstance(returned, tuple) and len(returned) == 2 else (returned, None)
    return {"arrays": {"x": describe_array(x), "y": describe_array(y)}}


def observe_q2(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q2: the LSTM regressor, for windows of the set's width."""
    return observe_builds(ctx, module.build_lstm_regressor, args, lambda call: (call["width"], 1))


def observe_q3(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q3: the stacked GRUs."""
    return observe_builds(ctx, module.build_stacked_gru, args, lambda call: (call["width"], 1))


def observe_q4(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q4: the text classifier, on token ids of its vocabulary (the probe its table declares)."""
    return observe_builds(ctx, module.build_text_classifier, args, "length")


def observe_q5(module: ModuleType, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
    """Q5: when the early-stopping callback stops, and which epoch's weights it leaves."""
    import keras

    callback = ctx.call(module.make_early_stopping, args["patience"])
    data: dict[str, Any] = {"callback": callback_claim(ctx, callback)}
    if data["callback"]["is_callback"]:
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mean_squared_error")
        data["run"] = drive_callback(ctx, callback, ctx.hand(model), args["val_losses"],
                                     mark_weights=True)
    return data


OBSERVERS = {f"q{i}": globals()[f"observe_q{i}"] for i in range(1, 6)}
