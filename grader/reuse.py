"""A failure caused by an earlier question's function: which functions of a submission reach
which (read from its source; nothing runs), and the line that names the cause.

assignment.toml's `uses = ["q3"]` says which earlier questions' functions the contract lets a
question's function call; a later question whose function reaches a failed one is told to fix
that question first ("build_wide_mlp uses your build_mlp: fix q3 first.").
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from grader.assignment import Assignment
from grader.model import PASSED, QuestionResult
from grader.wording import joined, said

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a larger file is read up to here
MAX_FUNCTIONS = 2000  # module-level functions followed per submission


def function_reach(file: Path) -> dict[str, tuple[str, ...]]:
    """For each module-level function of the submission, the module-level functions it calls,
    directly or through others (the last definition of a name wins, as when it runs)."""
    calls: dict[str, set[str]] = {}
    for source in _sources(file):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    len(calls) < MAX_FUNCTIONS or node.name in calls):
                calls[node.name] = _names(node)
    return {name: tuple(sorted(_reached(name, calls))) for name in calls}


def _names(function: ast.AST) -> set[str]:
    """The names a function's body reads (iteratively: no recursion on a deep tree)."""
    names, todo = set(), [function]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return names


def _reached(start: str, calls: Mapping[str, set[str]]) -> set[str]:
    """The defined functions reachable from `start`, itself excluded unless it recurses."""
    seen: set[str] = set()
    todo = [n for n in calls.get(start, ()) if n in calls]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(n for n in calls[name] if n in calls and n not in seen)
    return seen


def _sources(file: Path) -> Iterable[str]:
    """The submission's Python source: the file's text, or a notebook's code cells."""
    if file.suffix == ".ipynb":
        from grader.notebook_cells import NotebookError, python_source, read_cells

        try:
            cells = read_cells(file)
        except (NotebookError, OSError):
            return []
        sources = []
        for cell in cells:
            try:
                sources.append(python_source(cell))
            except Exception:  # noqa: BLE001, S112 - IPython's transformer on a broken cell
                continue
        return sources
    try:
        with open(file, "rb") as handle:
            return [handle.read(MAX_SOURCE_BYTES).decode("utf-8", errors="replace")]
    except OSError:
        return []


def with_cause(result: QuestionResult, earlier: Mapping[str, QuestionResult],
               reach: Mapping[str, tuple[str, ...]], assignment: Assignment) -> QuestionResult:
    """Say first that a failed question's function calls a failed earlier question's."""
    try:
        question = assignment.question(result.id)
    except KeyError:
        return result
    if result.status == PASSED or not question.uses:
        return result
    causes = [assignment.question(used) for used in question.uses
              if used in earlier and earlier[used].status != PASSED
              and assignment.question(used).function in reach.get(question.function, ())]
    if not causes:
        return result
    cause = joined(*(said("q.fix_used_first", function=question.function, used=c.function,
                          question=c.id) for c in causes), separator=" ")
    if not result.message:
        return replace(result, message=cause)
    return replace(result, notes=(cause, *result.notes))


def with_causes(results: Iterable[QuestionResult], reach: Mapping[str, tuple[str, ...]],
                assignment: Assignment) -> list[QuestionResult]:
    """Every question with its cause said, in order (each sees the ones before it)."""
    done: dict[str, QuestionResult] = {}
    for result in results:
        done[result.id] = with_cause(result, done, reach, assignment)
    return list(done.values())
