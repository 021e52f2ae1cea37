"""Budgets the student's process cannot get round: memory the kernel holds outside its address
space, the job's disk space, and the CPU the supervisor needs to stop it in time.

Each attack is graded by the real grader in real sandboxed processes, next to a right function,
with the job's memory cgroup and without it (where the seccomp filter and the job's bounded
tmpfs must hold alone).
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from conftest import make_variant, namespaces_allowed
from test_isolation import processes_with

from grader.api import GradeOptions, grade
from grader.localize import said_report
from grader.runner import RunOptions

pytestmark = pytest.mark.skipif(not namespaces_allowed(),
                                reason="the budgets below need the sandbox's namespaces")

MEMORY_MB = 384

MEMFD = '''
import os

from td_keras_reference import *  # noqa: F403


def describe_datasets():
    """Q1: 1 GB in memfd files, which no address-space limit sees."""
    held = []
    for _ in range(4):
        fd = os.memfd_create("held")
        os.ftruncate(fd, 256 << 20)
        with os.fdopen(os.dup(fd), "r+b") as memory:
            for _ in range(256):
                memory.write(b"x" * (1 << 20))
        held.append(fd)
    return {"held": len(held)}
'''

USER_NAMESPACE_TMPFS = '''
import ctypes
import os

from td_keras_reference import *  # noqa: F403


def describe_datasets():
    """Q1: a tmpfs of its own, in a user namespace of its own, filled with 1 GB."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x10000000 | 0x00020000) != 0:  # CLONE_NEWUSER | CLONE_NEWNS
        raise OSError(ctypes.get_errno(), "unshare refused")
    os.makedirs("/tmp/mine", exist_ok=True)
    if libc.mount(b"tmpfs", b"/tmp/mine", b"tmpfs", 0, b"size=2g") != 0:
        raise OSError(ctypes.get_errno(), "mount refused")
    with open("/tmp/mine/held", "wb") as held:
        for _ in range(1024):
            held.write(b"x" * (1 << 20))
    return {"held": 1}
'''

JOB_FOLDER = '''
import os

from td_keras_reference import *  # noqa: F403


def describe_datasets():
    """Q1: fills its own folder (a tmpfs) with as much as it takes, and keeps it."""
    written = 0
    try:
        with open("filler.bin", "wb") as filler:
            while written < (4 << 30):
                filler.write(b"x" * (1 << 20))
                written += 1 << 20
    except OSError as exc:
        print("STOPPED", written >> 20, exc.errno)
    return {"written_mb": written >> 20}
'''

STARVE = '''
import os
import sys

from td_keras_reference import *  # noqa: F403


def describe_datasets():
    """Q1: sixty processes spinning, while the question runs past its time."""
    for _ in range(60):
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "while True: pass", "{marker}"])
    while True:
        pass
'''


def grade_one(worker, tmp_path: Path, source: str, cgroup: bool, **run: object):
    """Grade q1 of a submission (and q13, right, as a sentinel) with a small memory budget."""
    options = RunOptions(memory_mb=MEMORY_MB, memory_cgroup=cgroup, **run)
    report = said_report(grade(make_variant(tmp_path, source),
                   GradeOptions(questions=("q1", "q13"), run=options), worker=worker))
    return {q.id: q for q in report.questions}


@pytest.mark.parametrize("cgroup", [True, False], ids=["cgroup", "no-cgroup"])
def test_memory_in_memfd_files_is_refused(worker, tmp_path: Path, cgroup: bool) -> None:
    results = grade_one(worker, tmp_path, MEMFD, cgroup)
    q1 = results["q1"]
    assert q1.status in ("error", "memory"), q1.message
    assert q1.score == 0
    if q1.status == "error":  # the seccomp filter refused the memfd itself
        assert "Operation not permitted" in q1.message, q1.message
    assert results["q13"].status == "passed"


@pytest.mark.parametrize("cgroup", [True, False], ids=["cgroup", "no-cgroup"])
def test_a_tmpfs_in_a_user_namespace_of_its_own_is_refused(worker, tmp_path: Path,
                                                           cgroup: bool) -> None:
    results = grade_one(worker, tmp_path, USER_NAMESPACE_TMPFS, cgroup)
    q1 = results["q1"]
    assert q1.status == "error" and q1.score == 0, q1.message
    assert "unshare refused" in q1.message, q1.message
    assert results["q13"].status == "passed"


def test_the_job_folder_counts_in_the_memory_cgroup(worker, tmp_path: Path) -> None:
    results = grade_one(worker, tmp_path, JOB_FOLDER, cgroup=True)
    q1 = results["q1"]
    if "memory" not in q1.message and q1.status != "memory":
        pytest.skip("this machine gives the grader no memory cgroup: " + q1.message)
    assert q1.status == "memory" and q1.score == 0, q1.message
    assert results["q13"].status == "passed"


def test_without_a_cgroup_the_job_folder_is_bounded(worker, tmp_path: Path) -> None:
    results = grade_one(worker, tmp_path, JOB_FOLDER, cgroup=False)
    q1 = results["q1"]
    printed = q1.output
    assert "STOPPED" in printed, printed
    stopped_at = int(printed.split("STOPPED", 1)[1].split()[0])
    assert stopped_at <= 1024, stopped_at  # the job's tmpfs: 1 GB, not the worker's disk
    assert results["q13"].status == "passed"


def test_a_starving_submission_is_stopped_in_time(worker, tmp_path: Path) -> None:
    marker = f"grade-starve-{uuid.uuid4().hex}"
    started = time.monotonic()
    results = grade_one(worker, tmp_path, STARVE.replace("{marker}", marker), cgroup=True,
                        timeout_scale=0.1)
    elapsed = time.monotonic() - started
    q1 = results["q1"]
    assert q1.status == "timeout", q1.message
    assert "time limit of 6 s" in q1.message, q1.message
    assert elapsed < 6 + 40, elapsed  # the budget, the sentinel and the start-up, not minutes
    assert results["q13"].status == "passed"
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with(marker) == []
