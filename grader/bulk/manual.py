"""Points given by hand (free-text answers): read from CSV or YAML and matched to students."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

FIELDS = ("student", "question", "points", "comment")


class ManualError(ValueError):
    """The manual points file cannot be used as it is."""


@dataclass(frozen=True)
class ManualPoints:
    """Points an instructor adds to (or, negative, removes from) a student's grade out of 20."""

    student: str  # as written in the file: a name, a folder name, a key or a Moodle number
    question: str
    points: float
    comment: str = ""


class Identified(Protocol):
    """Anything with the names a student may be referred to by."""

    key: str
    name: str
    moodle_id: str
    source: str


def _row(data: Mapping[str, Any], where: str) -> ManualPoints:
    """Read one row, or raise ManualError saying where and what is wrong."""
    student = str(data.get("student") or "").strip()
    question = str(data.get("question") or "").strip()
    if not student or not question:
        raise ManualError(f"{where}: student and question are required — got {dict(data)!r}.")
    try:
        points = float(str(data.get("points", "")).replace(",", ".").strip())
    except ValueError:
        raise ManualError(f"{where}: points — expected a number, got {data.get('points')!r}."
                          ) from None
    if not math.isfinite(points):
        raise ManualError(f"{where}: points — expected a finite number, got {points!r}.")
    return ManualPoints(student, question, points, str(data.get("comment") or "").strip())


def _read_csv(path: Path) -> list[ManualPoints]:
    """Read a CSV with the header student,question,points,comment (comment optional)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in FIELDS[:3] if f not in (reader.fieldnames or ())]
        if missing:
            raise ManualError(f"{path.name}: header — expected {','.join(FIELDS)}, "
                              f"got {','.join(reader.fieldnames or ())}.")
        return [_row(row, f"{path.name}, line {reader.line_num}") for row in reader
                if any((v or "").strip() for v in row.values() if isinstance(v, str))]


def _read_yaml(path: Path) -> list[ManualPoints]:
    """Read a YAML list of rows, or a mapping student -> list of {question, points, comment}."""
    try:
        import yaml
    except ModuleNotFoundError:
        raise ManualError(f"{path.name}: reading YAML needs PyYAML (pip install "
                          "'td-keras-grader[manual]'), or write the points as .csv") from None

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ManualError(f"{path.name}: not valid YAML ({exc}).") from None
    if data is None:
        return []
    if isinstance(data, Mapping):
        data = [{**row, "student": student} for student, rows in data.items()
                for row in (rows or []) if isinstance(row, Mapping)]
    if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
        raise ManualError(f"{path.name}: expected a list of rows with {', '.join(FIELDS)}.")
    return [_row(row, f"{path.name}, row {index}") for index, row in enumerate(data, 1)]


def load_manual(path: Path) -> tuple[ManualPoints, ...]:
    """Read a manual points file (.csv, .yaml or .yml)."""
    if not path.is_file():
        raise ManualError(f"{path}: no such file.")
    if path.suffix.lower() in (".yaml", ".yml"):
        return tuple(_read_yaml(path))
    if path.suffix.lower() == ".csv":
        return tuple(_read_csv(path))
    raise ManualError(f"{path.name}: expected a .csv, .yaml or .yml file.")


def _names(student: Identified) -> set[str]:
    """Return the other ways a student may be named in the file, case-folded."""
    names = {student.name, student.source}
    if student.moodle_id:
        names |= {student.moodle_id, f"participant {student.moodle_id}"}
    return {n.strip().casefold() for n in names if n}


def assign_manual(rows: Iterable[ManualPoints], students: Sequence[Identified]
                  ) -> tuple[dict[str, tuple[ManualPoints, ...]], tuple[str, ...]]:
    """Match rows to students by key, else by name, folder or Moodle number; return the others.

    A name two students share matches neither (use the key, e.g. alice-2, or the folder name).
    """
    keys = {s.key.casefold(): s.key for s in students}
    index: dict[str, list[str]] = {}
    for student in students:
        for name in _names(student):
            index.setdefault(name, []).append(student.key)
    matched: dict[str, list[ManualPoints]] = {}
    unmatched: list[str] = []
    for row in rows:
        name = row.student.casefold()
        found = [keys[name]] if name in keys else index.get(name, [])
        if len(set(found)) != 1:  # unknown, or ambiguous (two students of that name)
            unmatched.append(row.student)
            continue
        matched.setdefault(found[0], []).append(row)
    return {k: tuple(v) for k, v in matched.items()}, tuple(dict.fromkeys(unmatched))
