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
