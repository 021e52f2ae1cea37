"""The warm worker: imports keras once, then forks a supervised child per job.

Protocol (JSON lines): the first line written is {"kind": "ready", "contract": {lab: [problem,
…]}}, what the worker found wrong with each lab whose observers it preloaded, checked against
the lab's questions (grader/contract.py; the parent refuses that lab); each job is read as two
lines on stdin, the job then its argument sets (which only the job's trusted observer reads);
each line written is a job's observation (with the job's "id"). The worker never runs a
TensorFlow op itself: a child forked after one hangs in fit.

Run as `python -m grader.observe.worker --preload keras,sklearn.model_selection`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib
import json
import os
import select
import sys
import traceback
from dataclasses import dataclass, field
from typing import IO, Any

from grader.hooks import imported, observers_problems
from grader.model import Failure, Observation, Status
from grader.observe.limits import sandbox_available

QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow",
            "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# The engine's own modules every job imports: once here rather than once per question.
ENGINE_MODULES = ("grader.observe.supervisor", "grader.observe.keras_models",
                  "grader.observe.estimators", "grader.observe.callbacks", "grader.observe.figures",
                  "grader.observe.executor", "grader.observe.observer", "grader.observe.remote",
                  "grader.observe.fits")
F_SETPIPE_SZ = 1031
PIPE_BUFFER = 60 * 1024
MAX_SETS_PIPE = 1024 * 1024


def worker_environment(threads: int) -> dict[str, str]:
    """Return the environment variables a worker must start with (set before TF is imported)."""
    env = dict(QUIET_TF)
    if threads == 1:
        env.update(ONE_THREAD)
    else:
        env.update({k: str(threads) for k in ONE_THREAD})
    return env


def preload(modules: list[str], labs: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """Import modules so that forked children start warm (imports only, no TF op); return what
    is wrong with each lab whose observers are among them, by lab (empty: nothing).

    `labs` maps a lab's observers module to {"lab": its name, "questions": its question ids},
    as the parent read them from the lab's table (the worker imports nothing above observe/)."""
    labs = labs or {}
    report = {}
    for name in modules:
        if name in labs and "error" in labs[name]:
            report[str(labs[name]["lab"])] = [str(labs[name]["error"])]
        elif name in labs:
            report[str(labs[name]["lab"])] = observers_checked(name, labs[name]["questions"])
        else:
            importlib.import_module(name)
    return report


def observers_checked(module: str, questions: list[str]) -> list[str]:
    """Import a lab's observers and say what breaks the contract (an import error too)."""
    observers, problems = imported(module)
    return problems if observers is None else observers_problems(observers, questions)


@dataclass
class _Running:
    """A job whose supervisor is running: what it was asked and what it has sent back."""

    job: dict[str, Any]
    result_fd: int
    payload: bytearray = field(default_factory=bytearray)
    eof: bool = False
    status: int | None = None


def _start_job(job: dict[str, Any], sets_line: bytes, sandboxed: bool) -> tuple[int, int]:
    """Fork a supervisor for the job; return its pid and the pipe its result comes back on.

    The job's argument sets go to a pipe that only the job's observer reads: this process
    writes them after the fork, so neither the supervisor nor the student's process (forked
    from it) ever holds them.
    """
    sets_r, sets_w = os.pipe()
    result_r, result_w = os.pipe()
    if len(sets_line) > PIPE_BUFFER:
        with contextlib.suppress(OSError):
            fcntl.fcntl(sets_w, F_SETPIPE_SZ, MAX_SETS_PIPE)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(sets_w)
            os.close(result_r)
            os.setsid()
            from grader.observe.supervisor import supervise

            payload = {"ok": supervise(job, sets_r, sandboxed)}
        except BaseException:  # noqa: BLE001 - reported below as a grader error
            payload = {"error": traceback.format_exc()}
            code = 1
        try:
            data = json.dumps(payload).encode()
            view = memoryview(data)
            while view:
                view = view[os.write(result_w, view):]
        finally:
            os._exit(code)
    os.close(sets_r)
    os.close(result_w)
    try:
        view = memoryview(sets_line)
        while view:
            view = view[os.write(sets_w, view):]
    except OSError:  # the supervisor is gone already: its result says why
        pass
    finally:
        os.close(sets_w)
    return pid, result_r


def _finished(job: dict[str, Any], payload: bytes) -> dict[str, Any]:
    """Read a supervisor's result, or report that the supervisor failed or was killed."""
    try:
        result = json.loads(payload) if payload else None
    except ValueError:
        result = None
    if isinstance(result, dict) and isinstance(result.get("ok"), dict):
        return {**result["ok"], "id": job["id"]}
    if isinstance(result, dict) and isinstance(result.get("error"), str):
        details = result["error"]
        return _without_result(job, Status.GRADER_ERROR, Failure(
            "grader", "SupervisorFailed", details.strip().splitlines()[-1][:300]), details[-4000:])
    # killed from outside: only the question's own code could reach it
    return _without_result(job, Status.CRASHED, Failure(
        "crashed", "Signal", "the process supervising your code was killed",
        job.get("function", "")))


def _without_result(job: dict[str, Any], status: Status, failure: Failure, output: str = ""
                    ) -> dict[str, Any]:
    """The JSON observation of a job whose supervisor ended without writing one."""
    observation = Observation(job["question"], status, failure=failure, output=output)
    return {**observation.to_json(), "id": job["id"]}


def serve(in_fd: int, out: IO[str], sandboxed: bool) -> None:
    """Run jobs read from in_fd until it closes, writing observations as they finish.

    Each job comes as two lines: the job itself, then its argument sets (passed on unread).
    """
    running: dict[int, _Running] = {}
    pending = b""
    header: dict[str, Any] | None = None
    open_input = True
    while open_input or running:
        watched = ([in_fd] if open_input else []) + [r.result_fd for r in running.values()
                                                    if not r.eof]
        ready, _, _ = select.select(watched, [], [], 0.02)
        if in_fd in ready:
            chunk = os.read(in_fd, 1 << 16)
            open_input = bool(chunk)
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in filter(None, (raw.strip() for raw in lines)):
                if header is None:
                    header = json.loads(line)
                    continue
                pid, result_fd = _start_job(header, line, sandboxed)
                running[pid] = _Running(header, result_fd)
                header = None
            del lines
        for current in running.values():
            if current.result_fd in ready and not current.eof:
                chunk = os.read(current.result_fd, 1 << 16)
                current.eof = not chunk
                current.payload += chunk
        for pid in list(running):
            current = running[pid]
            if current.status is None:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    current.status = status
            if current.status is not None and current.eof:
                os.close(current.result_fd)
                del running[pid]
                out.write(json.dumps(_finished(current.job, bytes(current.payload))) + "\n")
                out.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preload", default="keras", help="comma-separated modules to import")
    parser.add_argument("--labs", default="{}", help="JSON: each preloaded lab's observers "
                        "module → its name and question ids (checked against its OBSERVERS)")
    args = parser.parse_args(argv)
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed by imports goes to stderr, never into the protocol
    contract = preload([m for m in args.preload.split(",") if m] + list(ENGINE_MODULES),
                       json.loads(args.labs))
    sandboxed = os.geteuid() == 0 and sandbox_available()  # asked once: a probe forks
    protocol.write(json.dumps({"kind": "ready", "pid": os.getpid(), "sandboxed": sandboxed,
                               "contract": contract}) + "\n")
    protocol.flush()
    serve(sys.stdin.fileno(), protocol, sandboxed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
