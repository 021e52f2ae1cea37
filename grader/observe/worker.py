"""The warm worker: imports keras once, then forks a supervised child per job.

Protocol (JSON lines): the first line written is {"kind": "ready"}; each line read on stdin is a
job, each line written is its observation (with the job's "id"). The worker never runs a
TensorFlow op itself: a child forked after one hangs in fit.

Run as `python -m grader.observe.worker --preload keras,sklearn.model_selection`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import secrets
import select
import sys
import tempfile
import traceback
from pathlib import Path
from typing import IO, Any

from grader.model import Failure, Observation, Status

QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow",
            "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
ONE_THREAD = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
              "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# The engine's own modules every job imports: once here rather than once per question.
ENGINE_MODULES = ("grader.observe.supervisor", "grader.observe.keras_models",
                  "grader.observe.estimators", "grader.observe.callbacks", "grader.observe.figures")


def worker_environment(threads: int) -> dict[str, str]:
    """Return the environment variables a worker must start with (set before TF is imported)."""
    env = dict(QUIET_TF)
    if threads == 1:
        env.update(ONE_THREAD)
    else:
        env.update({k: str(threads) for k in ONE_THREAD})
    return env


def preload(modules: list[str]) -> None:
    """Import modules so that forked children start warm (imports only, no TF op)."""
    for name in modules:
        importlib.import_module(name)


def _start_job(job: dict[str, Any], results_dir: Path, token: str) -> int:
    """Fork a supervisor for the job; it writes its observation to results_dir/<token>.json.

    The token is new for every job, so no file left by an earlier job (whose supervisor had the
    same pid) can ever be read as this job's result.
    """
    pid = os.fork()
    if pid != 0:
        return pid
    code = 0
    try:
        os.setsid()
        from grader.observe.supervisor import supervise

        observation = supervise(job)
        (results_dir / f"{token}.json").write_text(json.dumps(observation), encoding="utf-8")
    except BaseException:  # noqa: BLE001 - reported below as a grader error
        (results_dir / f"{token}.err").write_text(traceback.format_exc(), encoding="utf-8")
        code = 1
    finally:
        os._exit(code)


def _finished(token: str, job: dict[str, Any], results_dir: Path) -> dict[str, Any]:
    """Read (and remove) a supervisor's observation, or report that the supervisor failed."""
    result, error = results_dir / f"{token}.json", results_dir / f"{token}.err"
    try:
        if result.exists():
            return {**json.loads(result.read_text(encoding="utf-8")), "id": job["id"]}
        if not error.exists():  # killed from outside: only the question's own code could reach it
            return _without_result(job, Status.CRASHED, Failure(
                "crashed", "Signal", "the process supervising your code was killed",
                job.get("function", "")))
        details = error.read_text(encoding="utf-8")
        return _without_result(job, Status.GRADER_ERROR, Failure(
            "grader", "SupervisorFailed", details.strip().splitlines()[-1][:300]), details[-4000:])
    finally:
        result.unlink(missing_ok=True)
        error.unlink(missing_ok=True)


def _without_result(job: dict[str, Any], status: Status, failure: Failure, output: str = ""
                    ) -> dict[str, Any]:
    """The JSON observation of a job whose supervisor ended without writing one."""
    observation = Observation(job["question"], status, failure=failure, output=output)
    return {**observation.to_json(), "id": job["id"]}


def serve(in_fd: int, out: IO[str]) -> None:
    """Run jobs read from in_fd until it closes, writing observations as they finish."""
    running: dict[int, tuple[str, dict[str, Any]]] = {}
    pending = b""
    with tempfile.TemporaryDirectory(prefix="grade-worker-") as tmp:
        results_dir = Path(tmp)
        open_input = True
        while open_input or running:
            ready, _, _ = select.select([in_fd] if open_input else [], [], [], 0.02)
            if ready:
                chunk = os.read(in_fd, 1 << 16)
                open_input = bool(chunk)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in filter(None, (raw.strip() for raw in lines)):
                    job = json.loads(line)
                    token = secrets.token_hex(16)
                    running[_start_job(job, results_dir, token)] = (token, job)
            for pid in list(running):
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    token, job = running.pop(pid)
                    out.write(json.dumps(_finished(token, job, results_dir)) + "\n")
                    out.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the worker process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preload", default="keras", help="comma-separated modules to import")
    args = parser.parse_args(argv)
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed by imports goes to stderr, never into the protocol
    preload([m for m in args.preload.split(",") if m] + list(ENGINE_MODULES))
    protocol.write(json.dumps({"kind": "ready", "pid": os.getpid()}) + "\n")
    protocol.flush()
    serve(sys.stdin.fileno(), protocol)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
