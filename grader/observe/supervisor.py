"""Run one job: the student's code in a budgeted executor, the grader's observer beside it.

The supervisor is a process of its own (forked from the warm worker, never running student code
nor a TensorFlow op). It forks two processes:
- the **observer** (trusted): the assignment's observers, which receive the job's argument sets
  from the worker (the supervisor never reads them, so the executor, forked from it, never holds
  them) and send the observation back on a pipe;
- the **executor** (the student's process): PID 1 of its own namespaces, its own filesystem view
  and uid, which imports the submission and answers the observer's requests.
The supervisor adopts every process the student's code starts, caps its output, enforces the
wall-clock, memory and process budgets, and kills whatever is left when the job ends.
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.jobs import Budgets, Job
from grader.model import Failure, Frame, Observation, Status
from grader.observe import audit, cgroups, limits, seccomp
from grader.observe.cgroups import MemoryGroup
from grader.observe.channel import Channel, ChannelError
from grader.observe.failures import display_path
from grader.observe.host import host
from grader.observe.observer import CHANNEL_CLOSED
from grader.observe.view import (
    SANDBOX_UID_BASE,
    View,
    allowed_paths,
    bounded_folder,
    drop_privileges,
    enter_view,
    private_folder,
    release_folder,
)
from grader.observe.workspace import CopyReport, copy_submission, give_to
from grader.trees import temporary_folder

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAX_AUDIT_BYTES = 64 * 1024
MAX_RESULT_BYTES = 64 * 1024 * 1024
MAX_SETS_BYTES = 1024 * 1024
OBSERVER_SPACE = 512 * 1024 * 1024  # bytes of each of the observer's two folders
OBSERVER_UID_BASE = 5_000_000  # the observer runs as OBSERVER_UID_BASE + the supervisor's pid
KEPT_VARIABLES = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "PYTHONHASHSEED", "KERAS_BACKEND",
                            "MPLBACKEND", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONSAFEPATH"})
KEPT_PREFIXES = ("LC_", "TF_", "OMP_", "OPENBLAS_", "MKL_")
STUDENT_NICENESS = 10  # the student's processes yield the CPU to the grader's
THREAD_ALLOWANCE = 256  # RLIMIT_NPROC counts threads too: room for TensorFlow's pools
POLL_SECONDS = 0.05
MEMORY_POLL_SECONDS = 0.2  # RLIMIT_AS stops most excess at once; this catches process trees
EXIT_GRACE = 5.0  # seconds the executor has to end once the observer is done
FAULT_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')
SIGNAL_NAMES = {signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "abort",
                signal.SIGBUS: "bus error", signal.SIGFPE: "floating-point exception",
                signal.SIGILL: "illegal instruction", signal.SIGKILL: "killed"}


@dataclass(frozen=True)
class Layout:
    """The job's folders: one tree, seen at the same paths by the executor and the observer."""

    root: Path  # root-owned; neither process may rename what is in it
    sandboxed: bool

    @property
    def work(self) -> Path:
        """The executor's copy of the submission."""
        return self.root / "work"

    @property
    def scratch(self) -> Path:
        """HOME and TMPDIR of the student's code; the observer reads the files it leaves there."""
        return self.root / "scratch"

    @property
    def executor_out(self) -> Path:
        """The executor's exchange folder (models and arrays it sends)."""
        return self.root / "xe"

    @property
    def observer_out(self) -> Path:
        """The observer's exchange folder (models and arrays it hands over)."""
        return self.root / "xo"

    @property
    def observer_private(self) -> Path:
        """The observer's own folder: copies of the executor's files, its progress file."""
        return self.root / "op"

    @property
    def fault(self) -> Path:
        """Where the executor's faulthandler writes the student's frames on a time-out."""
        return self.root / "fault" / "fault.txt"

    @property
    def progress(self) -> Path:
        """Which call is running, as the observer says."""
        return self.observer_private / "progress.txt"


@dataclass
class _Outcome:
    """What the supervisor saw of its two processes (mutable while watching, then read once)."""

    output: bytearray
    result: bytearray = field(default_factory=bytearray)
    dropped: int = 0
    executor_status: int | None = None
    observer_status: int | None = None
    killed_for: str = ""
    oom_killed: bool = False  # the kernel killed in the job's memory cgroup
    output_eof: bool = False
    result_eof: bool = False


def _child_environment(scratch: Path) -> None:
    """Keep only harmless variables (the grader's may hold secrets); HOME and TMPDIR in scratch."""
    kept = {k: v for k, v in os.environ.items() if k in KEPT_VARIABLES or k.startswith(KEPT_PREFIXES)}
    os.environ.clear()
    os.environ.update(kept, HOME=str(scratch), TMPDIR=str(scratch), MPLCONFIGDIR=str(scratch))
    tempfile.tempdir = None


def run_executor_process(job: Job, layout: Layout, channel: Channel, write_fd: int,
                         status_fd: int, view: View | None, group: MemoryGroup | None,
                         audit_fd: int = -1) -> None:
    """Body of the executor process: enter the sandbox, apply limits, run the student's code."""
    from grader.observe.executor import ExecutorContext, run_executor

    budgets = job.budgets
    os.setpgid(0, 0)
    if group is not None:
        cgroups.join(group)  # before anything is allocated: every page is counted there
    os.setpriority(os.PRIO_PROCESS, 0, STUDENT_NICENESS)  # the supervisor keeps the CPU it needs
    os.dup2(write_fd, 1)
    os.dup2(write_fd, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    # the worker's pipes and the observer's ends are not the student's
    limits.close_inherited_fds(keep=(status_fd, channel.read_fd, channel.write_fd, audit_fd))
    sandbox = {"network": not budgets.isolate_network or limits.isolate_network(),
               "view": False, "error": ""}
    limits.limit_memory(budgets.memory_mb * 1024 * 1024)
    limits.limit_file_size(budgets.file_mb * 1024 * 1024)
    if view is not None:
        try:
            enter_view(view, str(layout.root.parent / "root"))
            limits.limit_processes(budgets.max_processes + THREAD_ALLOWANCE)
            drop_privileges(view.uid)
            sandbox["view"] = True
        except OSError as exc:  # never run student code half-sandboxed
            sandbox["error"] = f"{type(exc).__name__}: {exc}"[:300]
            os.write(status_fd, json.dumps(sandbox).encode())
            os._exit(71)
    sandbox["seccomp"] = limits.forbid_new_privileges() and seccomp.install()
    sandbox["cgroup"] = group is not None
    os.write(status_fd, json.dumps(sandbox).encode())
    os.close(status_fd)
    _child_environment(layout.scratch)
    fault_file = open(layout.fault, "w")  # noqa: SIM115 - must outlive this frame
    faulthandler.enable(fault_file)
    faulthandler.dump_traceback_later(max(budgets.timeout - 1.0, 0.5), file=fault_file)
    ctx = ExecutorContext(layout.work, job.assignment_dir, layout.scratch,
                          inbox=layout.observer_out, outbox=layout.executor_out,
                          audit_fd=audit_fd)
    submission = layout.work / f"{job.module}{job.submission.suffix}"
    with contextlib.suppress(ChannelError):  # the observer stopped talking: nothing more to do
        run_executor(channel, ctx, job.observers, job.module, submission, job.notebook_mode,
                     job.eager)
    faulthandler.cancel_dump_traceback_later()
    _flush_standard_streams()
    os._exit(0)


def run_observer_process(job: Job, layout: Layout, channel: Channel, sets_fd: int,
                         result_fd: int, view: View | None) -> None:
    """Body of the observer process: its own view, the job's sets, the observation."""
    from grader.observe.context import ObserveContext
    from grader.observe.exchange import Folder
    from grader.observe.observer import observe
    from grader.observe.remote import ExecutorClient

    os.setpgid(0, 0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    limits.close_inherited_fds(keep=(sets_fd, result_fd, channel.read_fd, channel.write_fd))
    limits.limit_memory(job.budgets.memory_mb * 1024 * 1024)
    if view is not None:
        try:
            enter_view(view, str(layout.root.parent / "oroot"))
            drop_privileges(view.uid)
        except OSError as exc:
            _write_all(result_fd, json.dumps(_sandbox_failure(job, {
                "error": f"observer: {type(exc).__name__}: {exc}"[:300]}).to_json()).encode())
            os._exit(71)
    _child_environment(layout.observer_private)
    sets = _read_sets(sets_fd)
    client = ExecutorClient(channel, layout.executor_out, Folder(layout.observer_out),
                            layout.observer_private / "copies")
    ctx = ObserveContext(layout.work, job.assignment_dir, layout.scratch, layout.progress, client,
                         declared_probe=job.probe or None)
    try:
        observation = observe(job, sets, channel, ctx)
    except BaseException:  # noqa: BLE001 - the grader's own fault
        observation = Observation(job.question, Status.GRADER_ERROR, failure=Failure(
            "grader", "ObserverFailed", traceback.format_exc().strip().splitlines()[-1][:300]),
            output=traceback.format_exc()[-4000:])
    with contextlib.suppress(Exception):
        channel.send({"op": "exit"})
    _write_all(result_fd, json.dumps(observation.to_json(), allow_nan=False).encode())
    os._exit(0)


def _read_sets(fd: int) -> list[dict[str, Any]]:
    """Read the job's argument sets, which the worker writes for the observer alone."""
    data = b""
    while len(data) <= MAX_SETS_BYTES and (chunk := os.read(fd, 1 << 16)):
        data += chunk
    os.close(fd)
    sets = json.loads(data) if data.strip() else []
    return sets or [{"id": "public-1", "args": {}}]


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte on a pipe."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _flush_standard_streams() -> None:
    """Push what the student printed into the pipe before the child ends without cleanup."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def _prepare(job: Job, tmp: Path, sandboxed: bool) -> tuple[Layout, CopyReport, View | None,
                                                            View | None]:
    """Make the job's folders (a trusted copy of the submission) and both processes' views."""
    layout = Layout(tmp / "job", sandboxed)
    for folder in (layout.scratch, layout.executor_out, layout.observer_out,
                   layout.observer_private, layout.fault.parent):
        folder.mkdir(parents=True)
    if sandboxed:  # the observer's files on a space of their own: the student cannot fill it
        bounded_folder(layout.observer_out, OBSERVER_SPACE, 0o755)  # the executor reads it
        bounded_folder(layout.observer_private, OBSERVER_SPACE)
    (tmp / "root").mkdir()
    (tmp / "oroot").mkdir()
    _, copied = copy_submission(job.submission, layout.work, job.module)
    if not sandboxed:
        return layout, copied, None, None
    executor_uid = SANDBOX_UID_BASE + os.getpid()
    observer_uid = OBSERVER_UID_BASE + os.getpid()
    for folder in (layout.work, layout.scratch, layout.executor_out, layout.fault.parent):
        give_to(folder, executor_uid)
    for folder in (layout.observer_out, layout.observer_private):
        give_to(folder, observer_uid)
    layout.observer_private.chmod(0o700)
    for folder in (tmp, layout.root):
        folder.chmod(0o755)
    shown = allowed_paths(PROJECT_ROOT, job.assignment_dir)
    return (layout, copied, View(shown, str(layout.root), executor_uid),
            View(shown, str(layout.root), observer_uid))


def supervise(job_json: dict[str, Any], sets_fd: int, sandboxed: bool) -> dict[str, Any]:
    """Run the job; return the observation's JSON form.

    `sets_fd` carries the job's argument sets, for the observer alone; `sandboxed`: this machine
    gives the job namespaces (the worker asked once).
    """
    job = Job.from_json(job_json)
    budgets = job.budgets
    limits.become_subreaper()
    with temporary_folder(prefix="grade-") as tmp:  # removed whatever the student left
        if sandboxed:  # the job's files on a tmpfs of its own: bounded, gone at once after
            private_folder(Path(tmp), budgets.disk_mb * 1024 * 1024)
        layout, copied, executor_view, observer_view = _prepare(job, Path(tmp), sandboxed)
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        result_r, result_w = os.pipe()
        started = time.monotonic()
        observer_pid = os.fork()
        if observer_pid == 0:
            _in_child(lambda: run_observer_process(
                job, layout, Channel(replies_r, requests_w), sets_fd, result_w, observer_view),
                closing=(requests_r, replies_w, result_r))
        os.close(sets_fd)
        os.close(result_w)
        pids_isolated = limits.isolate_pids()  # the executor (next child) is PID 1 of its own
        output_r, output_w = os.pipe()
        status_r, status_w = os.pipe()
        audit_r, audit_w = os.pipe()
        group = (cgroups.create(f"grade-{os.getpid()}", budgets.memory_mb * 1024 * 1024)
                 if budgets.memory_cgroup and host().linux else None)
        executor_pid = os.fork()
        if executor_pid == 0:
            _in_child(lambda: run_executor_process(
                job, layout, Channel(requests_r, replies_w), output_w, status_w, executor_view,
                group, audit_w), closing=(output_r, status_r, result_r, replies_r, requests_w,
                                          audit_r))
        for fd in (output_w, status_w, requests_r, replies_w, requests_w, replies_r, audit_w):
            os.close(fd)
        outcome = _watch(executor_pid, observer_pid, output_r, result_r, budgets, started)
        limits.kill_descendants(os.getpid())
        if group is not None:
            outcome.oom_killed = cgroups.oom_kills(group) > 0
            cgroups.remove(group)
        _drain(output_r, outcome, budgets)
        os.close(output_r)
        os.close(result_r)
        sandbox = _read_status(status_r)
        seen = _read_audit(audit_r)
        observation = _conclude(job, budgets, layout, outcome, time.monotonic() - started)
        if sandboxed:
            release_folder(Path(tmp))
    if executor_view is not None and not sandbox.get("view"):
        observation = _sandbox_failure(job, sandbox)
    notes = (copied.notes() + _sandbox_notes(sandbox, pids_isolated, executor_view is not None)
             + seen)
    return replace(observation, notes=observation.notes + notes).to_json()


def _in_child(body: Any, closing: tuple[int, ...]) -> None:
    """Run a forked child's body; it never returns into the supervisor's code."""
    try:
        for fd in closing:
            os.close(fd)
        body()
    except BaseException:  # noqa: BLE001 - the grader's own fault, before student code
        traceback.print_exc()
    finally:
        os._exit(70)


def _read_audit(fd: int) -> tuple[str, ...]:
    """Read what the audit hook saw, as notes `tamper:{json}` (never blocks: a descendant the
    sweep missed may still hold the pipe)."""
    os.set_blocking(fd, False)
    data = b""
    with contextlib.suppress(OSError):
        while len(data) < MAX_AUDIT_BYTES and (chunk := os.read(fd, 1 << 16)):
            data += chunk
    os.close(fd)
    notes = []
    for line in data[:MAX_AUDIT_BYTES].splitlines()[:audit.MAX_EVENTS]:
        with contextlib.suppress(ValueError):
            event = json.loads(line)
            if isinstance(event, dict):
                notes.append(audit.TAMPER_NOTE + json.dumps(event))
    return tuple(notes)


def _read_status(fd: int) -> dict[str, Any]:
    """Read what the executor said of its sandbox before running student code."""
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


def _watch(executor: int, observer: int, output_fd: int, result_fd: int, budgets: Budgets,
           started: float) -> _Outcome:
    """Follow both processes until the observer is done, one dies, or a budget is exceeded."""
    outcome = _Outcome(bytearray())
    memory_cap = budgets.memory_mb * 1024 * 1024
    next_memory_check = started
    executor_done_at: float | None = None
    while True:
        _drain(output_fd, outcome, budgets, until=time.monotonic() + POLL_SECONDS,
               result_fd=result_fd)
        if outcome.executor_status is None:
            done, status = os.waitpid(executor, os.WNOHANG)
            if done:
                outcome.executor_status = status
                executor_done_at = time.monotonic()
        if outcome.observer_status is None:
            done, status = os.waitpid(observer, os.WNOHANG)
            if done:
                outcome.observer_status = status
        if outcome.observer_status is not None and outcome.result_eof:
            if outcome.executor_status is not None or not _observed_ok(outcome):
                return outcome
            if executor_done_at is None:  # the observer is done: the executor ends now
                executor_done_at = time.monotonic()
            if time.monotonic() - executor_done_at > EXIT_GRACE:
                return outcome
        if outcome.executor_status is not None and not _ended_cleanly(outcome.executor_status):
            return outcome  # crashed or killed: the observer's answer no longer matters
        now = time.monotonic()
        if now - started > budgets.timeout:
            outcome.killed_for = "timeout"
        elif now >= next_memory_check:  # scanning /proc costs: not at every output slice
            next_memory_check = now + MEMORY_POLL_SECONDS
            tree = [p for p in limits.descendants(os.getpid()) if p != observer]
            if len(tree) > budgets.max_processes + 1:  # + the executor itself
                outcome.killed_for = "processes"
            elif sum(limits.resident_bytes(p) for p in tree) > memory_cap:
                outcome.killed_for = "memory"
        if outcome.killed_for:
            limits.kill_descendants(os.getpid())
            return outcome


def _ended_cleanly(status: int) -> bool:
    """Whether a process exited with code 0."""
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _observed_ok(outcome: _Outcome) -> bool:
    """Whether the observer exited normally (its result is then complete)."""
    return outcome.observer_status is not None and _ended_cleanly(outcome.observer_status)


def _drain(read_fd: int, outcome: _Outcome, budgets: Budgets, until: float = 0.0,
           result_fd: int | None = None) -> None:
    """Read what the executor prints (and the observer's result) until `until`.

    Everything is read so neither blocks on a full pipe; at most the output budget is kept.
    """
    while True:
        watched = ([read_fd] if not outcome.output_eof else []) + (
            [result_fd] if result_fd is not None and not outcome.result_eof else [])
        if not watched:
            break
        ready, _, _ = select.select(watched, [], [], max(until - time.monotonic(), 0.0))
        if not ready:
            return
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if fd == read_fd:
                if not chunk:
                    outcome.output_eof = True
                    continue
                room = max(budgets.output_bytes - len(outcome.output), 0)
                outcome.output += chunk[:room]
                outcome.dropped += len(chunk) - len(chunk[:room])
            elif not chunk:
                outcome.result_eof = True
            elif len(outcome.result) <= MAX_RESULT_BYTES:
                outcome.result += chunk
    time.sleep(max(until - time.monotonic(), 0.0))  # both pipes closed: wait like select would


def _conclude(job: Job, budgets: Budgets, layout: Layout, outcome: _Outcome, duration: float
              ) -> Observation:
    """Read the observer's observation, or explain why there is none."""
    output = outcome.output.decode("utf-8", errors="replace")
    notes: tuple[str, ...] = ()
    if outcome.dropped:
        notes = (f"output_truncated:{outcome.dropped}",)
        output += f"\n… {outcome.dropped} more bytes of output were cut."
    observation = _observed(job, outcome)
    vanished = observation is not None and _executor_vanished(observation, outcome)
    if observation is not None and not vanished:
        return replace(observation, output=output, notes=notes, duration=duration)
    where = read_untrusted(layout.progress, 300) or b""
    frames = _fault_frames(read_untrusted(layout.fault, 20000) or b"", layout.work)
    executor_failed = (outcome.executor_status is not None
                       and not _ended_cleanly(outcome.executor_status))
    if outcome.killed_for or outcome.oom_killed or executor_failed or vanished:
        status, failure = _failure_without_result(
            outcome, budgets, where.decode("utf-8", errors="replace").strip(), frames)
    else:  # the process describing the student's work stopped
        status, failure = _observer_stopped(job, outcome)
    return Observation(job.question, status, failure=failure, notes=notes, output=output,
                       duration=duration)


def _observed(job: Job, outcome: _Outcome) -> Observation | None:
    """The observer's observation, when it finished and nothing stopped the job first."""
    if outcome.killed_for or not _observed_ok(outcome) or len(outcome.result) > MAX_RESULT_BYTES:
        return None
    try:
        observation = Observation.from_json(json.loads(outcome.result))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return replace(observation, question=job.question, notes=())


def _executor_vanished(observation: Observation, outcome: _Outcome) -> bool:
    """Whether the observer could not finish because the executor ended on its own (it exited
    or was killed mid-call): then how it ended is what the student reads."""
    failure = observation.failure
    return (failure is not None and failure.type == CHANNEL_CLOSED
            and outcome.executor_status is not None)


def _observer_stopped(job: Job, outcome: _Outcome) -> tuple[Status, Failure]:
    """The question's error when the process describing the student's work stopped: only what
    the student's code returned reaches it, so that is where its cause lies."""
    status = outcome.observer_status or 0
    how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
           else f"exit code {os.WEXITSTATUS(status)}")
    return Status.ERROR, Failure("observe", "ObserverStopped",
                                 f"the grader's process describing what your code returned "
                                 f"stopped ({how})", job.function or job.question)


def _failure_without_result(outcome: _Outcome, budgets: Budgets, where: str,
                            frames: tuple[Frame, ...]) -> tuple[Status, Failure]:
    """Name the budget or the way the executor ended."""
    if outcome.killed_for == "timeout":
        return Status.TIMEOUT, Failure("timeout", "Timeout", f"{budgets.timeout:g} s", where, frames)
    if outcome.killed_for == "processes":
        return Status.CRASHED, Failure("crashed", "ProcessLimit", str(budgets.max_processes), where,
                                       frames)
    if outcome.killed_for == "memory" or outcome.oom_killed:
        return Status.MEMORY, Failure("memory", "MemoryLimit", f"{budgets.memory_mb} MB", where,
                                      frames)
    status = outcome.executor_status or 0
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = SIGNAL_NAMES.get(number, signal.Signals(number).name)
        return Status.CRASHED, Failure("crashed", "Signal", f"{name} (signal {number})", where,
                                       frames)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return Status.CRASHED, Failure("crashed", "Exit", f"the process exited with code {code}", where,
                                   frames)


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
