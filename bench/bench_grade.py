"""Benchmark: one question and a full grading of an assignment's reference, as ratios to `import keras`.

Run: python bench/bench_grade.py [--assignment td_keras_mlp] [--question q4] [--repeat 3]
                                 [--write bench/GRADE_RESULTS.md]
     python bench/bench_grade.py --assignment td_convnets --question q3 --write bench/CONVNETS_RESULTS.md
Every command runs on this machine in this run, interleaved, so that machine noise hits them
alike; ratios, not seconds, are the result (targets: one question ≤ 1.3×, full grading ≤ 6×).
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
TARGETS = {"question": 1.3, "all": 6.0}


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
    parser.add_argument("--assignment", default="td_keras_mlp")
    parser.add_argument("--question", default="q4")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write a markdown table here")
    args = parser.parse_args()
    reference = ROOT / "reference" / args.assignment
    grade = [sys.executable, "-m", "grader.cli", "--no-color", "--assignment", args.assignment]
    commands = {
        "import keras": ([sys.executable, "-c", "import keras"], None),
        f"grade {args.question}": ([*grade, args.question], TARGETS["question"]),
        "grade (all)": (grade, TARGETS["all"]),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, (command, _) in commands.items():
            times[name].append(timed(command, reference))
    baseline = statistics.median(times["import keras"])
    lines = [f"| command ({args.assignment} reference) | runs s | median s | ratio to "
             "`import keras` | target |", "|---|---|---|---|---|"]
    for name, values in times.items():
        target = commands[name][1]
        runs = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"| `{name}` | {runs} | {statistics.median(values):.2f} | "
                     f"{statistics.median(values) / baseline:.2f}× | "
                     f"{f'≤ {target}×' if target else 'baseline'} |")
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.repeat} interleaved runs, medians; load "
              f"average before: {os.getloadavg()[0]:.1f}.")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text(f"# grade benchmark: {args.assignment}\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
