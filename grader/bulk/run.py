"""Grade many submissions on N local warm workers, one thread driving each worker.

Each finished report is stored (cached) by the thread that graded it, before anything else
happens, so an interrupted run keeps everything that was finished.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from grader.api import (
    GradeOptions,
    Observed,
    grade_observed,
    preload_modules,
    scan_folder,
    selected_questions,
)
from grader.assignment import Assignment
from grader.bulk.inputs import Submission
from grader.bulk.results import grader_error_report
from grader.model import GradeReport
from grader.runner import WarmWorker, WorkerError

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Task:
    """One submission to grade and the cache key its report will be stored under."""

    submission: Submission
    key: str


@dataclass(frozen=True)
class Batch:
    """What every task of a run shares."""

    assignment: Assignment
    options: GradeOptions

    @property
    def preload(self) -> list[str]:
        """Return the modules a warm worker should import for these questions."""
        return preload_modules(self.assignment,
                               selected_questions(self.assignment, self.options.questions))

    def failure(self, task: Task, detail: str) -> GradeReport:
        """The report of a task the grader failed on."""
        questions = selected_questions(self.assignment, self.options.questions)
        report = grader_error_report(self.assignment, questions, str(task.submission.file),
                                     detail, self.options.lang)
        if task.submission.file is None:
            return report
        return replace(report, review=scan_folder(task.submission.file))  # read, not run


Store = Callable[[Task, GradeReport, "Observed | None"], None]  # None: the grader failed


def grade_task(batch: Batch, task: Task, worker: WarmWorker) -> tuple[GradeReport, Observed]:
    """Grade one submission on a warm worker (raises WorkerError when the worker dies)."""
    assert task.submission.file is not None
    return grade_observed(task.submission.file, batch.options, batch.assignment, worker=worker)


def _serve(batch: Batch, tasks: queue.Queue[Task], done: queue.Queue[tuple[Task, GradeReport] | None],
           stop: threading.Event, store: Store, retry: queue.Queue[Task] | None = None,
           started: list[WarmWorker] | None = None) -> None:
    """Take tasks until none is left, on one warm worker started on the first task.

    When a worker dies, its task goes to `retry` (when given) instead of failing: a student's
    code that kills warm workers (possible only without PID namespaces) may have killed the
    workers of other students too; retried alone, each costs only its own grade.
    """
    worker: WarmWorker | None = None
    try:
        while not stop.is_set():
            try:
                task = tasks.get_nowait()
            except queue.Empty:
                return
            try:
                if worker is None:
                    worker = WarmWorker(batch.preload)
                    if started is not None:
                        started.append(worker)
                    if stop.is_set():  # stopped while it started: run_local's kill missed it
                        worker.kill()
                        return
                report, observed = grade_task(batch, task, worker)
            except WorkerError as exc:  # the worker died (a student's code may have killed it)
                if worker is not None:
                    worker.close()
                worker = None
                if retry is not None:
                    retry.put(task)
                    continue
                report, observed = batch.failure(task, str(exc)), None
            except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the class
                report, observed = batch.failure(task, f"{type(exc).__name__}: {exc}"), None
            try:
                store(task, report, observed)
            except Exception as exc:  # noqa: BLE001 - a cache that cannot be written loses no student
                report = batch.failure(task, f"the report could not be cached: {exc}")
            done.put((task, report))
    finally:
        if worker is not None:
            worker.close()
        done.put(None)


def run_local(batch: Batch, tasks: Sequence[Task], workers: int, store: Store
              ) -> Iterator[tuple[Task, GradeReport]]:
    """Grade tasks on `workers` warm workers; yield (task, report) as each one finishes."""
    pending: queue.Queue[Task] = queue.Queue()
    for task in tasks:
        pending.put(task)
    done: queue.Queue[tuple[Task, GradeReport] | None] = queue.Queue()
    stop = threading.Event()
    retry: queue.Queue[Task] = queue.Queue()
    started: list[WarmWorker] = []  # killed when the run stops early (Ctrl-C, SIGTERM)
    count = max(1, min(workers, len(tasks)))
    threads = [threading.Thread(target=_serve, args=(batch, pending, done, stop, store, retry,
                                                     started),
                                name=f"bulk-worker-{i}", daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    running, retrying = count, False
    try:
        while running:
            try:
                item = done.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if item is not None:
                yield item
                continue
            running -= 1
            if not running and not retrying and not retry.empty():
                retrying, running = True, 1  # one at a time now, each on a fresh worker
                threading.Thread(target=_serve, args=(batch, retry, done, stop, store, None,
                                                      started),
                                 name="bulk-retry", daemon=True).start()
    finally:
        stop.set()  # interrupted: no new submission is started…
        for worker in list(started):  # …and the ones being graded are abandoned at once
            worker.kill()
