"""Benchmark: `%grade q4` in a real Jupyter kernel vs the command line's `grade q4`.

Run: python bench/bench_jupyter.py [--repeat 3] [--again 5] [--write bench/JUPYTER_RESULTS.md]
Same machine, same run, interleaved. For each repeat: the command line grades the reference
(`grade q4 -s FOLDER`, a new process: worker start included); then a new kernel in a folder holding
only the lab's `dataset_utils.py` runs the reference's cells (as a student would have, untimed), and the first
`%load_ext grader` + `%grade q4` is timed (the kernel's warm worker starts there), then `--again`
more `%grade q4` calls. Targets (issue #14): a later `%grade q4` ≤ 1.5 s, the first ≤ 1.3× the
command line. Every graded run must pass q4, or the benchmark stops.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
HELPERS = ROOT / "assignments" / "td_keras_mlp" / "dataset_utils.py"  # in every student's folder
FIRST_TARGET, AGAIN_TARGET = 1.3, 1.5
PASSED = "1 of 1 questions passed"
READING = "## Reading"


def reference_cells() -> list[str]:
    """The reference as a student's cells: the top-level code, then one cell per definition."""
    source = REFERENCE.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    cells: list[str] = []
    for node in ast.parse(source).body:
        text = "".join(lines[node.lineno - 1:node.end_lineno])
        if isinstance(node, ast.FunctionDef | ast.ClassDef) or not cells:
            cells.append(text)
        else:
            cells[-1] += text
    return cells


def environment() -> dict[str, str]:
    """The environment of both sides: this checkout's grader, quiet TensorFlow."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": "0"}


def command_line(folder: Path) -> float:
    """Time `grade q4 -s FOLDER` as a new process."""
    command = [sys.executable, "-m", "grader.cli", "--no-color", "--lang", "en", "-s",
               str(folder), "q4"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=environment(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or PASSED not in done.stdout:
        raise SystemExit(f"grade q4 failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def run(client: Any, code: str) -> tuple[float, str]:
    """Execute code in the kernel; return the wall-clock time and what it showed as text."""
    shown: list[str] = []

    def keep(message: dict[str, Any]) -> None:
        content = message["content"]
        if message["msg_type"] in ("execute_result", "display_data"):
            shown.append(content["data"].get("text/plain", ""))
        elif message["msg_type"] == "stream":
            shown.append(content["text"])
        elif message["msg_type"] == "error":
            shown.append("\n".join(content["traceback"]))

    started = time.perf_counter()
    reply = client.execute_interactive(code, timeout=900, output_hook=keep)
    elapsed = time.perf_counter() - started
    if reply["content"]["status"] != "ok":
        raise SystemExit(f"the kernel failed on {code!r}:\n{''.join(shown)}")
    return elapsed, "".join(shown)


def kernel_session(folder: Path, again: int) -> tuple[float, list[float]]:
    """Start a kernel in `folder`, run the reference's cells, time the first and later %grade."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(folder), env=environment())
    try:
        for cell in reference_cells():
            run(client, cell)
        first, text = run(client, "%load_ext grader\n%grade q4 --lang en")
        if PASSED not in text:
            raise SystemExit(f"%grade q4 did not pass:\n{text}")
        later = []
        for _ in range(again):
            elapsed, text = run(client, "%grade q4 --lang en")
            if PASSED not in text:
                raise SystemExit(f"%grade q4 did not pass:\n{text}")
            later.append(elapsed)
        return first, later
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


def main() -> int:
    """Time both, interleaved, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--again", type=int, default=5, help="later %%grade calls per kernel")
    parser.add_argument("--write", type=Path, help="write a markdown table here")
    args = parser.parse_args()
    cli, first, later = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-jupyter-") as tmp:
        as_py, kernel_dir = Path(tmp, "py"), Path(tmp, "kernel")
        as_py.mkdir()
        kernel_dir.mkdir()
        shutil.copy(REFERENCE, as_py / "td_keras.py")
        shutil.copy(HELPERS, kernel_dir / HELPERS.name)
        for _ in range(args.repeat):  # interleaved, so that machine noise hits both alike
            cli.append(command_line(as_py))
            start, again = kernel_session(kernel_dir, args.again)
            first.append(start)
            later += again
    baseline = statistics.median(cli)
    first_ratio = statistics.median(first) / baseline
    again_median = statistics.median(later)
    rows = [("`grade q4` (command line, new process)", cli),
            ("first `%load_ext grader` + `%grade q4` (worker starts)", first),
            ("later `%grade q4` (warm worker)", later)]
    lines = ["| run (reference, q4) | runs s | median s | ratio to `grade q4` |",
             "|---|---|---|---|"]
    for name, values in rows:
        runs = ", ".join(f"{v:.2f}" for v in values)
        median = statistics.median(values)
        lines.append(f"| {name} | {runs} | {median:.2f} | {median / baseline:.2f}× |")
    verdict = (f"first ≤ {FIRST_TARGET}× the command line: "
               f"{'met' if first_ratio <= FIRST_TARGET else 'NOT met'} ({first_ratio:.2f}×); "
               f"later ≤ {AGAIN_TARGET} s: "
               f"{'met' if again_median <= AGAIN_TARGET else 'NOT met'} ({again_median:.2f} s).")
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.repeat} interleaved repeats (a new kernel "
              f"each), {args.again} later calls per kernel, medians. Targets: {verdict}")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.write:  # the hand-written reading below the results is kept
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        reading = old[old.index(READING):] if READING in old else ""
        args.write.write_text("# Jupyter benchmark (`%grade`)\n\n`python bench/bench_jupyter.py "
                              "--write bench/JUPYTER_RESULTS.md`\n\n" + text
                              + ("\n" + reading if reading else ""), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
