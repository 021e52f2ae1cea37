"""A submission's fingerprints by part, each part attributed to the questions it answers.

A question's part is the top-level function the question table names, plus the helpers it uses
(transitively): a helper used by q3 and q7 belongs to both. Set-up (imports, constants) and
definitions no question uses are the "module" unit; code outside definitions (a notebook's
training runs, plots, prints) is the "exploration" unit. A profile is plain JSON-safe data:
cached beside the graded reports, it spares a re-run the tokenising.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from grader.similarity.fingerprint import WINDOW, K, Mark, kgram_hashes, marks
from grader.similarity.program import DEFINITION, EXPLORATION, Part, Program, read_program

MODULE_UNIT, EXPLORATION_UNIT = "module", "exploration"
PROFILE_KIND, PROFILE_SCHEMA = "similarity_profile", 1


@dataclass(frozen=True)
class PartPrint:
    """One part's fingerprints, where it is, and the units (questions…) it counts for."""

    units: tuple[str, ...]
    name: str
    kind: str
    cell: int
    first: int
    last: int
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Profile:
    """A submission's fingerprints, part by part."""

    parts: tuple[PartPrint, ...]
    notebook: bool = False
    problem: str = ""

    @cached_property
    def hashes(self) -> frozenset[int]:
        """Every fingerprint of the submission."""
        return frozenset(m.hash for p in self.parts for m in p.marks)

    @cached_property
    def unit_hashes(self) -> dict[str, frozenset[int]]:
        """Each unit's fingerprints."""
        found: dict[str, set[int]] = {}
        for part in self.parts:
            for unit in part.units:
                found.setdefault(unit, set()).update(m.hash for m in part.marks)
        return {unit: frozenset(hashes) for unit, hashes in found.items()}

    @cached_property
    def places(self) -> dict[int, tuple[tuple[int, Mark], ...]]:
        """Where each fingerprint is: (part index, mark), in order."""
        found: dict[int, list[tuple[int, Mark]]] = {}
        for index, part in enumerate(self.parts):
            for mark in part.marks:
                found.setdefault(mark.hash, []).append((index, mark))
        return {h: tuple(places) for h, places in found.items()}

    def to_json(self) -> dict[str, Any]:
        """Return the profile as JSON data."""
        return {"kind": PROFILE_KIND, "schema": PROFILE_SCHEMA, "notebook": self.notebook,
                "problem": self.problem,
                "parts": [{"units": list(p.units), "name": p.name, "kind": p.kind,
                           "cell": p.cell, "first": p.first, "last": p.last,
                           "marks": [[m.hash, m.first, m.last] for m in p.marks]}
                          for p in self.parts]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        """Rebuild a profile from its JSON data (ValueError when it is not one)."""
        if data.get("kind") != PROFILE_KIND or data.get("schema") != PROFILE_SCHEMA:
            raise ValueError("not a similarity profile of this version")
        parts = tuple(PartPrint(tuple(str(u) for u in p["units"]), str(p["name"]), str(p["kind"]),
                                int(p["cell"]), int(p["first"]), int(p["last"]),
                                tuple(Mark(int(h), int(a), int(b)) for h, a, b in p["marks"]))
                      for p in data["parts"])
        return cls(parts, bool(data["notebook"]), str(data["problem"]))


def attribute(parts: Iterable[Part], functions: Mapping[str, str]) -> list[tuple[str, ...]]:
    """Return the units of each part: its questions, "module" or "exploration".

    A question's function calling another question's function does not make that one its own.
    """
    parts = list(parts)
    definitions: dict[str, set[str]] = {}
    for part in parts:
        if part.kind == DEFINITION:
            definitions.setdefault(part.name, set()).update(part.uses)
    reach: dict[str, set[str]] = {}  # definition name -> questions whose functions use it
    for function, question in functions.items():
        seen, stack = set(), [function]
        while stack:
            name = stack.pop()
            if name in seen or name not in definitions or (name != function
                                                           and name in functions):
                continue  # another question's function answers that question, not this one
            seen.add(name)
            reach.setdefault(name, set()).add(question)
            stack.extend(definitions[name] - seen)
    order = list(dict.fromkeys(functions.values()))
    units = []
    for part in parts:
        if part.kind == EXPLORATION:
            units.append((EXPLORATION_UNIT,))
        elif part.kind == DEFINITION and part.name in reach:
            units.append(tuple(sorted(reach[part.name], key=order.index)))
        else:
            units.append((MODULE_UNIT,))
    return units


def build_profile(program: Program, functions: Mapping[str, str], k: int = K,
                  window: int = WINDOW) -> Profile:
    """Fingerprint a program's parts; `functions` maps each question's function to its id."""
    prints = tuple(PartPrint(units, part.name, part.kind, part.cell, part.first, part.last,
                             tuple(marks(part.tokens, part.lines, k, window)))
                   for part, units in zip(program.parts, attribute(program.parts, functions),
                                          strict=True))
    return Profile(prints, program.notebook, program.problem)


def given_hashes(paths: Iterable[Path], k: int = K) -> frozenset[int]:
    """Return every k-gram (not only the winnowed ones) of the files handed to the students."""
    found: set[int] = set()
    for path in paths:
        for part in read_program(path).parts:
            found.update(kgram_hashes(part.tokens, k))
    return frozenset(found)
