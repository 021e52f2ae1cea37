"""Build the committed data of the convolutional-networks lab: an MNIST subset and small images.

Usage: python make_subset.py /path/to/mnist.npz [--out-dir DIR]

Writes, in DIR (default: this folder):
- `mnist_subset.npz`: the first 300 training and the first 100 test images and labels of MNIST,
  keras layout (uint8), compressed, with fixed zip timestamps (same input, same bytes);
- `images/example.png` (64×48 RGB) and `images/example_gray.png` (40×30 grayscale): generated
  pictures for `load_for_resnet` (q5), not square, so resizing shows;
- `images/stripes/horizontal/*.png` and `images/stripes/vertical/*.png`: 16 + 16 generated 32×32
  RGB images of a two-class problem (stripe orientation) for the small binary CNN (q8), in the
  folder layout of `keras.utils.image_dataset_from_directory`.
The images come from a seeded numpy generator (no source data); then it prints each file's sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

N_TRAIN = 300
N_TEST = 100
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
STRIPE_SIZE = 32
STRIPES_PER_CLASS = 16
STRIPE_CLASSES = ("horizontal", "vertical")
SEED = 20261129


def subset_mnist(source: Path) -> dict[str, np.ndarray]:
    """Return the first N_TRAIN training and N_TEST test images and labels of `source`."""
    with np.load(source, allow_pickle=False) as data:
        return {
            "x_train": data["x_train"][:N_TRAIN],
            "y_train": data["y_train"][:N_TRAIN],
            "x_test": data["x_test"][:N_TEST],
            "y_test": data["y_test"][:N_TEST],
        }


def save_npz_reproducibly(target: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` as a compressed .npz (as np.savez_compressed) with fixed zip timestamps."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key in MNIST_KEYS:
            info = zipfile.ZipInfo(f"{key}.npy", date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(
                    member, np.ascontiguousarray(arrays[key]), allow_pickle=False
                )


def example_rgb() -> np.ndarray:
    """Return a 48×64 RGB picture: red grows to the right, green downwards, a dark disc."""
    rows, cols = np.mgrid[0:48, 0:64]
    image = np.stack(
        [cols * 255 // 63, rows * 255 // 47, np.full_like(rows, 200)], axis=-1
    ).astype(np.uint8)
    image[(rows - 24) ** 2 + (cols - 40) ** 2 < 12**2] = (30, 20, 60)
    return image


def example_gray() -> np.ndarray:
    """Return a 30×40 grayscale picture (a diagonal gradient)."""
    rows, cols = np.mgrid[0:30, 0:40]
    return ((rows + cols) * 255 // 68).astype(np.uint8)


def stripes(rng: np.random.Generator, vertical: bool) -> np.ndarray:
    """Return one 32×32 RGB image of noisy stripes of random colours, period and phase."""
    background = rng.integers(0, 100, size=3)
    foreground = rng.integers(155, 256, size=3)
    if rng.random() < 0.5:
        background, foreground = foreground, background
    period = int(rng.integers(4, 9))
    phase = int(rng.integers(0, period))
    position = np.arange(STRIPE_SIZE)
    on = ((position + phase) % period) < period // 2
    mask = np.tile(on, (STRIPE_SIZE, 1)) if vertical else np.tile(on[:, None], (1, STRIPE_SIZE))
    image = np.where(mask[..., None], foreground, background)
    noise = rng.integers(-20, 21, size=image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def write_images(out_dir: Path) -> list[Path]:
    """Write the example pictures and the stripe images under `out_dir`/images; return paths."""
    images = out_dir / "images"
    written = [images / "example.png", images / "example_gray.png"]
    images.mkdir(parents=True, exist_ok=True)
    Image.fromarray(example_rgb(), mode="RGB").save(written[0])
    Image.fromarray(example_gray(), mode="L").save(written[1])
    rng = np.random.default_rng(SEED)
    for label, name in enumerate(STRIPE_CLASSES):
        folder = images / "stripes" / name
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(STRIPES_PER_CLASS):
            path = folder / f"{name}_{index:02d}.png"
            Image.fromarray(stripes(rng, vertical=bool(label)), mode="RGB").save(path)
            written.append(path)
    return written


def sha256(path: Path) -> str:
    """Return the hex sha256 of the file at `path`."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    """Parse the arguments, write the data and print the sha256 of each file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", type=Path, help="full keras-layout mnist.npz")
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    written = [args.out_dir / "mnist_subset.npz"]
    save_npz_reproducibly(written[0], subset_mnist(args.mnist))
    written += write_images(args.out_dir)
    for path in written:
        print(f"{path.relative_to(args.out_dir)} {sha256(path)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
