"""Benchmark: grading the reference as a notebook full of heavy cells vs the same code as .py.

Run: python bench/bench_notebook.py [--repeat 3] [--write bench/NOTEBOOK_RESULTS.md]
Both gradings (all 14 questions, `grade -s FOLDER`) run on this machine in this run, interleaved;
the ratio is the result (target from issue #4: notebook ≤ 1.2× the .py). The notebook spreads the
reference's functions over many cells, interleaved with cells that would train on the full MNIST
for 10 epochs, `%matplotlib inline`, `!pip list`, prints and plots: none of them may run.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
TARGET = 1.2
HEAVY_CELLS = (
    "%matplotlib inline",
    "!pip list",
    "(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()\n"
    "x_train = x_train.reshape(-1, 784).astype('float32') / 255\n"
    "model = build_mlp(784, 10, 3)\n"
    "history = model.fit(x_train, keras.utils.to_categorical(y_train), epochs=10)",
    "print(model.summary())\nplt.plot(history.history['accuracy'])\nplt.show()",
    "%%time\nsearch = select_optimizer(x_train, y_train, epochs=10, cv=5)",
)


def notebook_cells(source: str) -> list[nbformat.NotebookNode]:
    """Split a module into cells (top-level code, then one per definition) with heavy cells between."""
    lines = source.splitlines(keepends=True)
    chunks: list[str] = []
    for node in ast.parse(source).body:
        text = "".join(lines[node.lineno - 1:node.end_lineno])
        if isinstance(node, ast.FunctionDef | ast.ClassDef) or not chunks:
            chunks.append(text)
        else:
            chunks[-1] += text
    cells = [nbformat.v4.new_markdown_cell("# TD keras")]
    for index, chunk in enumerate(chunks):
        cells.append(nbformat.v4.new_code_cell(chunk))
        if index:
            cells.append(nbformat.v4.new_code_cell(HEAVY_CELLS[index % len(HEAVY_CELLS)]))
    return cells


def timed(command: list[str]) -> float:
    """Run a command to completion in the project folder and return its wall-clock time."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command} did not get full marks ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    """Time both gradings, interleaved, and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write a markdown table here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-notebook-") as tmp:
        as_py, as_notebook = Path(tmp, "py"), Path(tmp, "notebook")
        as_py.mkdir()
        as_notebook.mkdir()
        shutil.copy(REFERENCE, as_py / "td_keras.py")
        book = nbformat.v4.new_notebook(cells=notebook_cells(REFERENCE.read_text("utf-8")))
        (as_notebook / "td_keras.ipynb").write_text(nbformat.writes(book), encoding="utf-8")
        grade = [sys.executable, "-m", "grader.cli", "--no-color", "--lang", "en", "-s"]
        commands = {"td_keras.py": grade + [str(as_py)],
                    "td_keras.ipynb": grade + [str(as_notebook)]}
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):  # interleaved, so that machine noise hits both alike
            for name, command in commands.items():
                times[name].append(timed(command))
    baseline = statistics.median(times["td_keras.py"])
    ratio = statistics.median(times["td_keras.ipynb"]) / baseline
    lines = ["| submission (reference, all 14 questions) | runs s | median s | ratio to .py |",
             "|---|---|---|---|"]
    for name, values in times.items():
        runs = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"| `{name}` | {runs} | {statistics.median(values):.2f} | "
                     f"{statistics.median(values) / baseline:.2f}× |")
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.repeat} interleaved runs, medians. The notebook "
              f"has {len(book.cells)} cells, {len(book.cells) // 2 - 1} of them heavy (never run). "
              f"Target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'NOT met'} ({ratio:.2f}×).")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text("# notebook benchmark\n\n`python bench/bench_notebook.py --write "
                              "bench/NOTEBOOK_RESULTS.md`\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
