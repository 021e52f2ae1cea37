"""What an assignment provides to the engine, declared once (as pytest declares its hooks).

An assignment is a Python package plus a public folder. The package declares itself with an
`AssignmentPlugin` named `ASSIGNMENT` in its `__init__.py`, and the registry finds it by name
(built-in assignments, or any installed package's `grader.assignments` entry point). Its three
modules are the hooks below; `validate_plugin` checks them against the question table.

- `<package>.observers` — runs only inside the sandboxed child, may import keras:
    OBSERVERS: {question id: observer(module, ctx, args) -> JSON-safe dict}
    install_data(ctx) -> None  (optional) stand-ins for the data loaders a submission calls,
        installed before the submission is imported (no downloads in the sandbox).
- `<package>.rubric` — pure, no keras; runs in the process that judges:
    RUBRIC: {question id: checks(expected_data) -> iterator of checks}
    notes(question, data) -> [(message key, params)]  (optional) notes about an observation.
- `<package>.messages` — (optional) MESSAGES: {"en": {key: text}, "fr": {…}}: sentences of
    this assignment only, laid over the engine's catalogue in its reports. A failed check gets
    the hint `hint.<question>.<check name>` (or `hint.<check name>`) when the catalogue has one.

The public folder holds `assignment.toml` (questions, points, criteria, public argument sets),
the starter, `dataset_utils` and data, and `expected_observations.json`. The reference folder,
when present (instructors only), holds the solution and `hidden_args.toml`; it must lie outside
every path the sandbox shows a student's code (checked before grading).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from grader.checks.base import Check

OBSERVERS_MODULE = "observers"
RUBRIC_MODULE = "rubric"
MESSAGES_MODULE = "messages"


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
    ids = list(question_ids)
    if not isinstance(table, Mapping):
        raise ContractError(f"assignment {plugin.name}: {label} — expected a dict by question id")
    missing = [q for q in ids if q not in table]
    extra = [q for q in table if q not in ids]
    if missing or extra:
        said = ([f"no entry for {', '.join(missing)}"] if missing else []) + (
            [f"entries for unknown questions {', '.join(map(str, extra))}"] if extra else [])
        raise ContractError(f"assignment {plugin.name}: {label} — {'; '.join(said)}")
    for question, entry in table.items():
        if not callable(entry):
            raise ContractError(f"assignment {plugin.name}: {label}[{question!r}] is not callable")
