"""Notebook submissions: real notebooks written with nbformat, graded on the shared warm worker."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.api import GradeOptions, grade
from grader.assignment import load_assignment
from grader.localize import said_report
from grader.model import GradeReport
from grader.notebook_cells import NotebookError
from grader.notebook_notes import cell_ranges
from grader.observe.notebook_plan import plan_notebook
from grader.observe.student_import import import_notebook
from grader.render.terminal import render_terminal
from grader.runner import RunOptions
from grader.scoring import exit_code

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
STARTER_DIR = ROOT / "assignments" / "td_keras_mlp"
ALL = tuple(f"q{i}" for i in range(1, 15))
TRAIN_ON_FULL_MNIST = """\
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
model = build_mlp(784, 10, 3)
history = model.fit(x_train, keras.utils.to_categorical(y_train), epochs=10, batch_size=32)
"""


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a notebook; a cell starting with '#md ' is Markdown, the others are code."""
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell(c[4:]) if c.startswith("#md ")
                  else nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(book), encoding="utf-8")
    return path


def reference_cells() -> list[str]:
    """The reference split into cells: the top-level code before the first def, then one per def."""
    source = REFERENCE.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    cells: list[str] = []
    for node in ast.parse(source).body:
        text = "".join(lines[node.lineno - 1:node.end_lineno])
        is_definition = isinstance(node, ast.FunctionDef | ast.ClassDef)
        if not is_definition and cells and not cells[-1].lstrip().startswith(("def ", "class ")):
            cells[-1] += text
        else:
            cells.append(text)
    return cells


def heavy_reference_cells(marker: Path) -> list[str]:
    """The reference interleaved with what students leave in notebooks: none of it may run."""
    heavy = [
        "#md ## Experiments",
        "%matplotlib inline",
        "!pip list",
        TRAIN_ON_FULL_MNIST,
        f"open({str(marker)!r}, 'w').write('this cell ran')",
        "print(model.summary())\nplt.plot(history.history['accuracy'])\nplt.show()",
        "%%time\nhistory = model.fit(x_train, y_train, epochs=10)",
    ]
    cells = []
    for index, cell in enumerate(reference_cells()):
        cells.append(cell)
        if index >= 1:  # after the imports, so that the notebook reads naturally
            cells.append(heavy[index % len(heavy)])
    return cells


@pytest.fixture(scope="module")
def heavy_notebook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The reference as a notebook with heavy cells, and the file its skipped cells would write."""
    folder = tmp_path_factory.mktemp("heavy")
    marker = folder / "marker.txt"
    return write_notebook(folder / "td_keras.ipynb", heavy_reference_cells(marker)), marker


# -- reading and filtering (no keras) --------------------------------------------------------

def test_definitions_mode_keeps_definitions_and_constants(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "t.ipynb", [
        "#md # Lab",
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import keras\n",
        "%matplotlib inline\nN = 28 * 28\nSHAPE = (N,)\nUNITS = [2 ** i for i in range(3)]\n"
        "ANSWERS = {'q1': f'{N} pixels'}\nANSWERS['q4'] = 'wide'\nx = input()\nprint(x)\n",
        "!pip list",
        "def width(model: keras.Model) -> int:\n    return N + UNITS[-1]\n",
        "try:\n    import a_module_that_is_not_installed\nexcept ImportError:\n    OPTIONAL = None\n",
        "'''A docstring cell.'''\n",
        "   \n",
        "TOTAL = width(None)\nfor i in range(3):\n    pass\n",
    ])
    plan = plan_notebook(path)
    assert plan.skipped_cells == (3, 4, 9)
    assert [cell.number for cell in plan.cells] == [2, 3, 5, 6, 7]
    module = import_notebook(path, "td_keras_plan_test")
    assert (module.N, module.SHAPE, module.UNITS) == (784, (784,), [1, 2, 4])
    assert module.ANSWERS == {"q1": "784 pixels", "q4": "wide"}
    assert module.width(None) == 788  # the future import of cell 2 holds in cell 5
    assert module.OPTIONAL is None
    assert not hasattr(module, "x") and not hasattr(module, "TOTAL")


def test_cell_ranges() -> None:
    assert cell_ranges([9, 3, 4, 5, 12]) == "3–5, 9, 12"
    assert cell_ranges([]) == ""


@pytest.mark.parametrize("content,key", [
    ('{"cells": [', "notebook.not_json"),
    ("", "notebook.empty"),
    ('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "notebook.empty"),
    ("[1, 2]", "notebook.invalid"),
])
def test_unreadable_notebooks_raise_a_clear_error(tmp_path: Path, content: str, key: str) -> None:
    path = tmp_path / "td_keras.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NotebookError) as raised:
        plan_notebook(path)
    assert raised.value.key == key
    assert "td_keras.ipynb" in str(raised.value)


def test_markdown_only_notebook_has_no_code(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "td_keras.ipynb", ["#md # Lab", "#md nothing yet", "  "])
    with pytest.raises(NotebookError, match="has no code cells"):
        plan_notebook(path)


@pytest.mark.parametrize("name", ["td_keras_mlp", "td_convnets"])
def test_committed_starter_notebook_is_generated(name: str) -> None:
    """Each starter notebook is generated from its starter module, never edited by hand."""
    from grader import make_notebook as tool

    assignment = load_assignment(name)
    committed = (assignment.directory / f"{assignment.module}.ipynb").read_text(encoding="utf-8")
    assert committed == tool.render_notebook(assignment), "run `grade make-notebook` and commit"
    book = nbformat.reads(committed, as_version=4)
    assert all(c.get("execution_count") is None and not c.get("outputs") for c in book.cells
               if c.cell_type == "code")
    count = len(assignment.questions)
    assert sum(1 for c in book.cells if c.cell_type == "markdown" and c.source.startswith("## Q")) == count
    code = [c.source for c in book.cells if c.cell_type == "code"]
    assert code[0] == "%load_ext grader"  # the first code cell loads %grade
    checks = [source for source in code if source.startswith("%grade")]
    assert checks == [f"%grade q{i}" for i in range(1, count + 1)]
    assert all(code[code.index(check) - 1].startswith("def ") for check in checks)
    notebook = assignment.directory / f"{assignment.module}.ipynb"
    assert plan_notebook(notebook).skipped_cells == ()  # magics: silent


# -- graded end to end -----------------------------------------------------------------------

def test_reference_notebook_with_heavy_cells_gets_full_marks(grade_with, heavy_notebook) -> None:
    path, marker = heavy_notebook
    report: GradeReport = grade_with(path, *ALL)
    assert (report.score, report.max_score) == (20, 20), render_terminal(report)
    assert not marker.exists(), "a skipped cell ran"
    assert report.answers["q1"].startswith("MNIST")
    cells = heavy_reference_cells(marker)
    heavy = [number for number, cell in enumerate(cells, 1)
             if cell not in reference_cells() and not cell.startswith("#md ")]
    # cell 1 too: the reference's `matplotlib.use("Agg")` is a call, skipped like the others
    expected = f"the rest of the code in cells {cell_ranges([1, *heavy])} was skipped"
    assert [n for n in report.notes if "Notebook: only imports" in n and expected in n], report.notes


def test_skipped_cells_note_in_french(grade_with, heavy_notebook) -> None:
    report = grade_with(heavy_notebook[0], "q13", lang="fr")
    assert report.questions[0].status == "passed"
    assert any(n.startswith("Notebook : seuls les imports") for n in report.notes)


def test_syntax_error_in_cell_7_costs_only_what_cell_7_defines(grade_with, tmp_path: Path
                                                                ) -> None:
    cells = heavy_reference_cells(tmp_path / "marker.txt")
    cells.insert(6, "def broken(:\n    pass\n")
    report = grade_with(write_notebook(tmp_path / "s" / "td_keras.ipynb", cells), "q2", "q13")
    assert report.notes[0] == ("Cell 7 does not run: SyntaxError: invalid syntax (cell 7, line 1)."
                               " What it defines (broken()) is missing: only the questions that "
                               "need it are not graded, the rest of the notebook is.")
    assert [q.status for q in report.questions] == ["passed", "passed"]
    assert "cell 7, line 1" in render_terminal(report)
    assert exit_code(report.questions) == 0


def test_broken_cells_cost_only_their_questions(grade_with, tmp_path: Path) -> None:
    """q5's cell does not compile, q13's raises while defining: q3 (untouched) keeps full marks."""
    cells = ["#md # TD keras", *reference_cells()]
    q5 = next(i for i, c in enumerate(cells) if c.startswith("def fit_with_validation("))
    q13 = next(i for i, c in enumerate(cells) if c.startswith("def make_early_stopping_callback("))
    cells[q5] = cells[q5].replace("def fit_with_validation(model, x, y, epochs: int, "
                                  "batch_size: int):", "def fit_with_validation(model, x, y,:")
    cells[q13] = "PATIENCE = 5 // 0\n" + cells[q13]
    report = grade_with(write_notebook(tmp_path / "b" / "td_keras.ipynb", cells), "q3", "q5", "q13")
    by_id = {q.id: q for q in report.questions}
    assert (by_id["q3"].status, by_id["q3"].score) == ("passed", 1.5)
    assert by_id["q5"].status == "error" and by_id["q13"].status == "error"
    assert by_id["q5"].message == (f"cell {q5 + 1} does not run: SyntaxError: invalid syntax "
                                   f"(cell {q5 + 1}, line 1)")
    assert by_id["q13"].message == (f"cell {q13 + 1} does not run: ZeroDivisionError: integer "
                                    f"division or modulo by zero (cell {q13 + 1}, line 1)")
    assert report.notes[0].startswith(f"Cell {q5 + 1} does not run: SyntaxError")
    assert "(fit_with_validation())" in report.notes[0]
    assert report.notes[1].startswith(f"Cell {q13 + 1} does not run: ZeroDivisionError")
    assert (report.score, exit_code(report.questions)) == (1.5, 1)
    french = grade_with(write_notebook(tmp_path / "f" / "td_keras.ipynb", cells), "q5", lang="fr")
    assert french.questions[0].message == (f"cellule {q5 + 1} ne s'exécute pas : SyntaxError : "
                                           f"invalid syntax (cellule {q5 + 1}, ligne 1)")


def test_function_raising_in_cell_12_shows_cell_frames(grade_with, tmp_path: Path) -> None:
    cells = [c for c in reference_cells() if not c.startswith("def build_mlp(")]
    cells = ["#md # TD keras"] + cells
    cells.insert(11, "def build_mlp(input_dim, n_classes, n_hidden):\n"
                     "    '''Q3, broken on purpose.'''\n"
                     "    hidden = [keras.layers.Dense(128) for _ in range(n_hidden)]\n"
                     "    raise ValueError(f'no {len(hidden)} layers today')\n")
    report = grade_with(write_notebook(tmp_path / "r" / "td_keras.ipynb", cells), "q3")
    result = report.questions[0]
    assert result.status == "error" and result.failure is not None
    assert result.failure.frames[-1].file == "cell 12"
    assert "raised ValueError: no " in result.message and "layers today" in result.message
    assert result.message.endswith("(cell 12, line 4)")
    assert all(frame.file.startswith("cell ") for frame in result.failure.frames)


def test_generated_starter_notebook_gets_zero(grade_with, tmp_path: Path) -> None:
    folder = tmp_path / "starter"
    folder.mkdir()
    (folder / "td_keras.ipynb").write_text((STARTER_DIR / "td_keras.ipynb").read_text())
    report = grade_with(folder, *ALL)
    assert report.score == 0
    assert {q.status for q in report.questions} == {"not_implemented"}
    assert not [n for n in report.notes if n.startswith("Notebook")]  # only definitions: no skip


@pytest.mark.parametrize("content", ["", '{"cells": ['])
def test_unreadable_notebook_fails_every_question(grade_with, tmp_path: Path, content: str) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "td_keras.ipynb").write_text(content, encoding="utf-8")
    report = grade_with(folder, "q2", lang="fr")
    assert report.notes[0].startswith("td_keras.ipynb ")  # translated
    assert report.questions[0].status == "error"
    assert exit_code(report.questions) == 1


def test_cli_on_invalid_json_exits_1_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "td_keras.ipynb").write_text('{"cells": [{"cell_type": "code",', encoding="utf-8")
    report_path = tmp_path / "r.json"
    done = subprocess.run([sys.executable, "-m", "grader.cli", "q13", "-s", str(tmp_path),
                           "--lang", "en", "--json", str(report_path)], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "td_keras.ipynb is not a valid notebook: it is not JSON (Expecting" in done.stdout
    assert json.loads(report_path.read_text())["questions"][0]["status"] == "error"


def test_full_mode_runs_every_cell_but_no_shell_command(worker, tmp_path: Path) -> None:
    shell_marker = tmp_path / "shell-ran.txt"
    path = write_notebook(tmp_path / "full" / "td_keras.ipynb", [
        "#md # Lab",
        "import keras\nimport numpy as np",
        f"!touch {shell_marker}",
        "%%time\nPATIENCE = int(np.int64(5))",
        "print('trained', PATIENCE)",
        "def make_early_stopping_callback():\n"
        "    return keras.callbacks.EarlyStopping(monitor='val_loss', patience=PATIENCE)\n",
    ])
    full = said_report(grade(path, GradeOptions(questions=("q13",), run=RunOptions(notebook_mode="full")),
                 worker=worker))
    assert full.questions[0].status == "passed", render_terminal(full)
    assert not shell_marker.exists()
    assert full.notes[0] == ("Notebook run in full: every code cell, in order, except the shell "
                             "commands (!…, %pip…) in cell 3, which the grader never runs.")
    definitions = said_report(grade(path, GradeOptions(questions=("q13",)), worker=worker))
    result = definitions.questions[0]
    assert result.status == "error" and "name 'PATIENCE' is not defined" in result.message
    assert result.message.endswith("(cell 6, line 2)")
    assert "cells 3–5 was skipped" in definitions.notes[0]


def test_an_old_v3_notebook_is_still_read(tmp_path: Path) -> None:
    """v4 is read as plain JSON; older formats go through nbformat's converter."""
    import nbformat.v3

    old = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_text_cell("markdown", source="# Lab"),
        nbformat.v3.new_code_cell(input="N = 28 * 28\ndef width():\n    return N\n")])])
    path = tmp_path / "td_keras.ipynb"
    path.write_text(nbformat.v3.writes_json(old), encoding="utf-8")
    module = import_notebook(path, "td_keras_v3_test")
    assert module.width() == 784
    assert [cell.number for cell in plan_notebook(path).cells] == [2]
