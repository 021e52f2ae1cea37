"""Parent side of the sandbox: start a warm worker, send it jobs, collect observations.

Imports no keras: the process that judges and scores never runs student code.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.contract import ContractError, contract_message
from grader.jobs import Budgets, Job
from grader.model import Failure, Observation, Status
from grader.observe.worker import worker_environment

STARTUP_TIMEOUT = 120.0
PR_SET_PDEATHSIG = 1
NEUTRAL_DIRECTORY = "/"  # the working directory of the processes the grader starts
UNSAFE_VARIABLES = frozenset({"PYTHONSTARTUP", "PYTHONINSPECT"})  # code run at start-up


class WorkerError(RuntimeError):
    """The warm worker could not start or stopped answering."""


@dataclass(frozen=True)
class RunOptions:
    """How to run jobs: how many at once and what each may use."""

    parallel: int = max(1, min(os.cpu_count() or 1, 4))
    memory_mb: int = Budgets.memory_mb
    output_bytes: int = Budgets.output_bytes
    max_processes: int = Budgets.max_processes
    timeout_scale: float = 1.0
    isolate_network: bool = True
    memory_cgroup: bool = True  # where the machine allows it (else the seccomp filter alone)
    notebook_mode: str = "definitions"  # "full": run every cell of a notebook (instructors)


def preloaded_labs(modules: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each lab whose observers are among the modules: its name and question ids, for the
    worker to check its OBSERVERS against (or why its table does not load)."""
    from grader.assignment import AssignmentError, load_assignment
    from grader.registry import registered

    labs = {plugin.observers_module: plugin for plugin in registered().values()}
    found = {}
    for name in modules:
        if name in labs:
            try:
                questions = [q.id for q in load_assignment(labs[name]).questions]
            except (AssignmentError, OSError, ValueError) as exc:
                found[name] = {"lab": labs[name].name, "error": f"assignment.toml does not "
                               f"load: {exc}"}
                continue
            found[name] = {"lab": labs[name].name, "questions": questions}
    return found


class WarmWorker:
    """A worker process that has imported keras and forks one sandboxed child per job."""

    def __init__(self, preload: Iterable[str] = ("keras",), threads: int = 1,
                 tied: bool = True) -> None:
        """Start the worker; `tied`: it is killed when the creating thread ends (PDEATHSIG)."""
        self._process = subprocess.Popen(
            python_command("grader.observe.worker", "--preload", ",".join(preload), "--labs",
                           json.dumps(preloaded_labs(preload))),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            errors="replace",  # a stray byte is a bad observation, not a dead run
            env=python_environment(worker_environment(threads)),
            cwd=NEUTRAL_DIRECTORY,
            **_worker_lifetime(tied),
        )
        ready = self._read_line(timeout=STARTUP_TIMEOUT)
        if ready.get("kind") != "ready":
            raise WorkerError(f"the grading worker did not start: {ready}")
        broken = {lab: problems for lab, problems in (ready.get("contract") or {}).items()
                  if problems}
        if broken:  # a lab's observers, checked as the worker preloaded them: no job would run
            self.kill()
            raise ContractError("\n".join(
                contract_message(lab, problems, ", as the grading worker found when it loaded "
                                 "its observers") for lab, problems in sorted(broken.items())))

    def _read_line(self, timeout: float | None = None) -> dict[str, Any]:
        """Read one protocol line from the worker (within `timeout` seconds, if given)."""
        assert self._process.stdout is not None
        if timeout is not None and not select.select([self._process.stdout], [], [], timeout)[0]:
            self._process.kill()
            raise WorkerError(f"the grading worker did not start within {timeout:g} s")
        line = self._process.stdout.readline()
        if not line:
            code = self._process.poll()
            raise WorkerError(f"the grading worker stopped (exit code {code})")
        try:
            return json.loads(line)
        except ValueError as exc:
            self._process.kill()
            raise WorkerError("the grading worker sent an unreadable reply; it was stopped") from exc

    def run(self, jobs: Sequence[Job], parallel: int) -> Iterator[tuple[Job, Observation]]:
        """Run jobs, at most `parallel` at once, yielding (job, observation) as they finish."""
        assert self._process.stdin is not None
        queue = list(jobs)
        in_flight = 0
        by_id = {job.id: job for job in jobs}
        while queue or in_flight:
            while queue and in_flight < parallel:
                data = queue.pop(0).to_json()
                header = {k: v for k, v in data.items() if k != "sets"}
                try:  # the sets on a line of their own: the worker passes them on unread
                    self._process.stdin.write(json.dumps(header) + "\n"
                                              + json.dumps(data["sets"]) + "\n")
                    self._process.stdin.flush()
                except OSError as exc:  # BrokenPipeError: the worker was killed
                    raise WorkerError(f"the grading worker stopped ({exc})") from exc
                in_flight += 1
            answer = self._read_line()
            in_flight -= 1
            job = by_id.pop(answer.pop("id", None) if isinstance(answer, dict) else None, None)
            if job is None:  # never a reply to another job: this worker is not trusted any more
                self._process.kill()
                raise WorkerError("the grading worker sent a reply to no job it was given; "
                                  "it was stopped")
            try:
                yield job, Observation.from_json(answer)
            except (TypeError, ValueError, KeyError) as exc:
                yield job, grader_failure(job.question, f"unreadable observation: {exc}")

    @property
    def alive(self) -> bool:
        """Whether the worker process is still running."""
        return self._process.poll() is None

    def close(self) -> None:
        """Stop the worker (it finishes nothing more)."""
        if self._process.poll() is None:
            if self._process.stdin:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> WarmWorker:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is not None:  # interrupted (Ctrl-C, SIGTERM) or failed: stop now
            self.kill()
        self.close()

    # --- worker lifetime (issue 12): no worker outlives the grader -------------------------

    def kill(self) -> None:
        """Kill the worker and every process it started, at once (its jobs are abandoned)."""
        if self._process.poll() is None:
            kill_tree(self._process.pid)
            self._process.wait()


def _children(pid: int) -> list[int]:
    """Return the children of a process (from /proc; empty when it is gone)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def kill_tree(pid: int) -> None:
    """Stop a process and its descendants (so none forks or is re-parented), then kill them all."""
    stopped: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        if current in stopped:
            continue
        try:
            os.kill(current, signal.SIGSTOP)
        except OSError:
            continue
        stopped.append(current)
        pending += _children(current)
    for target in stopped:
        with suppress(OSError):
            os.kill(target, signal.SIGKILL)
    with suppress(OSError):
        os.killpg(pid, signal.SIGKILL)  # what the worker started in its own group, if any


def _worker_lifetime(tied: bool) -> dict[str, Any]:
    """Popen arguments: the worker leads its own process group and (tied) dies with its parent.

    Linux sends the parent-death signal when the *thread* that started the worker ends: pooled
    workers shared between threads (the Dask plugin) are not tied. The prctl function is found
    before the fork: the forked child of a threaded parent must not import anything.
    """
    if not tied:
        return {"start_new_session": True}
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the parent's handlers still kill the worker
        return {"start_new_session": True}

    def die_with_parent() -> None:
        """In the forked worker, before exec: ask Linux for SIGKILL when the parent dies."""
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)

    return {"start_new_session": True, "preexec_fn": die_with_parent}

# --- end of worker lifetime ------------------------------------------------------------------


def grader_failure(question: str, message: str) -> Observation:
    """An observation for a failure of the grader itself (not the student's fault)."""
    return Observation(question, Status.GRADER_ERROR, failure=Failure("grader", "GraderError", message))


def make_job(
    job_id: str,
    question: str,
    function: str,
    submission: str,
    assignment: Any,
    options: RunOptions,
    timeout: float,
    eager: bool = False,
    sets: Iterable[Any] = (),
    probe: dict[str, Any] | None = None,
) -> Job:
    """Build the job for one question of one submission, with its argument sets and the probe
    input its lab declares (assignment.toml: never the student's to choose)."""
    budgets = Budgets(timeout=timeout * options.timeout_scale, memory_mb=options.memory_mb,
                      output_bytes=options.output_bytes, max_processes=options.max_processes,
                      isolate_network=options.isolate_network,
                      memory_cgroup=options.memory_cgroup)
    return Job(id=job_id, question=question, function=function, assignment=assignment.name,
               observers=assignment.plugin.observers_module,
               assignment_dir=Path(assignment.directory).absolute(),
               submission=Path(submission).absolute(),  # the worker runs elsewhere
               module=assignment.module, notebook_mode=options.notebook_mode, eager=eager,
               sets=tuple(s.to_json() for s in sets), probe=dict(probe or {}), budgets=budgets)


def _project_root() -> str:
    """Return the folder that holds the `grader` package (so the worker imports this copy)."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- starting Python processes (issue 19): never with the caller's folder on the path -------

def python_command(module: str, *args: str) -> list[str]:
    """Return the command that runs one of the grader's modules in a new Python (`-P`: the
    working directory is not put on sys.path, so a json.py or numpy.py there is never read)."""
    return [sys.executable, "-P", "-m", module, *args]


def python_environment(extra: dict[str, str]) -> dict[str, str]:
    """Return the environment of a Python process the grader starts: this grader first on the
    path, only absolute path entries (an empty or relative one names the caller's folder), no
    start-up script, safe-path on for any Python it starts in turn."""
    env = {k: v for k, v in os.environ.items() if k not in UNSAFE_VARIABLES}
    inherited = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if os.path.isabs(p)]
    env["PYTHONPATH"] = os.pathsep.join([_project_root(), *inherited])
    return {**env, **extra, "PYTHONSAFEPATH": "1"}


def options_json(options: RunOptions) -> dict[str, Any]:
    """Return the options as JSON (part of the cache key of results)."""
    return asdict(options)
