"""Import a notebook submission: its code cells as a module, every location a cell number.

Cells are numbered as the student sees them from the top: the 1-based position of the cell in the
notebook, Markdown cells included (Jupyter's execution counts depend on how the student ran it).
Each cell is compiled under the file name `<cell N>`, keeping its own line numbers, so tracebacks
and syntax errors read "cell 7, line 3".

Two modes: "definitions" (default) runs only imports, definitions and constants
(`grader.notebook_defs`); "full" runs every code cell in order, for instructors.

A notebook is a set of cells, not one file: in "definitions" mode a cell that does not compile, or
raises while defining, costs only the functions it defines (the plan and the loader record it as a
`BrokenCell`); the other cells run. A notebook written from a kernel's input history
(`grader.jupyter`, metadata `grader.source = "kernel"`) names its cells by execution count,
`In [12]`, as Jupyter shows them.
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
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from grader.messages import source_name, translate
from grader.model import Failure
from grader.notebook_defs import is_harmless, keep_statement
from grader.observe.failures import failure_from_exception, failure_json

DEFINITIONS, FULL = "definitions", "full"
MODES = (DEFINITIONS, FULL)
KERNEL = "kernel"  # metadata grader.source of a notebook written from a kernel's history
GRADER_MAGICS = ("grade", "load_ext")  # `%load_ext grader`, `%grade q4`: never reported as skipped
DEFINITION = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)
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
    """One code cell: its number (position from the top, or execution count) and its source."""

    number: int
    source: str
    kernel: bool = False  # numbered by execution count (a kernel's history), not by position

    @property
    def filename(self) -> str:
        """The name tracebacks show for this cell: `<cell 7>` ("cell 7") or `<In [7]>`."""
        return f"<In [{self.number}]>" if self.kernel else f"<cell {self.number}>"


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


def read_cells(path: Path) -> list[Cell]:
    """Read the code cells of a notebook; raise NotebookError when unusable.

    A v4 notebook (every Jupyter since 2015) is read as plain JSON: importing nbformat costs
    from 0.3 s to seconds (its jsonschema loads format checkers) in every question's process.
    Older formats go through nbformat's reader and converter (without the schema validation).
    The cells of a kernel's history (metadata grader.source = "kernel") are numbered by
    execution count: their position in that file.
    """
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NotebookError("notebook.not_json", name=name, detail="not UTF-8 text") from None
    if not text.strip():
        raise NotebookError("notebook.empty", name=name)
    try:
        book = json.loads(text)
    except ValueError as exc:
        detail = f"{exc.msg}, line {exc.lineno}, column {exc.colno}"
        raise NotebookError("notebook.not_json", name=name, detail=detail) from None
    except RecursionError:  # a file nested deeper than any notebook: never the reader's crash
        raise NotebookError("notebook.not_json", name=name, detail="nested too deeply") from None
    try:
        if not (isinstance(book, dict) and book.get("nbformat") == 4):
            book = _converted(text)
        raw_cells = book["cells"]
        kinds = [(cell["cell_type"], _text(cell.get("source", ""))) for cell in raw_cells]
        kernel = (book.get("metadata") or {}).get("grader", {}).get("source") == KERNEL
    except (KeyError, TypeError, AttributeError):
        detail = "expected a list of cells, each with a cell_type and a source"
        raise NotebookError("notebook.invalid", name=name, detail=detail) from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a malformed file
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise NotebookError("notebook.invalid", name=name, detail=detail) from None
    if not kinds:
        raise NotebookError("notebook.empty", name=name)
    cells = [Cell(number, source, kernel) for number, (kind, source) in enumerate(kinds, 1)
             if kind == "code" and source.strip()]
    if not cells:
        raise NotebookError("notebook.no_code", name=name)
    return cells


def _converted(text: str) -> Any:
    """Read an older notebook format with nbformat and convert it to v4 (no validation)."""
    import nbformat
    import nbformat.reader

    return nbformat.convert(nbformat.reader.reads(text), 4)


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


def is_grader_magic(stmt: ast.stmt) -> bool:
    """Whether a statement is `%grade …` or `%load_ext …` (after IPython's transformation)."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and call.func.attr == "run_line_magic" and is_get_ipython(call.func.value)
            and bool(call.args) and isinstance(call.args[0], ast.Constant)
            and call.args[0].value in GRADER_MAGICS)


def is_get_ipython(node: ast.AST) -> bool:
    """Whether a node is the call `get_ipython()`."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "get_ipython")


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


class NotebookLoader(importlib.abc.Loader):
    """Run a planned notebook's cells in a module's namespace, in order; record broken cells."""

    def __init__(self, plan: NotebookPlan, folder: Path) -> None:
        self.plan = plan
        self.folder = folder  # the notebook's folder: frames elsewhere are not the student's
        self.failed: list[BrokenCell] = []  # cells that raised while defining (this import's)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """Use the default module object."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Execute the kept cells; a full run goes through an IPython shell for the magics."""
        for cell in self.plan.cells:
            lines = cell.source.splitlines(keepends=True)
            linecache.cache[cell.filename] = (len(cell.source), None, lines, cell.filename)
        if self.plan.mode == FULL:
            from grader.notebook_shell import run_cells

            run_cells(self.plan.cells, module)
            return
        for cell in self.plan.cells:
            self._run_cell(cell, module.__dict__)

    def _run_cell(self, cell: CompiledCell, namespace: dict[str, Any]) -> None:
        """Run one cell; if it raises, the definitions it did not make are lost, nothing else."""
        missing = object()
        before = {name: namespace.get(name, missing) for name in cell.defines}
        try:
            exec(cell.code, namespace)
        except Exception as exc:  # noqa: BLE001 - the student's cell: costs only its definitions
            lost = tuple(n for n in cell.defines if namespace.get(n, missing) is before[n])
            failure = failure_from_exception(exc, "cell", cell.filename.strip("<>"), self.folder)
            self.failed.append(BrokenCell(cell.number, lost, failure))


def import_notebook(file: Path, module_name: str, mode: str = DEFINITIONS) -> ModuleType:
    """Import the notebook's code cells as the module `module_name`."""
    loader = NotebookLoader(plan_notebook(file, mode), file.parent)
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
    if not isinstance(loader, NotebookLoader):
        return None
    return loader.plan.summary(tuple(loader.failed))


def cell_ranges(numbers: list[int]) -> str:
    """Write cell numbers compactly: [3, 4, 5, 9] -> '3–5, 9'."""
    parts: list[str] = []
    for number in sorted(numbers):
        if parts and parts[-1].split("–")[-1] == str(number - 1):
            parts[-1] = parts[-1].split("–")[0] + f"–{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts)


def notebook_notes(summary: dict[str, Any], lang: str) -> list[str]:
    """Say once, for the report, what a notebook's import did not run and which cells are broken."""
    notes = [broken_note(cell, lang) for cell in summary.get("broken_cells", [])]
    if summary.get("source") == KERNEL:
        first, last = summary.get("inputs", (0, 0))
        return [*notes, translate(lang, "note.kernel_history", first=first, last=last)]
    note = notebook_note(summary, lang)
    return notes + ([note] if note else [])


def broken_note(cell: dict[str, Any], lang: str) -> str:
    """Say that a cell does not run and what that costs."""
    failure = Failure.from_dict(cell["failure"])
    frame = failure.frames[-1] if failure.frames else None
    where = translate(lang, "q.location", file=source_name(lang, frame.file),
                      line=frame.line) if frame else source_name(lang, failure.where)
    functions = ", ".join(f"{name}()" for name in cell["functions"])
    key = "note.cell_broken" if functions else "note.cell_broken_nothing"
    text = translate(lang, key, cell=source_name(lang, failure.where), type=failure.type,
                     message=failure.message, location=where, functions=functions)
    return text[:1].upper() + text[1:]


def broken_functions(data: dict[str, Any]) -> dict[str, Failure]:
    """Map each function lost in a broken cell to that cell's failure (from the import's data)."""
    notebook = data.get("notebook") or {}
    return {name: Failure.from_dict(cell["failure"])
            for cell in notebook.get("broken_cells", []) for name in cell["functions"]}


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
