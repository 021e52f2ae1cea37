"""Tamper evidence (issue 19): what reaches into the grader is found, honest lab code never is.

The static scan reads the files the sandbox copies (tests here on sources); the audit hook's
verdicts on events are pure (`describe`). The end-to-end run, with honest classmates beside the
attackers, is in tests/test_trusted_grading.py; one real `grade` below sees both halves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import REFERENCE, ROOT, namespaces_allowed

from grader.model import Evidence, GradeReport
from grader.observe.audit import describe
from grader.render.html import render_html
from grader.render.terminal import render_terminal
from grader.tamper import scan_source, scan_submission

ATTACKS = {
    "import grader.observe.executor": ("grader", 1),
    "from grader.td_keras_mlp import observers": ("grader", 1),
    "from grader import observe": ("grader", 1),
    "import ctypes": ("low-level", 1),
    "import marshal": ("low-level", 1),
    "import sys\nsys.modules['numpy'] = None": ("interpreter", 2),
    "import sys\nframe = sys._getframe(1)": ("interpreter", 2),
    "import gc\nobjects = gc.get_objects()": ("interpreter", 2),
    "import builtins\nbuiltins.__import__ = None": ("interpreter", 2),
    "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))": ("dynamic-code", 2),
    "code = eval('1 + 1')": ("dynamic-code", 1),
    "m = __import__('gr' + 'ader')": ("dynamic-code", 1),
    "import importlib\nm = importlib.import_module(name)": ("dynamic-code", 2),
    "text = open('/proc/self/maps').read()": ("grader-files", 1),
    "path = '../reference/td_keras_mlp/hidden_args.toml'": ("grader-files", 1),
    "import os\nos.kill(1, 9)": ("interpreter", 2),
}
HONEST_ROOTS = ("reference", "assignments", "tests/variants", "tests/variants_convnets",
                "tests/similarity_corpus")


@pytest.mark.parametrize("source", sorted(ATTACKS))
def test_each_way_into_the_grader_is_found_with_its_line(source: str) -> None:
    kind, line = ATTACKS[source]
    found = list(scan_source(source, "td_keras.py"))
    assert (found[0].kind, found[0].line, found[0].file) == (kind, line, "td_keras.py"), found


def test_nested_deep_code_is_scanned_without_recursion() -> None:
    source = "def f():\n" + "".join("    " * (i + 1) + "if x:\n" for i in range(90))
    source += "    " * 91 + "import ctypes\n"
    assert [e.kind for e in scan_source(source, "deep.py")] == ["low-level"]


def test_honest_lab_code_is_never_flagged() -> None:
    """The references, the starters, both variant corpora and the similarity corpus: 0."""
    files = [(str(p.relative_to(ROOT)), p) for root in HONEST_ROOTS
             for p in sorted((ROOT / root).rglob("*")) if p.suffix in (".py", ".ipynb")]
    assert len(files) > 100
    assert scan_submission(files) == ()


def test_a_notebook_is_scanned_cell_by_cell(tmp_path: Path) -> None:
    book = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("import ctypes in prose is fine"),
        nbformat.v4.new_code_cell("%load_ext grader\nfrom grader.jupyter import grade"),
        nbformat.v4.new_code_cell("x = 1\nimport grader.observe.executor as e"),
    ])
    path = tmp_path / "td_keras.ipynb"
    nbformat.write(book, path)
    found = scan_submission([("td_keras.ipynb", path)])
    assert [(e.file, e.line, e.kind) for e in found] == [("td_keras.ipynb, cell 3", 2, "grader")]


@pytest.mark.parametrize(("event", "args", "kind"), [
    ("import", ("grader.observe.executor",), "grader"),
    ("import", ("ctypes",), "low-level"),
    ("ctypes.dlopen", (None,), "low-level"),
    ("open", ("/proc/1/cmdline", "r", 0), "grader-files"),
    ("open", ("/srv/grader/observe/executor.py", "r", 0), "grader-files"),
    ("exec", (compile("x = 1", "<string>", "exec"),), "dynamic-code"),
    ("compile", (b"x = 1", "<string>"), "dynamic-code"),
])
def test_the_audit_hook_names_what_reaches_in(event: str, args: tuple, kind: str) -> None:
    assert describe(event, args, "/srv/grader")[0] == kind


@pytest.mark.parametrize(("event", "args"), [
    ("import", ("numpy",)), ("import", ("grader.jupyter",)),
    ("open", ("data/mnist_subset.npz", "rb", 0)),
    ("exec", (compile("x = 1", "/job/work/helpers.py", "exec"),)),  # a helper module imported
    ("compile", (b"x = 1", "/job/work/helpers.py")),
])
def test_the_audit_hook_lets_lab_work_pass(event: str, args: tuple) -> None:
    assert describe(event, args, "/srv/grader") is None


def test_every_renderer_says_needs_review_with_the_evidence() -> None:
    evidence = (Evidence("td_keras.py", 12, "grader", "import grader.observe.executor"),
                Evidence("td_keras.py", 30, "grader-files", "opened /proc/1/cmdline", "run"))
    report = GradeReport("td_keras_mlp", "td_keras.py", 0.0, 20.0, (), review=evidence)
    text = render_terminal(report)
    assert "Needs review" in text
    assert "td_keras.py, line 12: import grader.observe.executor" in text
    assert "(seen while it ran)" in text
    page = render_html(report)
    assert 'id="review"' in page and "td_keras.py, line 30: opened /proc/1/cmdline" in page
    again = GradeReport.from_json(json.loads(json.dumps(report.to_json())))
    assert again.review == evidence and again.needs_review
    honest = GradeReport("td_keras_mlp", "td_keras.py", 20.0, 20.0, ())
    assert "Needs review" not in render_terminal(honest) and 'id="review"' not in render_html(honest)


PEEKS = '''

def _peek():
    import ctypes
    ctypes.CDLL(None)
    try:
        open("/proc/self/status").read()
    except OSError:
        pass
    exec("y = 2")


_describe = describe_datasets


def describe_datasets(*args, **kwargs):
    _peek()
    return _describe(*args, **kwargs)
'''


@pytest.mark.slow
@pytest.mark.skipif(not namespaces_allowed(), reason="the sandbox needs namespaces")
def test_grade_sees_both_halves_and_the_grade_is_unchanged(tmp_path: Path) -> None:
    """What the file says (static) and what the code did while it ran (the audit hook)."""
    (tmp_path / "td_keras.py").write_text(REFERENCE.read_text() + PEEKS)
    shutil.copy(ROOT / "assignments" / "td_keras_mlp" / "dataset_utils.py", tmp_path)
    done = subprocess.run([sys.executable, "-m", "grader.cli", "q1", "--no-color", "--json",
                           str(tmp_path / "r.json")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["score"] == 1.0  # the instructor decides; the grade is not changed
    seen = {(e["kind"], e["source"]) for e in report["review"]}
    assert {("low-level", "static"), ("low-level", "run"), ("grader-files", "run"),
            ("dynamic-code", "run")} <= seen, report["review"]
    assert "Needs review" in done.stdout


def test_a_hostile_file_cannot_stop_or_slow_the_scan(tmp_path: Path) -> None:
    """Nesting past the parsers' limits is read as nothing; the scan reads at most 8 MB."""
    deep_notebook = tmp_path / "td_keras.ipynb"
    deep_notebook.write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + ', "nbformat": 4}')
    deep_source = tmp_path / "deep.py"
    deep_source.write_text("x = " + "(" * 200_000 + "1" + ")" * 200_000 + "\n")
    assert scan_submission([("td_keras.ipynb", deep_notebook), ("deep.py", deep_source)]) == ()
    filler = tmp_path / "filler.py"
    filler.write_text("x = 1\n" * 400_000)  # 2.4 MB of honest code, read up to 2 MB
    late = tmp_path / "late.py"
    late.write_text("import ctypes\n")
    files = [(f"f{i}.py", filler) for i in range(4)] + [("late.py", late)]
    assert scan_submission(files) == ()  # past the budget: not read
    assert [e.file for e in scan_submission(files[:1] + files[-1:])] == ["late.py"]
