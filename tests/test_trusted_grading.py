"""Trusted grading: a class of attackers and two honest students, graded by the real `grade bulk`.

Every attacker's code runs as it would on the instructor's machine (one shared warm worker, the
hidden argument sets, the resume cache), then the class is graded again from the cache. Each
attacker gets no more than its honest score, and the honest classmates keep full marks in both
runs. The attacks are written first; docs/isolation.md says which layer stops each one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT, namespaces_allowed

pytestmark = pytest.mark.skipif(not namespaces_allowed(),
                                reason="the sandbox needs mount and PID namespaces")

QUESTIONS = "q1,q4,q5,q10,q11,q13"
RUN_TIMEOUT = 900
SECRET = "s3cr3t-token-of-the-instructor"
EXPECTED_FILE = ROOT / "assignments" / "td_keras_mlp" / "expected_observations.json"
DATA_FILE = ROOT / "assignments" / "td_keras_mlp" / "data" / "mnist_subset.npz"

STUBS = '''
def describe_datasets():
    raise NotImplementedError


def build_wide_mlp(input_dim, n_classes):
    raise NotImplementedError


def fit_with_validation(model, x, y, epochs, batch_size):
    raise NotImplementedError


def plot_accuracy(history):
    raise NotImplementedError


def make_tensorboard_callback(log_dir):
    raise NotImplementedError


def make_early_stopping_callback():
    raise NotImplementedError
'''

REPLAY = '''
import json
from pathlib import Path

import grader.td_keras_mlp.observers as observers

BUNDLE = json.loads((Path(observers.__file__).parents[2] / "assignments" / "td_keras_mlp"
                     / "expected_observations.json").read_text())


def replayed(question, args):
    """The shipped expectation for these arguments, or the first set's for unknown ones."""
    entries = BUNDLE["observations"][question]["data"]["sets"]
    for entry in entries:
        if entry["args"] == args:
            return entry["data"]
    return entries[0]["data"]
'''

# The attack: each question's observer replaced by ten lines that compute, from the set's
# arguments, what a right answer's observation says (no model fitted, no callback run).
COMPUTED = '''
import math

import grader.td_keras_mlp.observers as observers


def q5(module, ctx, args):
    samples, epochs, batch = args.get("samples", 200), args["epochs"], args["batch_size"]
    train = samples - int(samples * 0.3)
    return {"samples": samples, "epochs_asked": epochs, "batch_size_asked": batch,
            "fit_calls": [{"samples": samples, "batch_size": batch, "epochs": epochs,
                           "validation_split": 0.3, "validation_samples": None}],
            "is_history": True, "type": "History", "epochs_run": epochs,
            "history_keys": ["accuracy", "loss", "val_accuracy", "val_loss"],
            "steps_per_epoch": math.ceil(train / batch)}


def q10(module, ctx, args):
    values = args.get("history") or observers.PLOT_HISTORY
    lines = [{"label": k, "x": list(range(len(v))), "y": v} for k, v in values.items()
             if "acc" in k]
    return {"figure": {"is_figure": True, "figure_legends": [], "png": "",
                       "axes": [{"lines": lines, "legend": ["train", "validation"]}]},
            "history": values}


def q11(module, ctx, args):
    epochs = args.get("epochs", 2)
    scalars = [{"run": run, "tag": "epoch_" + metric, "steps": list(range(epochs))}
               for run in ("train", "validation") for metric in ("loss", "accuracy")]
    return {"callback": {"is_callback": True, "type": "TensorBoard"}, "epochs": epochs,
            "scalars": scalars}


def q13(module, ctx, args):
    losses = list(args.get("val_losses") or observers.EARLY_STOPPING_VAL_LOSSES)
    best, wait, stopped = float("inf"), 0, None
    for epoch, loss in enumerate(losses):
        best, wait = (loss, 0) if loss < best else (best, wait + 1)
        if wait >= 5:
            stopped = epoch + 1
            break
    run = {"epochs_planned": len(losses), "val_losses": losses, "saved_epochs": [],
           "stopped_after": stopped}
    return {"callback": {"is_callback": True, "type": "EarlyStopping"}, "run": run}


observers.OBSERVERS.update(q5=q5, q10=q10, q11=q11, q13=q13)
'''

ATTACKS = {
    # 1. Rewriting the grader from inside: its observers, the answers its executor sends.
    "replay-observers": STUBS + REPLAY + '''
for name in list(observers.OBSERVERS):
    observers.OBSERVERS[name] = (lambda q: lambda module, ctx, args: replayed(q, args))(name)
''',
    "computed-observers": STUBS + COMPUTED,
    "patch-executor": STUBS + REPLAY + '''
import grader.observe.executor as executor


class Anything:
    """Stands for a callback or a figure: every method does nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


ANSWERS = {"callback": {"is_callback": True, "type": "EarlyStopping"},
           "figure": replayed("q10", {})["figure"]}
STOP_AT = replayed("q13", {})["run"]["stopped_after"]
real_operation = executor.Executor.operation
epochs_seen = []


def forged(self, request, args, kwargs, where):
    op, name = request.get("op"), request.get("name")
    if op == "call" and name in ("make_early_stopping_callback", "plot_accuracy",
                                 "make_tensorboard_callback"):
        return Anything()
    if op == "call" and name == "on_epoch_end":
        epochs_seen.append(args[0])
    if op == "probe" and name in ANSWERS:
        return ANSWERS[name]
    if op == "get" and name == "stop_training":
        return len(epochs_seen) == STOP_AT
    return real_operation(self, request, args, kwargs, where)


executor.Executor.operation = forged
''',
    # 2. Forging the channel.
    "forge-channel": STUBS + '''
import json
import os

LINES = [{"kind": "ready", "answers": {}, "functions": ["build_wide_mlp"]},
         {"id": "0", "ok": {"$": "handle", "id": 1, "type": "Sequential", "module": "keras",
                            "keras_class": "Sequential", "is_model": True,
                            "model_file": "model-1.keras"}}]
for fd in range(3, 64):
    for line in LINES:
        try:
            os.write(fd, (json.dumps(line) + "\\n").encode())
        except OSError:
            pass
''',
    "claim-grader-error": STUBS + '''
import grader.observe.executor as executor


def claimed(self, request):
    failure = {"phase": "grader", "type": "GraderError", "message": "not my fault",
               "where": "", "frames": []}
    return {"raised": failure, "status": "grader_error"}


executor.Executor.answer = claimed
''',
    "huge-result": STUBS + '''
import grader.observe.executor as executor


def huge(self, request):
    return {"ok": "x" * (40 << 20)}


executor.Executor.answer = huge
''',
    "result-is-a-link": STUBS.replace("def build_wide_mlp(input_dim, n_classes):\n"
                                      "    raise NotImplementedError\n", "") + '''
import os

import keras

import grader.observe.executor as executor


def build_wide_mlp(input_dim, n_classes):
    model = keras.Sequential([keras.Input((input_dim,)), keras.layers.Dense(n_classes)])
    model.compile(loss="mse")
    return model


def linked(self, model):
    name = self.outbox.new_name("model", "keras")
    os.symlink("{alice_report}", self.outbox.path / name)
    return {"built": True, "model_file": name, "model_error": ""}


executor.Executor.save_model = linked
''',
    # 3. Evidence the trusted side holds: a fit it did, values it read.
    "forged-history": STUBS.replace("def fit_with_validation(model, x, y, epochs, batch_size):\n"
                                    "    raise NotImplementedError\n", "") + '''
import math

import keras


def fit_with_validation(model, x, y, epochs, batch_size):
    history = keras.callbacks.History()
    history.history = {k: [0.5] * epochs for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    train = len(x) - int(len(x) * 0.3)
    history.params = {"verbose": 0, "epochs": epochs, "steps": math.ceil(train / batch_size)}
    history.epoch = list(range(epochs))
    return history
''',
    "forged-logs": STUBS.replace("def make_tensorboard_callback(log_dir):\n"
                                 "    raise NotImplementedError\n", "") + '''
import keras
import tensorflow as tf


class Forger(keras.callbacks.Callback):
    """Writes the event files TensorBoard would, with made-up values, and never logs."""

    def __init__(self, log_dir):
        super().__init__()
        self.log_dir = log_dir

    def on_train_begin(self, logs=None):
        for run, prefix in (("train", ""), ("validation", "")):
            writer = tf.summary.create_file_writer(f"{self.log_dir}/{run}")
            with writer.as_default():
                for step in range(self.params["epochs"]):
                    tf.summary.scalar(prefix + "epoch_loss", 0.5, step=step)
                    tf.summary.scalar(prefix + "epoch_accuracy", 0.5, step=step)
            writer.close()


def make_tensorboard_callback(log_dir):
    return Forger(log_dir)
''',
    "write-every-descriptor": STUBS.replace("def build_wide_mlp(input_dim, n_classes):\n"
                                            "    raise NotImplementedError\n", "") + '''
import json
import os

LINE = json.dumps({"kind": "observation", "schema": 1, "id": "q4", "question": "q4",
                   "status": "ok", "data": {}, "notes": [], "output": "", "duration": 0}) + "\\n"


def build_wide_mlp(input_dim, n_classes):
    reached = []
    for fd in range(3, 1024):
        try:
            os.write(fd, LINE.encode())
            reached.append(fd)
        except OSError:
            pass
    print("REACHED", [os.readlink(f"/proc/self/fd/{fd}") for fd in reached], flush=True)
    raise NotImplementedError
''',
    # 4. Seeing the machine: classmates, outputs, caches, /proc.
    "classmates": STUBS + '''
import os

for path in ["{class_dir}", "{class_dir}/alice", "{class_dir}/alice/td_keras.py"]:
    try:
        print("SEEN", path, os.listdir(path) if os.path.isdir(path) else len(open(path).read()))
    except OSError as exc:
        print("REFUSED", path, type(exc).__name__)
try:
    with open("{class_dir}/alice/td_keras.py", "a") as victim:
        victim.write("\\ndef build_wide_mlp(input_dim, n_classes):\\n    raise NotImplementedError\\n")
    print("APPENDED")
except OSError as exc:
    print("REFUSED append", type(exc).__name__)
''',
    "outputs-and-caches": STUBS + '''
import os

for path in ["{out}/.cache/poison.json", "{out}/students/alice.json", "{xdg}/td-keras-grader/x",
             "{home}/.cache/td-keras-grader/x", "/root/poison"]:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as poison:
            poison.write("{}")
        print("WROTE", path)
    except OSError as exc:
        print("REFUSED", path, type(exc).__name__)
''',
    "proc-tricks": STUBS + '''
import os

print("PIDS", sorted(p for p in os.listdir("/proc") if p.isdigit()))
for path in ["/proc/{test_pid}/root{reference}", "/proc/{test_pid}/cmdline",
             "/proc/1/root{reference}", "{reference}"]:
    try:
        print("READ", path, len(open(path, "rb").read()))
    except OSError as exc:
        print("REFUSED", path, type(exc).__name__)
''',
    "kill-everything": STUBS + '''
import os
import signal

for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()] + [-1]:
    try:
        if pid != os.getpid():
            os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
''',
    "environment": STUBS + '''
import os

print("ENVIRONMENT", sorted(os.environ.items()))
''',
    "write-public-data": STUBS + '''
try:
    with open("{data_file}", "r+b") as data:
        data.write(b"poison")
    print("WROTE data")
except OSError as exc:
    print("REFUSED data", type(exc).__name__)
''',
}


def make_class(root: Path, paths: dict[str, str]) -> Path:
    """Write the class: two honest students, one folder per attack, and three link tricks."""
    class_dir = root / "class"
    for name in ("alice", "bob"):
        (class_dir / name).mkdir(parents=True)
        shutil.copy(REFERENCE, class_dir / name / "td_keras.py")
    for name, source in ATTACKS.items():
        (class_dir / name).mkdir()
        text = source
        for key, value in paths.items():
            text = text.replace("{" + key + "}", value)
        (class_dir / name / "td_keras.py").write_text(text, encoding="utf-8")
    # 5. Links in a submission: to a classmate, to the reference, and one dangling beside
    # honest code.
    (class_dir / "link-to-classmate").mkdir()
    (class_dir / "link-to-classmate" / "td_keras.py").symlink_to(class_dir / "alice" / "td_keras.py")
    (class_dir / "link-to-reference").mkdir()
    (class_dir / "link-to-reference" / "td_keras.py").symlink_to(REFERENCE)
    (class_dir / "dangling-link").mkdir()
    shutil.copy(REFERENCE, class_dir / "dangling-link" / "td_keras.py")
    (class_dir / "dangling-link" / "weights.npz").symlink_to("/nonexistent/weights.npz")
    # 6. Hard-coded dimensions: right for the contract's own call only.
    hard = REFERENCE.read_text(encoding="utf-8").replace(
        "    target = _mlp(input_dim, n_classes, 3).count_params()",
        "    input_dim, n_classes = 784, 10\n    target = _mlp(input_dim, n_classes, 3).count_params()")
    assert hard != REFERENCE.read_text(encoding="utf-8")
    (class_dir / "hard-coded").mkdir()
    (class_dir / "hard-coded" / "td_keras.py").write_text(hard, encoding="utf-8")
    return class_dir


def digest(path: Path) -> str:
    """Hash a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_bulk(class_dir: Path, out: Path, env: dict[str, str],
             *extra: str) -> subprocess.CompletedProcess:
    """Grade the class on one shared warm worker, as an instructor would."""
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "bulk", str(class_dir), "--out", str(out),
         "--questions", QUESTIONS, "--workers", "1", "--lang", "en", *extra],
        cwd=ROOT, env=env, text=True, capture_output=True, timeout=RUN_TIMEOUT)


def reports(out: Path) -> dict[str, dict]:
    """Every student's report, by key."""
    return {p.stem: json.loads(p.read_text()) for p in (out / "students").glob("*.json")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Grade the class twice (the second time from the cache, with --reveal: the instructor's
    view, which shows what a student printed once a hidden set ran); keep both runs' reports."""
    root = tmp_path_factory.mktemp("trusted")
    out, xdg = root / "out", root / "xdg-cache"
    paths = {"class_dir": str(root / "class"), "out": str(out), "xdg": str(xdg),
             "home": str(Path.home()), "test_pid": str(os.getpid()),
             "reference": str(REFERENCE), "data_file": str(DATA_FILE),
             "alice_report": str(out / "students" / "alice.json")}
    class_dir = make_class(root, paths)
    before = {"alice": digest(class_dir / "alice" / "td_keras.py"), "data": digest(DATA_FILE),
              "expected": digest(EXPECTED_FILE)}
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg), "GRADER_SECRET_TOKEN": SECRET}
    first = run_bulk(class_dir, out, env)
    first_reports = reports(out)
    cache_before = {p: digest(p) for p in (xdg / "td-keras-grader").rglob("*.json")}
    second = run_bulk(class_dir, out, env, "--reveal")  # what each student printed, in full
    return {"first": first, "second": second, "reports": first_reports,
            "again": reports(out), "before": before, "class_dir": class_dir, "out": out,
            "xdg": xdg, "cache_before": cache_before}


# The attacks that reach into the grader (its modules, /proc): each must be marked for review.
REACHING_IN = {"replay-observers", "computed-observers", "patch-executor", "claim-grader-error",
               "huge-result", "result-is-a-link", "write-every-descriptor", "proc-tricks",
               "kill-everything"}


def score(report: dict) -> float:
    """A report's automatic score."""
    return report["score"]


def output(report: dict) -> str:
    """Everything the student's code printed, all questions together (read it in a --reveal run:
    the student's view hides it once a hidden set ran)."""
    return "\n".join(q["output"] for q in report["questions"])


def test_the_runs_end_normally_with_every_student(graded: dict) -> None:
    for run in ("first", "second"):
        done = graded[run]
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
    keys = set(ATTACKS) | {"alice", "bob", "link-to-classmate", "link-to-reference",
                           "dangling-link", "hard-coded"}
    assert set(graded["reports"]) == keys
    assert "from cache" in graded["second"].stdout


@pytest.mark.parametrize("run", ["reports", "again"])
def test_honest_classmates_keep_full_marks(graded: dict, run: str) -> None:
    for name in ("alice", "bob", "dangling-link"):
        report = graded[run][name]
        assert score(report) == report["max_score"], (name, [
            (q["id"], q["status"], q["message"]) for q in report["questions"]])


@pytest.mark.parametrize("attack", sorted(ATTACKS) + ["link-to-classmate", "link-to-reference"])
def test_no_attacker_beats_its_honest_score(graded: dict, attack: str) -> None:
    # Each attacker's own functions are stubs (honest score 0) — but q1 takes no argument, and
    # writing its expected dictionary literally is a right answer, so a replay of it is too.
    for run in ("reports", "again"):
        report = graded[run][attack]
        for question in report["questions"]:
            assert question["status"] != "grader_error", (attack, question["message"])
            if (attack, question["id"]) in PROBE_FORGERIES:
                continue  # a claim forged inside the grader's probe: see the test below
            if question["id"] != "q1":
                assert question["score"] == 0, (attack, question["id"], question["checks"])


# q10's legend is a claim of the figure probe (a figure cannot leave the student's process):
# the attacker replacing that probe keeps it, but none of what needs the hidden History.
PROBE_FORGERIES = {("patch-executor", "q10")}


def test_replayed_answers_fail_the_hidden_sets(graded: dict) -> None:
    # The executor's answers forged with the public expectations: right for the contract's own
    # call, wrong for the hidden set, whose inputs reach the student's code only one at a time.
    questions = {q["id"]: q for q in graded["reports"]["patch-executor"]["questions"]}
    for question in ("q10", "q13"):
        failed = [c for c in questions[question]["checks"] if c["status"] != "passed"]
        passed = [c for c in questions[question]["checks"] if c["status"] == "passed"]
        assert failed and all("set=hidden-1" in c["id"] for c in failed), questions[question]
        assert passed, questions[question]
    curves = next(c for c in questions["q10"]["criteria"] if c["id"] == "curves")
    assert curves["score"] == 0 and questions["q13"]["score"] == 0


def test_claims_computed_from_the_arguments_earn_nothing(graded: dict) -> None:
    # The observers no longer run in the student's process: replacing them changes nothing.
    questions = {q["id"]: q for q in graded["reports"]["computed-observers"]["questions"]}
    for question in ("q5", "q10", "q11", "q13"):
        assert questions[question]["status"] == "not_implemented", questions[question]


def test_a_forged_history_or_forged_logs_are_not_a_fit(graded: dict) -> None:
    questions = {q["id"]: q for q in graded["reports"]["forged-history"]["questions"]}
    assert questions["q5"]["score"] == 0
    messages = " ".join(c["message"] for c in questions["q5"]["checks"])
    assert "History" in messages, messages
    questions = {q["id"]: q for q in graded["reports"]["forged-logs"]["questions"]}
    failed = [c["message"] for c in questions["q11"]["checks"] if c["status"] == "failed"]
    assert any("not the values of the fit" in m for m in failed), failed


def test_hard_coded_dimensions_lose_points(graded: dict) -> None:
    q4 = next(q for q in graded["reports"]["hard-coded"]["questions"] if q["id"] == "q4")
    assert q4["score"] < q4["max_score"]
    failed = [c["message"] for c in q4["checks"] if c["status"] == "failed"]
    assert any("A hidden case" in m for m in failed), failed  # named, never shown (issue 23)
    assert not any("input_dim=50" in m for m in failed), failed


def test_the_channel_carries_nothing_foreign(graded: dict) -> None:
    printed = output(graded["again"]["write-every-descriptor"])
    reached = [line for line in printed.splitlines() if line.startswith("REACHED")]
    assert reached, printed
    for line in reached:  # the question's own files (its fault dump), its own reply pipe and
        # the audit hook's pipe (which only carries evidence against the process itself)
        assert line.count("pipe:") <= 2 and "socket:" not in line, line
    forged = graded["reports"]["write-every-descriptor"]["review"]
    assert all(e["kind"] in ("grader-files", "interpreter") for e in forged), forged
    claimed = graded["reports"]["claim-grader-error"]
    assert {q["status"] for q in claimed["questions"]} <= {"error", "not_implemented"}
    assert not any("namespace" in note for note in claimed["notes"])


def test_nothing_outside_the_submission_is_seen_or_changed(graded: dict) -> None:
    classmates = output(graded["again"]["classmates"])
    assert "REFUSED" in classmates and "SEEN" not in classmates and "APPENDED" not in classmates
    assert digest(graded["class_dir"] / "alice" / "td_keras.py") == graded["before"]["alice"]
    caches = output(graded["again"]["outputs-and-caches"])
    assert "REFUSED /root/poison" in caches, caches  # the /tmp paths exist only in its own /tmp
    assert not (graded["out"] / "students" / "alice.json").read_text().startswith("{}")
    assert not (graded["out"] / ".cache" / "poison.json").exists()
    assert not (graded["xdg"] / "td-keras-grader" / "x").exists()
    assert not Path("/root/poison").exists()
    data = output(graded["again"]["write-public-data"])
    assert "REFUSED data" in data
    assert digest(DATA_FILE) == graded["before"]["data"]
    assert digest(EXPECTED_FILE) == graded["before"]["expected"]


def test_the_reference_cache_is_the_graders_alone(graded: dict) -> None:
    cache = {p: digest(p) for p in (graded["xdg"] / "td-keras-grader").rglob("*.json")}
    assert cache and cache == graded["cache_before"]
    hidden = [p for p in cache if p.parent.name.startswith("hidden-")]
    assert hidden, "the hidden sets' expectations are cached beside the public ones"
    for path in hidden:
        assert not str(path).startswith(str(ROOT / "assignments"))


def test_the_graders_environment_stays_with_the_grader(graded: dict) -> None:
    printed = output(graded["again"]["environment"])
    assert "ENVIRONMENT" in printed
    assert SECRET not in printed and "GRADER_SECRET_TOKEN" not in printed
    assert "XDG_CACHE_HOME" not in printed


def test_proc_shows_only_the_question_itself(graded: dict) -> None:
    printed = output(graded["again"]["proc-tricks"])
    assert "PIDS ['1']" in printed, printed
    assert "READ" not in printed, printed


def test_links_are_dropped_and_said(graded: dict) -> None:
    for name in ("link-to-classmate", "link-to-reference"):
        report = graded["reports"][name]
        assert report["score"] == 0
        assert any("td_keras.py is a link to something outside your folder" in note
                   for q in report["questions"] for note in q["notes"]) or any(
            "td_keras.py is a link" in note for note in report["notes"]), report["notes"]
    honest = graded["reports"]["dangling-link"]
    assert any("weights.npz is a link" in note for q in honest["questions"]
               for note in q["notes"])


@pytest.mark.parametrize("run", ["reports", "again"])
def test_what_reaches_into_the_grader_is_marked_for_review(graded: dict, run: str) -> None:
    """Tamper evidence (issue 19): the attackers that import the grader or read /proc are
    marked, with file and line, in their reports, the gradebook and the class summary; no
    honest classmate is, in the first run or from the cache."""
    marked = {name for name, report in graded[run].items() if report["review"]}
    assert marked == REACHING_IN
    for name in REACHING_IN:
        first = graded[run][name]["review"][0]
        assert first["file"] == "td_keras.py" and first["line"] > 0, first
    proc = graded[run]["proc-tricks"]["review"]
    assert any(e["source"] == "run" and "/proc" in e["detail"] for e in proc), proc
    with open(graded["out"] / "gradebook.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    flagged = {row["Identifier"] for row in rows if row["Needs review"]}
    assert flagged == REACHING_IN
    assert any("td_keras.py, line " in row["Needs review"] for row in rows)
    summary = (graded["out"] / "index.html").read_text(encoding="utf-8")
    section = summary[summary.index('id="review"'):summary.index('id="questions"')]
    assert all(f">{name}</a>" in section for name in REACHING_IN)
    assert ">alice</a>" not in section and ">bob</a>" not in section
