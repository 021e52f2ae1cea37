"""What student code raised: StudentCodeError, and a Failure showing only the student's frames."""

from __future__ import annotations

import re
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.model import Failure, Frame

MAX_MESSAGE = 500
ANSI = re.compile(r"\x1b\[[0-9;]*m")
KERAS_WRAPPED = re.compile(r"^Exception encountered when calling \S+\. (.*?)(?: Arguments received by .*)?$")


class StudentCodeError(Exception):
    """Student code raised; carries the original exception and the call it happened in."""

    def __init__(self, exc: BaseException, where: str) -> None:
        super().__init__(where)
        self.exc = exc
        self.where = where


def student_frames(exc: BaseException, workdir: Path) -> tuple[Frame, ...]:
    """Return the traceback frames that belong to files inside the student's folder."""
    frames = []
    for summary in traceback.extract_tb(exc.__traceback__):
        location = display_path(summary.filename, workdir)
        if location is None:
            continue
        frames.append(Frame(location, summary.lineno or 0, summary.name, (summary.line or "").strip()))
    if isinstance(exc, SyntaxError) and exc.filename:
        location = display_path(exc.filename, workdir)
        if location is not None:
            frames.append(Frame(location, exc.lineno or 0, "<module>", (exc.text or "").strip()))
    return tuple(frames)


def display_path(filename: str, workdir: Path) -> str | None:
    """Return a student file's name relative to their folder, None for library files."""
    if filename.startswith(("<cell ", "<In [")):  # notebook cells (by position, by execution)
        return filename.strip("<>")
    if filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>: not the student's
        return None
    try:
        return str(Path(filename).resolve().relative_to(workdir.resolve()))
    except ValueError:
        return None


def exception_message(exc: BaseException) -> str:
    """Return the exception's message, shortened for display."""
    if isinstance(exc, SyntaxError):
        text = exc.msg
    elif isinstance(exc, SystemExit):
        text = f"sys.exit({exc.code!r})"
    else:
        text = str(exc)
    text = " ".join(ANSI.sub("", text).split())
    text = KERAS_WRAPPED.sub(r"\1", text)  # keras's decoration around the student's own message
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def failure_from_exception(exc: BaseException, phase: str, where: str, workdir: Path) -> Failure:
    """Describe an exception raised while importing or calling student code."""
    return Failure(
        phase=phase,
        type=type(exc).__name__,
        message=exception_message(exc),
        where=where,
        frames=student_frames(exc, workdir),
    )


def failure_json(failure: Failure) -> dict[str, Any]:
    """Return the JSON form of a failure."""
    return asdict(failure)
