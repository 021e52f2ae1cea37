"""Every library the shipped code imports is declared in pyproject.toml: in the core, or in the
extra of the one feature that imports it lazily (a student's plain install grades everything)."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib import metadata

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

SHIPPED = ("grader", "assignments")
# imported only by an optional feature, inside the function that needs it, with a clear message
OPTIONAL = {"distributed": "cluster", "yaml": "manual"}


def imported_modules() -> dict[str, str]:
    """Return {top-level module: a file importing it} for every third-party import shipped."""
    found: dict[str, str] = {}
    for folder in SHIPPED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in SHIPPED:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def declared(requirements: list[str]) -> set[str]:
    """Return the canonical names of the distributions a requirement list names."""
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_every_imported_library_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = declared(project["dependencies"])
    extras = {name: declared(reqs) for name, reqs in project["optional-dependencies"].items()}
    providers = metadata.packages_distributions()
    modules = imported_modules()
    assert {"keras", "sklearn", "IPython", "distributed"} <= set(modules)  # the walk sees them
    undeclared = {}
    for module, where in modules.items():
        distributions = {canonicalize_name(d) for d in providers.get(module, [module])}
        wanted = extras[OPTIONAL[module]] if module in OPTIONAL else core
        if not distributions & wanted:
            undeclared[module] = (where, sorted(distributions))
    assert not undeclared, f"imported but not declared (module: file, distribution): {undeclared}"


def test_optional_libraries_are_not_in_the_core() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = declared(project["dependencies"])
    assert not core & {"distributed", "dask", "pyyaml", "nbconvert", "jupyterlab", "ipykernel"}
