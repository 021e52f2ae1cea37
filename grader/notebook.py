"""Import a notebook submission: its code cells as a module, every location a cell number.

Cells are numbered as the student sees them from the top: the 1-based position of the cell in the
notebook, Markdown cells included (Jupyter's execution counts depend on how the student ran it).
Each cell is compiled under the file name `<cell N>`, keeping its own line numbers, so tracebacks
and syntax errors read "cell 7, line 3".

Two modes: "definitions" (default) runs only imports, definitions and constants
(`grader.notebook_defs`); "full" runs every code cell in order, for instructors.
"""

from __future__ import annotations
import __future__

import ast
import functools
import importlib.abc
import importlib.util
import json
import linecache
import operator
import sys
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from grader.messages import translate
from grader.notebook_defs import is_harmless, keep_statement

DEFINITIONS, FULL = "definitions", "full"
MODES = (DEFINITIONS, FULL)
FUTURE_FLAGS = functools.reduce(operator.or_, (getattr(__future__, feature).compiler_flag
                                               for feature in __future__.all_feature_names))
PARSE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


class NotebookError(ValueError):
    """The notebook cannot be read; `key` and `params` say why, in the student's language."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(translate("en", key, **params))
        self.key = key
        self.params = params

    def as_json(self) -> dict[str, Any]:
        """Return the reason as JSON (the parent translates it)."""
        return {"key": self.key, "params": self.params}


@dataclass(frozen=True)
class Cell:
    """One code cell: its number in the notebook (1-based, all cells counted) and its source."""

    number: int
    source: str

    @property
    def filename(self) -> str:
        """The name tracebacks show for this cell (`<cell 7>`, shown as "cell 7")."""
        return f"<cell {self.number}>"


@dataclass(frozen=True)
class CompiledCell:
    """A cell's code ready to run, and the source its tracebacks quote."""

    number: int
    code: CodeType
    source: str


@dataclass(frozen=True)
class NotebookPlan:
    """What importing the notebook runs, and which cells had code that is not run."""

    mode: str
    cells: tuple[CompiledCell, ...]
    skipped_cells: tuple[int, ...]

    def summary(self) -> dict[str, Any]:
        """Return the JSON the import observation carries to the report."""
        return {"mode": self.mode, "skipped_cells": list(self.skipped_cells)}


def read_cells(path: Path) -> list[Cell]:
    """Read the code cells of a notebook with nbformat; raise NotebookError when unusable."""
    import nbformat
    import nbformat.reader

    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NotebookError("notebook.not_json", name=name, detail="not UTF-8 text") from None
    if not text.strip():
        raise NotebookError("notebook.empty", name=name)
    try:
        json.loads(text)
    except ValueError as exc:
        detail = f"{exc.msg}, line {exc.lineno}, column {exc.colno}"
        raise NotebookError("notebook.not_json", name=name, detail=detail) from None
    try:  # read and convert to v4, without the (slow) schema validation: we only need cells
        book = nbformat.convert(nbformat.reader.reads(text), 4)
        raw_cells = book["cells"]
        kinds = [(cell["cell_type"], _text(cell.get("source", ""))) for cell in raw_cells]
    except (KeyError, TypeError, AttributeError):
        detail = "expected a list of cells, each with a cell_type and a source"
        raise NotebookError("notebook.invalid", name=name, detail=detail) from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a malformed file
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise NotebookError("notebook.invalid", name=name, detail=detail) from None
    if not kinds:
        raise NotebookError("notebook.empty", name=name)
    cells = [Cell(number, source) for number, (kind, source) in enumerate(kinds, 1)
             if kind == "code" and source.strip()]
    if not cells:
        raise NotebookError("notebook.no_code", name=name)
    return cells


def _text(source: Any) -> str:
    """Return a cell's source as one string (nbformat may keep a list of lines)."""
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    if not isinstance(source, str):
        raise TypeError(f"a cell's source is {type(source).__name__}, not text")
    return source


def python_source(cell: Cell) -> str:
    """Return the cell as Python: IPython syntax (%magics, !shell, cell?) turned into calls."""
    try:
        compile(cell.source, cell.filename, "exec", flags=PARSE_FLAGS, dont_inherit=True)
        return cell.source  # plain Python: the common case, no transformation needed
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(cell.source)


def parse_cell(cell: Cell) -> ast.Module:
    """Parse a cell (after IPython's transformations); SyntaxError names `<cell N>`."""
    return compile(python_source(cell), cell.filename, "exec", flags=PARSE_FLAGS,
                   dont_inherit=True)


def is_shell_escape(node: ast.AST) -> bool:
    """Whether a node is `get_ipython().system(...)`/`.getoutput(...)` (from `!cmd`)."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("system", "getoutput")
            and isinstance(node.func.value, ast.Call)
            and isinstance(node.func.value.func, ast.Name)
            and node.func.value.func.id == "get_ipython")


def plan_notebook(path: Path, mode: str = DEFINITIONS) -> NotebookPlan:
    """Read, parse, filter and compile the notebook's cells (runs nothing)."""
    if mode not in MODES:
        raise ValueError(f"notebook mode must be one of {MODES}, not {mode!r}")
    names: set[str] = set()
    flags = 0
    compiled, skipped = [], []
    for cell in read_cells(path):
        tree = parse_cell(cell)
        if mode == FULL:
            kept = tree.body
            dropped = any(is_shell_escape(node) for node in ast.walk(tree))
        else:
            kept = [stmt for stmt in tree.body if keep_statement(stmt, names)]
            dropped = any(stmt not in kept and not is_harmless(stmt) for stmt in tree.body)
        if dropped:
            skipped.append(cell.number)
        if not kept:
            continue
        code = compile(ast.Module(body=kept, type_ignores=[]), cell.filename, "exec",
                       flags=flags | (ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if mode == FULL else 0),
                       dont_inherit=True)
        flags |= code.co_flags & FUTURE_FLAGS  # `from __future__` lasts for the next cells
        compiled.append(CompiledCell(cell.number, code, cell.source))
    return NotebookPlan(mode, tuple(compiled), tuple(skipped))


class NotebookLoader(importlib.abc.Loader):
    """Run a planned notebook's cells in a module's namespace, in order."""

    def __init__(self, plan: NotebookPlan) -> None:
        self.plan = plan

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """Use the default module object."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Execute the kept cells; a full run goes through an IPython shell for the magics."""
        for cell in self.plan.cells:
            lines = cell.source.splitlines(keepends=True)
            linecache.cache[f"<cell {cell.number}>"] = (len(cell.source), None, lines,
                                                       f"<cell {cell.number}>")
        if self.plan.mode == FULL:
            from grader.notebook_shell import run_cells

            run_cells(self.plan.cells, module)
            return
        for cell in self.plan.cells:
            exec(cell.code, module.__dict__)


def import_notebook(file: Path, module_name: str, mode: str = DEFINITIONS) -> ModuleType:
    """Import the notebook's code cells as the module `module_name`."""
    loader = NotebookLoader(plan_notebook(file, mode))
    spec = importlib.util.spec_from_loader(module_name, loader, origin=str(file))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(file)
    sys.modules[module_name] = module
    loader.exec_module(module)
    return module


def notebook_summary(module: ModuleType) -> dict[str, Any] | None:
    """Return what the import of a notebook skipped, None for a .py module."""
    loader = getattr(getattr(module, "__spec__", None), "loader", None)
    return loader.plan.summary() if isinstance(loader, NotebookLoader) else None


def cell_ranges(numbers: list[int]) -> str:
    """Write cell numbers compactly: [3, 4, 5, 9] -> '3–5, 9'."""
    parts: list[str] = []
    for number in sorted(numbers):
        if parts and parts[-1].split("–")[-1] == str(number - 1):
            parts[-1] = parts[-1].split("–")[0] + f"–{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts)


def notebook_note(summary: dict[str, Any], lang: str) -> str | None:
    """Say once, for the report, what a notebook's import did not run."""
    skipped = summary.get("skipped_cells", [])
    key = "value.cells_one" if len(skipped) == 1 else "value.cells_many"
    cells = translate(lang, key, cells=cell_ranges(skipped)) if skipped else ""
    if summary.get("mode") == FULL:
        return translate(lang, "note.notebook_full_shell" if cells else "note.notebook_full",
                         cells=cells)
    return translate(lang, "note.notebook_skipped", cells=cells) if cells else None


def error_note(data: dict[str, Any], lang: str) -> str | None:
    """Translate the reason a notebook could not be read (from the import observation's data)."""
    reason = data.get("notebook_error")
    return translate(lang, reason["key"], **reason["params"]) if reason else None
