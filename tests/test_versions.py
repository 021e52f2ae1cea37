"""The committed expected observations say which libraries made them; others must not grade.

Public grading compares a student's observations with these files: made with another keras or
TensorFlow, they could give wrong verdicts. This test names the versions of each file and fails
with what to do when the installed ones differ.
"""

from __future__ import annotations

import json

import pytest

from grader.assignment import load_assignment
from grader.reference import library_versions

# Libraries whose version decides what an observation holds; the others only need to match the
# pyproject bounds (checked by pip).
DECIDING = ("keras", "tensorflow-cpu", "tensorflow", "numpy", "scikit-learn")


@pytest.mark.parametrize("lab", ["td_keras_mlp", "td_convnets"])
def test_expected_observations_were_made_with_the_installed_libraries(lab: str) -> None:
    assignment = load_assignment(lab)
    made_with = json.loads(assignment.expected_path.read_text())["versions"]
    installed = library_versions()
    assert {"keras", "numpy", "scikit-learn"} <= set(made_with), made_with
    different = {name: (made_with[name], installed.get(name, "not installed"))
                 for name in DECIDING if name in made_with and made_with[name] != installed.get(name)}
    assert not different, (
        f"{assignment.expected_path.name} of {lab} was made with "
        + ", ".join(f"{n} {v}" for n, v in sorted(made_with.items()))
        + "; installed here: " + ", ".join(f"{n} {got} (file: {want})"
                                          for n, (want, got) in sorted(different.items()))
        + ". Install those versions, or regenerate: grade regenerate-expected --assignment "
        + lab)


def test_pyproject_bounds_keras_and_tensorflow_to_the_majors_used() -> None:
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml")
                            .read_text())["project"]["dependencies"]
    made_with = json.loads(load_assignment("td_keras_mlp").expected_path.read_text())["versions"]
    keras_major = made_with["keras"].split(".")[0]
    tf_major = made_with["tensorflow-cpu"].split(".")[0]
    assert any(d.startswith("keras") and f"<{int(keras_major) + 1}" in d for d in project)
    assert all(f"<{int(tf_major) + 1}" in d for d in project if d.startswith("tensorflow"))
