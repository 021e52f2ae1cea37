"""Drive a student's callback through the fit protocol, from the observer, one event at a time.

The callback stays in the student's process; the observer sends it each event as keras would
(set_model, on_train_begin, batches, on_epoch_end with that epoch's logs…). An epoch's
validation loss reaches the student's code only in that epoch's `on_epoch_end`, after the
callback has answered for every earlier epoch: its decisions (stop now, a file saved now) are
read from outside after each epoch, so they cannot be computed from the whole sequence.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.observe.context import ObserveContext
    from grader.observe.fits import HandedModel
    from grader.observe.remote import Remote

STEPS_PER_EPOCH = 2
MAX_SCALAR_FILES = 200
MAX_SCALAR_DEPTH = 6


def describe_callback(callback: Any) -> dict[str, Any]:
    """Return the callback's keras class, or that it is not a callback (run in the executor)."""
    import keras

    from grader.observe.keras_models import keras_class_name

    return {
        "is_callback": isinstance(callback, keras.callbacks.Callback),
        "type": keras_class_name(callback),
    }


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """Return what changes when a file is written anew (inode, size, time), None if absent."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def drive_callback(
    ctx: ObserveContext,
    callback: Remote,
    handed: HandedModel,
    val_losses: Sequence[float],
    watched_file: Path | None = None,
    mark_weights: bool = False,
) -> dict[str, Any]:
    """Run set_model, on_train_begin, batches and on_epoch_end with known val_loss values.

    With `mark_weights`, the weights move as in a fit: before each epoch's end every weight of
    the model is set to the epoch's number, so the weights it holds after on_train_end say which
    epoch's they are (`weights_epoch`: restore_best_weights restores the best one's)."""
    epochs = len(val_losses)
    train_losses = [1.0 - 0.05 * i for i in range(epochs)]  # always improving: 'loss' never stalls
    saved_epochs: list[int] = []
    stopped_after: int | None = None
    model = handed.remote
    name = callback.type

    def event(method: str, *args: Any, label: str) -> None:
        """Send one event to the student's callback."""
        ctx.call(callback.method(method), *args, label=f"{name}.{label}")

    event("set_model", model, label="set_model(model)")
    event("set_params", {"verbose": 0, "epochs": epochs, "steps": STEPS_PER_EPOCH},
          label="set_params(...)")
    event("on_train_begin", {}, label="on_train_begin()")
    signature = file_signature(watched_file) if watched_file is not None else None
    logs: dict[str, float] = {}
    for epoch in range(epochs):
        event("on_epoch_begin", epoch, {}, label=f"on_epoch_begin({epoch})")
        for step in range(STEPS_PER_EPOCH):
            batch_logs = {"loss": train_losses[epoch], "accuracy": 0.5}
            event("on_train_batch_begin", step, {}, label="on_train_batch_begin")
            event("on_train_batch_end", step, batch_logs, label="on_train_batch_end")
        logs = {
            "loss": train_losses[epoch],
            "accuracy": 0.5 + 0.01 * epoch,
            "val_loss": float(val_losses[epoch]),
            "val_accuracy": 0.5,
        }
        if mark_weights:
            ctx.call(model.method("set_weights"), epoch_weights(handed, epoch + 1),
                     label=f"{name}: the weights after epoch {epoch + 1}")
        event("on_epoch_end", epoch, logs, label=f"on_epoch_end({epoch}, logs)")
        if watched_file is not None:
            now = file_signature(watched_file)
            if now is not None and now != signature:
                saved_epochs.append(epoch + 1)
            signature = now
        if ctx.get(model, "stop_training", label=f"{name}: model.stop_training") is True:
            stopped_after = epoch + 1
            break
    event("on_train_end", logs, label="on_train_end()")
    run: dict[str, Any] = {
        "epochs_planned": epochs,
        "val_losses": [float(v) for v in val_losses],
        "saved_epochs": saved_epochs,
        "stopped_after": stopped_after,
    }
    if mark_weights:
        held = ctx.call(model.method("get_weights"), label=f"{name}: the weights after the fit")
        run["weights_epoch"] = weights_epoch(held)
    return run


def epoch_weights(handed: HandedModel, epoch: int) -> list[Any]:
    """Every weight of the handed model set to the epoch's number (float32, its shapes)."""
    import numpy as np

    return [np.full(tuple(w.shape), float(epoch), dtype="float32") for w in handed.model.weights]


def weights_epoch(weights: Any) -> int | None:
    """Which epoch's marked weights a model holds (None: unmarked, or not one epoch's)."""
    import numpy as np

    try:
        values = np.concatenate([np.asarray(w, dtype="float64").ravel() for w in weights])
    except (TypeError, ValueError):
        return None
    if values.size == 0 or not np.all(values == values[0]) or values[0] != round(values[0]):
        return None
    return int(values[0])


def read_scalars(log_dir: Path) -> list[dict[str, Any]]:
    """Read every scalar written in TensorBoard event files under log_dir (in the observer: the
    files are the student's, read as data, never through a link, within bounds)."""
    import tensorflow as tf
    from tensorflow.python.framework import tensor_util

    found: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for path in event_files(log_dir):
        run = str(path.parent.relative_to(log_dir)) if path.parent != log_dir else "."
        try:
            for record in tf.data.TFRecordDataset(str(path)):
                event = tf.compat.v1.Event.FromString(record.numpy())
                for value in event.summary.value:
                    found.setdefault((run, value.tag), []).append(
                        (int(event.step), scalar_value(value, tensor_util)))
        except Exception:  # noqa: BLE001 - a file that is not an event log: what it logged is lost
            continue
    return [{"run": run, "tag": tag, "steps": [s for s, _ in points],
             "values": [v for _, v in points]}
            for (run, tag), points in sorted(found.items())]


def scalar_value(value: Any, tensor_util: Any) -> float | None:
    """Return a logged scalar's value (tensors, as keras 3 writes them, or simple values)."""
    try:
        if value.HasField("tensor"):
            number = float(tensor_util.MakeNdarray(value.tensor).reshape(-1)[0])
        else:
            number = float(value.simple_value)
    except (ValueError, IndexError, TypeError):
        return None
    return round(number, 6) if number == number and abs(number) != float("inf") else None


def event_files(log_dir: Path) -> list[Path]:
    """Return the event files under log_dir: regular files only, a bounded, iterative walk."""
    found: list[Path] = []
    pending = [(log_dir, 0)]
    while pending and len(found) < MAX_SCALAR_FILES:
        folder, depth = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False) and depth < MAX_SCALAR_DEPTH:
                pending.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False) and "tfevents" in entry.name:
                found.append(Path(entry.path))
    return sorted(found)
