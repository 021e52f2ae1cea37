"""Expected observations: the reference solution observed once, cached, and committed as data.

The cache key is a hash of the reference's source, the grader's observing code and the library
versions. Students do not have the reference: the grader then reads the committed
`expected_observations.json` that ships with the assignment.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from grader.argsets import HIDDEN_FILE
from grader.assignment import Assignment
from grader.contract import MESSAGES_MODULE, RUBRIC_MODULE
from grader.model import Observation, Status

LIBRARIES = ("keras", "tensorflow-cpu", "tensorflow", "scikit-learn", "numpy", "scikeras",
             "matplotlib")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_ENV = "TD_KERAS_GRADER_REFERENCE"  # the instructor's reference folder, for every command
# The modules whose code decides what an observation contains (not how the sandbox runs it).
OBSERVING_MODULES = ("keras_models.py", "estimators.py", "callbacks.py", "figures.py",
                     "context.py", "arrays.py", "fast_data.py", "observer.py", "executor.py",
                     "remote.py", "exchange.py", "fits.py", "probes.py", "probe_input.py",
                     "builds.py")


def library_versions() -> dict[str, str]:
    """Return the installed versions of the libraries observations depend on."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


# Libraries whose version decides what an observation holds (TensorFlow under either of its
# distributions' names: tensorflow-cpu on Linux x86-64, tensorflow elsewhere, the same code).
DECIDING = ("keras", "tensorflow", "numpy", "scikit-learn")


def deciding_versions(versions: dict[str, str]) -> dict[str, str]:
    """Keep the deciding libraries' versions, tensorflow-cpu named tensorflow."""
    named = {("tensorflow" if n == "tensorflow-cpu" else n): v for n, v in versions.items()}
    return {name: named[name] for name in DECIDING if name in named}


def version_differences(made_with: dict[str, str], installed: dict[str, str]
                        ) -> dict[str, tuple[str, str]]:
    """Return {library: (version the expectations were made with, version here)} where the
    deciding libraries differ ('not installed' when missing here)."""
    made, here = deciding_versions(made_with), deciding_versions(installed)
    return {name: (version, here.get(name, "not installed")) for name, version in made.items()
            if here.get(name) != version}


def reference_in(folder: Path, assignment: Assignment) -> Path | None:
    """Return the lab's reference folder within what an instructor gave: the folder named after
    the lab inside it (one folder for every lab), else the folder itself; None when neither
    holds the lab's module."""
    for candidate in (folder / assignment.name, folder):
        if (candidate / f"{assignment.module}.py").is_file():
            return candidate
    return None


def default_reference_dir(assignment: Assignment) -> Path | None:
    """Return the reference solution's folder: from $TD_KERAS_GRADER_REFERENCE (the lab's
    folder, or a folder holding one per lab by name), else the one the assignment declares (a
    checkout's reference/), when it is there."""
    given = os.environ.get(REFERENCE_ENV, "")
    found = reference_in(Path(given), assignment) if given else None
    declared = assignment.plugin.reference_dir
    if found is None and declared is not None and (declared / f"{assignment.module}.py").is_file():
        found = declared
    return found


def missing_reference(assignment: Assignment) -> str:
    """Say why no reference was found and how to give one (instructor commands refuse then)."""
    given = os.environ.get(REFERENCE_ENV, "")
    said = (f" ({REFERENCE_ENV}={given} holds neither {assignment.module}.py nor "
            f"{assignment.name}/{assignment.module}.py)" if given else "")
    return (f"no reference solution of {assignment.name} here: students' copies of the grader "
            "do not have it. Give the folder holding the reference and its hidden argument sets "
            f"with --reference DIR, or set {REFERENCE_ENV}=DIR{said}")


def cache_key(assignment: Assignment, reference_dir: Path) -> str:
    """Hash the reference source, the observing code and the library versions."""
    digest = hashlib.sha256()
    sources = sorted(reference_dir.glob("*.py"))
    sources += [PROJECT_ROOT / "grader" / "observe" / name for name in OBSERVING_MODULES]
    package = importlib.import_module(assignment.plugin.package).__file__
    sources += sorted(p for p in Path(package or "").parent.glob("*.py")  # observers and helpers
                      if p.stem not in (RUBRIC_MODULE, MESSAGES_MODULE))
    sources += [assignment.directory / "assignment.toml"]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(library_versions(), sort_keys=True).encode())
    return digest.hexdigest()[:20]


def user_cache_dir() -> Path:
    """Return the folder for cached reference observations (XDG cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "td-keras-grader"


@dataclass(frozen=True)
class ExpectedSet:
    """The reference observations found, and which questions still need observing."""

    observations: dict[str, Observation]
    key: str | None
    notes: tuple[str, ...] = ()
    other_versions: tuple[tuple[str, str, str], ...] = ()  # (library, made with, here)


def _read_bundle(path: Path) -> dict[str, Any] | None:
    """Read an expected-observations file, None when absent or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if data.get("kind") == "expected_observations" else None


def load_expected(assignment: Assignment, reference_dir: Path | None) -> ExpectedSet:
    """Return the expected observations available without running anything."""
    committed = _read_bundle(assignment.expected_path)
    if reference_dir is None:
        if committed is None:
            return ExpectedSet({}, None, ("no expected observations and no reference solution",))
        other = version_differences(committed.get("versions") or {}, library_versions())
        return ExpectedSet(_observations(committed), committed.get("key"),
                           other_versions=tuple((n, *v) for n, v in sorted(other.items())))
    key = cache_key(assignment, reference_dir)
    if committed is not None and committed.get("key") == key:
        return ExpectedSet(_observations(committed), key)
    return ExpectedSet(load_cached(key), key)


def hidden_key(assignment: Assignment, reference_dir: Path) -> str:
    """Key the hidden sets' expectations: the reference's key and the hidden sets' own file."""
    digest = hashlib.sha256(cache_key(assignment, reference_dir).encode())
    hidden = reference_dir / HIDDEN_FILE
    digest.update(hidden.read_bytes() if hidden.is_file() else b"")
    return "hidden-" + digest.hexdigest()[:20]


def load_cached(key: str) -> dict[str, Observation]:
    """Return the reference observations cached under a key (only those written for that key)."""
    cached = {}
    folder = user_cache_dir() / key
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        observation = _read_observation(path, key)
        if observation is not None and path.stem == observation.question:
            cached[observation.question] = observation
    return cached


def _observations(bundle: dict[str, Any]) -> dict[str, Observation]:
    """Read the observations of a bundle."""
    return {q: Observation.from_json(o) for q, o in bundle["observations"].items()}


def _read_observation(path: Path, key: str) -> Observation | None:
    """Read one cached observation written for this key, None when unreadable or foreign."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("cache_key", None) != key or data.get("status") != Status.OK:
            return None
        return Observation.from_json(data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def store_expected(key: str, observations: list[Observation]) -> None:
    """Cache freshly made reference observations (only the ones that succeeded)."""
    folder = user_cache_dir() / key
    folder.mkdir(parents=True, exist_ok=True)
    for observation in observations:
        if observation.status == Status.OK:
            target = folder / f"{observation.question}.json"
            temporary = target.with_suffix(".tmp")
            record = {**observation.to_json(), "cache_key": key}
            temporary.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
            temporary.replace(target)


def write_bundle(assignment: Assignment, key: str, observations: dict[str, Observation]) -> Path:
    """Write the committed expected observations of every question."""
    bundle = {
        "kind": "expected_observations",
        "schema": 1,
        "key": key,
        "versions": library_versions(),
        "observations": {q: observations[q].to_json() for q in sorted(observations, key=_order)},
    }
    assignment.expected_path.write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return assignment.expected_path


def _order(question: str) -> int:
    """Sort q2 before q10."""
    return int(question.lstrip("q") or 0)
