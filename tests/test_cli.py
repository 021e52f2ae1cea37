"""The `grade` command end to end: real subprocesses, real keras, real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.assignment import load_assignment
from grader.reference import cache_key, default_reference_dir

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "reference" / "td_keras_mlp"
STARTER_DIR = ROOT / "assignments" / "td_keras_mlp"


def run_grade(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess."""
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600, env=env)


def test_reference_gets_full_marks(tmp_path: Path) -> None:
    report_path = tmp_path / "r.json"
    done = run_grade("--submission", str(REFERENCE_DIR), "--json", str(report_path), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(report_path.read_text())
    assert (report["score"], report["max_score"]) == (20, 20)
    assert [q["status"] for q in report["questions"]] == ["passed"] * 14
    assert [q["id"] for q in report["questions"]] == [f"q{i}" for i in range(1, 15)]
    assert "14 of 14 questions passed all public checks — 20 / 20" in done.stdout
    assert report["answers"]["q1"].startswith("MNIST")


def test_untouched_starter_gets_zero_without_traceback(tmp_path: Path) -> None:
    report_path = tmp_path / "r.json"
    done = run_grade("-s", str(STARTER_DIR), "--json", str(report_path), "--lang", "en")
    assert done.returncode == 1
    report = json.loads(report_path.read_text())
    assert report["score"] == 0
    assert {q["status"] for q in report["questions"]} == {"not_implemented"}
    assert done.stdout.count("not implemented yet") == 14
    assert "Traceback" not in done.stdout + done.stderr


def test_grade_in_the_assignment_folder_with_question_ids(tmp_path: Path) -> None:
    folder = tmp_path / "td"
    folder.mkdir()
    shutil.copy(REFERENCE_DIR / "td_keras.py", folder / "td_keras.py")
    done = run_grade("q4", "Q13", "--lang", "en", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 questions passed all public checks — 2.5 / 2.5" in done.stdout


@pytest.mark.parametrize("args,needle", [
    (("q99", "--assignment", "td_keras_mlp"), "no question 'q99'"),
    (("four", "--assignment", "td_keras_mlp"), "not a question id"),
    (("--submission", "/nonexistent/folder"), "does not exist"),
    (("--assignment", "td_nothing"),
     "no assignment named 'td_nothing' (known: td_convnets, td_keras_mlp)"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], needle: str) -> None:
    done = run_grade(*args)
    assert done.returncode == 2
    assert needle in done.stderr


def test_folder_without_submission_exits_2(tmp_path: Path) -> None:
    done = run_grade("-s", str(tmp_path))
    assert done.returncode == 2
    assert "no submission of a known assignment" in done.stderr
    assert "td_keras.py" in done.stderr and "--assignment NAME" in done.stderr
    named = run_grade("-s", str(tmp_path), "--assignment", "td_keras_mlp")
    assert named.returncode == 2
    assert "no td_keras.py or td_keras.ipynb" in named.stderr


@pytest.mark.parametrize("name", ["td_keras_mlp", "td_convnets"])
def test_committed_expectations_match_the_reference(name: str) -> None:
    """A stale expected_observations.json would grade students against an old reference."""
    assignment = load_assignment(name)
    committed = json.loads(assignment.expected_path.read_text())
    assert committed["key"] == cache_key(assignment, default_reference_dir(assignment)), (
        f"run `grade regenerate-expected --assignment {name}` and commit "
        f"assignments/{name}/expected_observations.json"
    )


def test_grades_without_the_reference_folder(tmp_path: Path) -> None:
    """What students have: the grader and the assignment, no reference/ (its answers as data)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "grader", project / "grader",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "assignments", project / "assignments",
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert not (project / "reference").exists()
    student = tmp_path / "student"
    student.mkdir()
    source = (REFERENCE_DIR / "td_keras.py").read_text().replace("patience=5", "patience=3")
    (student / "td_keras.py").write_text(source)
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(project), "XDG_CACHE_HOME": str(cache)}
    done = run_grade("-s", str(student), "q3", "q13", "--lang", "en", cwd=project, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "q3" in done.stdout and "1.5/1.5" in done.stdout
    assert "training stopped after epoch — expected 8, got 6." in done.stdout
    assert not (cache / "td-keras-grader").exists(), "without the reference nothing is cached"


SLOW_Q13 = '''

import time as _time

_callback = make_early_stopping_callback


def make_early_stopping_callback():
    _time.sleep(12)
    return _callback()
'''


def test_each_question_is_printed_as_soon_as_it_is_judged(tmp_path: Path) -> None:
    """q1's line is on the terminal while q13 (12 s slower) still runs; the order is the lab's."""
    (tmp_path / "td_keras.py").write_text((REFERENCE_DIR / "td_keras.py").read_text() + SLOW_Q13)
    process = subprocess.Popen([sys.executable, "-m", "grader.cli", "q13", "q1", "--no-color"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("✓ q1 "):
            q1_seen = time.monotonic()
            break
    rest, errors = process.communicate(timeout=600)
    assert time.monotonic() - q1_seen > 8, seen  # q13's 12 s were still to come
    lines = [*seen, *rest.splitlines(keepends=True)]
    assert lines[0] == "td_keras_mlp — td_keras.py\n"
    assert [line.split()[1] for line in lines if line.startswith("✓")] == ["q1", "q13"]
    assert lines[-1].startswith("2 of 2 questions passed all public checks")
    assert "starting the grader" in errors
    assert process.returncode == 0
