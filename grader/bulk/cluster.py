"""Grade many submissions on an existing Dask distributed cluster (`--scheduler ADDRESS`).

Each task carries one submission's files as a zip (workers need not share a file system) and
the grading settings as JSON; it returns the report as JSON. Every Dask worker process keeps its
warm Keras workers in a plugin attached to the worker object, started on first use and stopped
with the worker. Workers need the same grader installed: a task refuses to grade when the
worker's grader or expected observations differ from the ones of the machine that submitted it.
"""

from __future__ import annotations

import io
import json
import queue
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from distributed import Client, WorkerPlugin, as_completed, get_worker

from grader.api import GradeOptions, Observed, grade_observed
from grader.assignment import load_assignment
from grader.bulk.cache import grader_fingerprint, submission_files
from grader.bulk.inputs import extract_zip
from grader.bulk.run import Batch, Store, Task
from grader.model import GradeReport
from grader.observe.limits import sandbox_available
from grader.reference import default_reference_dir, load_expected
from grader.render.json_report import render_json
from grader.runner import RunOptions, WarmWorker, WorkerError
from grader.trees import temporary_folder

PLUGIN_NAME = "td-keras-grader-warm-workers"
CONNECT_TIMEOUT = "30s"


class WarmWorkerPlugin(WorkerPlugin):
    """The warm Keras workers of one Dask worker process: one per task running at once."""

    idempotent = False  # a new run replaces the plugin (its preload may differ)
    name = PLUGIN_NAME

    def __init__(self, preload: Sequence[str]) -> None:
        self.preload = tuple(preload)

    def setup(self, worker: Any) -> None:
        """Prepare an empty pool (workers start on first use, in the task's thread)."""
        self._idle: queue.LifoQueue[WarmWorker] = queue.LifoQueue()
        self._started: list[WarmWorker] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[WarmWorker]:
        """Lend an idle warm worker (starting one if none is idle); drop it if it dies."""
        warm = None
        while warm is None:
            try:
                warm = self._idle.get_nowait()
            except queue.Empty:
                warm = WarmWorker(self.preload, tied=False)  # pooled across threads
                with self._lock:
                    self._started.append(warm)
            if not warm.alive:  # killed while idle (by a student's code, or the OOM killer)
                self._drop(warm)
                warm = None
        try:
            yield warm
        except WorkerError:
            self._drop(warm)
            raise
        self._idle.put(warm)

    def _drop(self, warm: WarmWorker) -> None:
        """Stop a warm worker and forget it."""
        warm.close()
        with self._lock:
            self._started.remove(warm)

    @property
    def started(self) -> int:
        """Return how many warm workers this Dask worker is running."""
        with self._lock:
            return len(self._started)

    def teardown(self, worker: Any) -> None:
        """Stop every warm worker with the Dask worker."""
        with self._lock:
            started, self._started = self._started, []
        for warm in started:
            warm.close()


def pack_submission(file: Path) -> bytes:
    """Zip what the sandbox would copy of a submission (its folder's small files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, path in submission_files(file):
            bundle.write(path, name)
    return buffer.getvalue()


def grading_request(batch: Batch, expected_key: str | None) -> str:
    """Return the JSON settings every task needs, with what the worker must agree on."""
    options = batch.options
    return json.dumps({"kind": "bulk_request", "schema": 1, "questions": list(options.questions),
                       "lang": options.lang, "run": asdict(options.run),
                       "use_reference": options.use_reference, "expected_key": expected_key,
                       "instructor": options.instructor, "unsafe": options.unsafe,
                       "assignment": batch.assignment.name,
                       "grader": grader_fingerprint()})


def grade_packed(archive: bytes, filename: str, request_json: str) -> str:
    """Grade one zipped submission inside a Dask worker; return its report as JSON."""
    request = json.loads(request_json)
    assignment = load_assignment(request["assignment"])
    reference_dir = default_reference_dir(assignment) if request["use_reference"] else None
    here = {"grader": grader_fingerprint(), "expected_key": load_expected(assignment,
                                                                          reference_dir).key}
    for what, value in here.items():
        if value != request[what]:
            raise RuntimeError(f"this Dask worker's {what} is {value}, the run's is "
                               f"{request[what]}: install the same grader on every worker")
    if request["instructor"] and not request["unsafe"] and not sandbox_available():
        raise RuntimeError("this Dask worker cannot sandbox student code: run it as root or in a "
                           "container that allows mount and PID namespaces")
    plugin = get_worker().plugins[PLUGIN_NAME]
    options = GradeOptions(questions=tuple(request["questions"]), lang=request["lang"],
                           run=RunOptions(**request["run"]), use_reference=request["use_reference"],
                           instructor=request["instructor"], unsafe=request["unsafe"],
                           assignment=assignment.name)
    with temporary_folder(prefix="bulk-") as folder:
        extract_zip(archive, folder / "submission")
        with plugin.borrow() as warm:
            report, observed = grade_observed(folder / "submission" / filename, options,
                                              assignment, worker=warm)
    return json.dumps({"report": json.loads(render_json(report)), "observed": observed.to_json()})


def run_dask(batch: Batch, tasks: Sequence[Task], address: str, expected_key: str | None,
             store: Store) -> Iterator[tuple[Task, GradeReport]]:
    """Grade tasks on the cluster at `address`; yield (task, report) as each one finishes."""
    with Client(address, timeout=CONNECT_TIMEOUT) as client:
        client.register_plugin(WarmWorkerPlugin(batch.preload), name=PLUGIN_NAME)
        request = grading_request(batch, expected_key)
        futures = {_submit(client, task, request, "grade"): task for task in tasks}
        retry = []
        try:
            for future in as_completed(futures):
                task = futures[future]
                if future.status != "finished":  # lost or failed: retried alone, below
                    retry.append(task)
                    continue
                report, observed = _report(batch, task, future)
                store(task, report, observed)
                yield task, report
            for task in retry:  # a student's code may have killed other students' warm workers
                future = _submit(client, task, request, "retry")
                futures[future] = task
                report, observed = _report(batch, task, future)
                store(task, report, observed)
                yield task, report
        finally:
            client.cancel(list(futures))


def _submit(client: Client, task: Task, request: str, kind: str) -> Any:
    """Send one submission to the cluster."""
    assert task.submission.file is not None
    return client.submit(grade_packed, pack_submission(task.submission.file),
                         task.submission.file.name, request, pure=False,
                         key=f"{kind}-{task.submission.student.key}-{task.key[:12]}")


def _report(batch: Batch, task: Task, future: Any) -> tuple[GradeReport, Observed | None]:
    """Wait for a task's report and observations; a lost worker or a grader failure is that
    submission's only."""
    try:
        graded = json.loads(future.result())
        report = GradeReport.from_json(graded["report"])
        return (replace(report, submission=str(task.submission.file)),
                Observed.from_json(graded["observed"]))
    except Exception as exc:  # noqa: BLE001 - a lost worker must not stop the class
        return batch.failure(task, f"on the Dask cluster: {type(exc).__name__}: {exc}"), None
