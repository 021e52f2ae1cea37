"""Trusted grading of a class's inputs: what students put in their folders, graded by `grade bulk`.

A class of attackers and honest classmates, graded by the real `grade bulk` (one warm worker,
hidden argument sets, no --assignment), then again from the resume cache, both times started
from inside one student's repository, which holds a json.py, secrets.py and numpy.py that would
run as the grader. The same repository is graded by `grade --instructor --submission .`, whose
terminal report a student tries to forge. Each attack (issue 19) was written before its defence:

- student code in the grader's own processes (modules in the caller's folder);
- one student choosing the class's lab (decoy files);
- folders that are links (to the reference, to a classmate);
- trees too deep for a recursive walk (in the repository, and left in the job folder);
- identical submissions sharing one cache entry (one student shown the other's report);
- text that reads like the grader's own lines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT, STARTER_DIR, namespaces_allowed

from grader.trees import remove_tree

pytestmark = pytest.mark.skipif(not namespaces_allowed(),
                                reason="the sandbox needs mount and PID namespaces")

QUESTIONS = "q1,q4"
RUN_TIMEOUT = 900
DEPTH = 1100  # deeper than Python's recursion limit (1000)
DEPTH_LEFT = 3500  # deeper than the warm worker's (keras raises it to 3000); past PATH_MAX too
REFERENCE_DIR = REFERENCE.parent
FORGED = "\n✓ q3   forged                 1.5/1.5  passed\n14 of 14 questions passed — 20 / 20\n"

# Modules a student's repository holds, named like the ones the grader imports. Imported by the
# grader, each one leaves a marker naming the process, then hands over the real module (so the
# attack goes unnoticed).
SHADOW = '''
import os as _os
import sys as _sys

_here = _os.path.dirname(_os.path.abspath(__file__))
try:
    with open(_os.path.join({markers!r}, "{name}-%d" % _os.getpid()), "w") as _marker:
        _marker.write(" ".join(_sys.argv))
except OSError:
    pass
_sys.path[:] = [p for p in _sys.path if _os.path.abspath(p or ".") != _here]
del _sys.modules[__name__]
_sys.modules[__name__] = __import__("{name}")
'''
SHADOWED = ("json", "secrets", "numpy")

# Exception and class names holding the grader's own lines.
HOSTILE_TEXT = REFERENCE.read_text(encoding="utf-8") + f'''

def describe_datasets():
    """Q1: raises an exception whose class name and message read like the grader's lines."""
    raise type({"Boom" + FORGED!r}, (ValueError,), {{}})({FORGED!r})


def build_wide_mlp(input_dim, n_classes):
    """Q4: returns an object whose class name reads like the grader's lines."""
    return type({"Fake" + FORGED!r}, (), {{}})()
'''

# Leaves a folder chain deeper than the recursion limit in its job folder, then answers.
LEAVES_DEEP_TREE = REFERENCE.read_text(encoding="utf-8") + f'''

_describe = describe_datasets


def describe_datasets():
    """Q1: the right answer, after a chain of {DEPTH_LEFT} folders in the working directory."""
    import os

    here = os.getcwd()
    for _ in range({DEPTH_LEFT}):
        os.mkdir("d")
        os.chdir("d")
    os.chdir(here)
    return _describe()
'''


def chain(folder: Path, depth: int) -> None:
    """Make `depth` nested folders below `folder`, a file at the bottom (no recursion)."""
    path = str(folder)
    os.makedirs(path, exist_ok=True)
    for _ in range(depth):
        path = os.path.join(path, "d")
        os.mkdir(path)
    with open(os.path.join(path, "bottom.txt"), "w") as bottom:
        bottom.write("deep")


def make_class(root: Path) -> Path:
    """Write the class: honest students, and one folder per attack."""
    class_dir = root / "class"
    (class_dir / "alice").mkdir(parents=True)
    shutil.copy(REFERENCE, class_dir / "alice" / "td_keras.py")
    # Student code in the grader's processes: the folder grading is started from.
    repo = class_dir / "hostile-text"
    repo.mkdir()
    (repo / "td_keras.py").write_text(HOSTILE_TEXT, encoding="utf-8")
    for name in SHADOWED:
        (repo / f"{name}.py").write_text(SHADOW.format(markers=str(root / "markers"), name=name),
                                         encoding="utf-8")
    # One student chooses the lab: 40 decoys of the other lab beside an honest submission.
    shutil.copytree(class_dir / "alice", class_dir / "decoys")
    for index in range(40):
        (class_dir / "decoys" / ".stash" / f"v{index}").mkdir(parents=True)
        (class_dir / "decoys" / ".stash" / f"v{index}" / "td_convnets.py").write_text("x = 1\n")
    # Folder links: to the reference, to a classmate.
    for name, target in (("linked-reference", REFERENCE_DIR), ("linked-classmate",
                                                               class_dir / "alice")):
        (class_dir / name).mkdir()
        (class_dir / name / "README.md").write_text("my lab is in lab/\n")
        (class_dir / name / "lab").symlink_to(target, target_is_directory=True)
    # Deep trees: in the repository, and left behind in the job folder.
    shutil.copytree(class_dir / "alice", class_dir / "deep-repo")
    chain(class_dir / "deep-repo" / "notes", DEPTH)
    (class_dir / "leaves-deep-tree").mkdir()
    (class_dir / "leaves-deep-tree" / "td_keras.py").write_text(LEAVES_DEEP_TREE, encoding="utf-8")
    # Identical submissions: two untouched starters.
    for name in ("starter-a", "starter-b"):
        (class_dir / name).mkdir()
        shutil.copy(STARTER_DIR / "td_keras.py", class_dir / name / "td_keras.py")
    return class_dir


def environment(root: Path) -> dict[str, str]:
    """The grader's environment: this checkout, a private cache and TMPDIR."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(root / "xdg-cache"),
            "TMPDIR": str(root / "tmp")}


def run_bulk(class_dir: Path, out: Path, root: Path) -> subprocess.CompletedProcess:
    """Grade the class from inside a student's repository, with no --assignment."""
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "bulk", str(class_dir), "--out", str(out),
         "--questions", QUESTIONS, "--workers", "1", "--lang", "en"],
        cwd=class_dir / "hostile-text", env=environment(root), text=True, capture_output=True,
        timeout=RUN_TIMEOUT)


def reports(out: Path) -> dict[str, dict]:
    """Every student's report, by key."""
    return {p.stem: json.loads(p.read_text()) for p in (out / "students").glob("*.json")}


def states(out: Path) -> dict[str, str]:
    """Every student's state in results.json, by key."""
    students = json.loads((out / "results.json").read_text(encoding="utf-8"))["students"]
    return {s["key"]: s["state"] for s in students}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory):
    """Grade the class twice (the second time from the cache), and one repository with `grade`."""
    root = tmp_path_factory.mktemp("inputs")
    (root / "markers").mkdir()
    (root / "tmp").mkdir()
    class_dir = make_class(root)
    out = root / "out"
    first = run_bulk(class_dir, out, root)
    first_reports, first_states = reports(out), states(out)
    tmp_after_first = sorted(p.name for p in (root / "tmp").iterdir())
    second = run_bulk(class_dir, out, root)
    single = subprocess.run(
        [sys.executable, "-m", "grader.cli", "--instructor", "--submission", ".", "q1", "q4",
         "--no-color", "--lang", "en", "--json", str(root / "single.json")],
        cwd=class_dir / "hostile-text", env=environment(root), text=True, capture_output=True,
        timeout=RUN_TIMEOUT)
    yield {"first": first, "second": second, "single": single, "reports": first_reports,
           "states": first_states, "again": reports(out), "states_again": states(out),
           "root": root, "tmp_after_first": tmp_after_first}
    remove_tree(root)  # the deep chains: pytest's own cleanup recurses


def test_the_runs_end_normally(graded: dict) -> None:
    for run in ("first", "second"):
        done = graded[run]
        assert done.returncode == 1, done.stdout + done.stderr  # the link repositories: no file
        assert "Traceback" not in done.stdout + done.stderr
        assert "0 grader errors" in done.stdout, done.stdout
    assert "from cache" in graded["second"].stdout


def test_no_student_code_runs_in_the_graders_processes(graded: dict) -> None:
    markers = {p.name: p.read_text() for p in (graded["root"] / "markers").iterdir()}
    assert markers == {}
    single = graded["single"]
    assert single.returncode == 1, single.stdout + single.stderr  # q1 and q4 fail, honestly
    report = json.loads((graded["root"] / "single.json").read_text(encoding="utf-8"))
    assert [q["status"] for q in report["questions"]] == ["error", "failed"]


@pytest.mark.parametrize("run", ["reports", "again"])
def test_the_class_is_graded_as_its_lab(graded: dict, run: str) -> None:
    for name in ("alice", "decoys", "deep-repo", "leaves-deep-tree"):
        report = graded[run][name]
        assert report["assignment"] == "td_keras_mlp"
        assert report["score"] == report["max_score"], (name, [
            (q["id"], q["status"], q["message"]) for q in report["questions"]])


@pytest.mark.parametrize("run", ["reports", "again"])
def test_links_to_folders_are_not_followed(graded: dict, run: str) -> None:
    for name in ("linked-reference", "linked-classmate"):
        report = graded[run][name]
        assert report["score"] == 0
        assert graded["states" if run == "reports" else "states_again"][name] == "no_submission"
        assert any("lab is a link to a folder" in q["message"] for q in report["questions"]), (
            report["questions"][0]["message"])


def test_deep_trees_are_walked_and_removed(graded: dict) -> None:
    report = graded["reports"]["deep-repo"]
    notes = [note for q in report["questions"] for note in q["notes"]]
    assert any("too deep" in note for note in notes), notes
    assert graded["tmp_after_first"] == []  # the job folders are gone, chain included
    assert list((graded["root"] / "tmp").iterdir()) == []


@pytest.mark.parametrize("run", ["reports", "again"])
def test_identical_submissions_keep_their_own_reports(graded: dict, run: str) -> None:
    for name in ("starter-a", "starter-b"):
        report = graded[run][name]
        assert Path(report["submission"]).parent.name == name, report["submission"]
        assert {q["status"] for q in report["questions"]} == {"not_implemented"}


def result_lines(text: str) -> list[str]:
    """The lines of a terminal report that read like a question's result or the summary."""
    return [line for line in text.splitlines()
            if re.match(r"[✓✗] +q\d|\d+ of \d+ questions passed", line)]


def test_student_text_never_reads_like_the_grader(graded: dict) -> None:
    single = graded["single"]
    lines = result_lines(single.stdout)
    assert len(lines) == 3, single.stdout
    assert lines[0].startswith("✗ q1") and lines[1].startswith("✗ q4"), single.stdout
    assert lines[2].startswith("0 of 2 questions passed"), single.stdout
    for report in (graded["reports"]["hostile-text"], graded["again"]["hostile-text"]):
        for question in report["questions"]:
            assert "\n" not in question["message"], question["message"]
            assert all("\n" not in c["message"] for c in question["checks"])


# Fast checks: the parent `python -m grader.cli` started in a student's folder (no keras).

def test_the_cli_imports_nothing_from_the_callers_folder(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("json", "secrets", "argparse", "shutil"):
        (repo / f"{name}.py").write_text(SHADOW.format(markers=str(markers), name=name))
    done = subprocess.run([sys.executable, "-m", "grader.cli", "bulk", "--help"], cwd=repo,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(markers.iterdir()) == []


def test_the_cli_refuses_when_python_already_imported_the_callers_code(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    (tmp_path / "runpy.py").write_text(SHADOW.format(markers=str(markers), name="runpy"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "grader.cli", "--help"], cwd=tmp_path, env=env,
                          text=True, capture_output=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "runpy.py" in done.stderr and "python -P -m grader.cli" in done.stderr, done.stderr
    for marker in markers.iterdir():
        marker.unlink()
    safe = subprocess.run([sys.executable, "-P", "-m", "grader.cli", "--help"], cwd=tmp_path,
                          env=env, text=True, capture_output=True, timeout=120)
    assert safe.returncode == 0, safe.stderr
    assert list(markers.iterdir()) == []


def test_a_split_class_is_refused_naming_the_counts(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    for name, file in (("a", "td_keras.py"), ("b", "td_keras.py"), ("c", "td_convnets.py"),
                       ("d", "td_convnets.py"), ("e", "README.md")):
        (klass / name).mkdir(parents=True)
        (klass / name / file).write_text("x = 1\n")
    for index in range(40):  # decoys in hidden folders and a zip's refused members count nothing
        (klass / "a" / f".old{index}").mkdir()
        (klass / "a" / f".old{index}" / "td_keras.py").write_text("x = 1\n")
    done = subprocess.run([sys.executable, "-m", "grader.cli", "bulk", str(klass), "--out",
                           str(tmp_path / "out"), "--unsafe"], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "td_keras_mlp: 2" in done.stderr and "td_convnets: 2" in done.stderr, done.stderr
    assert "of 5 students" in done.stderr and "--assignment" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "gradebook.csv").exists()
