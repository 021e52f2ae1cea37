"""A submission as a list of top-level parts: definitions, set-up and exploration, tokenised.

A `.py` file and a notebook read alike: a notebook's code cells are one program, read with the
grader's own notebook reader (`grader.notebook_cells`), and each statement is classified as
`grader.notebook_defs` does when it imports a notebook: definitions, set-up (imports,
constants) and exploration (what "definitions" mode does not run: training runs, plots, prints).
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass
from pathlib import Path

from grader.notebook_cells import (
    NotebookError,
    is_grader_magic,
    parse_cell,
    python_source,
    read_cells,
)
from grader.notebook_defs import keep_statement
from grader.similarity.tokens import Token, normalise

DEFINITION, SETUP, EXPLORATION = "definition", "setup", "exploration"
DEFINES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Part:
    """One top-level statement of the program and its normalised tokens."""

    kind: str  # DEFINITION | SETUP | EXPLORATION
    name: str  # the function or class a definition defines ("" otherwise)
    cell: int  # the notebook cell it is in (0 in a .py file)
    first: int  # its first and last lines (in the file, or in its cell)
    last: int
    tokens: tuple[str, ...]
    lines: tuple[int, ...]  # each token's line
    uses: frozenset[str] = frozenset()  # the names it reads (to attribute helpers to questions)


@dataclass(frozen=True)
class Program:
    """A submission's parts in order, and its source lines by cell (0: a .py file)."""

    parts: tuple[Part, ...]
    sources: dict[int, tuple[str, ...]]
    notebook: bool = False
    problem: str = ""  # why some or all of it could not be read


def read_program(path: Path) -> Program:
    """Read a `.py` file or a notebook into its parts (never raises on a student's file)."""
    if path.suffix == ".ipynb":
        return _read_notebook(path)
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return Program((), {}, problem=f"{path.name}: {exc.strerror or exc}")
    parts, problem = split_source(source, 0, set())
    return Program(tuple(parts), {0: tuple(source.splitlines())}, problem=problem)


def _read_notebook(path: Path) -> Program:
    """Read a notebook's code cells as one program, cell by cell."""
    try:
        cells = read_cells(path)
    except (NotebookError, OSError) as exc:
        return Program((), {}, notebook=True, problem=str(exc))
    names: set[str] = set()
    parts: list[Part] = []
    sources: dict[int, tuple[str, ...]] = {}
    problems = []
    for cell in cells:
        try:
            source = python_source(cell)
        except Exception:  # noqa: BLE001 - IPython's transformer on a student's cell
            source = cell.source
        sources[cell.number] = tuple(source.splitlines())
        try:
            tree = parse_cell(cell)
        except (SyntaxError, ValueError):
            problems.append(f"cell {cell.number} does not compile")
            parts.extend(_unparsed(source, cell.number))
            continue
        parts.extend(_parts(tree, normalise(source), cell.number, names))
    return Program(tuple(parts), sources, notebook=True, problem="; ".join(problems))


def source_lines(path: Path) -> dict[int, tuple[str, ...]]:
    """Return a submission's lines by cell (0: a .py file), as its parts number them."""
    if path.suffix != ".ipynb":
        try:
            return {0: tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())}
        except OSError:
            return {}
    try:
        cells = read_cells(path)
    except (NotebookError, OSError):
        return {}
    lines = {}
    for cell in cells:
        try:
            lines[cell.number] = tuple(python_source(cell).splitlines())
        except Exception:  # noqa: BLE001 - IPython's transformer on a student's cell
            lines[cell.number] = tuple(cell.source.splitlines())
    return lines


def split_source(source: str, cell: int, names: set[str]) -> tuple[list[Part], str]:
    """Split one file's (or cell's) source into parts; a file that does not parse is one part."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        return _unparsed(source, cell), f"does not compile ({type(exc).__name__})"
    return _parts(tree, normalise(source), cell, names), ""


def _unparsed(source: str, cell: int) -> list[Part]:
    """Keep the tokens of code that does not parse, as one exploration part."""
    tokens = normalise(source)
    if not tokens:
        return []
    return [Part(EXPLORATION, "", cell, tokens[0].line, tokens[-1].line,
                 tuple(t.text for t in tokens), tuple(t.line for t in tokens))]


def _parts(tree: ast.Module, tokens: list[Token], cell: int, names: set[str]) -> list[Part]:
    """Cut the tokens at the top-level statements' lines and classify each statement."""
    parts = []
    starts = [t.line for t in tokens]
    for stmt in tree.body:
        if is_grader_magic(stmt):
            continue
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        last = stmt.end_lineno or stmt.lineno
        mine = tokens[bisect.bisect_left(starts, first):bisect.bisect_right(starts, last)]
        if not mine:
            continue
        if isinstance(stmt, DEFINES):
            kind, name = DEFINITION, stmt.name
            keep_statement(stmt, names)
        else:
            kind, name = (SETUP if keep_statement(stmt, names) else EXPLORATION), ""
        parts.append(Part(kind, name, cell, first, last, tuple(t.text for t in mine),
                          tuple(t.line for t in mine), read_names(stmt)))
    return parts


def read_names(stmt: ast.stmt) -> frozenset[str]:
    """Return the plain names a statement reads."""
    return frozenset(node.id for node in ast.walk(stmt)
                     if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load))
