"""The run-time half of tamper evidence: an audit hook in the student's process (PEP 578).

Installed by the executor just before the submission is imported; Python code cannot remove an
audit hook. It reports, as JSON lines on a pipe the supervisor reads after the job, the events
whose nearest Python caller is the student's own code: importing the grader's modules,
`ctypes`, opening `/proc` or the grader's files, `exec`/`compile` of text made at run time.
The student's process can still close or flood that pipe (native code can do anything), so this
is best-effort evidence beside the static scan of `grader/tamper.py`, which it cannot reach.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

MAX_EVENTS = 20
TAMPER_NOTE = "tamper:"  # an observation's note carrying one event, as JSON
GRADER_PACKAGES = ("grader", "reference", "td_keras_grader")  # the tamper scan's too
ALLOWED_IMPORTS = ("grader", "grader.jupyter")  # %load_ext grader, grade() in a notebook
LOW_LEVEL_EVENTS = ("ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.addressof",
                    "ctypes.string_at", "ctypes.call_function")
SUSPECT_PATHS = ("/proc/", "hidden_args")
WRAPPER_FRAMES = ("<frozen importlib", "/importlib/", "/ctypes/")  # the caller is above them


def install(fd: int, workdir: str, grader_dir: str) -> None:
    """Add the hook, reporting on `fd` what code under `workdir` (or a notebook cell) did."""
    root = workdir.rstrip("/") + "/"

    def student_files(filename: str) -> bool:
        return filename.startswith((root, "<cell ", "<In ["))

    state = {"sent": 0, "busy": False}  # the closure's own: the hook has no other state

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if state["busy"] or state["sent"] >= MAX_EVENTS or not _watched(event):
            return
        state["busy"] = True  # what the hook itself does raises no second report
        try:
            _report(event, args)
        finally:
            state["busy"] = False

    def _report(event: str, args: tuple[Any, ...]) -> None:
        caller = _student_caller(sys._getframe(2), student_files)
        detail = describe(event, args, grader_dir) if caller is not None else None
        if caller is None or detail is None:
            return
        state["sent"] += 1
        shown = caller[0].removeprefix(root).strip("<>")
        line = json.dumps({"file": shown, "line": caller[1], "kind": detail[0],
                           "detail": detail[1]})
        try:
            os.write(fd, line.encode()[:900] + b"\n")
        except OSError:
            state["sent"] = MAX_EVENTS  # the pipe is gone (closed by the student): stop trying

    sys.addaudithook(hook)


def _watched(event: str) -> bool:
    """Whether an event is one the hook looks at (cheap: called for every event)."""
    return event in ("import", "open", "exec", "compile", "sys.addaudithook") or (
        event.startswith("ctypes."))


def _student_caller(frame: Any, student_files: Callable[[str], bool]) -> tuple[str, int] | None:
    """Return (file, line) of the nearest frame outside the import system and ctypes, if it is
    the student's."""
    while frame is not None and any(w in frame.f_code.co_filename for w in WRAPPER_FRAMES):
        frame = frame.f_back
    if frame is None or not student_files(frame.f_code.co_filename):
        return None
    return frame.f_code.co_filename, frame.f_lineno


def describe(event: str, args: tuple[Any, ...], grader_dir: str) -> tuple[str, str] | None:
    """Return (kind, detail) for an event that reaches into the grader, None otherwise."""
    if event == "import":
        module = str(args[0])
        if module.split(".")[0] in GRADER_PACKAGES and module not in ALLOWED_IMPORTS:
            return "grader", f"imported {module}"
        if module.split(".")[0] in ("ctypes", "_ctypes", "cffi"):
            return "low-level", f"imported {module}"
        return None
    if event in LOW_LEVEL_EVENTS or event.startswith("ctypes.dl"):
        return "low-level", f"used ctypes ({event})"
    if event == "open":
        path = str(args[0]) if args else ""
        if path.startswith(grader_dir) or any(s in path for s in SUSPECT_PATHS):
            return "grader-files", f"opened {path[:120]}"
        return None
    if event in ("exec", "compile"):
        code = args[0] if args else None
        name = getattr(code, "co_filename", None) if event == "exec" else (
            str(args[1]) if len(args) > 1 else "")
        if name is not None and not name.startswith("<"):
            return None  # a module's own file (its helpers imported): not code made at run time
        return "dynamic-code", f"ran code made at run time ({event})"
    if event == "sys.addaudithook":
        return "interpreter", f"called {event}"
    return None
