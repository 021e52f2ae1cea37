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
import stat
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.jobs import Budgets, Job
from grader.model import CLAIMABLE_STATUSES, Failure, Frame, Observation, Status
from grader.observe import limits
from grader.observe.child import observe
from grader.observe.context import ObserveContext, dumps
from grader.observe.failures import display_path
from grader.observe.view import (
    SANDBOX_UID_BASE,
    View,
    allowed_paths,
    drop_privileges,
    enter_view,
)
from grader.observe.workspace import CopyReport, copy_submission, give_to
from grader.trees import temporary_folder

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAX_RESULT_BYTES = 16 * 1024 * 1024
KEPT_VARIABLES = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "PYTHONHASHSEED", "KERAS_BACKEND",
                            "MPLBACKEND", "PYTHONPATH", "VIRTUAL_ENV"})
KEPT_PREFIXES = ("LC_", "TF_", "OMP_", "OPENBLAS_", "MKL_")
THREAD_ALLOWANCE = 256  # RLIMIT_NPROC counts threads too: room for TensorFlow's pools
POLL_SECONDS = 0.05
MEMORY_POLL_SECONDS = 0.2  # RLIMIT_AS stops most excess at once; this catches process trees
FAULT_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')
SIGNAL_NAMES = {signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "abort",
                signal.SIGBUS: "bus error", signal.SIGFPE: "floating-point exception",
                signal.SIGILL: "illegal instruction", signal.SIGKILL: "killed"}


@dataclass
class _Outcome:
    """What the supervisor saw of the child (mutable while watching, then read once)."""

    output: bytearray
    dropped: int = 0
    status: int | None = None
    killed_for: str = ""
    eof: bool = False


def run_child(job: Job, budgets: Budgets, jobdir: Path, write_fd: int, status_fd: int,
              view: View | None) -> None:
    """Body of the child process: enter the sandbox, apply limits, observe, write the result."""
    os.setpgid(0, 0)
    os.dup2(write_fd, 1)
    os.dup2(write_fd, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    limits.close_inherited_fds(keep=(status_fd,))  # the worker's pipes are not the student's
    sandbox = {"network": not budgets.isolate_network or limits.isolate_network(),
               "view": False, "error": ""}
    limits.limit_memory(budgets.memory_mb * 1024 * 1024)
    limits.limit_file_size(budgets.file_mb * 1024 * 1024)
    if view is not None:
        try:
            enter_view(view, str(jobdir.parent / "root"))
            limits.limit_processes(budgets.max_processes + THREAD_ALLOWANCE)
            drop_privileges(view.uid)
            sandbox["view"] = True
        except OSError as exc:  # never run student code half-sandboxed
            sandbox["error"] = f"{type(exc).__name__}: {exc}"[:300]
            os.write(status_fd, json.dumps(sandbox).encode())
            os._exit(71)
    os.write(status_fd, json.dumps(sandbox).encode())
    os.close(status_fd)
    scratch = jobdir / "scratch"
    kept = {k: v for k, v in os.environ.items() if k in KEPT_VARIABLES or k.startswith(KEPT_PREFIXES)}
    os.environ.clear()  # the grader's environment may hold secrets (tokens, credentials)
    os.environ.update(kept, HOME=str(scratch), TMPDIR=str(scratch), MPLCONFIGDIR=str(scratch))
    tempfile.tempdir = None
    fault_file = open(jobdir / "fault.txt", "w")  # noqa: SIM115 - must outlive this frame
    faulthandler.enable(fault_file)
    faulthandler.dump_traceback_later(max(budgets.timeout - 1.0, 0.5), file=fault_file)
    ctx = ObserveContext(jobdir / "work", job.assignment_dir, scratch, jobdir / "progress.txt")
    observation = observe(job, ctx)
    (jobdir / "result.json").write_text(dumps(observation.to_json()), encoding="utf-8")
    faulthandler.cancel_dump_traceback_later()
    _flush_standard_streams()
    os._exit(0)


def _flush_standard_streams() -> None:
    """Push what the student printed into the pipe before the child ends without cleanup."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def _prepare(job: Job, tmp: Path, sandboxed: bool) -> tuple[Path, CopyReport, View | None]:
    """Make the job's folder (a trusted copy of the submission) and the child's view of it."""
    jobdir = tmp / "job"
    (jobdir / "scratch").mkdir(parents=True)
    (tmp / "root").mkdir()
    _, copied = copy_submission(job.submission, jobdir / "work", job.module)
    if not sandboxed:
        return jobdir, copied, None
    uid = SANDBOX_UID_BASE + os.getpid()
    give_to(jobdir, uid)
    tmp.chmod(0o755)
    view = View(allowed_paths(PROJECT_ROOT, job.assignment_dir), str(jobdir), uid)
    return jobdir, copied, view


def supervise(job_json: dict[str, Any]) -> dict[str, Any]:
    """Run the job in a budgeted child; return the observation's JSON form. Never raises."""
    job = Job.from_json(job_json)
    budgets = job.budgets
    limits.become_subreaper()
    pids_isolated = limits.isolate_pids()
    sandboxed = pids_isolated and os.geteuid() == 0
    with temporary_folder(prefix="grade-") as tmp:  # removed whatever the student left
        jobdir, copied, view = _prepare(job, Path(tmp), sandboxed)
        read_fd, write_fd = os.pipe()
        status_read, status_write = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_fd)
                os.close(status_read)
                run_child(job, budgets, jobdir, write_fd, status_write, view)
            except BaseException:  # noqa: BLE001 - the grader's own fault, before student code
                traceback.print_exc()
            finally:
                os._exit(70)
        os.close(write_fd)
        os.close(status_write)
        outcome = _watch(pid, read_fd, budgets, started)
        limits.kill_descendants(os.getpid())
        _drain(read_fd, outcome, budgets)
        os.close(read_fd)
        sandbox = _read_status(status_read)
        observation = _conclude(job, budgets, jobdir, outcome, time.monotonic() - started)
    if view is not None and not sandbox.get("view"):
        observation = _sandbox_failure(job, sandbox)
    notes = copied.notes() + _sandbox_notes(sandbox, pids_isolated, view is not None)
    return replace(observation, notes=observation.notes + notes).to_json()


def _read_status(fd: int) -> dict[str, Any]:
    """Read what the child said of its sandbox before running student code."""
    data = b""
    with contextlib.suppress(OSError):
        while len(data) < 4096 and (chunk := os.read(fd, 4096)):
            data += chunk
    os.close(fd)
    try:
        status = json.loads(data)
    except ValueError:
        return {}
    return status if isinstance(status, dict) else {}


def _sandbox_notes(sandbox: dict[str, Any], pids_isolated: bool, viewed: bool
                   ) -> tuple[str, ...]:
    """Say what this machine's sandbox could not do for this question."""
    notes = []
    if not sandbox.get("network", False):
        notes.append("network_not_isolated")
    if not pids_isolated:
        notes.append("processes_not_isolated")
    if not viewed:
        notes.append("files_not_isolated")
    return tuple(notes)


def _sandbox_failure(job: Job, sandbox: dict[str, Any]) -> Observation:
    """The grader's error when the sandbox could not be built (student code never ran)."""
    message = f"the sandbox could not be built: {sandbox.get('error') or 'no answer'}"
    return Observation(job.question, Status.GRADER_ERROR,
                       failure=Failure("grader", "SandboxError", message, job.question))


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
    claimed = None if outcome.killed_for else read_untrusted(jobdir / "result.json",
                                                             MAX_RESULT_BYTES)
    if claimed is not None:
        observation = _claimed_observation(job, claimed)
        return replace(observation, output=output, notes=notes, duration=duration)
    where = read_untrusted(jobdir / "progress.txt", 300) or b""
    frames = _fault_frames(read_untrusted(jobdir / "fault.txt", 20000) or b"", jobdir / "work")
    status, failure = _failure_without_result(
        outcome, budgets, where.decode("utf-8", errors="replace").strip(), frames)
    return Observation(job.question, status, failure=failure, notes=notes, output=output,
                       duration=duration)


def _claimed_observation(job: Job, claimed: bytes) -> Observation:
    """Read what the child says its functions did: a claim about this job only, checked here.

    Whatever the child writes, the result is this job's question; a status the student's process
    has no business reporting (a grader error, a timeout) or an unreadable file is the
    question's error, never the grader's; notes and output come from the supervisor alone.
    """
    try:
        observation = Observation.from_json(json.loads(claimed))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        return _forged(job, f"{type(exc).__name__}: {str(exc)[:200]}")
    if observation.status not in CLAIMABLE_STATUSES:
        return _forged(job, f"the status {observation.status!r}")
    return replace(observation, question=job.question, notes=())


def _forged(job: Job, what: str) -> Observation:
    """The question's error for a result the grader cannot take from the student's process."""
    failure = Failure("observe", "UnreadableResult",
                      f"the process running your code left an unreadable result ({what})",
                      job.function or job.question)
    return Observation(job.question, Status.ERROR, failure=failure)


def _failure_without_result(outcome: _Outcome, budgets: Budgets, where: str,
                            frames: tuple[Frame, ...]) -> tuple[str, Failure]:
    """Name the budget or the way the child ended."""
    if outcome.killed_for == "timeout":
        return Status.TIMEOUT, Failure("timeout", "Timeout", f"{budgets.timeout:g} s", where, frames)
    if outcome.killed_for == "processes":
        return Status.CRASHED, Failure("crashed", "ProcessLimit", str(budgets.max_processes), where,
                                  frames)
    if outcome.killed_for == "memory":
        return Status.MEMORY, Failure("memory", "MemoryLimit", f"{budgets.memory_mb} MB", where, frames)
    status = outcome.status or 0
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = SIGNAL_NAMES.get(number, signal.Signals(number).name)
        return Status.CRASHED, Failure("crashed", "Signal", f"{name} (signal {number})", where, frames)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return Status.CRASHED, Failure("crashed", "Exit", f"the process exited with code {code}", where, frames)


def read_untrusted(path: Path, limit: int) -> bytes | None:
    """Read at most `limit` bytes of a regular file the child wrote, never through a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, limit + 1)
        return data if len(data) <= limit else None
    finally:
        os.close(fd)


def _fault_frames(dump: bytes, workdir: Path) -> tuple[Frame, ...]:
    """Return the student's frames from a faulthandler dump (innermost last)."""
    frames = []
    for match in FAULT_FRAME.finditer(dump.decode("utf-8", errors="replace")):
        location = display_path(match["file"], workdir)
        if location is not None:
            frames.append(Frame(location, int(match["line"]), match["function"]))
    seen: list[Frame] = []
    for frame in reversed(frames):  # faulthandler lists innermost first; keep the first dump
        if frame not in seen:
            seen.append(frame)
    return tuple(seen[-5:])
