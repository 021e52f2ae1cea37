"""The committed expected observations say which libraries made them; others must not grade.

Public grading compares a student's observations with these files: made with another keras or
TensorFlow, they could give wrong verdicts. This test names the versions of each file and fails
with what to do when the installed ones differ; a student's report says so too.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from grader.assignment import load_assignment
from grader.messages import LANGUAGES, translate
from grader.reference import library_versions, load_expected, version_differences

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("lab", ["td_keras_mlp", "td_convnets"])
def test_expected_observations_were_made_with_the_installed_libraries(lab: str) -> None:
    assignment = load_assignment(lab)
    made_with = json.loads(assignment.expected_path.read_text())["versions"]
    assert {"keras", "numpy", "scikit-learn"} <= set(made_with), made_with
    different = version_differences(made_with, library_versions())
    assert not different, (
        f"{assignment.expected_path.name} of {lab} was made with "
        + ", ".join(f"{n} {v}" for n, v in sorted(made_with.items()))
        + "; installed here: " + ", ".join(f"{n} {got} (file: {want})"
                                          for n, (want, got) in sorted(different.items()))
        + ". Install those versions, or regenerate: grade regenerate-expected --assignment "
        + lab)


def test_a_version_difference_is_named_and_tensorflow_s_two_names_are_one() -> None:
    made = {"keras": "3.15.1", "tensorflow-cpu": "2.21.0", "numpy": "2.1.3", "matplotlib": "3.9"}
    assert version_differences(made, {**made, "matplotlib": "3.10"}) == {}
    mac = {"keras": "3.15.1", "tensorflow": "2.21.0", "numpy": "2.1.3"}  # tensorflow, not -cpu
    assert version_differences(made, mac) == {}
    assert version_differences(made, {**mac, "keras": "3.14.0", "tensorflow": "2.20.0"}) == {
        "keras": ("3.15.1", "3.14.0"), "tensorflow": ("2.21.0", "2.20.0")}
    assert version_differences(made, {"keras": "3.15.1", "numpy": "2.1.3"}) == {
        "tensorflow": ("2.21.0", "not installed")}


def test_expectations_made_with_other_versions_are_said_to_the_student(tmp_path: Path) -> None:
    """A students' copy (no reference) whose expectations were made with another keras."""
    assignment = load_assignment("td_keras_mlp")
    bundle = json.loads(assignment.expected_path.read_text())
    bundle["versions"]["keras"] = "3.0.0"
    (tmp_path / "expected_observations.json").write_text(json.dumps(bundle))
    expected = load_expected(replace(assignment, directory=tmp_path), None)
    here = library_versions()["keras"]
    assert expected.other_versions == (("keras", "3.0.0", here),)
    assert load_expected(assignment, None).other_versions == ()
    for lang in LANGUAGES:
        note = translate(lang, "note.other_versions", libraries=f"keras 3.0.0 → {here}")
        assert f"keras 3.0.0 → {here}" in note and "{" not in note


def test_pyproject_bounds_keras_and_tensorflow_to_the_majors_used() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    made_with = json.loads(load_assignment("td_keras_mlp").expected_path.read_text())["versions"]
    keras_major = made_with["keras"].split(".")[0]
    tf_major = made_with["tensorflow-cpu"].split(".")[0]
    assert any(d.startswith("keras") and f"<{int(keras_major) + 1}" in d for d in project)
    assert all(f"<{int(tf_major) + 1}" in d for d in project if d.startswith("tensorflow"))
