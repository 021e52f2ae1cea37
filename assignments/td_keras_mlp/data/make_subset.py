"""Build the committed test fixtures from the full keras-layout dataset files.

Usage: python make_subset.py /path/to/mnist.npz [--boston /path/to/boston_housing.npz]
                             [--out-dir DIR]

Writes `mnist_subset.npz` (the first 2000 training and the first 500 test images of MNIST, keras
layout, compressed) and, with `--boston`, a byte-for-byte copy of `boston_housing.npz`; then prints
the sha256 of each file. The zip entries get a fixed timestamp, so the same input always gives
the same bytes (and the same sha256).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import zipfile
from pathlib import Path

import numpy as np

N_TRAIN = 2000
N_TEST = 500
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


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


def sha256(path: Path) -> str:
    """Return the hex sha256 of the file at `path`."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    """Parse the arguments, write the fixtures and print their sha256."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mnist", type=Path, help="full keras-layout mnist.npz")
    parser.add_argument("--boston", type=Path, help="boston_housing.npz to copy unchanged")
    parser.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    written = [args.out_dir / "mnist_subset.npz"]
    save_npz_reproducibly(written[0], subset_mnist(args.mnist))
    if args.boston is not None:
        written.append(args.out_dir / "boston_housing.npz")
        shutil.copyfile(args.boston, written[1])
    for path in written:
        print(f"{path.name} {sha256(path)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
