"""The non-Linux path (macOS; Windows told to use WSL), taken here with TD_KERAS_GRADER_PORTABLE=1.

No macOS machine is at hand: these tests run the code paths that the platform chooses (no
namespaces, no prctl, no seccomp, no cgroups, no /proc: processes read with `ps`), on Linux.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT

from grader import cli
from grader.observe import limits
from grader.observe.host import PORTABLE_ENV, host

LOOPS_WITH_A_CHILD = '''\
import os
import subprocess


def build_mlp(input_dim, n_classes, n_hidden):
    """Starts a long sleep, notes its pid, then never returns."""
    sleeper = subprocess.Popen(["sleep", "300"])
    with open({pid_file!r}, "w") as out:
        out.write(f"{{sleeper.pid}} {{os.getpid()}}")
    while True:
        pass
'''


def portable_grade(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `grade` in `folder` as a macOS laptop would (the portable path)."""
    env = {**os.environ, PORTABLE_ENV: "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "grader.cli", "--no-color", *args], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=600)


def test_the_portable_path_gives_up_every_linux_feature(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PORTABLE_ENV, "1")
    assert not host().linux
    assert not limits.sandbox_available()
    assert not limits.isolate_network() and not limits.isolate_pids()
    assert not limits.forbid_new_privileges() and not limits.become_subreaper()
    assert os.getpid() in limits.descendants(os.getppid())
    assert limits.virtual_memory_bytes() > 0  # read with ps


@pytest.mark.slow
def test_a_laptop_without_namespaces_grades_and_says_so_once(tmp_path: Path) -> None:
    shutil.copy(REFERENCE, tmp_path / "td_keras.py")
    done = portable_grade(tmp_path, "q3", "q12")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 questions passed all public checks — 3 / 3" in done.stdout, done.stdout
    assert done.stdout.count("This machine does not allow namespaces") == 1, done.stdout


@pytest.mark.slow
def test_a_loop_and_the_process_it_started_are_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "sleeper.pid"
    (tmp_path / "td_keras.py").write_text(LOOPS_WITH_A_CHILD.format(pid_file=str(pid_file)))
    done = portable_grade(tmp_path, "q3", "--timeout-scale", "0.1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "timeout" in done.stdout and "stopped after the time limit" in done.stdout
    sleeper, looper = (int(pid) for pid in pid_file.read_text().split())
    time.sleep(0.5)
    for pid, what in ((sleeper, "the sleep"), (looper, "the looping function")):
        assert pid not in limits.descendants(1) or _zombie(pid), f"{what} outlived grading"


def test_instructor_grading_refuses_a_machine_without_the_sandbox(tmp_path: Path) -> None:
    shutil.copy(REFERENCE, tmp_path / "td_keras.py")
    done = portable_grade(tmp_path, "--instructor", "q3")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot sandbox student code" in done.stderr


def test_without_fork_grade_says_to_use_wsl(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delattr(os, "fork")
    assert cli.main(["q3"]) == 2
    assert "WSL" in capsys.readouterr().err


def _zombie(pid: int) -> bool:
    """Whether a process has ended but waits for its parent to read its status."""
    return limits._is_zombie(pid)
