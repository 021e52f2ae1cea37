"""Benchmark: grading the td_convnets reference (`grade q3`, all 8), as ratios to `import keras`.

Run: python bench/bench_convnets.py [--repeat 3] [--write bench/CONVNETS_RESULTS.md]
(with PYTHONPATH pointing at the checkout to bench). Every command runs on this machine in this
run, interleaved; ratios, not seconds, are the result (target from issue 13: a full grading of
the td_convnets reference ≤ 6× `python -c "import keras"`).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

from bench_grade import timed

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_convnets"
TARGETS = {"grade q3": 1.3, "grade (all 8)": 6.0}


def main() -> int:
    """Time the baseline and the two grading commands, interleaved, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write a markdown table here")
    args = parser.parse_args()
    commands = {
        "import keras": [sys.executable, "-c", "import keras"],
        "grade q3": [sys.executable, "-m", "grader.cli", "q3", "--no-color"],
        "grade (all 8)": [sys.executable, "-m", "grader.cli", "--no-color"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):  # interleaved, so that machine noise hits every command alike
        for name, command in commands.items():
            times[name].append(timed(command, REFERENCE))
    baseline = statistics.median(times["import keras"])
    lines = ["| command (td_convnets reference) | runs s | median s | ratio to `import keras` "
             "| target |", "|---|---|---|---|---|"]
    for name, values in times.items():
        ratio = statistics.median(values) / baseline
        target = f"≤ {TARGETS[name]}×" if name in TARGETS else "baseline"
        runs = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"| `{name}` | {runs} | {statistics.median(values):.2f} | {ratio:.2f}× "
                     f"| {target} |")
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.repeat} interleaved runs, medians; "
              f"load average before: {os.getloadavg()[0]:.1f}.")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text("# td_convnets grading benchmark\n\n`python bench/bench_convnets.py "
                              "--write bench/CONVNETS_RESULTS.md`\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
