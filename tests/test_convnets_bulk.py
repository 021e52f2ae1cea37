"""`grade bulk` on a class of the second lab: the assignment is found from the students' files,
and its hidden sets, reports and gradebook work as for the first lab (real processes, real keras)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import bulk_safety
from convnets_corpus import make_submission

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_convnets" / "td_convnets.py"
STARTER = ROOT / "assignments" / "td_convnets" / "td_convnets.py"


@pytest.mark.slow
def test_a_convnets_class_is_graded_by_grade_bulk(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    (klass / "ada").mkdir(parents=True)
    shutil.copy(REFERENCE, klass / "ada" / "td_convnets.py")
    make_submission(klass / "ben", ["q8_softmax_one_unit"])
    (klass / "cleo").mkdir()
    shutil.copy(STARTER, klass / "cleo" / "td_convnets.py")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "grader.cli", "bulk", str(klass), "--out",
                           str(out), "--questions", "q3,q8", "--workers", "1", "--lang", "en",
                           *bulk_safety()], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert summary["assignment"] == "td_convnets"  # found from the students' files
    grades = {s["key"]: s["grade"] for s in summary["students"]}
    assert grades["ada"] == 20 and grades["cleo"] == 0
    assert 0 < grades["ben"] < 20
    ben = json.loads((out / "students" / "ben.json").read_text(encoding="utf-8"))
    q8 = next(q for q in ben["questions"] if q["id"] == "q8")
    messages = [c["message"] for c in q8["checks"] if c["status"] == "failed"]
    assert ("Q8, output layer: softmax over 1 unit always outputs 1 — use sigmoid, or 2 units."
            in messages)
    assert ben["hidden_sets"] is True  # instructor grading: the hidden sets were used too
    otter = list(csv.DictReader((out / "grades.csv").open(encoding="utf-8", newline="")))
    assert [row["file"] for row in otter] == ["ada", "ben", "cleo"]
    assert otter[0]["q3"] == "4" and otter[0]["q8"] == "2"
