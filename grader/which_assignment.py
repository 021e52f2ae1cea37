"""Tell which assignment a submission belongs to: by its file's name, or by a kernel's functions."""

from __future__ import annotations

from pathlib import Path

from grader.assignment import load_assignment
from grader.contract import AssignmentPlugin
from grader.registry import UnknownAssignment, checked, registered
from grader.submission import SUFFIXES


def modules(plugins: dict[str, AssignmentPlugin]) -> dict[str, str]:
    """Return each assignment's submission module name, read once from its table."""
    return {name: load_assignment(plugin).module for name, plugin in plugins.items()}


def plugin_for_submission(path: Path) -> AssignmentPlugin:
    """Return the assignment whose submission file is at `path` (a file, or inside a folder),
    checked against the contract.

    A folder holding the files of several assignments is ambiguous: the one saved last wins.
    """
    if not path.exists():
        raise UnknownAssignment(f"{path} does not exist")
    plugins = registered()
    names = modules(plugins)
    candidates: list[tuple[float, AssignmentPlugin]] = []
    for name, module in names.items():
        if path.is_file():
            if path.stem == module and path.suffix in SUFFIXES:
                return checked(plugins[name])
            continue
        for suffix in SUFFIXES:
            file = path / f"{module}{suffix}"
            if file.is_file():
                candidates.append((file.stat().st_mtime, plugins[name]))
    if candidates:
        return checked(max(candidates, key=lambda c: c[0])[1])
    looked = " or ".join(f"{module}.py" for module in names.values())
    raise UnknownAssignment(
        f"no submission of a known assignment in {path} (looked for {looked}, or a notebook); "
        "name the assignment with --assignment NAME")


def plugin_for_functions(names: set[str]) -> AssignmentPlugin:
    """Return the assignment most of whose graded functions are among `names` (a kernel's)."""
    plugins = registered()
    scores = {}
    for name, plugin in plugins.items():
        functions = {q.function for q in load_assignment(plugin).questions}
        scores[name] = len(functions & names) / max(len(functions), 1)
    best = max(scores, key=lambda name: scores[name], default=None)
    if best is None or scores[best] == 0:
        raise UnknownAssignment("no function of a known assignment is defined here; name the "
                                "assignment with --assignment NAME")
    return checked(plugins[best])

