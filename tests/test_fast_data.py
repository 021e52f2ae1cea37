"""The observing child's lean input pipeline gives keras the batches its own pipeline gives."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter  # noqa: E402

from grader.observe import fast_data  # noqa: E402


@pytest.fixture
def lean(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the lean pipeline for one test; keras's own is put back after it."""
    monkeypatch.setattr(ArrayDataAdapter, "get_tf_dataset", ArrayDataAdapter.get_tf_dataset)
    assert fast_data.install()


def batches(adapter: ArrayDataAdapter) -> list[tuple[np.ndarray, ...]]:
    """Return one epoch of the adapter's tf.data batches as numpy arrays."""
    return [tuple(np.asarray(part) for part in batch) for batch in adapter.get_tf_dataset()]


def data(samples: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Return numbered samples: x[i] = (i, -i), y[i] = 10 i."""
    index = np.arange(samples, dtype="float32")
    return np.stack([index, -index], axis=1), 10 * index


def test_unshuffled_batches_are_keras_own() -> None:
    """Without shuffling, the lean pipeline gives exactly keras's batches, the last one partial."""
    x, y = data()
    own = batches(ArrayDataAdapter(x, y, batch_size=16, shuffle=False))
    lean = fast_data.lean_dataset(ArrayDataAdapter(x, y, batch_size=16, shuffle=False))
    got = [tuple(np.asarray(p) for p in b) for b in lean]
    assert [len(b[0]) for b in got] == [len(b[0]) for b in own] == [16, 16, 16, 2]
    for mine, theirs in zip(got, own, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(mine, theirs, strict=True))


def test_float64_inputs_come_out_in_keras_floatx() -> None:
    """float64 arrays are cast to float32 as keras's own pipeline casts them; labels stay ints."""
    x, y = data()
    labels = np.arange(50) % 3
    own = batches(ArrayDataAdapter(x.astype("float64"), labels, batch_size=16))
    lean = list(fast_data.lean_dataset(ArrayDataAdapter(x.astype("float64"), labels,
                                                        batch_size=16)))
    assert [str(t.dtype) for t in own[0]] == ["float32", "int64"]
    assert [t.dtype.name for t in lean[0]] == ["float32", "int64"]


def test_shuffled_epochs_hold_every_sample_once_in_a_new_order(lean: None) -> None:
    """Shuffled: each epoch has keras's batch sizes, every sample once with its own target, and
    the order changes from one epoch to the next."""
    x, y = data()
    adapter = ArrayDataAdapter(x, y, batch_size=16, shuffle=True)
    dataset = adapter.get_tf_dataset()
    orders = []
    for _ in range(2):
        epoch = [tuple(np.asarray(p) for p in b) for b in dataset]
        assert [len(b[0]) for b in epoch] == [16, 16, 16, 2]
        xs = np.concatenate([b[0] for b in epoch])
        ys = np.concatenate([b[1] for b in epoch])
        assert np.array_equal(ys, 10 * xs[:, 0])  # samples keep their targets
        assert sorted(xs[:, 0].tolist()) == list(range(50))
        orders.append(xs[:, 0].tolist())
    assert orders[0] != orders[1] and orders[0] != list(range(50))


def test_unhandled_inputs_keep_keras_pipeline() -> None:
    """Batch-wise shuffling and inputs that are not numpy arrays (tensors) are left to keras."""
    x, y = data()
    assert fast_data.lean_dataset(ArrayDataAdapter(x, y, batch_size=8, shuffle="batch")) is None
    tensors = keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y)
    assert fast_data.lean_dataset(ArrayDataAdapter(*tensors, batch_size=8)) is None


def fitted(seed: int = 0) -> tuple[list[float], list[np.ndarray], np.ndarray]:
    """Fit a small network without shuffling; return its losses, weights and predictions."""
    keras.utils.set_random_seed(seed)
    x, y = data(40)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x / 40, y / 400, epochs=3, batch_size=16, shuffle=False,
                        validation_split=0.25, verbose=0)
    return history.history["loss"], model.get_weights(), model.predict(x / 40, verbose=0)


def test_a_fit_is_the_same_through_either_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real fit and predict give the same losses, weights and outputs through either pipeline."""
    losses, weights, outputs = fitted()
    monkeypatch.setattr(ArrayDataAdapter, "get_tf_dataset", ArrayDataAdapter.get_tf_dataset)
    fast_data.install()
    lean_losses, lean_weights, lean_outputs = fitted()
    assert np.allclose(losses, lean_losses, rtol=1e-6)
    assert all(np.allclose(a, b, rtol=1e-6) for a, b in zip(weights, lean_weights, strict=True))
    assert np.allclose(outputs, lean_outputs, rtol=1e-6)


def test_installing_twice_wraps_once(lean: None) -> None:
    """A second install keeps the one lean wrapper (it never wraps itself)."""
    installed = ArrayDataAdapter.get_tf_dataset
    assert fast_data.install()
    assert ArrayDataAdapter.get_tf_dataset is installed
