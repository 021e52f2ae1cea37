"""The td_convnets variant corpus, composed into few submissions (shared by its tests)."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_convnets" / "td_convnets.py"
VARIANTS = Path(__file__).resolve().parent / "variants_convnets"
STAR_IMPORT = "from td_convnets_reference import *  # noqa: F403\n"


def question_of(name: str) -> str:
    """The question whose function a variant rewrites ('q3_functional' -> 'q3')."""
    return name.split("_")[0]


def batches(names: list[str]) -> list[list[str]]:
    """Group variants so that no two of a group rewrite the same question."""
    by_question: dict[str, list[str]] = defaultdict(list)
    for name in sorted(names):
        by_question[question_of(name)].append(name)
    depth = max(len(v) for v in by_question.values())
    return [[v[i] for v in by_question.values() if i < len(v)] for i in range(depth)]


def make_submission(folder: Path, names: list[str]) -> Path:
    """Write a td_convnets folder: the reference as td_convnets_reference.py, and a td_convnets.py
    made of the variants (each overrides its own function)."""
    folder.mkdir(parents=True)
    shutil.copy(REFERENCE, folder / "td_convnets_reference.py")
    bodies = [(VARIANTS / f"{name}.py").read_text(encoding="utf-8").replace(STAR_IMPORT, "")
              for name in names]  # imported once, first: a later one would undo the overrides
    (folder / "td_convnets.py").write_text("\n\n".join([STAR_IMPORT, *bodies]), encoding="utf-8")
    return folder
