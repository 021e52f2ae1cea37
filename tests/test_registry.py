"""The assignment contract and registry: every assignment fulfils it, and a course's own package
(found through its entry point, outside the project) is graded without changing the engine."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.api import ReferenceVisible, refuse_visible_reference
from grader.argsets import split_sets
from grader.assignment import load_assignment
from grader.contract import ContractError, validate_table
from grader.jobs import Job, JobError
from grader.messages import assignment_messages
from grader.observations import first_problem
from grader.reference import load_expected
from grader.registry import UnknownAssignment, find_plugin, registered
from grader.which_assignment import plugin_for_submission

ROOT = Path(__file__).resolve().parent.parent
TOY = Path(__file__).resolve().parent / "toy_course"


@pytest.mark.parametrize("name", sorted(registered()))
def test_every_registered_assignment_fulfils_the_contract(name: str) -> None:
    plugin = find_plugin(name)
    assignment = load_assignment(plugin)
    ids = [q.id for q in assignment.questions]
    observers = importlib.import_module(plugin.observers_module)
    rubric = importlib.import_module(plugin.rubric_module)
    validate_table(plugin, "OBSERVERS", observers.OBSERVERS, ids)
    validate_table(plugin, "RUBRIC", rubric.RUBRIC, ids)
    messages = assignment_messages(plugin.messages_module)
    assert set(messages.get("en", {})) == set(messages.get("fr", {})), "EN and FR keys differ"
    expected = load_expected(assignment, None).observations
    assert sorted(expected) == sorted(ids)
    for question, observation in expected.items():  # they conform to grader/observations.py
        for arg_set, one in split_sets(observation, assignment.question(question).arg_sets).items():
            assert one.status == "ok" and first_problem(one.data) is None, (question, arg_set)
    assert (plugin.public_dir / f"{assignment.module}.py").is_file()  # the starter
    if plugin.reference_dir is not None:
        assert plugin.public_dir not in plugin.reference_dir.parents


def test_a_rubric_that_misses_a_question_is_refused() -> None:
    plugin = find_plugin("td_keras_mlp")
    with pytest.raises(ContractError, match=r"RUBRIC — no entry for q2; RUBRIC — entries for "
                                            r"unknown questions q99"):
        validate_table(plugin, "RUBRIC", {"q1": len, "q99": len}, ["q1", "q2"])


def test_the_assignment_is_found_from_the_submissions_file_name(tmp_path: Path) -> None:
    mlp, other = tmp_path / "mlp", tmp_path / "other"
    mlp.mkdir()
    other.mkdir()
    (mlp / "td_keras.ipynb").write_text("{}", encoding="utf-8")
    assert plugin_for_submission(mlp).name == "td_keras_mlp"
    assert plugin_for_submission(mlp / "td_keras.ipynb").name == "td_keras_mlp"
    (other / "notes.py").write_text("", encoding="utf-8")
    with pytest.raises(UnknownAssignment, match="no submission of a known assignment"):
        plugin_for_submission(other)
    with pytest.raises(UnknownAssignment, match="no assignment named 'nope'"):
        find_plugin("nope")


def test_a_malformed_job_is_refused_naming_its_field() -> None:
    job = Job("j", "q1", "f", "a", "grader.x.observers", Path("/a"), Path("/s.py"), "m").to_json()
    assert Job.from_json(job) == Job.from_json(dict(job))
    for change, field in (({"eager": "yes"}, "job.eager"), ({"budgets": {"timeout": "1"}},
                                                             "budgets.timeout"),
                          ({"sets": [{"id": 1}]}, "job.sets"), ({"extra": 1}, "job.extra")):
        with pytest.raises(JobError, match=field):
            Job.from_json({**job, **change})


def toy_course(tmp_path: Path) -> Path:
    """Install the toy course outside the project, as a separately installed package would be."""
    target = tmp_path / "toy_course"
    shutil.copytree(TOY, target)
    return target


def run_grade(*args: str, cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """Run `grade` with the course's package importable (its site folder on the path)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_a_course_ships_its_own_assignment_as_a_package(tmp_path: Path) -> None:
    course = toy_course(tmp_path)
    student = tmp_path / "student"
    student.mkdir()
    (student / "toy.py").write_text("def double(x):\n    return x * 3\n", encoding="utf-8")
    done = run_grade("--reference", str(course / "reference"), "--lang", "fr",
                     cwd=student, site=course / "site")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Q1 : le double de x — attendu 6, obtenu 9." in done.stdout
    assert "Q1 avec x=-5 : le double de x — attendu -10, obtenu -15." in done.stdout
    assert "Renvoyez 2 * x." in done.stdout  # the course's own hint
    assert "0 / 2" in done.stdout
    right = run_grade("--reference", str(course / "reference"), "--submission",
                      str(course / "reference"), cwd=tmp_path, site=course / "site")
    assert right.returncode == 0, right.stdout + right.stderr
    assert "2 / 2" in right.stdout


def test_a_reference_the_sandbox_would_show_is_refused(tmp_path: Path) -> None:
    """A course that ships its reference inside a Python path or the public folder is stopped."""
    assignment = load_assignment("td_keras_mlp")
    inside = assignment.directory / "data"
    with pytest.raises(ReferenceVisible, match="which student code can read"):
        refuse_visible_reference(assignment, inside)
    with pytest.raises(ReferenceVisible):
        refuse_visible_reference(assignment, Path(pytest.__file__).parent)  # site-packages
    refuse_visible_reference(assignment, ROOT / "reference" / "td_keras_mlp")
    refuse_visible_reference(assignment, tmp_path)


def test_a_kernels_assignment_is_found_from_the_functions_it_defined() -> None:
    from grader.which_assignment import plugin_for_functions

    assert plugin_for_functions({"build_mlp", "build_wide_mlp", "helper"}).name == "td_keras_mlp"
    with pytest.raises(UnknownAssignment, match="--assignment NAME"):
        plugin_for_functions({"helper"})
