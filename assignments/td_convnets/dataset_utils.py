"""Load the data of the convolutional-networks lab (TD images et réseaux convolutifs).

`load_mnist` returns raw MNIST as `keras.datasets.mnist.load_data()` does,
`((x_train, y_train), (x_test, y_test))` with uint8 images (n, 28, 28) and labels (n,): turning
them into CNN inputs is question 1. With `mass_network=True` it reads the course's
pre-downloaded copy `mnist.npz` (keras layout) from the directory named by the environment
variable `TD_KERAS_DATASETS` (default: `/mnt/mass/datasets`), as in the MLP lab; with `False` it
uses `keras.datasets` (download once, cached in `~/.keras/datasets`); with `None` (the default)
it reads the copy when `TD_KERAS_DATASETS` is set and uses `keras.datasets` otherwise.

The lab's small images ship in `data/images` next to this file: `example_image_path()` for
`load_for_resnet` (q5), and `load_stripes()`, a two-class set (horizontal and vertical stripes)
to try the small binary CNN (q8) offline; `load_image_folder` reads any folder laid out like
`keras.utils.image_dataset_from_directory` expects (one sub-folder per class).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

DATASETS_ENV_VAR = "TD_KERAS_DATASETS"
DEFAULT_DATASETS_DIR = "/mnt/mass/datasets"
MNIST_FILE = "mnist.npz"
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif")

ArrayPair = tuple[np.ndarray, np.ndarray]


class DatasetUnavailableError(FileNotFoundError, RuntimeError):
    """Raised when a dataset can be neither read from a local copy nor downloaded."""


def datasets_dir() -> Path:
    """Return the directory of the pre-downloaded copies (TD_KERAS_DATASETS or the default)."""
    return Path(os.environ.get(DATASETS_ENV_VAR) or DEFAULT_DATASETS_DIR)


def data_dir() -> Path:
    """Return the folder of the data shipped with this lab (`data/` next to this file)."""
    return Path(__file__).resolve().parent / "data"


def example_image_path(gray: bool = False) -> Path:
    """Return the path of the shipped example picture (64×48 RGB, or 40×30 grayscale)."""
    return data_dir() / "images" / ("example_gray.png" if gray else "example.png")


def _how_to_use_local_copy() -> str:
    """Return the instructions for pointing `load_mnist` at a local copy of mnist.npz."""
    return (
        f"To use a local copy, put {MNIST_FILE} (keras layout) in a folder and set the "
        f"environment variable {DATASETS_ENV_VAR} to that folder "
        f"(shell: export {DATASETS_ENV_VAR}=/path/to/folder; "
        f'Python: os.environ["{DATASETS_ENV_VAR}"] = "/path/to/folder").'
    )


def _read_mnist_copy() -> tuple[ArrayPair, ArrayPair]:
    """Read raw MNIST from mnist.npz in the datasets directory with numpy."""
    path = datasets_dir() / MNIST_FILE
    if not path.is_file():
        raise DatasetUnavailableError(
            f"{MNIST_FILE} not found: looked for {path} (directory from {DATASETS_ENV_VAR}, "
            f"default {DEFAULT_DATASETS_DIR}). " + _how_to_use_local_copy()
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in MNIST_KEYS}
    except (OSError, ValueError, KeyError) as exc:
        raise DatasetUnavailableError(
            f"{path} could not be read as a keras-layout {MNIST_FILE} with keys "
            f"{', '.join(MNIST_KEYS)}: {exc}. " + _how_to_use_local_copy()
        ) from exc
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist(mass_network: bool | None = None) -> tuple[ArrayPair, ArrayPair]:
    """Return raw MNIST `(x_train, y_train), (x_test, y_test)` (uint8), from the copy or keras."""
    if mass_network is None:
        mass_network = bool(os.environ.get(DATASETS_ENV_VAR))
    if mass_network:
        return _read_mnist_copy()
    import keras

    try:
        return keras.datasets.mnist.load_data()
    except Exception as exc:
        raise DatasetUnavailableError(
            f"keras.datasets could not download {MNIST_FILE} ({type(exc).__name__}: {exc}); "
            "are you offline? " + _how_to_use_local_copy()
        ) from exc


def _read_rgb(path: Path, image_size: tuple[int, int] | None) -> np.ndarray:
    """Read one image file as uint8 RGB (h, w, 3), resized to `image_size` (h, w) if given."""
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        if image_size is not None:
            rgb = rgb.resize((image_size[1], image_size[0]), Image.Resampling.BILINEAR)
        return np.asarray(rgb, dtype=np.uint8)


def load_image_folder(
    directory: str | os.PathLike, image_size: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return (x float32 in [0, 1] (n, h, w, 3), y int labels (n,), class names) of a folder."""
    root = Path(directory)
    if not root.is_dir():
        raise DatasetUnavailableError(f"{root}: not a folder — expected one folder per class.")
    class_names = sorted(entry.name for entry in root.iterdir() if entry.is_dir())
    if not class_names:
        raise DatasetUnavailableError(
            f"{root}: no class sub-folder — expected one folder per class holding its images."
        )
    images, labels = [], []
    for label, name in enumerate(class_names):
        for path in sorted((root / name).iterdir()):
            if path.suffix.lower() in IMAGE_SUFFIXES:
                images.append(_read_rgb(path, image_size))
                labels.append(label)
    if not images:
        raise DatasetUnavailableError(
            f"{root}: no image in {', '.join(class_names)} — expected files ending with "
            f"{', '.join(IMAGE_SUFFIXES)}."
        )
    x = np.stack(images).astype(np.float32) / np.float32(255.0)
    return x, np.asarray(labels, dtype=np.int64), class_names


def load_stripes(
    image_size: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Return the shipped two-class stripe images (32×32 RGB), labels 0 horizontal, 1 vertical."""
    return load_image_folder(data_dir() / "images" / "stripes", image_size)
