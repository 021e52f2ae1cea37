"""Inside the sandboxed child: import the submission, run one question's observer, return JSON."""

from __future__ import annotations

import importlib
import os
import sys
import time
from typing import Any

from grader.jobs import Job
from grader.model import Failure, Observation, Status
from grader.notebook import NotebookError, notebook_summary
from grader.observe import fast_data
from grader.observe.context import ObserveContext, StudentCodeError, dumps
from grader.observe.failures import exception_message, failure_from_exception, failure_json
from grader.submission import import_submission

IMPORT_JOB = "_import"
MAX_ANSWER_CHARS = 5000


def read_answers(module: Any) -> dict[str, str]:
    """Return the free-text ANSWERS dict as plain strings."""
    answers = getattr(module, "ANSWERS", None)
    if not isinstance(answers, dict):
        return {}
    return {str(k): str(v)[:MAX_ANSWER_CHARS] for k, v in answers.items()}


def classify(exc: BaseException) -> Status:
    """Map what the student's code raised to a question status."""
    if isinstance(exc, NotImplementedError):
        return Status.NOT_IMPLEMENTED
    if isinstance(exc, MemoryError):
        return Status.MEMORY
    return Status.ERROR


def observe(job: Job, ctx: ObserveContext) -> Observation:
    """Import the submission and run the question's observer; never raises."""
    started = time.monotonic()
    observers = importlib.import_module(job.observers)
    install_data = getattr(observers, "install_data", None)  # optional hook
    if install_data is not None:
        install_data(ctx)
    fast_data.install()  # before the submission: its own fits at import get the same pipeline
    sys.path.insert(0, str(ctx.workdir))
    os.chdir(ctx.workdir)
    submission_file = ctx.workdir / f"{job.module}{job.submission.suffix}"
    ctx.progress(f"importing {submission_file.name}")
    try:
        module = import_submission(submission_file, job.module, job.notebook_mode)
    except BaseException as exc:  # noqa: BLE001 - any failure at import is the student's
        failure = failure_from_exception(exc, "import", f"importing {submission_file.name}", ctx.workdir)
        reason = {"notebook_error": exc.as_json()} if isinstance(exc, NotebookError) else {}
        return Observation(job.question, classify(exc) if classify(exc) == Status.MEMORY else Status.ERROR,
                           data=reason, failure=failure, duration=time.monotonic() - started)
    if job.question == IMPORT_JOB:
        functions = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_"))
        data = {"answers": read_answers(module), "functions": functions}
        if (notebook := notebook_summary(module)) is not None:
            data["notebook"] = notebook
        return Observation(job.question, Status.OK, data=data, duration=time.monotonic() - started)
    if not callable(getattr(module, job.function, None)):
        failure = Failure("call", "AttributeError",
                          f"{submission_file.name} has no function {job.function}()", job.function)
        return Observation(job.question, Status.ERROR, failure=failure, duration=time.monotonic() - started)
    if job.eager:
        import tensorflow as tf

        tf.config.run_functions_eagerly(True)
    import keras

    entries = []
    for arg_set in job.sets:
        keras.utils.set_random_seed(0)  # the same numbers at every run: weights, shuffles, dropout
        entries.append(observe_set(observers.OBSERVERS[job.question], module, ctx, job, arg_set))
    return Observation(job.question, Status.OK, data={"sets": entries},
                       duration=time.monotonic() - started)


def observe_set(observer: Any, module: Any, ctx: ObserveContext, job: Job,
                arg_set: dict[str, Any]) -> dict[str, Any]:
    """Run the observer with one argument set; return that set's entry (never raises)."""
    entry: dict[str, Any] = {"id": arg_set["id"], "args": arg_set["args"]}
    try:
        data = observer(module, ctx, dict(arg_set["args"]))
        dumps(data)  # refuse non-JSON data here, where the traceback still makes sense
        return {**entry, "status": Status.OK, "data": data}
    except StudentCodeError as err:
        failure = failure_from_exception(err.exc, "call", err.where, ctx.workdir)
        return {**entry, "status": classify(err.exc), "failure": failure_json(failure)}
    except BaseException as exc:  # noqa: BLE001 - describing the student's objects failed
        # What student code returned is untrusted data: when describing it fails, that is the
        # question's failure (with what went wrong), never a grader error the class cannot clear.
        failure = Failure("observe", type(exc).__name__, exception_message(exc),
                          f"{job.function}()" if job.function else job.question)
        return {**entry, "status": Status.ERROR, "failure": failure_json(failure)}
