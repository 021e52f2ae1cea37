"""Tests of assignments/td_keras_mlp/dataset_utils.py on the committed real-data fixtures."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ASSIGNMENT_DIR = Path(__file__).resolve().parents[1] / "assignments" / "td_keras_mlp"
MODULE_PATH = ASSIGNMENT_DIR / "dataset_utils.py"
DATA_DIR = ASSIGNMENT_DIR / "data"


def load_dataset_utils() -> ModuleType:
    """Import dataset_utils from its file, as a student's folder would."""
    spec = importlib.util.spec_from_file_location("td_keras_mlp_dataset_utils", MODULE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dataset_utils() -> ModuleType:
    """Return the dataset_utils module."""
    return load_dataset_utils()


@pytest.fixture
def datasets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a TD_KERAS_DATASETS folder holding mnist.npz (the subset) and boston_housing.npz."""
    with np.load(DATA_DIR / "mnist_subset.npz") as subset:
        np.savez(tmp_path / "mnist.npz", **{key: subset[key] for key in subset.files})
    shutil.copyfile(DATA_DIR / "boston_housing.npz", tmp_path / "boston_housing.npz")
    monkeypatch.setenv("TD_KERAS_DATASETS", str(tmp_path))
    return tmp_path


def keras_boston_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the raw keras 404/102 split of the committed Boston file, as keras computes it."""
    with np.load(DATA_DIR / "boston_housing.npz") as data:
        x, y = data["x"], data["y"]
    indices = np.arange(len(x))
    np.random.RandomState(113).shuffle(indices)
    x, y = x[indices], y[indices]
    n = int(len(x) * (1 - 0.2))
    return x[:n], x[n:], y[:n], y[n:]


def test_prepare_mnist_scales_flattens_and_one_hot_encodes(
    dataset_utils: ModuleType, datasets_dir: Path
) -> None:
    x_train, x_test, y_train, y_test = dataset_utils.prepare_mnist(mass_network=True)
    with np.load(datasets_dir / "mnist.npz") as raw:
        labels = {"train": raw["y_train"], "test": raw["y_test"]}
        images = {"train": raw["x_train"], "test": raw["x_test"]}
    for part, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        n = len(labels[part])
        assert x.dtype == np.float32 and x.shape == (n, 784)
        assert x.min() == 0.0 and x.max() == 1.0
        np.testing.assert_allclose(x * 255, images[part].reshape(n, 784), atol=1e-4)
        assert y.dtype == np.float32 and y.shape == (n, 10)
        assert set(np.unique(y)) == {0.0, 1.0}
        np.testing.assert_array_equal(y.sum(axis=1), np.ones(n))
        np.testing.assert_array_equal(y.argmax(axis=1), labels[part])
    assert x_train.shape == (2000, 784) and x_test.shape == (500, 784)


def test_prepare_boston_reproduces_keras_split_and_scaling(
    dataset_utils: ModuleType, datasets_dir: Path
) -> None:
    x_train, x_test, y_train, y_test = dataset_utils.prepare_boston(mass_network=True)
    assert (x_train.shape, x_test.shape) == ((404, 13), (102, 13))
    assert (y_train.shape, y_test.shape) == ((404, 1), (102, 1))
    for array in (x_train, x_test, y_train, y_test):
        assert np.issubdtype(array.dtype, np.floating)
    np.testing.assert_allclose(x_train.min(axis=0), np.zeros(13), atol=1e-12)
    np.testing.assert_allclose(x_train.max(axis=0), np.ones(13), atol=1e-12)
    assert y_train.min() == pytest.approx(0.0) and y_train.max() == pytest.approx(1.0)

    raw_x_train, raw_x_test, raw_y_train, raw_y_test = keras_boston_split()
    x_low, x_high = raw_x_train.min(axis=0), raw_x_train.max(axis=0)
    y_low, y_high = raw_y_train.min(), raw_y_train.max()
    np.testing.assert_allclose(x_train[0], (raw_x_train[0] - x_low) / (x_high - x_low))
    np.testing.assert_allclose(y_train[0, 0], (raw_y_train[0] - y_low) / (y_high - y_low))
    np.testing.assert_allclose(x_test, (raw_x_test - x_low) / (x_high - x_low))
    np.testing.assert_allclose(y_test[:, 0], (raw_y_test - y_low) / (y_high - y_low))


@pytest.mark.parametrize(
    ("function_name", "file_name"),
    [("prepare_mnist", "mnist.npz"), ("prepare_boston", "boston_housing.npz")],
)
def test_missing_file_raises_clear_error(
    dataset_utils: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    function_name: str,
    file_name: str,
) -> None:
    monkeypatch.setenv("TD_KERAS_DATASETS", str(tmp_path))
    with pytest.raises(dataset_utils.DatasetUnavailableError) as info:
        getattr(dataset_utils, function_name)(mass_network=True)
    message = str(info.value)
    assert str(tmp_path / file_name) in message
    assert "TD_KERAS_DATASETS" in message
    assert f"{function_name}(mass_network=True)" in message
    assert isinstance(info.value, FileNotFoundError) and isinstance(info.value, RuntimeError)


def test_default_directory_is_used_when_env_var_is_unset(
    dataset_utils: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TD_KERAS_DATASETS", raising=False)
    assert dataset_utils.datasets_dir() == Path(dataset_utils.DEFAULT_DATASETS_DIR)


def test_file_without_keras_layout_raises_clear_error(
    dataset_utils: ModuleType, datasets_dir: Path
) -> None:
    np.savez(datasets_dir / "mnist.npz", images=np.zeros((2, 28, 28), dtype=np.uint8))
    with pytest.raises(dataset_utils.DatasetUnavailableError, match="x_train") as info:
        dataset_utils.prepare_mnist(mass_network=True)
    assert str(datasets_dir / "mnist.npz") in str(info.value)


def test_importing_dataset_utils_does_not_import_keras() -> None:
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('dataset_utils', {str(MODULE_PATH)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
