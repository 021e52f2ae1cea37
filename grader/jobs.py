"""A job: one question of one submission to observe, with its argument sets and its budgets.

Declared once here: the parent builds jobs, the warm worker and the supervisor read them back
through `Job.from_json`, which refuses a malformed job with a message naming the field.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

SCHEMA = 1
NOTEBOOK_MODES = ("definitions", "full")  # "full": every cell of a notebook (instructors)


class JobError(ValueError):
    """A job that is not well formed; the message names the field."""


@dataclass(frozen=True)
class Budgets:
    """What one question's child process may use."""

    timeout: float = 60.0  # seconds of wall-clock time
    memory_mb: int = 3072
    output_bytes: int = 64 * 1024  # of printed output kept
    max_processes: int = 256  # processes the student's code may have alive at once
    file_mb: int = 512  # the largest file the student's code may write
    disk_mb: int = 1024  # everything the job's folder may hold (where namespaces allow a tmpfs)
    isolate_network: bool = True
    memory_cgroup: bool = True  # count memory in a cgroup of the job's own, where allowed

    @staticmethod
    def from_json(data: Any) -> Budgets:
        """Read budgets from their JSON form; refuse unknown fields and wrong types."""
        if not isinstance(data, dict):
            raise JobError(f"budgets: expected an object, got {type(data).__name__}")
        return Budgets(**_typed(Budgets, data, "budgets"))


@dataclass(frozen=True)
class Job:
    """One observation to make: which question of which submission, how, and under what budgets."""

    id: str
    question: str
    function: str  # the graded function ('' for the import job)
    assignment: str  # the registered assignment's name
    observers: str  # the assignment's observers module (grader/contract.py)
    assignment_dir: Path
    submission: Path  # the .py or .ipynb file
    module: str
    notebook_mode: str = "definitions"
    eager: bool = False  # run TensorFlow functions eagerly (see assignment.toml)
    sets: tuple[dict[str, Any], ...] = ()  # the argument sets: {"id": "public-1", "args": {…}}
    probe: dict[str, Any] = field(default_factory=dict)  # the question's probe input, as the
    # lab's assignment.toml declares it ({} when it declares none; grader/observe/probe_input.py)
    budgets: Budgets = field(default_factory=Budgets)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form sent to the worker."""
        data = asdict(self)
        return {"kind": "job", "schema": SCHEMA, **data, "assignment_dir": str(self.assignment_dir),
                "submission": str(self.submission), "sets": list(self.sets)}

    @staticmethod
    def from_json(data: Any) -> Job:
        """Read a job from its JSON form, validating every field."""
        if not isinstance(data, dict) or data.get("kind") != "job" or data.get("schema") != SCHEMA:
            raise JobError(f"not a job of schema {SCHEMA}")
        body = {k: v for k, v in data.items() if k not in ("kind", "schema")}
        budgets = Budgets.from_json(body.pop("budgets", {}))
        values = _typed(Job, body, "job", skip=("budgets",))
        if values.get("notebook_mode", "definitions") not in NOTEBOOK_MODES:
            raise JobError(f"job.notebook_mode: expected one of {NOTEBOOK_MODES}, "
                           f"got {values['notebook_mode']!r}")
        sets = tuple(values.pop("sets", ()) or ({"id": "public-1", "args": {}},))
        if not all(isinstance(s, dict) and isinstance(s.get("id"), str)
                   and isinstance(s.get("args"), dict) for s in sets):
            raise JobError("job.sets: expected a list of {'id': str, 'args': {…}}")
        return Job(**{**values, "assignment_dir": Path(values["assignment_dir"]),
                      "submission": Path(values["submission"])}, sets=sets, budgets=budgets)


JSON_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "Path": (str,), "float": (int, float), "int": (int,), "bool": (bool,),
    "tuple[dict[str, Any], ...]": (list, tuple), "Budgets": (dict,), "dict[str, Any]": (dict,),
}


def _typed(cls: type, data: dict[str, Any], where: str, skip: tuple[str, ...] = ()
           ) -> dict[str, Any]:
    """Check data's fields against the dataclass's: known names, JSON types, required present."""
    declared = {f.name: f for f in fields(cls) if f.name not in skip}
    for name in data:
        if name not in declared:
            raise JobError(f"{where}.{name}: unknown field")
    for name, spec in declared.items():
        if name not in data:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise JobError(f"{where}.{name}: missing")
            continue
        allowed = JSON_TYPES[str(spec.type)]
        value = data[name]
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            raise JobError(f"{where}.{name}: expected {spec.type}, got {type(value).__name__}")
    return dict(data)

