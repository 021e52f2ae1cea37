"""Benchmark: `grade q4` and a full grading of the reference, as ratios to `import keras`.

Run: python bench/bench_grade.py [--repeat 3] [--write bench/GRADE_RESULTS.md]
All three commands run on this machine in this run; ratios, not seconds, are the result
(targets from the issue: grade q4 ≤ 1.3×, full grading ≤ 6×).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_keras_mlp"
TARGETS = {"grade q4": 1.3, "grade (all 14)": 6.0}


def timed(command: list[str], cwd: Path) -> float:
    """Run a command to completion and return its wall-clock time."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    """Time the baseline and the two grading commands, interleaved, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write a markdown table here")
    args = parser.parse_args()
    commands = {
        "import keras": [sys.executable, "-c", "import keras"],
        "grade q4": [sys.executable, "-m", "grader.cli", "q4", "--no-color"],
        "grade (all 14)": [sys.executable, "-m", "grader.cli", "--no-color"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):  # interleaved, so that machine noise hits every command alike
        for name, command in commands.items():
            times[name].append(timed(command, REFERENCE))
    baseline = statistics.median(times["import keras"])
    lines = ["| command | median s | ratio to `import keras` | target |",
             "|---|---|---|---|"]
    for name, values in times.items():
        ratio = statistics.median(values) / baseline
        target = f"≤ {TARGETS[name]}×" if name in TARGETS else "baseline"
        lines.append(f"| `{name}` | {statistics.median(values):.2f} | {ratio:.2f}× | {target} |")
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.repeat} interleaved runs, medians.")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text("# grade benchmark\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
