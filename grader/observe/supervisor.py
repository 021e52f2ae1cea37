"""Run one job in a child process under budgets, and turn how it ended into an Observation.

The supervisor is a process of its own (forked from the warm worker). It adopts every process the
student's code starts, caps its output, enforces the wall-clock and memory budgets, and kills
whatever is left when the question ends.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import re
import select
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.model import Failure, Frame, Observation
from grader.observe import limits
from grader.observe.child import Job, copy_submission, observe
from grader.observe.context import ObserveContext, dumps
from grader.observe.failures import display_path

POLL_SECONDS = 0.05
MEMORY_POLL_SECONDS = 0.2  # RLIMIT_AS stops most excess at once; this catches process trees
FAULT_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')
SIGNAL_NAMES = {signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "abort",
                signal.SIGBUS: "bus error", signal.SIGFPE: "floating-point exception",
                signal.SIGILL: "illegal instruction", signal.SIGKILL: "killed"}


@dataclass(frozen=True)
class Budgets:
    """Limits for one question's child process."""

    timeout: float = 60.0
    memory_mb: int = 3072
    output_bytes: int = 64 * 1024
    max_processes: int = 256  # processes the student's code may have alive at once
    file_mb: int = 512  # the largest file the student's code may write
    isolate_network: bool = True
    hidden_paths: tuple[str, ...] = ()  # folders the student's code must not read (the reference)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Budgets:
        """Read budgets from their JSON form."""
        return Budgets(**{k: v for k, v in data.items() if k in Budgets.__dataclass_fields__})


@dataclass
class _Outcome:
    """What the supervisor saw of the child (mutable while watching, then read once)."""

    output: bytearray
    dropped: int = 0
    status: int | None = None
    killed_for: str = ""
    eof: bool = False


def run_child(job: Job, budgets: Budgets, jobdir: Path, write_fd: int) -> None:
    """Body of the child process: apply limits, observe, write the result file, exit."""
    os.setpgid(0, 0)
    os.dup2(write_fd, 1)
    os.dup2(write_fd, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    notes = []
    if budgets.isolate_network and not limits.isolate_network():
        notes.append("network_not_isolated")
    fault_file = open(jobdir / "fault.txt", "w")  # noqa: SIM115 - must outlive this frame
    faulthandler.enable(fault_file)
    faulthandler.dump_traceback_later(max(budgets.timeout - 1.0, 0.5), file=fault_file)
    limits.limit_memory(budgets.memory_mb * 1024 * 1024)
    limits.limit_file_size(budgets.file_mb * 1024 * 1024)
    workdir, scratch = jobdir / "work", jobdir / "scratch"
    scratch.mkdir()
    copy_submission(job.submission, workdir, job.module)
    if budgets.hidden_paths and not limits.hide_paths(list(budgets.hidden_paths)):
        notes.append("reference_not_hidden")
    ctx = ObserveContext(workdir, job.assignment_dir, scratch, jobdir / "progress.txt")
    observation = observe(job, ctx)
    observation = replace(observation, notes=observation.notes + tuple(notes))
    (jobdir / "result.json").write_text(dumps(observation.to_json()), encoding="utf-8")
    faulthandler.cancel_dump_traceback_later()
    _flush_standard_streams()
    os._exit(0)


def _flush_standard_streams() -> None:
    """Push what the student printed into the pipe before the child ends without cleanup."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def supervise(job_json: dict[str, Any]) -> dict[str, Any]:
    """Run the job in a budgeted child; return the observation's JSON form. Never raises."""
    job = Job.from_json(job_json)
    budgets = Budgets.from_json(job_json.get("budgets", {}))
    limits.become_subreaper()
    pids_isolated = limits.isolate_pids()
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        jobdir = Path(tmp)
        read_fd, write_fd = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_fd)
                run_child(job, budgets, jobdir, write_fd)
            finally:
                os._exit(70)
        os.close(write_fd)
        outcome = _watch(pid, read_fd, budgets, started)
        limits.kill_descendants(os.getpid())
        _drain(read_fd, outcome, budgets)
        os.close(read_fd)
        observation = _conclude(job, budgets, jobdir, outcome, time.monotonic() - started)
    if not pids_isolated:
        observation = replace(observation, notes=observation.notes + ("processes_not_isolated",))
    return observation.to_json()


def _watch(pid: int, read_fd: int, budgets: Budgets, started: float) -> _Outcome:
    """Drain the child's output until it exits or exceeds a budget."""
    outcome = _Outcome(bytearray())
    memory_cap = budgets.memory_mb * 1024 * 1024
    next_memory_check = started
    while outcome.status is None:
        _drain(read_fd, outcome, budgets, until=time.monotonic() + POLL_SECONDS)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            outcome.status = status
            break
        now = time.monotonic()
        if now - started > budgets.timeout:
            outcome.killed_for = "timeout"
        elif now >= next_memory_check:  # scanning /proc costs: not at every output slice
            next_memory_check = now + MEMORY_POLL_SECONDS
            tree = limits.descendants(os.getpid())
            if len(tree) > budgets.max_processes + 1:  # + the child itself
                outcome.killed_for = "processes"
            elif sum(limits.resident_bytes(p) for p in tree) > memory_cap:
                outcome.killed_for = "memory"
        if outcome.killed_for:
            limits.kill_descendants(os.getpid())
            outcome.status = -1
    return outcome


def _drain(read_fd: int, outcome: _Outcome, budgets: Budgets, until: float = 0.0) -> None:
    """Read what the child prints until `until` (or, by default, what is there now).

    Everything is read so the child never blocks on a full pipe; at most the output budget is kept.
    """
    while not outcome.eof:
        ready, _, _ = select.select([read_fd], [], [], max(until - time.monotonic(), 0.0))
        if not ready:
            return
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            outcome.eof = True
            return
        room = max(budgets.output_bytes - len(outcome.output), 0)
        outcome.output += chunk[:room]
        outcome.dropped += len(chunk) - len(chunk[:room])
    time.sleep(max(until - time.monotonic(), 0.0))  # the pipe is closed: wait like select would


def _conclude(job: Job, budgets: Budgets, jobdir: Path, outcome: _Outcome, duration: float
              ) -> Observation:
    """Read the child's result, or explain why there is none."""
    output = outcome.output.decode("utf-8", errors="replace")
    notes: tuple[str, ...] = ()
    if outcome.dropped:
        notes = (f"output_truncated:{outcome.dropped}",)
        output += f"\n… {outcome.dropped} more bytes of output were cut."
    result = jobdir / "result.json"
    if not outcome.killed_for and result.exists():
        try:
            observation = Observation.from_json(json.loads(result.read_text(encoding="utf-8")))
            return replace(observation, output=output + observation.output,
                           notes=observation.notes + notes, duration=duration)
        except (ValueError, TypeError, KeyError) as exc:
            failure = Failure("grader", type(exc).__name__, f"unreadable result: {exc}", job.question)
            return Observation(job.question, "grader_error", failure=failure, output=output)
    where = _read(jobdir / "progress.txt")
    frames = _fault_frames(jobdir / "fault.txt", jobdir / "work")
    status, failure = _failure_without_result(outcome, budgets, where, frames)
    return Observation(job.question, status, failure=failure, notes=notes, output=output,
                       duration=duration)


def _failure_without_result(outcome: _Outcome, budgets: Budgets, where: str,
                            frames: tuple[Frame, ...]) -> tuple[str, Failure]:
    """Name the budget or the way the child ended."""
    if outcome.killed_for == "timeout":
        return "timeout", Failure("timeout", "Timeout", f"{budgets.timeout:g} s", where, frames)
    if outcome.killed_for == "processes":
        return "crashed", Failure("crashed", "ProcessLimit", str(budgets.max_processes), where,
                                  frames)
    if outcome.killed_for == "memory":
        return "memory", Failure("memory", "MemoryLimit", f"{budgets.memory_mb} MB", where, frames)
    status = outcome.status or 0
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = SIGNAL_NAMES.get(number, signal.Signals(number).name)
        return "crashed", Failure("crashed", "Signal", f"{name} (signal {number})", where, frames)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return "crashed", Failure("crashed", "Exit", f"the process exited with code {code}", where, frames)


def _read(path: Path) -> str:
    """Return a small text file's content, or '' when it is missing."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:300]
    except OSError:
        return ""


def _fault_frames(fault_file: Path, workdir: Path) -> tuple[Frame, ...]:
    """Return the student's frames from a faulthandler dump (innermost last)."""
    frames = []
    for match in FAULT_FRAME.finditer(_read_all(fault_file)):
        location = display_path(match["file"], workdir)
        if location is not None:
            frames.append(Frame(location, int(match["line"]), match["function"]))
    seen: list[Frame] = []
    for frame in reversed(frames):  # faulthandler lists innermost first; keep the first dump
        if frame not in seen:
            seen.append(frame)
    return tuple(seen[-5:])


def _read_all(path: Path) -> str:
    """Return a file's text or '' (for the faulthandler dump)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return ""
