"""Plan a notebook's import: its cells compiled, each under the file name `<cell N>`.

Each cell keeps its own line numbers, so tracebacks and syntax errors read "cell 7, line 3". Two
modes: "definitions" (default) keeps only imports, definitions and constants
(`grader.notebook_defs`); "full" keeps every code cell, run in order, for instructors.

A notebook is a set of cells, not one file: in "definitions" mode a cell that does not compile, or
raises while defining, costs only the functions it defines (the plan and the loader record it as a
`BrokenCell`); the other cells run.
"""

from __future__ import annotations
import __future__

import ast
import functools
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

from grader.model import Failure
from grader.notebook_cells import (
    KERNEL,
    Cell,
    is_grader_magic,
    is_shell_escape,
    parse_cell,
    read_cells,
)
from grader.notebook_defs import is_harmless, keep_statement
from grader.observe.failures import failure_from_exception, failure_json

DEFINITIONS, FULL = "definitions", "full"
MODES = (DEFINITIONS, FULL)
DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)
FUTURE_FLAGS = functools.reduce(operator.or_, (getattr(__future__, feature).compiler_flag
                                               for feature in __future__.all_feature_names))


@dataclass(frozen=True)
class CompiledCell:
    """A cell's code ready to run, the source its tracebacks quote, the names it defines."""

    number: int
    code: CodeType
    source: str
    filename: str = ""
    defines: tuple[str, ...] = ()  # top-level functions and classes


@dataclass(frozen=True)
class BrokenCell:
    """A cell that does not compile or raised while defining, and the definitions it cost."""

    number: int
    names: tuple[str, ...]  # functions and classes the cell should have defined
    failure: Failure


@dataclass(frozen=True)
class NotebookPlan:
    """What importing the notebook runs, and which cells had code that is not run."""

    mode: str
    cells: tuple[CompiledCell, ...]
    skipped_cells: tuple[int, ...]
    broken: tuple[BrokenCell, ...] = ()  # cells that do not compile (definitions mode)
    source: str = "file"  # or KERNEL
    inputs: tuple[int, int] = (0, 0)  # the first and last code cell's numbers

    def summary(self, failed: tuple[BrokenCell, ...] = ()) -> dict[str, Any]:
        """Return the JSON the import observation carries to the report."""
        summary: dict[str, Any] = {"mode": self.mode, "skipped_cells": list(self.skipped_cells)}
        if self.source == KERNEL:
            summary["source"] = KERNEL
            summary["inputs"] = list(self.inputs)
        broken = still_broken(sorted((*self.broken, *failed), key=lambda b: b.number),
                              self.cells, keep_all=self.source != KERNEL)
        if broken:
            summary["broken_cells"] = [{"cell": b.number, "functions": list(b.names),
                                        "failure": failure_json(b.failure)} for b in broken]
        return summary


def still_broken(broken: list[BrokenCell], cells: tuple[CompiledCell, ...], keep_all: bool
                 ) -> list[BrokenCell]:
    """Drop from broken cells what a later cell defines again; keep only costly ones unless told."""
    result = []
    failed = {b.number for b in broken}
    for cell in broken:
        later = {name for c in cells if c.number > cell.number and c.number not in failed
                 for name in c.defines}
        names = tuple(n for n in cell.names if n not in later)
        if names or keep_all:
            result.append(BrokenCell(cell.number, names, cell.failure))
    return result


def defined_names(tree: ast.Module) -> tuple[str, ...]:
    """Return the functions and classes a cell defines at its top level."""
    return tuple(stmt.name for stmt in tree.body
                 if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))


def broken_cell(cell: Cell, exc: SyntaxError, folder: Path) -> BrokenCell:
    """Describe a cell that does not compile: the definitions its text shows are lost."""
    names = tuple(dict.fromkeys(DEFINITION.findall(cell.source)))
    failure = failure_from_exception(exc, "cell", cell.filename.strip("<>"), folder)
    return BrokenCell(cell.number, names, failure)


def plan_notebook(path: Path, mode: str = DEFINITIONS) -> NotebookPlan:
    """Read, parse, filter and compile the notebook's cells (runs nothing).

    In "definitions" mode a cell that does not compile is recorded as broken and skipped; in
    "full" mode (Run all) it stops the import.
    """
    if mode not in MODES:
        raise ValueError(f"notebook mode must be one of {MODES}, not {mode!r}")
    names: set[str] = set()
    flags = 0
    compiled, skipped, broken = [], [], []
    cells = read_cells(path)
    for cell in cells:
        try:
            tree = parse_cell(cell)
        except SyntaxError as exc:
            if mode == FULL:
                raise
            broken.append(broken_cell(cell, exc, path.parent))
            continue
        if mode == FULL:
            kept = [stmt for stmt in tree.body if not is_grader_magic(stmt)]
            dropped = any(is_shell_escape(node) for node in ast.walk(tree))
        else:
            kept = [stmt for stmt in tree.body if keep_statement(stmt, names)]
            dropped = any(stmt not in kept and not is_harmless(stmt) and not is_grader_magic(stmt)
                          for stmt in tree.body)
        if dropped:
            skipped.append(cell.number)
        if not kept:
            continue
        module = ast.Module(body=kept, type_ignores=[])
        code = compile(module, cell.filename, "exec",
                       flags=flags | (ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if mode == FULL else 0),
                       dont_inherit=True)
        flags |= code.co_flags & FUTURE_FLAGS  # `from __future__` lasts for the next cells
        compiled.append(CompiledCell(cell.number, code, cell.source, cell.filename,
                                     defined_names(module)))
    source = KERNEL if cells[0].kernel else "file"
    return NotebookPlan(mode, tuple(compiled), tuple(skipped), tuple(broken), source,
                        (cells[0].number, cells[-1].number))
