"""A failure caused by an earlier question's function is said to be (issue 23, grader/reuse.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import REFERENCE, ROOT

from grader.assignment import load_assignment
from grader.model import FAILED, PASSED, QuestionResult
from grader.reuse import function_reach, with_causes
from grader.wording import say

OWN_WIDE = '''

def _target(input_dim, n_classes):
    """The parameter count to match, from my own build_mlp."""
    return build_mlp(input_dim, n_classes, 3).count_params()


def build_wide_mlp(input_dim, n_classes):
    """Q4: the width from my build_mlp's count."""
    units = round((_target(input_dim, n_classes) - n_classes) / (input_dim + 1 + n_classes))
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
'''
FIX_Q3 = "build_wide_mlp uses your build_mlp: fix q3 first."


def results(q3: str, q4: str) -> list[QuestionResult]:
    """q3 and q4 judged with these statuses."""
    return [QuestionResult("q3", "MLPs", 0, 1.5, q3), QuestionResult("q4", "Wide", 0, 1.5, q4)]


def test_reach_follows_helpers_in_files_and_notebooks(tmp_path: Path) -> None:
    source = "import keras\n\ndef build_mlp(i, n, h):\n    return None\n" + OWN_WIDE
    (tmp_path / "td_keras.py").write_text(source)
    reach = function_reach(tmp_path / "td_keras.py")
    assert reach["build_wide_mlp"] == ("_target", "build_mlp") and reach["build_mlp"] == ()
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (
        "def build_mlp(i, n, h):\n    return None", OWN_WIDE, "def broken(:\n  pass")])
    nbformat.write(book, tmp_path / "td_keras.ipynb")
    assert function_reach(tmp_path / "td_keras.ipynb")["build_wide_mlp"] == ("_target",
                                                                             "build_mlp")
    (tmp_path / "bad.py").write_text("def f(:\n")
    assert function_reach(tmp_path / "bad.py") == {}


def test_the_cause_is_said_only_when_it_fails_and_is_called() -> None:
    lab = load_assignment("td_keras_mlp")
    calls = {"build_wide_mlp": ("build_mlp",)}
    assert say(with_causes(results(FAILED, FAILED), calls, lab)[1].message, "en") == FIX_Q3
    assert say(with_causes(results(FAILED, FAILED), calls, lab)[1].message, "fr") == (
        "build_wide_mlp utilise votre build_mlp : corrigez d'abord q3.")
    assert say(with_causes(results(PASSED, FAILED), calls, lab)[1].message, "en") == ""
    assert say(with_causes(results(FAILED, FAILED), {}, lab)[1].message, "en") == ""  # its own width
    assert say(with_causes(results(FAILED, PASSED), calls, lab)[1].message, "en") == ""
    alone = with_causes(results(FAILED, FAILED)[1:], calls, lab)  # `grade q4`: q3 unknown
    assert alone[0].message == ""


@pytest.mark.slow
def test_grade_names_q3_as_the_cause_of_q4(tmp_path: Path) -> None:
    folder = tmp_path / "student"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "td_keras_reference.py")
    (folder / "td_keras.py").write_text(
        (ROOT / "tests" / "variants" / "q3_64_units.py").read_text() + OWN_WIDE)
    done = subprocess.run([sys.executable, "-m", "grader.cli", "--no-color", "q3", "q4"],
                          cwd=folder, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = done.stdout.splitlines()
    q4 = next(i for i, line in enumerate(lines) if line.startswith("✗ q4"))
    assert lines[q4 + 1].strip() == FIX_Q3, done.stdout  # first, under q4's line
    assert done.stdout.count(FIX_Q3) == 1
