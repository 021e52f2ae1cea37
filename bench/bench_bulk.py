"""Benchmark `grade bulk`: throughput with 1 and 2 warm workers, and peak memory per worker.

Run: python bench/bench_bulk.py [--students 6] [--questions q1,q3] [--write bench/RESULTS.md]
A class of distinct submissions (references, mistakes, the starter, a crashing one) is graded
from scratch (empty cache) once per worker count; /proc is sampled every 0.2 s to find, for each
warm worker, the peak memory of its process tree (the worker and the children it forks).
Targets from the issue: ≥ 1 submission / 10 s / core with warm workers, ≤ 1.5 GB per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "reference" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
STARTER = (ROOT / "assignments" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
WORKER_MARK = "grader.observe.worker"
SAMPLE_SECONDS = 0.2
TARGET_PER_CORE_MINUTE = 6.0  # one submission per 10 s per core
TARGET_MB = 1536


def variants() -> list[str]:
    """Kinds of submissions a class hands in, in turn."""
    q3 = '    """Q3: n_hidden hidden layers of 128 ReLU units."""\n'
    return [REFERENCE,
            REFERENCE.replace("HIDDEN_UNITS = 128", "HIDDEN_UNITS = 64"),
            REFERENCE.replace("dropout=0.1", "dropout=0.2").replace("patience=5", "patience=3"),
            STARTER,
            REFERENCE.replace(q3, q3 + "    import ctypes\n    ctypes.string_at(0)\n")]


def make_class(folder: Path, students: int) -> None:
    """Write `students` distinct submissions (a comment makes each one's content unique)."""
    kinds = variants()
    for index in range(students):
        student = folder / f"student{index:03d}"
        student.mkdir(parents=True)
        source = f"# student {index}\n" + kinds[index % len(kinds)]
        (student / "td_keras.py").write_text(source, encoding="utf-8")


def _children() -> dict[int, list[int]]:
    """Map every process id to its children's ids (from /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _descendants(pid: int, tree: dict[int, list[int]]) -> list[int]:
    """Return a process and all its descendants."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(tree.get(current, ()))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """Return (RSS, PSS) of a process in kB; PSS splits pages shared by forks fairly."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _is_warm_worker(pid: int) -> bool:
    """Whether a process is a warm worker (not one of its forks, which share its command line)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        parent_command = Path(f"/proc/{parent}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return False
    return WORKER_MARK in command and WORKER_MARK not in parent_command


class MemorySampler(threading.Thread):
    """Sample the memory of each warm worker's process tree under a root process."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.peaks: dict[int, tuple[int, int]] = {}  # warm worker pid -> (peak RSS, peak PSS)

    def run(self) -> None:
        """Sample until stopped."""
        while not self.stop.is_set():
            tree = _children()
            for pid in _descendants(self.root, tree):
                if not _is_warm_worker(pid):
                    continue
                usage = [_memory_kb(p) for p in _descendants(pid, tree)]
                rss, pss = sum(u[0] for u in usage), sum(u[1] for u in usage)
                old = self.peaks.get(pid, (0, 0))
                self.peaks[pid] = (max(old[0], rss), max(old[1], pss))
            self.stop.wait(SAMPLE_SECONDS)


def run_bulk(folder: Path, out: Path, workers: int, questions: str) -> tuple[float, MemorySampler]:
    """Grade the class from scratch; return the wall time and the memory samples."""
    command = [sys.executable, "-m", "grader.cli", "bulk", str(folder), "--out", str(out),
               "--workers", str(workers), "--lang", "en"]
    if questions:
        command += ["--questions", questions]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    sampler = MemorySampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if process.returncode not in (0, 3):
        raise SystemExit(f"grade bulk failed ({process.returncode}):\n{stderr[-2000:]}")
    print(stdout.strip(), file=sys.stderr)
    return elapsed, sampler


def question_seconds(out: Path) -> dict[str, float]:
    """Return the mean time each question took per submission (from the students' reports)."""
    totals: dict[str, float] = {}
    reports = [json.loads(p.read_text()) for p in sorted((out / "students").glob("*.json"))]
    for report in reports:
        for question in report["questions"]:
            totals[question["id"]] = totals.get(question["id"], 0.0) + question["duration"]
    return {q: t / max(1, len(reports)) for q, t in totals.items()}


def main() -> int:
    """Grade the same class with 1 and 2 workers and report throughput and memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--questions", default="", help="e.g. q1,q3 (default: all 14)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--write", type=Path, help="write a markdown report here")
    args = parser.parse_args()
    rows = ["| workers | submissions | wall s | submissions / min | per core / min | "
            "peak RSS per worker (MB) | peak PSS per worker (MB) |", "|---|---|---|---|---|---|---|"]
    per_question: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        folder = Path(tmp) / "class"
        make_class(folder, args.students)
        for workers in (int(w) for w in args.workers.split(",")):
            elapsed, sampler = run_bulk(folder, Path(tmp) / f"out{workers}", workers,
                                        args.questions)
            rate = args.students / elapsed * 60
            cores = min(workers, os.cpu_count() or 1)
            rss = max((p[0] for p in sampler.peaks.values()), default=0) / 1024
            pss = max((p[1] for p in sampler.peaks.values()), default=0) / 1024
            per_question = question_seconds(Path(tmp) / f"out{workers}")
            rows.append(f"| {workers} | {args.students} | {elapsed:.1f} | {rate:.2f} | "
                        f"{rate / cores:.2f} | {rss:.0f} | {pss:.0f} |")
    load = os.getloadavg()
    header = (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}; load average at the end {load[0]:.1f}; questions: "
              f"{args.questions or 'all 14'}; each run from an empty cache, wall time including "
              f"the warm workers' start (~4 s each). Targets: ≥ {TARGET_PER_CORE_MINUTE:g} "
              f"submissions / min / core, ≤ {TARGET_MB} MB per worker.")
    slowest = sorted(per_question.items(), key=lambda item: -item[1])
    costs = ", ".join(f"{q} {t:.1f} s" for q, t in slowest[:5])
    text = (header + "\n\n" + "\n".join(rows) + "\n\n"
            f"Sandboxed question time per submission (mean over the class, last run): "
            f"{sum(per_question.values()):.1f} s; slowest: {costs}.\n")
    print(text)
    if args.write:  # the hand-written "## Reading" of an earlier run is kept below the numbers
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        reading = old[old.index("\n## Reading"):] if "\n## Reading" in old else ""
        args.write.write_text("# grade bulk benchmark\n\n" + text + reading, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
