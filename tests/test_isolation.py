"""Hostile and broken submissions, graded by the real CLI in real sandboxed processes.

Every bad function lives in one submission, next to a correct one (q5): each costs its own
question only, the grader exits 1 (not 3) within its time budget, and nothing the submission
started is alive afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, make_variant, namespaces_allowed

TIMEOUT_SCALE = 0.25  # q3's 2 × 60 s budget becomes 30 s, the import's 30 s becomes 7.5 s
QUESTIONS = ("q1", "q3", "q4", "q5", "q6", "q7", "q10", "q12", "q13")

HOSTILE = '''
import ctypes
import os
import subprocess
import sys

import keras
import numpy as np

from td_keras_reference import *  # noqa: F403
import td_keras_reference as ref

SLEEPER = [sys.executable, "-c", "import time; time.sleep(900)", "{marker}"]


def describe_datasets():
    """Q1: right, but peeks at the reference and leaves sleepers (setsid'd, double-forked)."""
    import grader
    from pathlib import Path

    reference = Path(grader.__file__).parents[1] / "reference" / "td_keras_mlp" / "td_keras.py"
    try:
        seen = "read " + str(len(reference.read_text()))
    except OSError as exc:
        seen = type(exc).__name__
    print("PEEK:" + seen)
    subprocess.Popen(SLEEPER, start_new_session=True)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, SLEEPER)
        os._exit(0)
    return ref.describe_datasets()


def build_mlp(input_dim, n_classes, n_hidden):
    """Q3: loops forever."""
    while True:
        pass


class Liar(keras.Sequential):
    """Claims the reference's parameter count."""

    def count_params(self):
        return 134794


def build_wide_mlp(input_dim, n_classes):
    """Q4: 64 units, lying about its size."""
    model = Liar([keras.Input(shape=(input_dim,)), keras.layers.Dense(64, activation="relu"),
                  keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def build_mlp_l1(input_dim, n_classes, n_hidden, l1):
    """Q6: segfaults."""
    ctypes.string_at(0)


def build_mlp_dropout(input_dim, n_classes, n_hidden):
    """Q7: asks for 12 GiB, then carries on."""
    big = np.ones(12 * 2**30 // 8)
    return ref.build_mlp_dropout(input_dim, n_classes, n_hidden) if big.size else None


def plot_accuracy(history):
    """Q10: ends the process."""
    os._exit(0)


def make_checkpoint_callback(filepath):
    """Q12: raises KeyboardInterrupt."""
    raise KeyboardInterrupt


def make_early_stopping_callback():
    """Q13: right, after printing 200 MB."""
    line = "x" * 999 + "\\n"
    for _ in range(200_000):
        sys.stdout.write(line)
    return ref.make_early_stopping_callback()
'''


def grade_cli(folder: Path, *args: str, json_path: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run `grade` in a subprocess with short budgets; return the run and its wall time."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", *args, "--submission", str(folder), "--json",
         str(json_path), "--lang", "en", "--no-color", "--timeout-scale", str(TIMEOUT_SCALE)],
        cwd=ROOT, text=True, capture_output=True, timeout=300)
    return done, time.monotonic() - started


def processes_with(marker: str) -> list[int]:
    """Return the live processes whose command line holds the marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Grade the hostile submission once; return the run, its report and its marker."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    marker = f"grade-test-{uuid.uuid4().hex}"
    source = HOSTILE.replace("{marker}", marker)
    folder = make_variant(tmp_path, source)
    done, seconds = grade_cli(folder, *QUESTIONS, json_path=tmp_path / "r.json")
    report = json.loads((tmp_path / "r.json").read_text())
    questions = {q["id"]: q for q in report["questions"]}
    peek = questions["q1"]["output"].split("PEEK:", 1)[-1].split()[0]
    return {"run": done, "seconds": seconds, "marker": marker, "peek": peek,
            "questions": questions}


def test_the_grader_survives_and_exits_1_in_time(hostile: dict) -> None:
    done = hostile["run"]
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    budget = len(QUESTIONS) * 2 * 60 * TIMEOUT_SCALE  # two public argument sets each
    assert hostile["seconds"] < budget + 20  # + the worker's start-up


def test_nothing_the_submission_started_survives(hostile: dict) -> None:
    assert processes_with(hostile["marker"]) == []


@pytest.mark.skipif(not namespaces_allowed(), reason="this machine refuses mount namespaces")
def test_the_reference_source_is_hidden_from_student_code(hostile: dict) -> None:
    assert (ROOT / "reference" / "td_keras_mlp" / "td_keras.py").is_file()
    assert hostile["peek"] == "FileNotFoundError"


def test_only_the_broken_questions_lose_points(hostile: dict) -> None:
    questions = hostile["questions"]
    assert questions["q5"]["status"] == "passed"  # the untouched function
    assert questions["q1"]["status"] == "passed"  # right, whatever it left behind
    assert questions["q13"]["status"] == "passed"  # right, however much it printed
    for broken in ("q3", "q4", "q6", "q7", "q10", "q12"):
        assert questions[broken]["score"] == 0 or questions[broken]["status"] == "failed"
        assert questions[broken]["score"] < questions[broken]["max_score"]


@pytest.mark.parametrize(("question", "status", "words"), [
    ("q3", "timeout", ["time limit of 30 s", "build_mlp(input_dim=784, n_classes=10, n_hidden=0)"]),
    ("q6", "crashed", ["segmentation fault", "build_mlp_l1("]),
    ("q7", "memory", ["memory limit", "build_mlp_dropout("]),
    ("q10", "crashed", ["exited with code 0", "plot_accuracy("]),
    ("q12", "error", ["make_checkpoint_callback", "KeyboardInterrupt"]),
])
def test_each_cause_is_named(hostile: dict, question: str, status: str, words: list[str]) -> None:
    result = hostile["questions"][question]
    assert result["status"] == status, result["message"]
    assert result["score"] == 0
    for word in words:
        assert word in result["message"]


def test_a_lying_count_params_earns_nothing(hostile: dict) -> None:
    result = hostile["questions"]["q4"]
    assert result["status"] == "failed"
    messages = [c["message"] for c in result["checks"] if c["status"] == "failed"]
    assert "Q4: parameter count — expected within 5% of 134,794, got 50,890." in messages


def test_megabytes_of_output_are_cut_and_said(hostile: dict) -> None:
    result = hostile["questions"]["q13"]
    assert len(result["output"]) < 100_000
    assert any("bytes were cut" in note for note in result["notes"])


@pytest.mark.parametrize(("name", "source", "cause"), [
    ("syntax error", "def build_mlp(:\n    pass\n", "SyntaxError"),
    ("missing import", "import tensorflow_addons_that_does_not_exist\n", "ModuleNotFoundError"),
    ("sys.exit at import", "import sys\nsys.exit(0)\n", "sys.exit(0)"),
    ("endless loop at import", "while True:\n    pass\n", "time limit of 7.5 s"),
])
def test_a_file_that_does_not_import_is_reported_once(tmp_path: Path, name: str, source: str,
                                                      cause: str) -> None:
    folder = make_variant(tmp_path, source)
    done, _ = grade_cli(folder, "q1", "q3", json_path=tmp_path / "r.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["score"] == 0
    assert [q["message"] for q in report["questions"]] == [
        "not graded: your file does not import (see above)"] * 2
    assert any(cause in note for note in report["notes"]), report["notes"]
    assert done.stdout.count(cause) == 1, done.stdout


FORK_BOMB = '''
import os
import time

from td_keras_reference import *  # noqa: F403


def build_linear_classifier(input_dim, n_classes):
    """Q2: a fork bomb (bounded at 1,024 processes, in case the grader failed to stop it)."""
    for _ in range(10):
        os.fork()
    time.sleep(60)
    os._exit(0)
'''


def test_a_fork_bomb_is_stopped_by_the_process_budget(tmp_path: Path) -> None:
    before = len(list(Path("/proc").glob("[0-9]*")))
    folder = make_variant(tmp_path, FORK_BOMB)
    # A small budget: the bomb passes it within a few forks even on a loaded machine, so the
    # verdict is the same whatever else the machine is doing.
    done, _ = grade_cli(folder, "q1", "q2", "-j", "1", "--max-processes", "32",
                        json_path=tmp_path / "r.json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    q1, q2 = report["questions"]
    assert q1["status"] == "passed"
    assert q2["status"] == "crashed"
    # which call was running when the budget was hit depends on the bomb's pace: not the verdict
    assert q2["message"].startswith("stopped: it started more than 32 processes while running "
                                    "build_linear_classifier(input_dim=")
    deadline = time.monotonic() + 10  # the kernel tears a killed namespace down asynchronously
    while len(list(Path("/proc").glob("[0-9]*"))) > before + 20 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(list(Path("/proc").glob("[0-9]*"))) <= before + 20


def test_a_huge_file_fails_the_write_not_the_disk(grade_with, tmp_path: Path) -> None:
    source = ("from td_keras_reference import *  # noqa: F403\n\n\n"
              "def describe_datasets():\n"
              "    with open('huge.bin', 'wb') as out:\n"
              "        for _ in range(1000):\n"
              "            out.write(b'x' * (1 << 20))\n")
    result = grade_with(make_variant(tmp_path, source), "q1").questions[0]
    assert result.status == "error"
    assert result.message == ("describe_datasets() raised OSError: [Errno 27] File too large "
                              "(td_keras.py, line 7)")


def test_a_supervisor_that_vanished_costs_its_question_only() -> None:
    from grader.model import Observation
    from grader.observe.worker import _finished

    job = {"id": "q3", "question": "q3", "function": "build_mlp"}
    killed = _finished(job, b"")  # nothing on its result pipe: killed from outside
    assert killed["id"] == "q3"
    observation = Observation.from_json({k: v for k, v in killed.items() if k != "id"})
    assert (observation.status, observation.failure.where) == ("crashed", "build_mlp")
    failed = _finished(job, json.dumps({"error": "Traceback …\nRuntimeError: boom\n"}).encode())
    assert failed["status"] == "grader_error" and failed["failure"]["message"] == "RuntimeError: boom"


def test_a_result_is_always_the_worker_s_own_job() -> None:
    from grader.observe.worker import _finished

    other = {"kind": "observation", "schema": 1, "question": "_import", "status": "ok",
             "id": "_import"}
    first = _finished({"id": "q1", "question": "q1", "function": "f"},
                      json.dumps({"ok": other}).encode())
    assert first["id"] == "q1"  # the worker's own job id, whatever the payload says
    garbled = _finished({"id": "q2", "question": "q2", "function": "g"}, b"{not json")
    assert garbled["status"] == "crashed" and garbled["id"] == "q2"
