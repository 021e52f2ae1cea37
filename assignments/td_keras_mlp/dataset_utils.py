"""Load and prepare MNIST and Boston housing for the keras MLP lab (TD keras & MLP).

`prepare_mnist` and `prepare_boston` return `(x_train, x_test, y_train, y_test)`.
With `mass_network=True` they read the course's pre-downloaded copies (`mnist.npz`,
`boston_housing.npz`, keras layout) from the directory named by the environment variable
`TD_KERAS_DATASETS` (default: `/mnt/mass/datasets`); otherwise they use `keras.datasets`,
which downloads the files once and caches them in `~/.keras/datasets`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

DATASETS_ENV_VAR = "TD_KERAS_DATASETS"
DEFAULT_DATASETS_DIR = "/mnt/mass/datasets"
MNIST_FILE = "mnist.npz"
BOSTON_FILE = "boston_housing.npz"
N_CLASSES = 10
BOSTON_TEST_SPLIT = 0.2
BOSTON_SEED = 113

ArrayPair = tuple[np.ndarray, np.ndarray]
Splits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class DatasetUnavailableError(FileNotFoundError, RuntimeError):
    """Raised when a dataset can be neither read from a local copy nor downloaded."""


def datasets_dir() -> Path:
    """Return the directory of the pre-downloaded copies (TD_KERAS_DATASETS or the default)."""
    return Path(os.environ.get(DATASETS_ENV_VAR) or DEFAULT_DATASETS_DIR)


def _how_to_use_local_copy(file_name: str, function_name: str) -> str:
    """Return the instructions for pointing the loader at a local copy of `file_name`."""
    return (
        f"To use a local copy, put {file_name} (keras layout) in a folder, set the environment "
        f"variable {DATASETS_ENV_VAR} to that folder "
        f"(shell: export {DATASETS_ENV_VAR}=/path/to/folder; "
        f'Python: os.environ["{DATASETS_ENV_VAR}"] = "/path/to/folder") and call '
        f"{function_name}(mass_network=True)."
    )


def _read_npz(file_name: str, keys: tuple[str, ...], function_name: str) -> dict[str, np.ndarray]:
    """Read `keys` from `file_name` in the datasets directory with numpy."""
    path = datasets_dir() / file_name
    if not path.is_file():
        raise DatasetUnavailableError(
            f"{file_name} not found: looked for {path} (directory from {DATASETS_ENV_VAR}, "
            f"default {DEFAULT_DATASETS_DIR}). " + _how_to_use_local_copy(file_name, function_name)
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in keys}
    except (OSError, ValueError, KeyError) as exc:
        raise DatasetUnavailableError(
            f"{path} could not be read as a keras-layout {file_name} with keys "
            f"{', '.join(keys)}: {exc}. " + _how_to_use_local_copy(file_name, function_name)
        ) from exc


def _download_error(file_name: str, function_name: str, exc: Exception) -> DatasetUnavailableError:
    """Build the error raised when keras.datasets cannot provide `file_name`."""
    return DatasetUnavailableError(
        f"keras.datasets could not download {file_name} ({type(exc).__name__}: {exc}); "
        "are you offline? " + _how_to_use_local_copy(file_name, function_name)
    )


def _one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Return integer `labels` as a float32 one-hot matrix of shape (n, n_classes)."""
    return np.eye(n_classes, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]


def _scale_pixels(images: np.ndarray) -> np.ndarray:
    """Flatten uint8 images to (n, pixels) float32 in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255.0)


def _min_max_scale(train: np.ndarray, test: np.ndarray) -> ArrayPair:
    """Scale each column of `train` and `test` to [0, 1] with the min and max of `train`."""
    low = train.min(axis=0)
    span = train.max(axis=0) - low
    span = np.where(span == 0, 1.0, span)
    return (train - low) / span, (test - low) / span


def _split_boston(x: np.ndarray, y: np.ndarray) -> tuple[ArrayPair, ArrayPair]:
    """Shuffle and split Boston housing exactly as keras.datasets.boston_housing does."""
    indices = np.arange(len(x))
    np.random.RandomState(BOSTON_SEED).shuffle(indices)
    x, y = x[indices], y[indices]
    n_train = int(len(x) * (1 - BOSTON_TEST_SPLIT))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def _load_mnist(mass_network: bool) -> tuple[ArrayPair, ArrayPair]:
    """Return raw MNIST `(x_train, y_train), (x_test, y_test)` from the copy or keras."""
    if mass_network:
        data = _read_npz(MNIST_FILE, ("x_train", "y_train", "x_test", "y_test"), "prepare_mnist")
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as exc:
        raise _download_error(MNIST_FILE, "prepare_mnist", exc) from exc


def _load_boston(mass_network: bool) -> tuple[ArrayPair, ArrayPair]:
    """Return raw Boston `(x_train, y_train), (x_test, y_test)` (keras's split), copy or keras."""
    if mass_network:
        data = _read_npz(BOSTON_FILE, ("x", "y"), "prepare_boston")
        return _split_boston(data["x"], data["y"])
    import keras

    try:
        return keras.datasets.boston_housing.load_data(
            test_split=BOSTON_TEST_SPLIT, seed=BOSTON_SEED
        )
    except Exception as exc:
        raise _download_error(BOSTON_FILE, "prepare_boston", exc) from exc


def prepare_mnist(mass_network: bool = False) -> Splits:
    """Return MNIST (x_train, x_test, y_train, y_test): x float32 (n, 784) in [0, 1], y one-hot."""
    (x_train, y_train), (x_test, y_test) = _load_mnist(mass_network)
    return (
        _scale_pixels(x_train),
        _scale_pixels(x_test),
        _one_hot(y_train, N_CLASSES),
        _one_hot(y_test, N_CLASSES),
    )


def prepare_boston(mass_network: bool = False) -> Splits:
    """Return Boston (x_train, x_test, y_train, y_test), 404/102, min-max scaled on train."""
    (x_train, y_train), (x_test, y_test) = _load_boston(mass_network)
    x_train, x_test = _min_max_scale(x_train.astype(np.float64), x_test.astype(np.float64))
    y_train, y_test = _min_max_scale(
        y_train.astype(np.float64).reshape(-1, 1), y_test.astype(np.float64).reshape(-1, 1)
    )
    return x_train, x_test, y_train, y_test
