"""The student package (issue 20): a wheel without the answers that grades like the checkout.

The wheel is built once per test session from a copy of the whole working tree (reference/,
tests/ and all, as `pip wheel .` on a clean checkout sees it; a copy so that the build's own
files stay out of the checkout), then installed (not editable) into a fresh virtual environment
that shares this machine's TensorFlow (`--system-site-packages`: no download), and graded from
folders outside the checkout, as a student and as an instructor would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, namespaces_allowed

NOT_SOURCES = ("__pycache__", "*.pyc", ".git", "build", "dist", "*.egg-info", ".venv",
               ".pytest_cache", ".ruff_cache")
LABS = {"td_keras_mlp": "td_keras", "td_convnets": "td_convnets"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once from a copy of the working tree, instructor material included."""
    source = tmp_path_factory.mktemp("source") / "td-keras-grader"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCES), symlinks=True)
    assert (source / "reference" / "td_keras_mlp" / "hidden_args.toml").is_file()
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(source)], check=True, capture_output=True)
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel: Path) -> Iterator[Path]:
    """A fresh virtual environment with the wheel installed (not editable): its bin folder.

    Outside pytest's private temporary folders: the sandbox's unprivileged user reads the
    environment's files, as it reads any installed Python's.
    """
    folder = Path(tempfile.mkdtemp(prefix="grader-venv-"))
    folder.chmod(0o755)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)],
                   check=True)
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-index", str(wheel), str(beside_wheel(folder))], check=True,
                   capture_output=True)
    yield folder / "bin"
    shutil.rmtree(folder, ignore_errors=True)


def beside_wheel(folder: Path) -> Path:
    """Build a one-module package (`labextra`) to install beside the grader, as sklearn or
    matplotlib are in a plain `pip install` (the installed grader once hid them from students)."""
    source = folder / "labextra-src"
    source.mkdir()
    (source / "labextra.py").write_text("HIDDEN_UNITS = 128\n")
    (source / "setup.py").write_text("from setuptools import setup\n"
                                     "setup(name='labextra', version='1.0', py_modules=['labextra'])\n")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(folder), str(source)], check=True, capture_output=True)
    (built,) = folder.glob("labextra-*.whl")
    return built


def run(bin_dir: Path, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a command of the installed package, away from the checkout."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, capture_output=True,
                          text=True, timeout=900, env={**environment, **env})


def test_the_wheel_holds_no_answer(wheel: Path) -> None:
    bundle = zipfile.ZipFile(wheel)
    names = bundle.namelist()
    assert any(n.startswith("grader/observe/") for n in names)
    assert "assignments/td_keras_mlp/td_keras.py" in names  # the starter
    assert not [n for n in names if n.startswith(("reference/", "tests/", "bench/", "tools/"))]
    assert not [n for n in names if "hidden" in n.lower()]
    instructor = {p.read_bytes(): p.name for p in (ROOT / "reference").rglob("*") if p.is_file()}
    assert len(instructor) == 4  # both labs' solution and hidden sets
    leaked = [(n, instructor[bundle.read(n)]) for n in names if bundle.read(n) in instructor]
    assert not leaked, leaked  # under no name
    for lab, module in LABS.items():  # the starters, not the references
        starter = bundle.read(f"assignments/{lab}/{module}.py").decode()
        assert "raise NotImplementedError" in starter
        assert f"assignments/{lab}/expected_observations.json" in names  # public checks' side


def test_the_installed_package_is_the_one_graded(venv: Path, tmp_path: Path) -> None:
    done = run(venv, ["python", "-c", "import grader; print(grader.__file__)"], tmp_path)
    assert done.stdout.startswith(str(venv.parent)), done.stdout + done.stderr


@pytest.mark.skipif(not namespaces_allowed(), reason="instructor grading needs the sandbox")
@pytest.mark.parametrize("lab", sorted(LABS))
def test_an_installed_package_grades_the_reference_to_full_marks(venv: Path, tmp_path: Path,
                                                                lab: str) -> None:
    """Public checks as a student would, then instructor grading with --reference."""
    module = LABS[lab]
    reference = tmp_path / "reference" / lab  # the instructor's folder, outside the checkout
    shutil.copytree(ROOT / "reference" / lab, reference)
    student = tmp_path / "student"
    student.mkdir()
    shutil.copy(reference / f"{module}.py", student)
    public = run(venv, ["grade", "--no-color", "--parallel", "2", "--json",
                        str(tmp_path / "public.json")], student)
    assert public.returncode == 0, public.stdout + public.stderr
    assert json.loads((tmp_path / "public.json").read_text())["score"] == 20.0
    refused = run(venv, ["grade", "--instructor", "q1"], student)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert f"no reference solution of {lab}" in refused.stderr, refused.stderr
    assert "--reference DIR" in refused.stderr and "TD_KERAS_GRADER_REFERENCE" in refused.stderr
    instructor = run(venv, ["grade", "--instructor", "--reference", str(reference), "--no-color",
                            "--parallel", "2"], student)
    assert instructor.returncode == 0, instructor.stdout + instructor.stderr
    assert instructor.stdout.rstrip().endswith("20 / 20"), instructor.stdout


def test_grade_init_makes_a_working_folder_that_grades(venv: Path, tmp_path: Path) -> None:
    listed = run(venv, ["grade", "init"], tmp_path)
    assert "td_keras_mlp" in listed.stdout and "td_convnets" in listed.stdout
    made = run(venv, ["grade", "init", "td_keras_mlp", "lab"], tmp_path)
    assert made.returncode == 0, made.stderr
    files = sorted(str(p.relative_to(tmp_path / "lab")) for p in (tmp_path / "lab").rglob("*")
                   if p.is_file())
    assert files == ["data/README.md", "data/boston_housing.npz", "data/mnist_subset.npz",
                     "dataset_utils.py", "pytest.ini", "td_keras.ipynb", "td_keras.py"]
    starter = run(venv, ["grade", "q4", "--no-color"], tmp_path / "lab")
    assert starter.returncode == 1
    assert "not implemented" in starter.stdout and "0/1.5" in starter.stdout, starter.stdout
    shutil.copy(ROOT / "reference" / "td_keras_mlp" / "td_keras.py", tmp_path / "lab")
    solved = run(venv, ["grade", "q4", "--no-color"], tmp_path / "lab")
    assert solved.returncode == 0 and "1.5/1.5" in solved.stdout, solved.stdout
    again = run(venv, ["grade", "init", "td_keras_mlp", "lab"], tmp_path)
    assert again.returncode == 2 and "never replaced" in again.stderr


def test_packages_installed_beside_the_grader_are_the_students_too(venv: Path, tmp_path: Path
                                                                   ) -> None:
    """The sandbox shows the environment's site-packages, where the installed grader also is."""
    text = (ROOT / "reference" / "td_keras_mlp" / "td_keras.py").read_text()
    (tmp_path / "td_keras.py").write_text(text.replace("HIDDEN_UNITS = 128",
                                                       "from labextra import HIDDEN_UNITS"))
    assert "from labextra import HIDDEN_UNITS" in (tmp_path / "td_keras.py").read_text()
    done = run(venv, ["grade", "q3", "--no-color"], tmp_path)
    assert done.returncode == 0 and "1.5/1.5" in done.stdout, done.stdout + done.stderr


def test_instructor_commands_find_the_reference_named_by_the_environment(venv: Path,
                                                                        tmp_path: Path) -> None:
    """$TD_KERAS_GRADER_REFERENCE names a folder holding one folder per lab, as --reference may."""
    shutil.copytree(ROOT / "reference", tmp_path / "instructor")
    student = tmp_path / "student"
    student.mkdir()
    shutil.copy(ROOT / "reference" / "td_keras_mlp" / "td_keras.py", student)
    regenerate = run(venv, ["grade", "regenerate-expected", "--assignment", "td_keras_mlp"],
                     student)
    assert regenerate.returncode == 2 and "--reference DIR" in regenerate.stderr, regenerate.stderr
    wrong = run(venv, ["grade", "--instructor", "q1"], student,
                TD_KERAS_GRADER_REFERENCE=str(tmp_path))
    assert wrong.returncode == 2 and f"TD_KERAS_GRADER_REFERENCE={tmp_path} holds" in wrong.stderr
    if namespaces_allowed():
        found = run(venv, ["grade", "--instructor", "q1", "--no-color"], student,
                    TD_KERAS_GRADER_REFERENCE=str(tmp_path / "instructor"))
        assert found.returncode == 0 and "1 / 1" in found.stdout, found.stdout + found.stderr
        given = run(venv, ["grade", "--instructor", "q1", "--no-color", "--reference",
                           str(tmp_path / "instructor")], student)
        assert given.returncode == 0 and "1 / 1" in given.stdout, given.stdout + given.stderr


def test_grade_init_makes_the_convnets_folder(venv: Path, tmp_path: Path) -> None:
    made = run(venv, ["grade", "init", "td_convnets"], tmp_path)
    assert made.returncode == 0, made.stderr
    folder = tmp_path / "td_convnets"
    top = sorted(p.name for p in folder.iterdir())
    assert top == ["data", "dataset_utils.py", "pytest.ini", "td_convnets.ipynb", "td_convnets.py"]
    images = list((folder / "data" / "images").rglob("*.png"))
    assert len(images) == 34 and (folder / "data" / "mnist_subset.npz").is_file()
    assert not list(folder.rglob("*.json")) and not list(folder.rglob("*.toml"))
