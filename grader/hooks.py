"""The names the engine reads from an assignment's modules, and the checks of them that need
only the standard library (the warm worker runs them on a lab's imported observers)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from types import ModuleType
from typing import Any

OBSERVERS_MODULE = "observers"
RUBRIC_MODULE = "rubric"
MESSAGES_MODULE = "messages"
CLOSE_TO_A_HOOK = 0.8  # difflib's ratio above which a name is taken for a misspelt hook


@dataclass(frozen=True)
class Hook:
    """A name the engine reads from one of an assignment's modules."""

    module: str  # OBSERVERS_MODULE, RUBRIC_MODULE or MESSAGES_MODULE
    name: str
    required: bool
    function: bool  # a function (else a table or a tuple)


HOOKS = (
    Hook(OBSERVERS_MODULE, "OBSERVERS", required=True, function=False),
    Hook(OBSERVERS_MODULE, "install_data", required=False, function=True),
    Hook(RUBRIC_MODULE, "RUBRIC", required=True, function=False),
    Hook(RUBRIC_MODULE, "notes", required=False, function=True),
    Hook(RUBRIC_MODULE, "ECHOES", required=False, function=False),
    Hook(MESSAGES_MODULE, "MESSAGES", required=True, function=False),
)


def hook(module: ModuleType, name: str) -> Any:
    """Return a module's hook by its declared name (None for an optional one it lacks)."""
    if name not in {h.name for h in HOOKS}:
        raise LookupError(f"{name!r} is not a hook of the assignment contract")
    return getattr(module, name, None)


def imported(name: str, optional: bool = False) -> tuple[ModuleType | None, list[str]]:
    """Import one of a lab's modules; say why it does not import (an optional one may lack)."""
    file = f"{name.rpartition('.')[2]}.py"
    try:
        return importlib.import_module(name), []
    except ModuleNotFoundError as exc:
        if optional and exc.name == name:
            return None, []
        return None, [f"{file} does not import: {type(exc).__name__}: {exc}"]
    except Exception as exc:  # noqa: BLE001 - the lab's own code: said, not raised
        return None, [f"{file} does not import: {type(exc).__name__}: {exc}"]


def module_source(name: str) -> str | None:
    """Return a module's source without running it (None when there is no such module): read
    from its file, whatever loader holds it (pytest's assertion rewriter has no get_source)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    origin = Path(spec.origin) if spec.origin else None
    if origin is not None and origin.suffix == ".py" and origin.is_file():
        return origin.read_text(encoding="utf-8")
    if spec.loader is None or not hasattr(spec.loader, "get_source"):
        return None
    return spec.loader.get_source(name)


def observers_problems(observers: ModuleType, questions: Iterable[str]) -> list[str]:
    """What the warm worker finds wrong with a lab's imported observers: misspelt hooks,
    OBSERVERS against the questions, `install_data` not callable."""
    file = f"{OBSERVERS_MODULE}.py"
    problems = source_problems(OBSERVERS_MODULE, module_source(observers.__name__), observers)
    if hasattr(observers, "OBSERVERS"):
        problems += table_problems(f"{file}: OBSERVERS", observers.OBSERVERS, questions)
    return problems


def table_problems(label: str, table: Any, question_ids: Iterable[str]) -> list[str]:
    """Say what keeps a hook table from holding one callable entry per question."""
    ids = list(question_ids)
    if not isinstance(table, Mapping):
        return [f"{label} — expected a dict by question id"]
    missing = [q for q in ids if q not in table]
    extra = [str(q) for q in table if q not in ids]
    if missing or extra:
        return ([f"{label} — no entry for {', '.join(missing)}"] if missing else []) + (
            [f"{label} — entries for unknown questions {', '.join(extra)}"] if extra else [])
    return [f"{label}[{q!r}] is not callable" for q, entry in table.items() if not callable(entry)]


def source_problems(kind: str, source: str | None, module: ModuleType | None = None
                    ) -> list[str]:
    """Names of a module's source close to a hook but not one, hooks it lacks, and (when it
    is imported) function hooks that are not callable."""
    file = f"{kind}.py"
    if source is None:
        return [f"{file}: not found"]
    try:
        bound = bound_names(source)
    except SyntaxError as exc:
        return [f"{file} does not parse: line {exc.lineno}: {exc.msg}"]
    hooks = [h for h in HOOKS if h.module == kind]
    problems = [f"{file}: `{name}` is not a hook of {file} (did you mean `{close}`?)"
                for name, close in misspelt(bound, hooks)]
    for item in hooks:
        present = hasattr(module, item.name) if module is not None else item.name in bound
        if item.required and not present:
            problems.append(f"{file}: defines no {item.name}")
        if item.function and module is not None and present and not callable(
                getattr(module, item.name)):
            problems.append(f"{file}: `{item.name}` is not callable")
    return problems


def misspelt(bound: Mapping[str, str], hooks: list[Hook]) -> Iterator[tuple[str, str]]:
    """Yield (name, hook) for each name the module defines that is close to a hook but not one:
    any name for a function hook, names bound to values for a table."""
    names = {h.name for h in hooks}
    for name, kind in bound.items():
        if name.startswith("_") or name in names or kind == "import":
            continue
        candidates = {h.name.lower(): h.name for h in hooks if h.function or kind == "value"}
        close = get_close_matches(name.lower(), list(candidates), n=1, cutoff=CLOSE_TO_A_HOOK)
        if close:
            yield name, candidates[close[0]]


def bound_names(source: str) -> dict[str, str]:
    """Return the names a module binds at top level: 'function', 'value' or 'import' each."""
    bound: dict[str, str] = {}
    pending = list(ast.parse(source).body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound[node.name] = "function"
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(a.asname or a.name).split(".")[0]: "import" for a in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bound |= {n.id: "value" for t in targets for n in ast.walk(t)
                      if isinstance(n, ast.Name)}
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            pending += [*getattr(node, "body", []), *getattr(node, "orelse", []),
                        *getattr(node, "finalbody", []),
                        *(s for h in getattr(node, "handlers", []) for s in h.body)]
    return bound
