"""The grader's import graph, read statically: no cycle; `grader/observe/` imports nothing above it.

Every import counts: at module level, inside functions, under `if TYPE_CHECKING:`, relative
(`from . import x`), and `importlib.import_module("grader.x")` with a literal name. An arrow goes
to the module named: `from grader.observe import audit` to `grader.observe.audit`, `from grader
import __version__` to `grader` (its `__init__.py`); a package's `__init__` imported on the way
to one of its modules is not an arrow.
"""

from __future__ import annotations

import ast
from collections.abc import Container, Iterator
from pathlib import Path

import pytest

GRADER = Path(__file__).resolve().parent.parent / "grader"
OBSERVE = "grader.observe"
# What grader/observe/ may import besides itself: leaves that import nothing from the grader but
# one another, so that the sandboxed child's code is observe/ and these, and nothing above them.
OBSERVE_MAY_IMPORT = {
    "grader.model": "plain dataclasses of what was observed (Failure, Frame, Observation, Status)",
    "grader.text": "cleaning text and data for display (grader.model cleans with it)",
    "grader.jobs": "plain dataclasses of a job and its budgets, sent from parent to worker",
    "grader.trees": "walking and making folders safely (the workspace's copy, temporary folders)",
    "grader.messages": "translation tables and translate() (a notebook's errors are said with it)",
    "grader.wording": "sentences before they have a language, plain frozen dataclasses (grader.model "
                      "types its messages with them)",
    "grader.notebook_cells": "reading a notebook's code cells (the child imports notebooks)",
    "grader.notebook_defs": "which statements of a cell are definitions (the child keeps those)",
    "grader.hooks": "the names the engine reads from a lab's modules, checked with the standard "
                    "library alone (the worker checks a lab's observers as it preloads them)",
}


def module_name(path: Path) -> str:
    """Return the dotted name of a file under grader/ (a package's `__init__.py` is the package)."""
    parts = path.relative_to(GRADER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def grader_modules() -> dict[str, Path]:
    """Return every module of the grader by name."""
    return {module_name(path): path for path in sorted(GRADER.rglob("*.py"))}


def known(name: str, modules: Container[str]) -> str | None:
    """Return the grader module a dotted name is in (its longest prefix that is one), or None."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def imported(tree: ast.Module, module: str, is_package: bool, modules: Container[str]
             ) -> Iterator[str]:
    """Yield the grader modules a module's code imports, wherever the import is written."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                     for alias in node.names]  # a package's module, or a name in a module
        elif isinstance(node, ast.Call) and _is_import_call(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names = [first.value]
        yield from filter(None, (known(name, modules) for name in names))


def _is_import_call(func: ast.expr) -> bool:
    """Whether a call is `importlib.import_module(…)` (or `import_module`, `__import__`)."""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__")


def import_graph() -> dict[str, set[str]]:
    """Return, for each grader module, the grader modules it imports (itself left out)."""
    modules = grader_modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[name] = set(imported(tree, name, path.name == "__init__.py", modules)) - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components of more than one module (Tarjan, no recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def is_observe(module: str) -> bool:
    """Whether a module is grader/observe/ or under it."""
    return module == OBSERVE or module.startswith(f"{OBSERVE}.")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """The grader's import graph, read once for this file's tests."""
    return import_graph()


def test_every_form_of_import_is_read(graph: dict[str, set[str]]) -> None:
    """Relative, nested, TYPE_CHECKING and import_module imports are arrows; others' are not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import audit\n"
        "from .. import model as m\n"
        "from ..text import clean_data\n"
        "if TYPE_CHECKING:\n    from grader.observe.remote import Remote\n"
        "def f():\n    import grader.observe.host\n    import numpy\n"
        "    return importlib.import_module('grader.jobs')\n"
    )
    found = set(imported(ast.parse(source), "grader.observe.x", False, grader_modules()))
    assert found == {"grader.observe.audit", "grader.model", "grader.text",
                     "grader.observe.remote", "grader.observe.host", "grader.jobs"}
    assert "grader.observe.audit" in graph["grader.observe.supervisor"]  # a package's module
    assert "grader.jupyter" in graph["grader"]  # inside load_ipython_extension


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    """No module imports, through others, a module that imports it."""
    found = cycles(graph)
    shown = "\n".join(" <-> ".join(component) for component in found)
    assert not found, f"{len(found)} import cycle(s) (modules that reach one another):\n{shown}"


def test_observe_imports_nothing_above_it(graph: dict[str, set[str]]) -> None:
    """grader/observe/ imports only itself and the leaves listed, which import only one another."""
    assert set(OBSERVE_MAY_IMPORT) <= set(graph), "a listed leaf is no module of the grader"
    above = sorted(f"{module} imports {target}" for module, targets in graph.items()
                   if is_observe(module) for target in targets
                   if not is_observe(target) and target not in OBSERVE_MAY_IMPORT)
    assert not above, "grader/observe/ imports modules above it:\n" + "\n".join(above)
    not_leaves = sorted(f"{leaf} imports {target}" for leaf in OBSERVE_MAY_IMPORT
                        for target in graph[leaf] if target not in OBSERVE_MAY_IMPORT)
    assert not not_leaves, "a leaf observe/ may import is no leaf:\n" + "\n".join(not_leaves)
