"""Shared fixtures: one warm keras worker for the whole session (TF imports cost ~3 s each)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.api import GradeOptions, grade
from grader.assignment import Assignment, load_assignment
from grader.localize import said_report
from grader.model import GradeReport
from grader.runner import WarmWorker

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "td_keras_mlp" / "td_keras.py"
STARTER_DIR = ROOT / "assignments" / "td_keras_mlp"
VARIANTS = Path(__file__).resolve().parent / "variants"
PRELOAD = ("keras", "sklearn.model_selection", "matplotlib.pyplot")
UNSHARE_PROBE = ("import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); "
                 "sys.exit(libc.unshare(0x20000000 | 0x00020000))")  # CLONE_NEWPID | CLONE_NEWNS


def interruptible() -> None:
    """In a child about to exec: let Ctrl-C (SIGINT) stop it, as in a terminal. A suite started
    as a background job (`cmd &` in a script) passes SIGINT on ignored, which Python keeps."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def namespaces_allowed() -> bool:
    """Whether this machine lets the sandbox create PID and mount namespaces (root, or userns)."""
    return subprocess.run([sys.executable, "-c", UNSHARE_PROBE], check=False).returncode == 0


def bulk_safety() -> tuple[str, ...]:
    """`grade bulk` refuses to run unsandboxed: on such a machine the tests say --unsafe."""
    return () if namespaces_allowed() else ("--unsafe",)


@pytest.fixture(scope="session")
def assignment() -> Assignment:
    """The lab's question table."""
    return load_assignment("td_keras_mlp")


@pytest.fixture(scope="session")
def worker() -> Iterator[WarmWorker]:
    """A warm worker shared by every test that grades."""
    with WarmWorker(preload=PRELOAD) as shared:
        yield shared


@pytest.fixture(scope="session")
def grade_with(worker: WarmWorker):
    """Grade a submission path on the shared worker: grade_with(path, 'q3', 'q4', lang='en')."""

    def run(path: Path, *questions: str, lang: str = "en") -> GradeReport:
        return said_report(grade(path, GradeOptions(questions=tuple(questions), lang=lang), worker=worker))

    return run


def make_variant(tmp_path: Path, source: str) -> Path:
    """Write a submission folder: the reference as td_keras_reference.py + td_keras.py = source."""
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "td_keras_reference.py")
    (folder / "td_keras.py").write_text(source, encoding="utf-8")
    return folder
