"""`%grade` in Jupyter: real kernels run by nbclient, each grading one question.

The kernels import this checkout's grader (PYTHONPATH); each starts its own warm worker on its
first `%grade`. The student's functions import keras inside their bodies, so that the kernel
itself does not pay TensorFlow's import (the grader's worker does, as in class).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.jupyter import GraderSession, history_inputs, write_submission
from grader.observe.notebook_plan import plan_notebook

ROOT = Path(__file__).resolve().parent.parent
MLP = '''\
def build_mlp(input_dim, n_classes, n_hidden):
    """Q3."""
    import keras
    layers = [keras.Input(shape=(input_dim,))]
    layers += [keras.layers.Dense({units}, activation="relu") for _ in range(n_hidden)]
    layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model
'''
WRONG, RIGHT = MLP.format(units=64), MLP.format(units=128)
LOOPS = 'def build_mlp(input_dim, n_classes, n_hidden):\n    """Q3."""\n    while True:\n        pass\n'
KERNEL_TIMEOUT = 600


def run_kernel(folder: Path, cells: list[str], order: list[int] | None = None
               ) -> nbformat.NotebookNode:
    """Run cells in a new kernel in `folder` (in `order`, by index, if given); return the notebook."""
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = NotebookClient(book, timeout=KERNEL_TIMEOUT, kernel_name="python3",
                            allow_errors=True, resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel(env={**os.environ, "PYTHONPATH": str(ROOT)}):
        for index in order if order is not None else range(len(cells)):
            client.execute_cell(book.cells[index], index)
    return book


def html(cell: nbformat.NotebookNode) -> str:
    """Return the HTML a cell showed (its result), failing when it showed none."""
    shown = [o["data"]["text/html"] for o in cell.outputs
             if o.output_type in ("execute_result", "display_data") and "text/html" in o["data"]]
    assert len(shown) == 1, cell.outputs
    return shown[0]


def text(cell: nbformat.NotebookNode) -> str:
    """Return the plain-text fallback of a cell's result."""
    return next(o["data"]["text/plain"] for o in cell.outputs if o.output_type == "execute_result")


def pill(page: str, question: str) -> str:
    """Return the score and status a question's heading shows in the HTML."""
    match = re.search(rf'<span class="qid">{question}</span>.*?<span class="pill \w+">([^<]+)</span>',
                      page, re.S)
    assert match, page[:2000]
    return match.group(1)


# -- without a kernel --------------------------------------------------------------------------

def test_load_ext_is_cheap_and_registers_the_magic() -> None:
    """`%load_ext grader` imports neither keras nor TensorFlow into the student's kernel."""
    code = ("import sys\nfrom IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\nshell.run_line_magic('load_ext', 'grader')\n"
            "assert 'grade' in shell.magics_manager.magics['line']\n"
            "heavy = sorted(m for m in ('keras', 'tensorflow', 'sklearn', 'jinja2') if m in sys.modules)\n"
            "print('heavy:', heavy)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stdout


def test_history_becomes_a_notebook_numbered_by_execution_count(tmp_path: Path) -> None:
    student, private = tmp_path / "student", tmp_path / "private"
    student.mkdir()
    private.mkdir()
    (student / "helper.py").write_text("X = 1\n")
    (student / "td_keras.ipynb").write_text("{}")  # the saved notebook is not what is graded
    inputs = ["%load_ext grader", "import math", "def f(:\n    pass", "def g():\n    return 1",
              "g()\n%grade q3"]
    path = write_submission(private, inputs, student, "td_keras")
    assert sorted(p.name for p in path.parent.iterdir()) == ["helper.py", "td_keras.ipynb"]
    helper = path.parent / "helper.py"
    assert not helper.is_symlink() and helper.read_text() == "X = 1\n"  # the student's own file
    plan = plan_notebook(path)
    assert plan.source == "kernel" and plan.skipped_cells == (5,)  # `g()`, not the magics
    assert [(c.number, c.filename) for c in plan.cells] == [(2, "<In [2]>"), (4, "<In [4]>")]
    broken = plan.broken[0]
    assert (broken.number, broken.names, broken.failure.where) == (3, ("f",), "In [3]")
    assert (broken.failure.frames[-1].file, broken.failure.frames[-1].line) == ("In [3]", 1)


def test_without_history_the_saved_notebook_is_graded_and_said(worker, tmp_path: Path,
                                                               monkeypatch) -> None:
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import keras\n\ndef make_early_stopping_callback():\n"
        "    return keras.callbacks.EarlyStopping(monitor='val_loss', patience=5)\n")])
    (tmp_path / "td_keras.ipynb").write_text(nbformat.writes(book))
    monkeypatch.chdir(tmp_path)
    assert history_inputs(None) is None
    session = GraderSession(None, worker=worker)
    try:
        graded = session.grade(["q13"], "en")
    finally:
        session.close()
    assert graded.report.questions[0].status == "passed"
    assert graded.report.notes[0] == (
        "This kernel's input history is not available: the saved file td_keras.ipynb was graded "
        "instead (save the notebook to grade your latest changes).")
    assert worker.alive  # a shared worker is not the session's to stop


# -- real kernels ------------------------------------------------------------------------------

@pytest.mark.slow
def test_fix_and_grade_again_in_the_same_kernel(tmp_path: Path) -> None:
    """Wrong build_mlp, %grade q3 fails; redefined, %grade q3 passes; a broken cell costs nothing.

    The fix takes its width from a helper module beside the notebook, as `grade` would.
    """
    (tmp_path / "helpers.py").write_text("UNITS = 128\n")
    book = run_kernel(tmp_path, [
        "%load_ext grader",
        WRONG,
        "%grade q3 --lang en",
        "def make_early_stopping_callback(:\n    pass",  # the kernel raises SyntaxError here
        "from helpers import UNITS\n" + MLP.replace("{units}", "UNITS"),
        "%grade q3 --lang en",
    ])
    first, second = html(book.cells[2]), html(book.cells[5])
    assert pill(first, "q3") == "0.75/1.5 · failed"
    assert "units — expected 128, got 64." in first
    assert '<td class="diff"><code class="verbatim">128</code></td>' in first  # expected vs got
    assert "In [1]–In [3]" in first and '<div class="tdkg-report"' in first
    assert pill(second, "q3") == "1.5/1.5 · passed"
    assert "expected 128, got 64" not in second
    assert "link" not in second  # helpers.py is the student's file, not a link out of the folder
    assert ("In [4] does not run: SyntaxError: invalid syntax (In [4], line 1). What it "
            "defines (make_early_stopping_callback()) is missing: only the questions that need "
            "it are not graded") in second
    assert text(book.cells[5]).endswith("1 of 1 questions passed all public checks — 1.5 / 1.5")


@pytest.mark.slow
def test_cells_run_out_of_order_are_graded_in_the_order_they_ran(tmp_path: Path) -> None:
    """The notebook's last definition is wrong, but the student ran the right one last.

    Graded with the function, as front-ends without magics would (no `%load_ext`).
    """
    cells = ["from grader.jupyter import grade", RIGHT, WRONG, 'grade("q3", lang="fr")']
    book = run_kernel(tmp_path, cells, order=[0, 2, 1, 3])
    page = html(book.cells[3])
    assert pill(page, "q3") == "1.5/1.5 · réussie", page
    assert "In [1]–In [4], dans l&#39;ordre d&#39;exécution" in page


@pytest.mark.slow
def test_a_function_that_loops_forever_is_stopped_and_the_kernel_lives_on(tmp_path: Path) -> None:
    book = run_kernel(tmp_path, [
        "%load_ext grader",
        LOOPS,
        "%grade q3 --lang en --timeout-scale 0.15",  # q3's 2 × 60 s become 18 s (the import's 4.5 s)
        "import sys\nprint('alive; tensorflow in the kernel:', 'tensorflow' in sys.modules)",
    ])
    page = html(book.cells[2])
    assert pill(page, "q3") == "0/1.5 · timeout"
    assert "stopped after the time limit of 18 s while running build_mlp(" in page
    assert re.search(r"In \[2\], line [34], in build_mlp", page)  # the loop, by execution count
    assert book.cells[3].outputs[0]["text"] == "alive; tensorflow in the kernel: False\n"


def test_fragment_styles_only_itself_and_goes_through_the_question_partial() -> None:
    """The inline report: the page's partial and styles, every rule scoped, no script."""
    from grader.model import CheckResult, GradeReport, QuestionResult
    from grader.render.fragment import SCOPE, render_fragment

    check = CheckResult("q3.check_units[layer=1]", "failed",
                        "Q3, layer 1 (Dense): units — expected 128, got 64.", 128, 64)
    figure = QuestionResult("q10", "Plot", 1.5, 1.5, "passed", attachments={"figure": "iVBORw0K"})
    report = GradeReport("td_keras_mlp", "kernel", 2.7, 3, (QuestionResult(
        "q3", "MLPs", 1.2, 1.5, "failed", checks=(check,)), figure), notes=("a note",))
    page = render_fragment(report)
    assert page.startswith('<div class="tdkg-report" lang="en">') and "<script" not in page
    assert '<section class="question bad" id="q3">' in page  # partials/question.html.j2
    assert '<td class="diff"><code class="verbatim">128</code></td>' in page
    assert '<img src="data:image/png;base64,iVBORw0K"' in page  # q10's figure, inline
    css = page[page.index("<style>") + 7:page.index("</style>")]
    rules = [line for line in css.splitlines() if "{" in line and not line.startswith("@")]
    assert rules and all(r.startswith(SCOPE) for r in rules), [r for r in rules
                                                               if not r.startswith(SCOPE)]
    assert "ol.checks > li" in css  # not escaped: the stylesheet is whole
    assert render_fragment(GradeReport.from_json(report.to_json())) == page
