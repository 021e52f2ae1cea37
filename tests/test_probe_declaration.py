"""A question's probe input declared in assignment.toml (`probe = { dtype, low, high }`, a bound a
number or the name of an argument): checked when the table loads, carried by the job to the
observer, the default of observe_builds and ctx.describe_model; an observer's own still wins."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from grader.assignment import Assignment, AssignmentError, load_assignment
from grader.jobs import Job, JobError
from grader.model import Status
from grader.observe.builds import observe_builds
from grader.observe.context import ObserveContext
from grader.observe.probe_input import resolve_probe
from grader.plan import InstructorModeError, Role, instructor_sets, question_jobs
from grader.runner import RunOptions, WarmWorker

COURSE = Path(__file__).resolve().parent / "rnn_course"
SITE = COURSE / "site"
DECLARED = 'probe = { dtype = "int32", high = "vocab_size" }'
MLP_TOML = Path(__file__).resolve().parents[1] / "assignments" / "td_keras_mlp" / "assignment.toml"
MLP_Q3 = 'title_fr = "PMC à 0–3 couches cachées de 128 neurones ReLU"\n'


@pytest.fixture(scope="module")
def rnn_plugin() -> Iterator[Any]:
    """The recurrent-networks lab's plugin, imported from the course's own package."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(SITE))
        import rnn_course

        yield rnn_course.ASSIGNMENT


def rnn_table(tmp_path: Path, plugin: Any, old: str, new: str) -> Assignment:
    """Load the rnn lab's table with one edit."""
    text = (COURSE / "public" / "assignment.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (tmp_path / "assignment.toml").write_text(text.replace(old, new), encoding="utf-8")
    return load_assignment(plugin, tmp_path)


def mlp_table(folder: Path, probe: str) -> Assignment:
    """Load td_keras_mlp's table with a probe declared on q3 (whose sets list calls)."""
    text = MLP_TOML.read_text(encoding="utf-8")
    assert text.count(MLP_Q3) == 1
    folder.mkdir()
    (folder / "assignment.toml").write_text(text.replace(MLP_Q3, f"{MLP_Q3}{probe}\n"),
                                            encoding="utf-8")
    return load_assignment("td_keras_mlp", folder)


# --- the declaration, checked when the table loads -------------------------------------------

def test_the_rnn_lab_declares_token_ids_for_its_embedding_question(rnn_plugin: Any) -> None:
    lab = load_assignment(rnn_plugin)
    assert lab.question("q4").probe == {"dtype": "int32", "high": "vocab_size"}
    assert lab.question("q2").probe is None  # floats in [0, 1), as before


@pytest.mark.parametrize(("probe", "read"), [
    ('{ dtype = "int64", low = 1, high = 1000 }', {"dtype": "int64", "low": 1, "high": 1000}),
    ('{ dtype = "float32", low = -1.0, high = 1.0 }',
     {"dtype": "float32", "low": -1.0, "high": 1.0}),
    ('{ low = 2, high = "vocab_size" }', {"low": 2, "high": "vocab_size"}),
    ('{ dtype = "int32", low = "length", high = "vocab_size" }',
     {"dtype": "int32", "low": "length", "high": "vocab_size"}),
])
def test_good_declarations_are_read(tmp_path: Path, rnn_plugin: Any, probe: str,
                                    read: dict[str, Any]) -> None:
    lab = rnn_table(tmp_path, rnn_plugin, DECLARED, f"probe = {probe}")
    assert lab.question("q4").probe == read


@pytest.mark.parametrize(("probe", "error"), [
    ('"int32"', r"questions\[3\] \(q4\)\.probe — expected a table such as"),
    ('{ dtype = "int8" }', r"\(q4\)\.probe\.dtype — expected one of 'float32', 'float64', "
                           r"'int32', 'int64', got 'int8'"),
    ('{ dtype = "int32", hi = 5 }', r"\(q4\)\.probe\.hi — unknown key \(known: dtype, low, high\)"),
    ('{ high = "vocab" }', r"\(q4\)\.probe\.high — expected the name of an argument of every "
                           r"call, got 'vocab' \(a call's arguments: length, vocab_size\)"),
    ('{ low = true }', r"\(q4\)\.probe\.low — expected a number or the name of an argument, "
                       r"got True"),
    ('{ high = [500] }', r"\(q4\)\.probe\.high — expected a number or the name of an argument"),
    ('{ dtype = "int32", low = 10, high = 5 }',
     r"\(q4\)\.probe\.high — expected more than low \(10\), got 5"),
    ('{ low = "vocab_size", high = "length" }',
     r"\(q4\)\.probe\.high — expected more than low \(500\), got 20"),
])
def test_bad_declarations_are_refused_naming_question_and_key(tmp_path: Path, rnn_plugin: Any,
                                                              probe: str, error: str) -> None:
    with pytest.raises(AssignmentError, match=error):
        rnn_table(tmp_path, rnn_plugin, DECLARED, f"probe = {probe}")


def test_a_named_bound_must_be_an_argument_of_every_public_set(tmp_path: Path,
                                                               rnn_plugin: Any) -> None:
    """q2's first set has `units`, its second not: every call must have it."""
    old = 'title_fr = "Un régresseur LSTM"\n\n[[questions.args]]\nwidth = 10\n'
    new = ('title_fr = "Un régresseur LSTM"\nprobe = { high = "units" }\n\n'
           '[[questions.args]]\nwidth = 10\nunits = 8\n')
    with pytest.raises(AssignmentError, match=r"questions\[1\] \(q2\)\.probe\.high — expected the "
                       r"name of an argument of every call, got 'units' \(a call's arguments: "
                       r"width\)"):
        rnn_table(tmp_path, rnn_plugin, old, new)


def test_a_named_bound_must_hold_a_number(tmp_path: Path, rnn_plugin: Any) -> None:
    old = 'title_fr = "Arrêt précoce"\n'
    with pytest.raises(AssignmentError, match=r"\(q5\)\.probe\.high — expected an argument "
                       r"holding a number, got val_losses = \[1\.0"):
        rnn_table(tmp_path, rnn_plugin, old, f'{old}probe = {{ high = "val_losses" }}\n')


def test_named_bounds_are_checked_in_each_call_of_a_set(tmp_path: Path) -> None:
    """td_keras_mlp's q3 lists calls: a bound is read in each (the set's arguments, the call's
    own laid over), and n_hidden = 0 in a call is no high above low = 0."""
    read = mlp_table(tmp_path / "good", 'probe = { dtype = "int32", high = "input_dim" }')
    assert read.question("q3").probe == {"dtype": "int32", "high": "input_dim"}
    with pytest.raises(AssignmentError, match=r"questions\[2\] \(q3\)\.probe\.high — expected "
                       r"more than low \(0\), got 0"):
        mlp_table(tmp_path / "bad", 'probe = { high = "n_hidden" }')


def test_hidden_sets_must_hold_the_named_arguments_too(tmp_path: Path, rnn_plugin: Any) -> None:
    """Instructor grading refuses hidden sets in which q4's `high = "vocab_size"` cannot be read
    (rather than every student's q4 failing there)."""
    lab = load_assignment(rnn_plugin)
    assert instructor_sets([lab.question("q4")], COURSE / "reference")["q4"]  # the course's own
    (tmp_path / "hidden_args.toml").write_text("[[q4]]\nlength = 9\n", encoding="utf-8")
    with pytest.raises(InstructorModeError, match=r"hidden_args\.toml: \[\[q4\]\] — the probe "
                       r"input of assignment\.toml, probe\.high: expected the name of an argument "
                       r"of every call, got 'vocab_size' \(a call's arguments: length\)"):
        instructor_sets([lab.question("q4")], tmp_path)
    assert instructor_sets([lab.question("q2")], tmp_path) == {}  # no probe declared: unchecked


# --- read per call, an observer's own first ----------------------------------------------------

def recording_context(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                      declared: dict[str, Any] | None) -> tuple[ObserveContext, list[Any]]:
    """A context whose describe_model records the probe it is given (no executor, no keras)."""
    seen: list[Any] = []

    def describe(self: ObserveContext, value: Any, input_shape: Any = None, run: bool = True,
                 base: Any = None, handed_base: Any = None, probe: Any = None) -> tuple:
        seen.append(probe)
        return {"is_model": True}, None

    monkeypatch.setattr(ObserveContext, "describe_model", describe)
    return ObserveContext(tmp_path, tmp_path, tmp_path, declared_probe=declared), seen


def build(**call: Any) -> str:
    """A model-building function of the grader's own (ctx.call runs it here)."""
    return "model"


ARGS = {"length": 20, "calls": [{"vocab_size": 500}, {"vocab_size": 120}]}


def test_the_declared_probe_is_observe_builds_default_read_per_call(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ctx, seen = recording_context(monkeypatch, tmp_path, {"dtype": "int32", "high": "vocab_size"})
    observe_builds(ctx.for_set(ARGS), build, ARGS, "length")
    assert seen == [{"dtype": "int32", "high": 500}, {"dtype": "int32", "high": 120}]


@pytest.mark.parametrize("own", [{"dtype": "float64", "high": 2.0},
                                 lambda call: {"dtype": "float64", "high": 2.0}])
def test_an_observers_own_probe_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                     own: Any) -> None:
    ctx, seen = recording_context(monkeypatch, tmp_path, {"dtype": "int32", "high": "vocab_size"})
    observe_builds(ctx.for_set(ARGS), build, ARGS, "length", probe=own)
    assert seen == [{"dtype": "float64", "high": 2.0}] * 2


def test_without_a_declaration_nothing_changes(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    ctx, seen = recording_context(monkeypatch, tmp_path, None)
    observe_builds(ctx.for_set(ARGS), build, ARGS, "length")
    assert seen == [None, None]  # describe_model's floats in [0, 1)


def test_describe_models_default_reads_the_sets_arguments(tmp_path: Path) -> None:
    ctx = ObserveContext(tmp_path, tmp_path, tmp_path,
                         declared_probe={"dtype": "int32", "low": 1, "high": "vocab_size"})
    assert ctx.for_set({"vocab_size": 77}).declared_probe_for() == {
        "dtype": "int32", "low": 1, "high": 77}
    with pytest.raises(ValueError, match=r"probe input: high — expected the name of an argument "
                       r"of every call, got 'vocab_size' \(a call's arguments: length\)"):
        ctx.for_set({"length": 3}).declared_probe_for()  # e.g. a hidden set without it
    assert resolve_probe(None, {"vocab_size": 5}) is None


def test_describe_models_default_is_the_declared_probe_read_in_the_set(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An observer calling ctx.describe_model itself gets the declared token ids (its named bound
    read in the set the observer is given): an Embedding's output varies, as it does not on the
    floats used without a declaration."""
    import keras

    from grader.observe.context import ModelSeen
    from grader.observe.observer import observe_set
    from grader.observe.remote import Remote

    model = keras.Sequential([keras.Input((12,), dtype="int32"), keras.layers.Embedding(200, 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
    monkeypatch.setattr(ObserveContext, "model", lambda *_args, **_kwargs: ModelSeen(model))
    returned = Remote(SimpleNamespace(is_model=True, type="Sequential"))
    job = Job(id="q4", question="q4", function="build", assignment="td_rnn", observers="lab",
              assignment_dir=tmp_path, submission=tmp_path / "lab.py", module="lab")
    arg_set = {"id": "public-1", "args": {"vocab_size": 200}}

    def observer(module: Any, ctx: ObserveContext, args: dict[str, Any]) -> dict[str, Any]:
        return ctx.describe_model(returned, 12)[0]["run"]

    ctx = ObserveContext(tmp_path, tmp_path, tmp_path,
                         declared_probe={"dtype": "int32", "high": "vocab_size"})
    declared = observe_set(observer, None, ctx, job, arg_set)
    undeclared = observe_set(observer, None, replace(ctx, declared_probe=None), job, arg_set)
    assert declared["data"]["constant_output"] is False, declared
    assert undeclared["data"]["constant_output"] is True, undeclared


# --- carried by the job, to the model ---------------------------------------------------------

def test_the_job_carries_the_declaration(rnn_plugin: Any, tmp_path: Path) -> None:
    lab = load_assignment(rnn_plugin)
    question = lab.question("q4")
    [planned] = question_jobs(Role.STUDENT, [question], tmp_path / "td_rnn.py", lab,
                              RunOptions(), {"q4": question.arg_sets})
    assert planned.job.probe == {"dtype": "int32", "high": "vocab_size"}
    assert Job.from_json(planned.job.to_json()).probe == planned.job.probe
    with pytest.raises(JobError, match=r"job\.probe: expected dict\[str, Any\], got str"):
        Job.from_json({**planned.job.to_json(), "probe": "int32"})
    [plain] = question_jobs(Role.STUDENT, [lab.question("q2")], tmp_path / "td_rnn.py", lab,
                            RunOptions(), {"q2": lab.question("q2").arg_sets})
    assert plain.job.probe == {}


@pytest.fixture(scope="module")
def rnn_worker(rnn_plugin: Any) -> Iterator[WarmWorker]:
    """A warm worker that finds the course's package (as if installed) and preloads its
    observers (a sandboxed child sees no other folder)."""
    paths = [str(SITE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join(paths))
        with WarmWorker(preload=("keras", rnn_plugin.observers_module)) as worker:
            yield worker


@pytest.mark.slow
def test_the_declared_token_ids_reach_the_embedding(rnn_plugin: Any, rnn_worker: WarmWorker,
                                                    tmp_path: Path) -> None:
    """The reference's text classifier, observed through a real job: on the declared token ids
    its output varies and it trains; without the declaration (floats in [0, 1), all token 0)
    the same model's output is constant (tests/test_layer_settings.py shows why)."""
    shutil.copy(COURSE / "reference" / "td_rnn.py", tmp_path / "td_rnn.py")
    lab = load_assignment(rnn_plugin)
    declared = lab.question("q4")
    undeclared = replace(declared, probe=None)
    runs = {}
    for name, question in (("declared", declared), ("undeclared", undeclared)):
        jobs = question_jobs(Role.STUDENT, [question], tmp_path / "td_rnn.py", lab,
                             RunOptions(parallel=1), {"q4": question.arg_sets[:1]})
        [(_, observation)] = list(rnn_worker.run([p.job for p in jobs], 1))
        assert observation.status == Status.OK, observation.failure
        [entry] = observation.data["sets"]
        runs[name] = entry["data"]["builds"][0]["model"]["run"]
    assert runs["declared"]["constant_output"] is False, runs["declared"]
    assert runs["declared"]["trained"] is True, runs["declared"]
    assert runs["undeclared"]["constant_output"] is True, runs["undeclared"]
