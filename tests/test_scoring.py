"""Rubric criteria: declared in assignment.toml, validated when loaded, scored all-or-nothing."""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from grader.argsets import split_sets
from grader.assignment import AssignmentError, load_assignment
from grader.judge import judge_question, load_rubric, run_checks
from grader.localize import said_question
from grader.model import CheckResult, Observation, QuestionResult
from grader.reference import load_expected
from grader.scoring import CriteriaError, assign_checks, score_criteria, selects

ASSIGNMENT = load_assignment("td_keras_mlp")
EXPECTED = load_expected(ASSIGNMENT, None).observations
TOML = ASSIGNMENT.directory / "assignment.toml"


def per_set(question: str) -> dict[str, Observation]:
    """The reference's committed observation of a question, one per public argument set."""
    return split_sets(EXPECTED[question], ASSIGNMENT.question(question).arg_sets)


def first_set(question: str) -> dict:
    """The data of the contract's own call (the first public set)."""
    return per_set(question)["public-1"].data


def judge(question: str, mutate, question_table=None) -> QuestionResult:
    """Judge a copy of the reference's observations after applying `mutate` to the first set."""
    expected = per_set(question)
    actual = {k: replace(v, data=copy.deepcopy(v.data)) for k, v in expected.items()}
    mutate(actual["public-1"].data)
    q = question_table or ASSIGNMENT.question(question)
    return said_question(judge_question(ASSIGNMENT, q, q.arg_sets, expected, actual), "en",
                         ASSIGNMENT.name)


def lost(result: QuestionResult) -> float:
    """The share of the question's points lost."""
    return 1 - result.score / result.max_score


def failed_criteria(result: QuestionResult) -> list[str]:
    """The ids of the criteria that earned nothing."""
    return [c.id for c in result.criteria if not c.passed]


def test_every_check_of_every_question_belongs_to_exactly_one_criterion() -> None:
    rubric = load_rubric(ASSIGNMENT)
    for question in ASSIGNMENT.questions:
        checks = run_checks(rubric, question.id, first_set(question.id),
                            first_set(question.id))
        groups = assign_checks(question, [c.id for c in checks])
        assert sorted(i for ids in groups.values() for i in ids) == sorted(c.id for c in checks)
        subject = sum(c.points for c in question.criteria if c.subject)
        assert subject >= question.points / 2, question.id
        assert sum(c.points for c in question.criteria) == pytest.approx(question.points)


def test_matching_ignores_build_indexes_set_names_and_prefixes() -> None:
    assert selects("check_dense_count", "q3.check_dense_count[build=3]")
    assert selects("check_dense_count", "q3.check_dense_count[set=public-2,build=1]")
    assert selects("check_dense_count", "public-2/q3.check_dense_count[build=11]")
    assert selects("check_logged_scalar[run=training]",
                   "q11.check_logged_scalar[set=hidden-1,run=training,metric=loss]")
    assert not selects("check_logged_scalar[run=training]",
                       "q11.check_logged_scalar[run=validation,metric=loss]")
    assert not selects("check_dense", "q3.check_dense_count[build=0]")
    q11 = ASSIGNMENT.question("q11")
    ids = ["q11.check_returns_callback[function=f]",
           "q11.check_logged_scalar[set=public-2,run=validation,metric=loss]"]
    assert assign_checks(q11, ids) == {"training_logs": (ids[0],), "validation_logs": (ids[1],)}


def test_criterion_is_all_or_nothing_and_a_skipped_check_fails_it() -> None:
    q5 = ASSIGNMENT.question("q5")
    ids = ["q5.check_returns_history", "q5.check_epochs_run", "q5.check_batch_size",
           "q5.check_validation_fraction", "q5.check_validation_metrics"]
    statuses = ["passed", "passed", "skipped", "passed", "passed"]
    criteria = score_criteria(q5, [CheckResult(i, s, "") for i, s in zip(ids, statuses,
                                                                         strict=True)])
    assert [(c.id, c.score, c.points) for c in criteria] == [
        ("validation_split", 0.75, 0.75), ("fit_arguments", 0.0, 0.75)]
    assert criteria[1].checks == ("q5.check_returns_history", "q5.check_epochs_run",
                                  "q5.check_batch_size")


def test_a_check_in_no_criterion_is_the_graders_fault_and_says_which() -> None:
    q13 = ASSIGNMENT.question("q13")
    with pytest.raises(CriteriaError, match=r"q13: check q13.check_new belongs to no criterion"):
        score_criteria(q13, [CheckResult("q13.check_new", "passed", "")])
    narrowed = replace(q13, criteria=q13.criteria[:0] + (replace(
        q13.criteria[0], checks=("check_stopped_after",)),))
    result = judge("q13", lambda data: None, narrowed)
    assert result.status == "grader_error" and result.score == 0
    assert "check_returns_callback" in result.failure.message


@pytest.mark.parametrize(("mistake", "question", "mutate", "criterion"), [
    ("not compiled", "q3", lambda d: [b["model"].update(compile=None) for b in d["builds"]],
     "compiled"),
    ("64 units", "q3", lambda d: d["builds"][2]["model"]["layers"][1].update(units=64),
     "architecture"),
    ("extra hidden layer", "q2", lambda d: d["builds"][0]["model"]["layers"].insert(
        0, {**d["builds"][0]["model"]["layers"][0], "units": 128, "activation": "relu"}),
     "softmax_layer"),
    ("mse", "q2", lambda d: d["builds"][0]["model"]["compile"]["loss"].update(
        name="mean_squared_error"), "compiled_learns"),
    ("task swapped", "q1", lambda d: d["value"]["boston"].update(task="classification"),
     "tasks"),
    ("64 units", "q4", lambda d: d["builds"][0]["model"].update(params=50890), "wide_layer"),
    ("dropout 0.5", "q7", lambda d: [layer.update(rate=0.5) for b in d["builds"]
                                     for layer in b["model"]["layers"] if "rate" in layer],
     "dropout"),
    ("one depth", "q14", lambda d: [c["network"]["layers"].__setitem__(
        slice(None), [x for x in c["network"]["layers"] if x["kind"] == "Dense"][-2:])
        for c in d["candidates"]], "grid"),
])
def test_the_issues_mistakes_lose_at_least_half(mistake: str, question: str, mutate,
                                                criterion: str) -> None:
    result = judge(question, mutate)
    assert criterion in failed_criteria(result), (mistake, failed_criteria(result))
    assert lost(result) >= 0.5, (mistake, result.score)


@pytest.mark.parametrize(("question", "mutate", "criterion", "message"), [
    ("q3", lambda d: d["builds"][1]["model"]["run"].update(rows_sum_to_one=False),
     "architecture", "Q3 (n_hidden=1), model(x) on 4 samples: output rows — expected "
     "probabilities summing to 1, got rows that do not sum to 1."),
    ("q7", lambda d: d["builds"][0]["model"]["run"].update(output_shape=[4, 1]),
     "architecture", "Q7 (n_hidden=2), model(x) on 4 samples: output shape — expected (4, 10), "
     "got (4, 1)."),
    ("q6", lambda d: d["builds"][1]["model"]["run"].update(trained=False), "compiled",
     "Q6 (n_hidden=1, l1=0.003), one training step on 4 samples: weights — expected changed, "
     "got unchanged."),
    ("q2", lambda d: d["builds"][0]["model"]["run"].update(
        trained=False, train_error="ValueError: Arguments `target` and `output` must have the "
        "same shape."), "compiled_learns",
     "Q2, one training step on 4 samples: weights — expected changed, got the step failed "
     "(ValueError: Arguments `target` and `output` must have the same shape)."),
])
def test_a_model_that_does_not_run_right_fails_its_criterion(question: str, mutate,
                                                             criterion: str, message: str) -> None:
    result = judge(question, mutate)
    assert failed_criteria(result) == [criterion]
    assert [c.message for c in result.checks if c.status == "failed"] == [message]


def write_toml(tmp_path: Path, old: str, new: str) -> Path:
    """Copy the assignment folder's toml with one edit."""
    folder = tmp_path / "assignment"
    folder.mkdir()
    text = TOML.read_text(encoding="utf-8")
    assert old in text
    (folder / "assignment.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    shutil.copy(ASSIGNMENT.expected_path, folder / "expected_observations.json")
    return folder


@pytest.mark.parametrize(("old", "new", "error"), [
    ('id = "shapes"\n', 'id = "shapes"\nweight = 1\n',
     r"questions\[0\] \(q1\)\.criteria\[0\]\.weight — unknown key"),
    ('id = "tasks"\npoints = 0.5', 'id = "tasks"\npoints = 0.25',
     r"questions\[0\] \(q1\)\.criteria\.points — expected a total of 1 \(the question's points\), "
     r"got 0\.75"),
    ('id = "dropout"\npoints = 1\nsubject = true', 'id = "dropout"\npoints = 1',
     r"q7\)\.criteria\.subject — the criteria marked subject = true carry 0 of 1\.5 points"),
    ('checks = ["check_dataset_task"]', 'checks = ["check_dataset_shape"]',
     r"q1\)\.criteria\.checks — 'check_dataset_shape' is in 'shapes' and 'tasks'"),
    ('checks = ["check_dataset_task"]', 'checks = ["dataset_task"]',
     r"q1\)\.criteria\[1\]\.checks — 'dataset_task' is not a check name"),
    ('title_fr = "Décrire les jeux de données"\n', 'title_fr = "Décrire les jeux de données"\n'
     'bonus = 2\n', r"questions\[0\]\.bonus — unknown key"),
])
def test_bad_criteria_fail_at_load_naming_the_key(tmp_path: Path, old: str, new: str,
                                                  error: str) -> None:
    with pytest.raises(AssignmentError, match=error):
        load_assignment("td_keras_mlp", write_toml(tmp_path, old, new))


@pytest.mark.parametrize(("table", "error"), [
    ('layer_kinds = ["LSTM"]', r"layer_kinds — expected a table"),
    ('[layer_kinds]\nGRU = "units"', r"layer_kinds\.GRU — expected a list of setting names"),
])
def test_a_malformed_layer_kinds_table_is_refused_naming_it(tmp_path: Path, table: str,
                                                            error: str) -> None:
    with pytest.raises(AssignmentError, match=error):
        load_assignment("td_keras_mlp", write_toml(tmp_path, "[[questions]]",
                                                   f"{table}\n\n[[questions]]"))


def test_a_labs_layer_kinds_extend_the_engines_table(tmp_path: Path) -> None:
    lab = load_assignment("td_keras_mlp", write_toml(
        tmp_path, "[[questions]]", '[layer_kinds]\nGRU = ["units", "dropout"]\n\n[[questions]]'))
    assert lab.layer_table["GRU"] == ("units", "dropout")
    assert lab.layer_table["Dense"] == ("units", "activation")  # the engine's, kept


def test_a_question_without_criteria_is_refused(tmp_path: Path) -> None:
    text = TOML.read_text(encoding="utf-8")
    start = text.index("[[questions.criteria]]")
    end = text.index("[[questions]]", start)
    folder = tmp_path / "assignment"
    folder.mkdir()
    (folder / "assignment.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(AssignmentError, match=r"questions\[0\]\.criteria — missing"):
        load_assignment("td_keras_mlp", folder)
