"""Tamper evidence read from a submission's source: what reaches into the grader, not the lab.

Pure and static (the trusted side reads the files the sandbox would copy; nothing is run), so
the student cannot suppress it. Each finding is an `Evidence` for the instructor to read: it
never changes a grade. The run-time half (an audit hook in the student's process) is in
`grader/observe/audit.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from grader.model import Evidence
from grader.observe.audit import ALLOWED_IMPORTS, GRADER_PACKAGES

MAX_SCANNED_BYTES = 2 * 1024 * 1024  # a file larger than this is scanned up to here
MAX_SCANNED_TOTAL = 8 * 1024 * 1024  # per submission: one student's files cannot slow the class
MAX_EVIDENCE = 20  # per submission: enough to decide, short enough to read
LOW_LEVEL_MODULES = ("ctypes", "cffi", "_ctypes", "marshal", "_posixsubprocess")
DYNAMIC_CODE = ("exec", "eval", "compile", "__import__")
INTROSPECTION = {("sys", "_getframe"), ("sys", "addaudithook"), ("sys", "settrace"),
                 ("sys", "setprofile"), ("sys", "modules"), ("inspect", "stack"),
                 ("inspect", "currentframe"), ("gc", "get_objects"), ("gc", "get_referrers"),
                 ("builtins", "__import__"), ("os", "kill"), ("os", "killpg")}
SUSPECT_PATHS = ("/proc", "hidden_args", "/grader/", "site-packages/grader", "reference/")


def scan_submission(files: list[tuple[str, Path]]) -> tuple[Evidence, ...]:
    """Scan the submission's Python files and notebooks; `files` are (name shown, real path)."""
    found: list[Evidence] = []
    budget = MAX_SCANNED_TOTAL
    for name, path in files:
        if path.suffix not in (".py", ".ipynb") or budget <= 0:
            continue
        try:
            budget -= min(path.stat().st_size, MAX_SCANNED_BYTES)
        except OSError:
            continue
        for evidence in scan_file(name, path):
            found.append(evidence)
            if len(found) >= MAX_EVIDENCE:
                return tuple(found)
    return tuple(found)


def scan_file(name: str, path: Path) -> Iterator[Evidence]:
    """Yield the evidence in one file (a notebook's code cells each as their own source)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(MAX_SCANNED_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return
    if path.suffix == ".ipynb":
        yield from _scan_notebook(name, path)
    else:
        yield from scan_source(text, name)


def _scan_notebook(name: str, path: Path) -> Iterator[Evidence]:
    """Yield the evidence of each code cell, placed as "name, cell N"."""
    from grader.notebook_cells import NotebookError, python_source, read_cells

    try:
        cells = read_cells(path)
    except (NotebookError, OSError):
        return
    for cell in cells:
        try:
            source = python_source(cell)
        except Exception:  # noqa: BLE001 - IPython's transformer on a broken cell
            continue
        yield from scan_source(source, f"{name}, cell {cell.number}")


def scan_source(text: str, where: str) -> Iterator[Evidence]:
    """Yield what one Python source does that an answer to the lab never needs."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # the parser's own limits
        return
    for node in ast.walk(tree):  # breadth first, iterative: any depth of nesting
        finding = _finding(node)
        if finding is not None:
            kind, detail = finding
            yield Evidence(where, getattr(node, "lineno", 0), kind, detail, "static")


def _finding(node: ast.AST) -> tuple[str, str] | None:
    """Return (kind, detail) when a node reaches into the grader or the interpreter."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if found := _imported(alias.name):
                return found
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module == "grader":
            names = [a.name for a in node.names if a.name != "jupyter"]
            return ("grader", f"from grader import {', '.join(names)}") if names else None
        return _imported(node.module)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in DYNAMIC_CODE:
            return "dynamic-code", f"{node.func.id}(…) runs code made at run time"
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if (node.value.id, node.attr) in INTROSPECTION:
            return "interpreter", f"{node.value.id}.{node.attr}"
        if node.value.id == "importlib" and node.attr == "import_module":
            return "dynamic-code", "importlib.import_module(…) imports a module named at run time"
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        for suspect in SUSPECT_PATHS:
            if suspect in node.value and len(node.value) < 300:
                return "grader-files", f"the path {node.value[:80]!r}"
    return None


def _imported(module: str) -> tuple[str, str] | None:
    """Return the finding for importing `module`, if it is the grader's or a low-level one."""
    top = module.split(".")[0]
    if top in GRADER_PACKAGES and module not in ALLOWED_IMPORTS:
        return "grader", f"import {module}"
    if top in LOW_LEVEL_MODULES:
        return "low-level", f"import {module}"
    return None
