"""Feedback that teaches without telling (issue 23): what a student's report may show.

Real gradings: a q4 mistake (the width is what q4 asks the student to find), the q3 64-units
mistake (one mistake, said once), and a class where one student fails only a hidden set (its
arguments and values never reach the student's report unless `--reveal`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT, bulk_safety, namespaces_allowed

pytestmark = pytest.mark.slow
VARIANTS = ROOT / "tests" / "variants"
HIDDEN = tomllib.loads((ROOT / "reference" / "td_keras_mlp" / "hidden_args.toml").read_text())
EXPECTED = json.loads((ROOT / "assignments" / "td_keras_mlp" / "expected_observations.json")
                      .read_text())["observations"]  # observed of reference/td_keras_mlp
Q4_WIDTHS = {str(s["data"]["builds"][0]["model"]["layers"][0]["units"])  # 170 and 1504
             for s in EXPECTED["q4"]["data"]["sets"]}
WIDE_64 = """
def build_wide_mlp(input_dim, n_classes):
    \"\"\"Q4, one mistake: far too few parameters.\"\"\"
    import keras
    model = keras.Sequential([keras.Input(shape=(input_dim,)),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
"""
WRONG_ON_OTHER_SHAPES = '''

_wide = build_wide_mlp


def build_wide_mlp(input_dim, n_classes):
    """Right for the lab's two public calls only: one class too many for any other shape."""
    return _wide(input_dim, n_classes if input_dim in (784, 20) else n_classes + 1)
'''

PRINTS_AND_RAISES = '''

_wide = build_wide_mlp


def build_wide_mlp(input_dim, n_classes):
    """Prints its arguments, and raises with them for any shape but the lab's two calls."""
    print("PRINTED", f"input_dim={input_dim}", f"n_classes={n_classes}")
    if input_dim not in (784, 20):
        raise ValueError(f"no input_dim={input_dim}, n_classes={n_classes}")
    return _wide(input_dim, n_classes)
'''


def grade(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `grade` in a student's folder."""
    return subprocess.run([sys.executable, "-m", "grader.cli", "--no-color", *args], cwd=folder,
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def variant(folder: Path, name: str) -> Path:
    """A one-mistake submission (tests/variants) in its own folder, beside the reference."""
    folder.mkdir()
    shutil.copy(VARIANTS / name, folder / "td_keras.py")
    shutil.copy(REFERENCE, folder / "td_keras_reference.py")
    return folder


@pytest.mark.skipif(not namespaces_allowed(), reason="instructor grading needs the sandbox")
def test_a_q4_report_never_shows_the_width_of_the_reference(tmp_path: Path) -> None:
    folder = variant(tmp_path / "student", "q4_64_units.py")
    instructor = grade(folder, "q4", "--instructor", "--json", str(tmp_path / "i.json"))
    table = json.loads((tmp_path / "i.json").read_text())["questions"][0]["attachments"]
    width = table["layers"][0]["expected"][0]["units"]  # the reference's hidden layer
    assert int(width) > 100, table
    assert width in json.dumps(table), instructor.stdout  # the instructor sees it
    assert width in Q4_WIDTHS and len(Q4_WIDTHS) == 2, Q4_WIDTHS
    student = grade(folder, "q4", "--json", str(tmp_path / "s.json"), "--html",
                    str(tmp_path / "s.html"))
    assert "expected within 5% of 134,794, got 50,890" in student.stdout  # the described target
    for shown in (student.stdout, (tmp_path / "s.json").read_text(),
                  (tmp_path / "s.html").read_text()):
        assert not [w for w in Q4_WIDTHS if w in shown]
    page = (tmp_path / "s.html").read_text()
    assert "<code class=\"verbatim\">64</code>" in page  # the student's own layers are shown


def test_one_mistake_is_said_once(tmp_path: Path) -> None:
    folder = variant(tmp_path / "student", "q3_64_units.py")
    done = grade(folder, "q3")
    said = [line for line in done.stdout.splitlines() if "expected 128, got 64" in line]
    assert len(said) == 1, done.stdout
    assert said[0].endswith("(also in 2 other calls and with 1 other argument set)"), said[0]
    assert "check_dense_attribute" not in done.stdout  # ids stay in the JSON


@pytest.mark.skipif(not namespaces_allowed(), reason="grade bulk needs the sandbox")
def test_a_hidden_case_is_named_but_never_shown_to_the_student(tmp_path: Path) -> None:
    class_dir = tmp_path / "class"
    (class_dir / "hana").mkdir(parents=True)
    (class_dir / "hana" / "td_keras.py").write_text(REFERENCE.read_text() + WRONG_ON_OTHER_SHAPES)
    (class_dir / "ines").mkdir()  # her own print and exception would carry the arguments
    (class_dir / "ines" / "td_keras.py").write_text(REFERENCE.read_text() + PRINTS_AND_RAISES)
    arguments = HIDDEN["q4"][0]
    dim, classes = arguments["input_dim"], arguments["n_classes"]
    target = dim * 128 + 128 + 2 * (128 * 128 + 128) + 128 * classes + classes  # build_mlp(…, 3)
    secrets = [f"{k}={v}" for k, v in arguments.items()] + [f"expected {classes}", f"{target:,}"]
    reports = {}
    for mode in ("student", "reveal"):
        out = tmp_path / mode
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "bulk", str(class_dir), "--out", str(out),
             "--questions", "q4", "--workers", "1", "--lang", "en", "--no-similarity",
             *(["--reveal"] if mode == "reveal" else []), *bulk_safety()],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stdout + done.stderr
        for name in ("hana", "ines"):
            reports[mode, name] = ((out / "students" / f"{name}.json").read_text()
                                   + (out / "students" / f"{name}.html").read_text())
    hana, ines = reports["student", "hana"], reports["student", "ines"]
    q4 = json.loads(hana[:hana.index("\n}") + 2])["questions"][0]
    assert q4["score"] < q4["max_score"]
    assert "A hidden case (your function called with other arguments) fails" in hana
    assert "your function raised ValueError" in ines
    assert "PRINTED" not in ines  # her output ran with the hidden arguments too
    for name, shown in (("hana", hana), ("ines", ines)):
        assert not [s for s in secrets if s in shown], (name, secrets)
        assert all(s in reports["reveal", name] for s in secrets[:2])  # after the deadline


def test_grade_magic_never_shows_the_width_of_the_reference(tmp_path: Path) -> None:
    """%grade q4 in a real kernel: the student's view, HTML and text."""
    import nbformat
    from nbclient import NotebookClient

    cells = ["%load_ext grader", WIDE_64, "%grade q4 --lang en"]
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(book, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel(env={**os.environ, "PYTHONPATH": str(ROOT)}):
        for index in range(len(cells)):
            client.execute_cell(book.cells[index], index)
    shown = json.dumps([o.get("data", o.get("text")) for o in book.cells[2].outputs])
    assert "expected within 5% of 134,794, got 50,890" in shown, shown[:3000]
    assert "<code class=\\\"verbatim\\\">64</code>" in shown  # the student's own layer
    assert not [w for w in Q4_WIDTHS if w in shown], Q4_WIDTHS
