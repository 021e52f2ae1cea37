"""The trusted observer: runs the assignment's observers, the student's code at arm's length.

Forked by the supervisor beside the executor, it never runs student code: it receives the job's
argument sets (which the executor never sees), waits for the executor to import the submission,
then runs the question's observer once per set, with `module` standing for the submission in the
executor. Each set's entry is the observer's own data, with the executor's claims inside it where
no artefact could be had (see `docs/isolation.md`).
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from grader.jobs import Job
from grader.model import Failure, Observation, Status
from grader.observe.channel import Channel, ChannelError
from grader.observe.context import ObserveContext, dumps
from grader.observe.exchange import ExchangeError
from grader.observe.failures import (
    StudentCodeError,
    exception_message,
    failure_from_exception,
    failure_json,
)
from grader.observe.remote import ProtocolError, RemoteModule, StudentRaised

IMPORT_JOB = "_import"
CHANNEL_CLOSED = "ChannelClosed"  # the executor went away mid-job
UNREADABLE = (ChannelError, ExchangeError, ProtocolError)


def _unreadable(job: Job, what: str, closed: bool = False) -> Observation:
    """The question's error when the executor's answer cannot be read (never the grader's);
    `closed`: the executor went away (the supervisor then says how it ended)."""
    failure = Failure("observe", CHANNEL_CLOSED if closed else "UnreadableResult",
                      f"the process running your code left an unreadable result ({what})",
                      job.function or job.question)
    return Observation(job.question, Status.ERROR, failure=failure)


def _ready(job: Job, message: dict[str, Any], started: float) -> Observation | None:
    """Read the executor's first message: None when the submission imported, else its failure."""
    if message.get("kind") == "ready":
        return None
    if message.get("kind") != "import_failed":
        return _unreadable(job, "no import report")
    try:
        failure = Failure.from_dict(message["failure"])
        status = Status(message.get("status"))
    except (KeyError, TypeError, ValueError, AttributeError):
        return _unreadable(job, "an unreadable import failure")
    if status not in (Status.ERROR, Status.MEMORY):
        status = Status.ERROR
    data = message.get("data") if isinstance(message.get("data"), dict) else {}
    return Observation(job.question, status, data=data, failure=failure,
                       duration=time.monotonic() - started)


def _import_data(message: dict[str, Any]) -> dict[str, Any]:
    """What the import job reports: the submission's functions, answers and notebook summary."""
    answers = message.get("answers")
    functions = message.get("functions")
    data: dict[str, Any] = {
        "answers": {str(k)[:100]: str(v)[:5000] for k, v in answers.items()}
        if isinstance(answers, dict) else {},
        "functions": sorted(str(f)[:200] for f in functions) if isinstance(functions, list) else [],
    }
    if isinstance(message.get("notebook"), dict):
        data["notebook"] = message["notebook"]
    return data


def observe(job: Job, sets: list[dict[str, Any]], channel: Channel, ctx: ObserveContext
            ) -> Observation:
    """Wait for the submission's import, then observe each argument set; never raises."""
    started = time.monotonic()
    try:
        message = channel.receive()
    except ChannelError as exc:
        return _unreadable(job, str(exc), closed=exc.closed)
    if (failed := _ready(job, message, started)) is not None:
        return failed
    data = _import_data(message)
    if job.question == IMPORT_JOB:
        return Observation(job.question, Status.OK, data=data, duration=time.monotonic() - started)
    if job.function not in data["functions"]:
        failure = Failure("call", "AttributeError",
                          f"{job.module}{job.submission.suffix} has no function {job.function}()",
                          job.function)
        return Observation(job.question, Status.ERROR, failure=failure,
                           duration=time.monotonic() - started)
    if job.eager:
        import tensorflow as tf

        tf.config.run_functions_eagerly(True)
    observer = importlib.import_module(job.observers).OBSERVERS[job.question]
    module = RemoteModule(tuple(data["functions"]))
    entries = []
    for arg_set in sets:
        try:
            ctx.seed()
        except UNREADABLE as exc:
            return _unreadable(job, str(exc), closed=getattr(exc, "closed", False))
        except StudentRaised as raised:  # the executor could not even be seeded
            return Observation(job.question, raised.status, failure=raised.failure)
        entry = observe_set(observer, module, ctx, job, arg_set)
        if isinstance(entry, Exception):
            return _unreadable(job, str(entry), closed=getattr(entry, "closed", False))
        entries.append(entry)
    return Observation(job.question, Status.OK, data={"sets": entries},
                       duration=time.monotonic() - started)


def observe_set(observer: Any, module: RemoteModule, ctx: ObserveContext, job: Job,
                arg_set: dict[str, Any]) -> dict[str, Any] | Exception:
    """Run the observer with one set; return its entry (or, when the executor broke the
    protocol or went away, which ends the job, what happened)."""
    entry: dict[str, Any] = {"id": arg_set["id"], "args": arg_set["args"]}
    try:
        data = observer(module, ctx.for_set(arg_set["args"]), dict(arg_set["args"]))
        dumps(data)  # refuse non-JSON data here, where the traceback still makes sense
        return {**entry, "status": Status.OK, "data": data}
    except StudentRaised as raised:
        return {**entry, "status": raised.status, "failure": failure_json(raised.failure)}
    except StudentCodeError as err:  # a rebuilt model that does not run, here
        failure = failure_from_exception(err.exc, "call", err.where, ctx.workdir)
        return {**entry, "status": Status.ERROR, "failure": failure_json(failure)}
    except UNREADABLE as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - describing what the student's code returned failed
        failure = Failure("observe", type(exc).__name__, exception_message(exc),
                          f"{job.function}()" if job.function else job.question)
        return {**entry, "status": Status.ERROR, "failure": failure_json(failure)}
