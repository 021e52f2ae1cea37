"""What an assignment provides to the engine, declared once (as pytest declares its hooks).

An assignment is a Python package plus a public folder. The package declares itself with an
`AssignmentPlugin` named `ASSIGNMENT` in its `__init__.py`, and the registry finds it by name
(built-in assignments, or any installed package's `grader.assignments` entry point). Its three
modules hold the hooks below (`HOOKS`, read with `hook`). `validate_plugin` checks a lab when the
registry hands it out, without keras: names close to a hook but not one (`note`, `Rubric`,
`install_datas`), hooks that are missing or not callable, RUBRIC against the questions, criteria
without checks or naming no check function, and messages in one language only or whose
placeholders differ. The warm worker checks OBSERVERS and `install_data` when it preloads a lab's
observers (`observers_problems`, said on its ready line).

- `<package>.observers` — runs only inside the sandboxed child, may import keras:
    OBSERVERS: {question id: observer(module, ctx, args) -> JSON-safe dict}
    install_data(ctx) -> None  (optional) stand-ins for the data loaders a submission calls,
        installed before the submission is imported (no downloads in the sandbox).
- `<package>.rubric` — pure, no keras; runs in the process that judges:
    RUBRIC: {question id: checks(expected_data) -> iterator of checks}
    notes(question, data) -> [(message key, params)]  (optional) notes about an observation.
    ECHOES: (field, …)  (optional) fields the observers write from the set's arguments.
- `<package>.messages` — (optional) MESSAGES: {key: {"en": text, "fr": text}} (or the older
    {"en": {key: text}, "fr": {…}}): sentences of this assignment only, laid over the engine's
    catalogue in its reports. A failed check gets the hint `hint.<question>.<check name>` (or
    `hint.<check name>`) when the catalogue has one.

The public folder holds `assignment.toml` (questions, points, criteria, public argument sets),
the starter, `dataset_utils` and data, and `expected_observations.json`. The reference folder,
when present (instructors only), holds the solution and `hidden_args.toml`; it must lie outside
every path the sandbox shows a student's code (checked before grading).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import string
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from grader.checks.base import Check
from grader.hooks import (
    MESSAGES_MODULE,
    OBSERVERS_MODULE,
    RUBRIC_MODULE,
    hook,
    imported,
    module_source,
    source_problems,
    table_problems,
)
from grader.messages import LANGUAGES


@dataclass(frozen=True)
class AssignmentPlugin:
    """An assignment as the engine knows it: its name, its package and its folders."""

    name: str  # the registry's key, e.g. "td_rnn"; also `assignment.toml`'s name
    package: str  # the importable package holding `observers`, `rubric` and `messages`
    public_dir: Path  # assignment.toml, starter, dataset_utils, data, expected observations
    reference_dir: Path | None = None  # the instructor's solution; absent on students' machines

    @property
    def observers_module(self) -> str:
        """The module the sandboxed child imports for this assignment's observers."""
        return f"{self.package}.{OBSERVERS_MODULE}"

    @property
    def rubric_module(self) -> str:
        """The module the judge imports for this assignment's checks."""
        return f"{self.package}.{RUBRIC_MODULE}"

    @property
    def messages_module(self) -> str:
        """The module holding this assignment's own sentences."""
        return f"{self.package}.{MESSAGES_MODULE}"


class Observer(Protocol):
    """Observes one question for one argument set, inside the sandboxed child."""

    def __call__(self, module: Any, ctx: Any, args: dict[str, Any]) -> dict[str, Any]: ...


RubricEntry = Callable[[dict[str, Any]], Iterator[Check]]
"""Picks the checks of one question for the reference's data of one argument set."""


class ContractError(ValueError):
    """An assignment does not provide what the contract asks for; the message says what."""


def validate_table(plugin: AssignmentPlugin, label: str, table: Any,
                   question_ids: Iterable[str]) -> None:
    """Refuse a hook table (OBSERVERS, RUBRIC) that does not cover exactly the questions."""
    problems = table_problems(label, table, question_ids)
    if problems:
        raise ContractError(f"assignment {plugin.name}: {'; '.join(problems)}")


def contract_message(lab: str, problems: Iterable[str], how: str = "") -> str:
    """Say in one message every problem found in a lab, one per line."""
    return (f"assignment {lab} breaks the contract (docs/authoring.md){how}:"
            + "".join(f"\n- {p}" for p in problems))


def validate_plugin(plugin: AssignmentPlugin) -> None:
    """Refuse a lab that breaks the contract, listing every problem found in one message."""
    problems = plugin_problems(plugin)
    if problems:
        raise ContractError(contract_message(f"{plugin.name} ({plugin.package})", problems))


def plugin_problems(plugin: AssignmentPlugin) -> tuple[str, ...]:
    """Say what a lab breaks of the contract, in its author's terms; imports no keras (its
    observers are read as source: they run only in the sandboxed child and the warm worker)."""
    table, questions, said = read_questions(plugin.public_dir / "assignment.toml")
    rubric, rubric_said = imported(plugin.rubric_module)
    checks = check_functions(rubric, plugin.package) if rubric is not None else None
    problems = said + criteria_problems(table, checks) + rubric_said
    if rubric is not None:
        problems += rubric_problems(rubric, questions)
    problems += source_problems(OBSERVERS_MODULE, module_source(plugin.observers_module))
    messages, messages_said = imported(plugin.messages_module, optional=True)
    problems += messages_said
    if messages is not None:
        problems += source_problems(MESSAGES_MODULE, module_source(plugin.messages_module))
        if hasattr(messages, "MESSAGES"):
            problems += message_problems(messages.MESSAGES)
    return tuple(problems)


def read_questions(path: Path) -> tuple[dict[str, Any], list[str] | None, list[str]]:
    """Read assignment.toml as data: the table, its question ids (None when unreadable) and
    what is wrong with reading it (its own validation is grader/assignment.py's)."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, None, [f"assignment.toml does not read: {exc}"]
    questions = table.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, dict) for q in questions):
        return table, None, ["assignment.toml: expected [[questions]] tables"]
    return table, [str(q.get("id")) for q in questions], []


def criteria_problems(table: dict[str, Any], checks: set[str] | None) -> list[str]:
    """Criteria that list no check, or (when the rubric imports) a name no check function has."""
    problems = []
    for question in table.get("questions") or ():
        criteria = question.get("criteria") if isinstance(question, dict) else None
        for criterion in criteria if isinstance(criteria, list) else ():
            if not isinstance(criterion, dict):
                continue
            where = f"assignment.toml: {question.get('id')}, criterion '{criterion.get('id')}'"
            selectors = criterion.get("checks")
            if not selectors or not isinstance(selectors, list):
                problems.append(f"{where} lists no check")
                continue
            for name in dict.fromkeys(str(s).split("[")[0] for s in selectors):
                if checks is not None and name not in checks:
                    close = get_close_matches(name, sorted(checks), n=1)
                    problems.append(f"{where} lists {name}, which is no check function"
                                    + (f" (did you mean {close[0]}?)" if close else ""))
    return problems


def check_functions(rubric: ModuleType, package: str) -> set[str]:
    """Name the check functions a rubric can yield: its own, those of the modules it imports
    from its package or the engine's checks, and every check of the engine."""
    import grader.checks

    pending = [rubric] + [importlib.import_module(f"grader.checks.{m.name}")
                          for m in pkgutil.iter_modules(grader.checks.__path__)]
    seen: set[str] = set()
    names: set[str] = set()
    while pending:
        module = pending.pop()
        if module.__name__ in seen:
            continue
        seen.add(module.__name__)
        for name, value in vars(module).items():
            if isinstance(value, ModuleType):
                if value.__name__.startswith((f"{package}.", "grader.checks.")):
                    pending.append(value)
            elif callable(value) and name.startswith("check_"):
                names |= {name, getattr(getattr(value, "func", value), "__name__", name)}
    return names


def rubric_problems(rubric: ModuleType, questions: list[str] | None) -> list[str]:
    """Misspelt or missing hooks of the rubric, RUBRIC against the questions, `notes` callable."""
    file = f"{RUBRIC_MODULE}.py"
    problems = source_problems(RUBRIC_MODULE, module_source(rubric.__name__), rubric)
    if hasattr(rubric, "RUBRIC") and questions is not None:
        problems += table_problems(f"{file}: RUBRIC", rubric.RUBRIC, questions)
    echoes = hook(rubric, "ECHOES")
    if echoes is not None and (not isinstance(echoes, tuple | list)
                               or not all(isinstance(e, str) for e in echoes)):
        problems.append(f"{file}: ECHOES — expected a tuple of field names")
    return problems


def message_problems(table: Any) -> list[str]:
    """Sentences missing in a language, or whose placeholders differ between languages."""
    label = f"{MESSAGES_MODULE}.py: MESSAGES"
    if not isinstance(table, Mapping):
        return [f"{label} — expected a dict of sentences by key"]
    if table and set(table) <= set(LANGUAGES):  # the older {"en": {key: text}, "fr": {…}}
        sides = {lang: table.get(lang) or {} for lang in LANGUAGES}
        if not all(isinstance(side, Mapping) for side in sides.values()):
            return [f"{label} — expected a dict of sentences for each language"]
        table = {key: {lang: side[key] for lang, side in sides.items() if key in side}
                 for key in dict.fromkeys(k for side in sides.values() for k in side)}
    problems = []
    for key, texts in table.items():
        where = f"{label}[{key!r}]"
        if not isinstance(texts, Mapping):
            problems.append(f"{where} — expected {{'en': text, 'fr': text}}")
            continue
        problems += [f"{where} has no {lang!r} text" for lang in LANGUAGES if lang not in texts]
        problems += [f"{where} has a {lang!r} text: the grader speaks {', '.join(LANGUAGES)}"
                     for lang in texts if lang not in LANGUAGES]
        fields = {}
        for lang, text in texts.items():
            try:
                fields[lang] = placeholders(text)
            except (TypeError, ValueError) as exc:
                problems.append(f"{where}[{lang!r}] is not a sentence template: {exc}")
        if len(set(fields.values())) > 1:
            problems.append(f"{where} — the placeholders differ: " + ", ".join(
                f"{' '.join(f'{{{n}}}' for n in sorted(names)) or 'none'} in {lang!r}"
                for lang, names in fields.items()))
    return problems


def placeholders(text: Any) -> frozenset[str]:
    """Return the names a sentence template fills in ({where}, {count}…)."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    return frozenset(re.split(r"[.\[]", field)[0] for _, field, _, _ in
                     string.Formatter().parse(text) if field is not None)
