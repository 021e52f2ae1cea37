"""What an observer needs while running student code: where it is, and how to call it."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class StudentCodeError(Exception):
    """Student code raised; carries the original exception and the call it happened in."""

    def __init__(self, exc: BaseException, where: str) -> None:
        super().__init__(where)
        self.exc = exc
        self.where = where


@dataclass(frozen=True)
class ObserveContext:
    """The folders of one observation and the progress file the supervisor reads."""

    workdir: Path
    assignment_dir: Path
    scratch: Path
    progress_file: Path | None = None

    def call(self, fn: Callable[..., Any], *args: Any, label: str = "", **kwargs: Any) -> Any:
        """Call student code, recording where we are; wrap anything it raises."""
        where = label or f"{getattr(fn, '__name__', 'function')}({format_args(args, kwargs)})"
        self.progress(where)
        try:
            return fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - student code may raise SystemExit, KeyboardInterrupt…
            raise StudentCodeError(exc, where) from exc

    def progress(self, where: str) -> None:
        """Tell the supervisor which student call is running (used in timeout messages)."""
        if self.progress_file is not None:  # whole or absent, even with forked copies writing
            temporary = self.progress_file.with_name(f".progress-{os.getpid()}")
            temporary.write_text(where, encoding="utf-8")
            os.replace(temporary, self.progress_file)


def format_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """Show call arguments as the student would write them (arrays as their shape)."""
    parts = [short_repr(a) for a in args] + [f"{k}={short_repr(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def short_repr(value: Any) -> str:
    """Return a short readable form of an argument."""
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, str | int | float):
        return f"<array {tuple(int(d) for d in shape)}>"
    if hasattr(value, "history") and hasattr(value, "params"):
        return "<History>"
    if hasattr(value, "layers") and hasattr(value, "count_params"):
        return "<model>"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def jsonable(value: Any, depth: int = 0) -> Any:
    """Convert a returned value to JSON-safe data (tuples and shapes to lists, numbers to Python)."""
    if depth > 6:
        return {"repr": short_repr(value)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value if not (isinstance(value, float) and not math.isfinite(value)) else repr(value)
    if hasattr(value, "as_list") and callable(value.as_list):  # TensorShape
        try:
            return [None if d is None else int(d) for d in value.as_list()]
        except ValueError:
            return {"repr": repr(value)}
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return jsonable(value.item(), depth + 1)
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, depth + 1) for v in value]
    return {"repr": short_repr(value), "type": type(value).__name__}


def dumps(data: Any) -> str:
    """Serialise observation data, refusing anything that is not plain JSON."""
    return json.dumps(data, allow_nan=False, sort_keys=True)
