"""Instructor grading refuses to run where student code cannot be sandboxed, unless --unsafe."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT

CAPSH = shutil.which("capsh")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or CAPSH is None
    or subprocess.run([CAPSH or "capsh", "--drop=cap_sys_admin", "--", "-c", "true"],
                      check=False).returncode != 0,
    reason="needs root and capsh to take the sandbox away")


def without_namespaces(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the grader with CAP_SYS_ADMIN dropped: no mount or PID namespace can be made."""
    command = " ".join([sys.executable, "-m", "grader.cli", *args])
    return subprocess.run([CAPSH, "--drop=cap_sys_admin", "--", "-c", command], cwd=cwd,
                          text=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def one_student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A class of one honest student."""
    class_dir = tmp_path_factory.mktemp("class")
    (class_dir / "alice").mkdir()
    shutil.copy(REFERENCE, class_dir / "alice" / "td_keras.py")
    return class_dir


def test_bulk_refuses_without_the_sandbox(one_student: Path, tmp_path: Path) -> None:
    done = without_namespaces("bulk", str(one_student), "--out", str(tmp_path / "out"),
                              "--questions", "q1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot sandbox student code" in done.stderr
    assert "--unsafe" in done.stderr
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_instructor_grade_refuses_without_the_sandbox(one_student: Path) -> None:
    done = without_namespaces("--instructor", "--submission", str(one_student / "alice"), "q1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot sandbox student code" in done.stderr


def test_unsafe_grades_anyway_and_a_student_still_grades(one_student: Path,
                                                         tmp_path: Path) -> None:
    done = without_namespaces("bulk", str(one_student), "--out", str(tmp_path / "out"),
                              "--questions", "q1", "--unsafe", "--workers", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "out" / "gradebook.csv").exists()
    student = without_namespaces("--submission", str(one_student / "alice"), "q1", "--no-color")
    assert student.returncode == 0, student.stdout + student.stderr
    assert "does not allow namespaces" in student.stdout
