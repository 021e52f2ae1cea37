"""The disclosure policy (issue 23): declared in assignment.toml, applied by a pure step.

Fast tests on judged reports built by hand; tests/test_disclosure.py grades real submissions.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from grader.assignment import AssignmentError, load_assignment
from grader.disclosure import student_view
from grader.localize import said_report
from grader.model import (
    FAILED,
    PASSED,
    CheckResult,
    CriterionResult,
    Failure,
    GradeReport,
    QuestionResult,
)
from grader.render.html import render_html
from grader.render.json_report import render_json
from grader.render.terminal import render_terminal
from grader.wording import said, say

ROOT = Path(__file__).resolve().parent.parent
LAB = ROOT / "assignments" / "td_keras_mlp"
UNITS = "q3.check_dense_attribute[build=1,layer=1,attribute=units]"
HIDDEN_UNITS = "q3.check_dense_attribute[set=hidden-1,build=1,layer=1,attribute=units]"
HIDDEN_LOSS = "q3.check_loss[set=hidden-1,build=3]"
SECRET = "input_dim=37, n_classes=5"


def lab(tmp_path: Path, edit: tuple[str, str] = ("", "")) -> object:
    """td_keras_mlp's assignment, its assignment.toml edited (old text → new)."""
    folder = tmp_path / "lab"
    shutil.copytree(LAB, folder, ignore=shutil.ignore_patterns("data", "*.json", "*.ipynb"))
    toml = folder / "assignment.toml"
    if edit[0]:
        assert edit[0] in toml.read_text()
        toml.write_text(toml.read_text().replace(edit[0], edit[1], 1))
    return load_assignment("td_keras_mlp", folder)


def q3_report(units_expected: int = 128) -> GradeReport:
    """A judged q3: 64 units on the lab's call and on a hidden set, which also fails its loss."""
    checks = (
        CheckResult(UNITS, FAILED, said("mismatch", where="Q3 (n_hidden=1), layer 1 (Dense)",
                                         what="units", expected="128", actual="64"),
                    units_expected, 64),
        CheckResult(HIDDEN_UNITS, FAILED, said(
            "mismatch", where=f"Q3 with {SECRET} (n_hidden=1), layer 1 (Dense)", what="units",
            expected="128", actual="64"), 128, 64),
        CheckResult(HIDDEN_LOSS, FAILED, said(
            "mismatch", where=f"Q3 with {SECRET} (n_hidden=3)", what="loss",
            expected="'categorical_crossentropy'", actual="'mse'"), "categorical_crossentropy",
            "mse"),
        CheckResult("q3.check_loss[build=3]", PASSED, said(
            "ok", where="Q3 (n_hidden=3)", what="loss", actual="'categorical_crossentropy'")),
    )
    criteria = (
        CriterionResult("architecture", "n_hidden hidden layers of ReLU units", 0.75, 0.0,
                        True, (UNITS, HIDDEN_UNITS)),
        CriterionResult("compiled", "Compiled for classification", 0.75, 0.0, False,
                        (HIDDEN_LOSS, "q3.check_loss[build=3]")),
    )
    layers = [{"label": "Q3 (n_hidden=1)", "set": "", "build": 1, "always": False, "same": False,
               "expected": [{"kind": "Dense", "units": "128"}],
               "actual": [{"kind": "Dense", "units": "64"}]},
              {"label": f"Q3 with {SECRET} (n_hidden=1)", "set": "hidden-1", "build": 1,
               "always": False, "same": False, "expected": [{"kind": "Dense", "units": "128"}],
               "actual": [{"kind": "Dense", "units": "64"}]}]
    question = QuestionResult("q3", "MLPs", 0.0, 1.5, FAILED, checks, criteria=criteria,
                              attachments={"layers": layers}, message=checks[2].message,
                              failure=Failure("call", "ValueError", f"bad shape: {SECRET}",
                                              where=f"build_mlp({SECRET})"))
    return GradeReport("td_keras_mlp", "td_keras.py", 0.0, 1.5, (question,), hidden_sets=True)


def everything(report: GradeReport) -> str:
    """Every way the report is rendered."""
    return render_terminal(report) + render_html(report) + render_json(report)


def test_the_default_shows_public_values_and_hides_hidden_sets(tmp_path: Path) -> None:
    shown = said_report(student_view(q3_report(), lab(tmp_path)))
    assert SECRET in everything(q3_report())  # the instructor's view has it all
    text = everything(shown)
    assert SECRET not in text
    assert "expected 128, got 64" in text  # q3 shows values
    q3 = shown.questions[0]
    assert [c.id for c in q3.checks] == [UNITS, HIDDEN_LOSS, "q3.check_loss[build=3]"]  # said once
    assert q3.checks[1].message == ("A hidden case (your function called with other arguments) "
                                    "fails: Compiled for classification. Make it work for any "
                                    "arguments, not just the lab's own call.")
    assert q3.message == q3.checks[1].message  # the hidden check's, never the exception's text
    assert q3.failure.message == ("With other arguments (a hidden case) your function raised "
                                  "ValueError: make it work for any arguments, not just the "
                                  "lab's own call.") and q3.failure.where == ""
    assert [t["set"] for t in q3.attachments["layers"]] == [""]  # no hidden set's table
    assert q3.attachments["layers"][0]["expected"]  # the reference's side: q3 shows values


def test_match_only_says_where_and_what_but_no_value(tmp_path: Path) -> None:
    assignment = lab(tmp_path, ('title_en = "MLPs with 0 to 3 hidden layers of 128 ReLU units"',
                                'show = "match-only"\ntitle_en = "MLPs"'))
    q3 = student_view(q3_report(units_expected=128), assignment).questions[0]
    assert say(q3.checks[0].message, "en") == (
        "Q3 (n_hidden=1), layer 1 (Dense): units — not as the lab asks.")
    assert say(q3.checks[0].message, "fr") == (
        "Q3 (n_hidden=1), layer 1 (Dense) : units — pas comme l'énoncé le demande.")
    read_back = said_report(q3_report())  # a report read from its JSON: sentences, said
    again = student_view(read_back, assignment).questions[0]
    assert say(again.checks[0].message, "en") == say(q3.checks[0].message, "en")
    assert (q3.checks[0].expected, q3.checks[0].actual) == (None, None)
    assert "128" not in everything(replace(q3_report(), questions=(q3,)))
    assert q3.attachments["layers"][0]["expected"] == []  # nor the reference's layers


def test_a_criterion_overrides_its_question(tmp_path: Path) -> None:
    assignment = lab(tmp_path, ('id = "compiled"\npoints = 0.75\ntitle_en = "Compiled for '
                                'classification (cross-entropy, accuracy), and it trains"',
                                'id = "compiled"\npoints = 0.75\nshow_hidden = "value"\ntitle_en'
                                ' = "Compiled for classification (cross-entropy, accuracy), and '
                                'it trains"'))
    q3 = student_view(q3_report(), assignment).questions[0]
    assert SECRET in say(q3.checks[1].message, "en")  # the instructor chose to show this criterion's sets
    assert SECRET not in render_terminal(replace(q3_report(), questions=(replace(
        q3, checks=q3.checks[:1] + q3.checks[2:], message=""),)))


def test_q4_of_both_labs_never_shows_the_reference_model() -> None:
    for name in ("td_keras_mlp", "td_convnets"):
        q4 = load_assignment(name).question("q4")
        assert (q4.show, q4.show_hidden, q4.uses, q4.shows_reference) == (
            "described", "match-only", ("q3",), False)


@pytest.mark.parametrize(("old", "new", "error"), [
    ('show = "described"', 'show = "answer"', "questions[3] (q4).show — expected one of 'value'"),
    ('show = "described"', 'show_hidden = "described"', "(q4).show_hidden — expected one of "
                                                        "'match-only', 'value'"),
    ('uses = ["q3"]', 'uses = ["q5"]', "(q4).uses — 'q5' is not an earlier question"),
])
def test_a_wrong_policy_is_named(tmp_path: Path, old: str, new: str, error: str) -> None:
    with pytest.raises(AssignmentError, match=error.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]")):
        lab(tmp_path, (old, new))
