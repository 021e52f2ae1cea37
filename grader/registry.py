"""Find assignments: the built-in ones and any installed package's `grader.assignments` entry point.

Built-in: every sub-package of `grader` that has a `rubric.py` (and declares ASSIGNMENT). A
course ships its own assignment as a package whose `pyproject.toml` declares
`[project.entry-points."grader.assignments"] my_lab = "my_course.my_lab:ASSIGNMENT"`.

A lab is checked against the contract (grader/contract.py, once per process) when the registry
hands it out to be graded; listing the labs checks none, so one broken lab hides no other.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib import metadata
from pathlib import Path

from grader.contract import (
    RUBRIC_MODULE,
    AssignmentPlugin,
    ContractError,
    contract_message,
    plugin_problems,
)

ENTRY_POINT_GROUP = "grader.assignments"
SUFFIXES = (".py", ".ipynb")


class UnknownAssignment(LookupError):
    """No registered assignment has this name, or none fits the submission."""


def _declared(package: str) -> AssignmentPlugin:
    """Import a package and return the plugin it declares as ASSIGNMENT."""
    plugin = getattr(importlib.import_module(package), "ASSIGNMENT", None)
    if not isinstance(plugin, AssignmentPlugin):
        raise ContractError(f"{package} declares no ASSIGNMENT = AssignmentPlugin(…)")
    return plugin


def built_in_packages() -> list[str]:
    """Return the grader's own assignment packages: its sub-packages that have a rubric."""
    root = Path(__file__).resolve().parent
    return sorted(f"{__package__}.{path.name}" for path in root.iterdir()
                  if (path / "__init__.py").is_file() and (path / f"{RUBRIC_MODULE}.py").is_file())


@cache
def contract_problems(plugin: AssignmentPlugin) -> tuple[str, ...]:
    """Return what a lab breaks of the contract, found once per process."""
    return plugin_problems(plugin)


def checked(plugin: AssignmentPlugin) -> AssignmentPlugin:
    """Return the lab, or raise ContractError listing what it breaks of the contract."""
    problems = contract_problems(plugin)
    if problems:
        raise ContractError(contract_message(f"{plugin.name} ({plugin.package})", problems))
    return plugin


def registered() -> dict[str, AssignmentPlugin]:
    """Return every assignment found, by name (built-in first; an entry point may not shadow);
    unchecked, for listing them (`checked` before grading one)."""
    found: dict[str, AssignmentPlugin] = {}
    for package in built_in_packages():
        plugin = _declared(package)
        found[plugin.name] = plugin
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        plugin = entry.load()
        if not isinstance(plugin, AssignmentPlugin):
            raise ContractError(f"entry point {entry.name} = {entry.value} is not an "
                                "AssignmentPlugin")
        found.setdefault(plugin.name, plugin)
    return found


def find_plugin(name: str) -> AssignmentPlugin:
    """Return the assignment with this name, checked, or raise naming the known ones."""
    plugins = registered()
    if name not in plugins:
        raise UnknownAssignment(f"no assignment named {name!r} (known: {', '.join(sorted(plugins))})")
    return checked(plugins[name])


def modules(plugins: dict[str, AssignmentPlugin]) -> dict[str, str]:
    """Return each assignment's submission module name, read once from its table."""
    from grader.assignment import load_assignment

    return {name: load_assignment(plugin).module for name, plugin in plugins.items()}


def plugin_for_submission(path: Path) -> AssignmentPlugin:
    """Return the assignment whose submission file is at `path` (a file, or inside a folder),
    checked.

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
    """Return the assignment most of whose graded functions are among `names` (a kernel's),
    checked."""
    from grader.assignment import load_assignment

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

