"""What crosses between the trusted observer and the executor: values as data and files.

Plain values travel as JSON; numeric arrays as `.npy` files (read back with `allow_pickle=False`);
keras models as keras's own `.keras` files (read back with `safe_mode=True` in the observer,
which never runs student code); every other object stays in the student's process and travels as
a handle. Each side writes files only into its own exchange folder; the observer reads the
executor's files through `read_untrusted_file` (no links, regular files, bounded size) and treats
every value the executor sends as a claim: `decode` checks the shape of every tag.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

TAG = "$"
MAX_DEPTH = 24
MAX_ITEMS = 200_000
MAX_FILE_BYTES = 512 * 1024 * 1024
FILE_NAME = re.compile(r"^[a-z]+-\d{1,9}\.(npy|npz|keras)$")


class ExchangeError(ValueError):
    """A value from the other side that is not of the agreed form; says what."""


@dataclass(frozen=True)
class Handle:
    """An object that stays in the student's process, seen from the observer."""

    id: int
    type: str  # its class's name
    module: str  # its class's top-level module ("keras", "sklearn", "td_keras"…)
    keras_class: str = ""  # the first keras class in its MRO, if any
    is_model: bool = False  # a keras Model (then `model_file` holds its export, if it saved)
    model_file: str = ""
    model_error: str = ""  # why the executor could not save it
    built: bool = True


@dataclass(frozen=True)
class FitHistory:
    """A keras History as data (what `fit` returned), with a handle to the object itself."""

    history: dict[str, list[float]]
    params: dict[str, Any]
    epoch: list[int]
    handle: int | None = None
    token: str = ""  # set on the histories the observer's own fits produced


@dataclass
class Folder:
    """One side's exchange folder: it writes numbered files here."""

    path: Path
    counter: int = 0

    def new_name(self, prefix: str, suffix: str) -> str:
        """Return a fresh file name in the folder, e.g. 'array-3.npy'."""
        self.counter += 1
        return f"{prefix}-{self.counter}.{suffix}"


@dataclass
class Limits:
    """How much one decoding may hold (a hostile sender's values are bounded)."""

    items: int = MAX_ITEMS
    files: list[str] = field(default_factory=list)


def read_untrusted_file(folder: Path, name: str, into: Path, limit: int = MAX_FILE_BYTES) -> Path:
    """Copy a file the other side wrote (a plain name, no link, a regular file of at most `limit`
    bytes) into a private folder; return the copy's path."""
    if not isinstance(name, str) or not FILE_NAME.match(name):
        raise ExchangeError(f"a file name that is not the grader's: {str(name)[:60]!r}")
    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise ExchangeError(f"{name} could not be read ({exc.strerror})") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ExchangeError(f"{name} is not a regular file")
        if info.st_size > limit:
            raise ExchangeError(f"{name} is larger than {limit // 2**20} MB")
        into.mkdir(parents=True, exist_ok=True)
        target = into / name
        copied = 0
        with open(target, "wb") as out:
            while chunk := os.read(fd, 1 << 20):
                copied += len(chunk)
                if copied > limit:
                    raise ExchangeError(f"{name} is larger than {limit // 2**20} MB")
                out.write(chunk)
        return target
    finally:
        os.close(fd)


def write_array(folder: Folder, value: np.ndarray) -> str:
    """Save a numeric array in the folder; return its file name."""
    name = folder.new_name("array", "npy")
    np.save(folder.path / name, np.ascontiguousarray(value), allow_pickle=False)
    return name


def load_array(path: Path) -> np.ndarray:
    """Read an array file without ever unpickling."""
    value = np.load(path, allow_pickle=False)
    if value.dtype.kind not in "biuf":
        raise ExchangeError(f"an array of dtype {value.dtype} (only numbers cross)")
    return value


def encode_float(value: float) -> Any:
    """Return a float as JSON (non-finite numbers tagged)."""
    if math.isfinite(value):
        return value
    return {TAG: "float", "value": repr(value)}


def decode_float(value: Any) -> float:
    """Read a tagged non-finite float."""
    if value not in ("nan", "inf", "-inf"):
        raise ExchangeError(f"not a float: {str(value)[:40]!r}")
    return float(value)


def is_plain_key(key: Any) -> bool:
    """Whether a dict key can be a JSON object key as it is."""
    return isinstance(key, str) and key != TAG


def tag_of(value: Any) -> str | None:
    """Return the tag of an encoded value, None for plain JSON."""
    if isinstance(value, dict) and TAG in value:
        tag = value[TAG]
        if not isinstance(tag, str):
            raise ExchangeError("a tag that is not a string")
        return tag
    return None


def count(limits: Limits, depth: int) -> None:
    """Account for one decoded item; refuse values too deep or too many."""
    limits.items -= 1
    if limits.items < 0:
        raise ExchangeError(f"a value of more than {MAX_ITEMS} items")
    if depth > MAX_DEPTH:
        raise ExchangeError(f"a value nested more than {MAX_DEPTH} levels deep")
