"""Benchmark this checkout against another one (the baseline), interleaved in one session.

Run: python bench/bench_side_by_side.py --baseline /path/to/old/checkout [--rounds 3]
                                        [--students 6] [--write bench/SIDE_BY_SIDE.md]
Each round runs, in turn: `import keras`; `grade q4` and a full `grade` of the td_keras_mlp
reference with this checkout, then with the baseline; then `grade bulk` of the same synthetic
class (bench_bulk's) with 2 warm workers, this checkout then the baseline. Machine noise hits both
alike; the result is ratios (to `import keras`, and new / old), medians over the rounds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_bulk import make_class  # noqa: E402

LAB = "td_keras_mlp"


def timed(command: list[str], cwd: Path, checkout: Path) -> float:
    """Run a command with `checkout`'s grader first on the path; return its wall-clock time."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
           "PYTHONPATH": str(checkout)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} in {cwd} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def commands(checkout: Path, klass: Path, out: Path) -> dict[str, tuple[list[str], Path]]:
    """The three timed commands for one checkout."""
    grade = [sys.executable, "-m", "grader.cli", "--no-color", "--assignment", LAB]
    reference = checkout / "reference" / LAB
    bulk = [sys.executable, "-m", "grader.cli", "bulk", str(klass), "--out", str(out),
            "--workers", "2", "--lang", "en", "--assignment", LAB]
    return {"grade q4": ([*grade, "q4"], reference), "grade (all)": (grade, reference),
            "grade bulk": (bulk, checkout)}


def median_line(name: str, new: list[float], old: list[float], keras: float) -> str:
    """One table row: medians, ratios to import keras, and new / old."""
    n, o = statistics.median(new), statistics.median(old)
    runs = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(new, old, strict=True))
    return (f"| `{name}` | {runs} | {n:.1f} | {o:.1f} | {n / keras:.2f}× | {o / keras:.2f}× | "
            f"{n / o:.2f}× |")


def main() -> int:
    """Time both checkouts' commands, interleaved, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    baseline = args.baseline.resolve()
    keras: list[float] = []
    times: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class"
        make_class(klass, args.students)
        for round_ in range(args.rounds):
            keras.append(timed([sys.executable, "-c", "import keras"], Path(tmp), ROOT))
            for side, checkout in (("new", ROOT), ("old", baseline)):
                out = Path(tmp) / f"out-{side}-{round_}"
                for name, (command, cwd) in commands(checkout, klass, out).items():
                    times.setdefault(name, {"new": [], "old": []})[side].append(
                        timed(command, cwd, checkout))
    base = statistics.median(keras)
    rows = ["| command | runs new/old s | new s | old s | new / `import keras` | "
            "old / `import keras` | new / old |", "|---|---|---|---|---|---|---|",
            f"| `import keras` | {', '.join(f'{k:.1f}' for k in keras)} | {base:.1f} | | 1.00× | | |"]
    rows += [median_line(name, t["new"], t["old"], base) for name, t in times.items()]
    bulk = times["grade bulk"]
    throughput = statistics.median(bulk["old"]) / statistics.median(bulk["new"])
    text = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; {args.rounds} interleaved rounds, medians; load average "
            f"at the end: {os.getloadavg()[0]:.1f}. Baseline: {baseline}. Class: "
            f"{args.students} students, all questions, 2 workers.\n\n" + "\n".join(rows)
            + f"\n\nClass throughput, new / old: {throughput:.2f}×\n")
    print(text)
    if args.write:
        args.write.write_text("# Side by side with the baseline\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
