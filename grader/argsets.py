"""Argument sets: the several calls each question's function is observed with. Pure, no keras.

A question is observed with its public sets (declared in the assignment's `assignment.toml`,
their expectations ship with it) and, in instructor grading, with hidden sets (declared beside
the reference, their expectations computed from it where no student code can read them). One job
runs every set of a question in one sandboxed process; its observation holds one entry per set,
which the parent splits here, treating the child's claim as untrusted data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.model import CLAIMABLE_STATUSES, ERROR, Failure, Observation, Status

HIDDEN_FILE = "hidden_args.toml"
FIRST_SET = "public-1"


@dataclass(frozen=True)
class ArgSet:
    """One set of arguments for a question's observer; `id` is 'public-2' or 'hidden-1'."""

    id: str
    args: dict[str, Any]

    @property
    def hidden(self) -> bool:
        """Whether only instructor grading uses this set."""
        return self.id.startswith("hidden-")

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form carried by a job."""
        return {"id": self.id, "args": self.args}


def public_sets(tables: list[dict[str, Any]]) -> tuple[ArgSet, ...]:
    """Number the public sets of a question; a question without arguments has one empty set."""
    return tuple(ArgSet(f"public-{i}", dict(t)) for i, t in enumerate(tables or [{}], start=1))


def load_hidden_sets(reference_dir: Path | None) -> dict[str, tuple[ArgSet, ...]]:
    """Read the hidden sets kept beside the reference ({} when there is none)."""
    path = reference_dir / HIDDEN_FILE if reference_dir is not None else None
    if path is None or not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found = {}
    for question, tables in data.items():
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise ValueError(f"{path}: [[{question}]] must be a list of tables of arguments")
        found[question] = tuple(ArgSet(f"hidden-{i}", dict(t)) for i, t in enumerate(tables, 1))
    return found


def set_label(arg_set: ArgSet) -> str:
    """Show a set's scalar arguments, as the student would write them ('' for the first set)."""
    if arg_set.id == FIRST_SET:
        return ""
    shown = [f"{k}={v!r}" if isinstance(v, int | float | str) else f"{k}={tuple(v)!r}"
             for k, v in arg_set.args.items() if isinstance(v, int | float | str) or _is_shape(v)]
    return ", ".join(shown)


def _is_shape(value: object) -> bool:
    """Whether an argument is a list of ints, shown as the tuple the function gets (a shape)."""
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value)


def split_sets(observation: Observation, sets: tuple[ArgSet, ...]) -> dict[str, Observation]:
    """Split one job's observation into one per argument set (a failed job fails every set).

    The entries come from the student's process: anything missing, repeated or malformed is
    that set's error, never the grader's.
    """
    if observation.status != Status.OK:
        return {s.id: observation for s in sets}
    entries = observation.data.get("sets")
    by_id: dict[str, Any] = {}
    if isinstance(entries, list):
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                by_id.setdefault(entry["id"], entry)
    return {s.id: _one_set(observation, s, by_id.get(s.id)) for s in sets}


def _one_set(observation: Observation, arg_set: ArgSet, entry: Any) -> Observation:
    """Rebuild the observation of one set from its entry."""
    base = replace(observation, data={}, failure=None)
    if (not isinstance(entry, dict) or entry.get("args") != arg_set.args
            or entry.get("status") not in CLAIMABLE_STATUSES):
        failure = Failure("observe", "MissingResult",
                          f"no readable result for the arguments {arg_set.args}", arg_set.id)
        return replace(base, status=ERROR, failure=failure)
    if entry["status"] == Status.OK:
        data = entry.get("data")
        if not isinstance(data, dict):
            failure = Failure("observe", "MissingResult", "a result that is not a dict", arg_set.id)
            return replace(base, status=ERROR, failure=failure)
        return replace(base, data=data)
    try:
        failure = Failure.from_dict(entry.get("failure") or {})
    except (TypeError, ValueError, AttributeError):
        failure = Failure("observe", "MissingResult", "an unreadable failure", arg_set.id)
    return replace(base, status=Status(entry["status"]), failure=failure)
