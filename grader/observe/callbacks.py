"""Drive a student's callback through the fit protocol and record what it did."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras

from grader.observe.context import ObserveContext
from grader.observe.keras_models import keras_class_name

STEPS_PER_EPOCH = 2


def describe_callback(callback: Any) -> dict[str, Any]:
    """Return the callback's keras class, or that it is not a callback."""
    return {
        "is_callback": isinstance(callback, keras.callbacks.Callback),
        "type": keras_class_name(callback),
    }


def drive_callback(
    ctx: ObserveContext,
    callback: keras.callbacks.Callback,
    model: keras.Model,
    val_losses: Sequence[float],
    watched_file: Path | None = None,
) -> dict[str, Any]:
    """Run set_model, on_train_begin, batches and on_epoch_end with known val_loss values."""
    epochs = len(val_losses)
    train_losses = [1.0 - 0.05 * i for i in range(epochs)]  # always improving: 'loss' never stalls
    saved_epochs: list[int] = []
    stopped_after: int | None = None
    model.stop_training = False
    name = type(callback).__name__
    ctx.call(callback.set_model, model, label=f"{name}.set_model(model)")
    ctx.call(
        callback.set_params,
        {"verbose": 0, "epochs": epochs, "steps": STEPS_PER_EPOCH},
        label=f"{name}.set_params(...)",
    )
    ctx.call(callback.on_train_begin, {}, label=f"{name}.on_train_begin()")
    logs: dict[str, float] = {}
    for epoch in range(epochs):
        ctx.call(callback.on_epoch_begin, epoch, {}, label=f"{name}.on_epoch_begin({epoch})")
        for step in range(STEPS_PER_EPOCH):
            batch_logs = {"loss": train_losses[epoch], "accuracy": 0.5}
            ctx.call(callback.on_train_batch_begin, step, {}, label=f"{name}.on_train_batch_begin")
            ctx.call(callback.on_train_batch_end, step, batch_logs, label=f"{name}.on_train_batch_end")
        logs = {
            "loss": train_losses[epoch],
            "accuracy": 0.5 + 0.01 * epoch,
            "val_loss": float(val_losses[epoch]),
            "val_accuracy": 0.5,
        }
        ctx.call(callback.on_epoch_end, epoch, logs, label=f"{name}.on_epoch_end({epoch}, logs)")
        if watched_file is not None and watched_file.exists():
            saved_epochs.append(epoch + 1)
            watched_file.rename(watched_file.with_name(f"saved-at-epoch-{epoch + 1}"))
        if model.stop_training:
            stopped_after = epoch + 1
            break
    ctx.call(callback.on_train_end, logs, label=f"{name}.on_train_end()")
    return {
        "epochs_planned": epochs,
        "val_losses": [float(v) for v in val_losses],
        "saved_epochs": saved_epochs,
        "stopped_after": stopped_after,
    }


def read_scalars(log_dir: Path) -> list[dict[str, Any]]:
    """Read every scalar written in TensorBoard event files under log_dir."""
    import tensorflow as tf

    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(log_dir.rglob("*tfevents*")):
        run = str(path.parent.relative_to(log_dir)) if path.parent != log_dir else "."
        for record in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            for value in event.summary.value:
                found.setdefault((run, value.tag), []).append(int(event.step))
    return [{"run": run, "tag": tag, "steps": steps} for (run, tag), steps in sorted(found.items())]
