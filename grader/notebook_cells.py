"""Read a notebook's code cells, each numbered as the student sees it, and parse them as Python.

Cells are numbered from the top: the 1-based position of the cell in the notebook, Markdown cells
included (Jupyter's execution counts depend on how the student ran it). A notebook written from a
kernel's input history (`grader.jupyter`, metadata `grader.source = "kernel"`) numbers its cells
by execution count, `In [12]`, as Jupyter shows them.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.messages import translate

KERNEL = "kernel"  # metadata grader.source of a notebook written from a kernel's history
GRADER_MAGICS = ("grade", "load_ext")  # `%load_ext grader`, `%grade q4`: never reported as skipped
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
