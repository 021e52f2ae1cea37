"""Wording at the edge (issue 21 item 4): the judge says what it found as sentences without a
language; only the renderers put them into words. One judgement serves every language, and a JSON
report is said again in another language or format without grading again (`grade render`)."""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from grader.argsets import split_sets
from grader.assignment import load_assignment
from grader.judge import judge_question
from grader.localize import said_report, sentences_of
from grader.model import GradeReport
from grader.reference import load_expected
from grader.render.html import render_html
from grader.render.json_report import load_report, render_json
from grader.render.terminal import render_terminal
from grader.wording import Both, Unsaid, joined, said, say, text_from_json, text_json

GRADER = Path(__file__).resolve().parent.parent / "grader"
LANGUAGE_FREE = ["judge.py", "scoring.py", "attachments.py", "disclosure.py", "reuse.py",
                 "notebook_notes.py", *(f"checks/{p.name}" for p in
                                                      (GRADER / "checks").glob("*.py"))]
LAB = load_assignment("td_keras_mlp")


def judged_q3_with_64_units() -> GradeReport:
    """A report judged once, from the reference's committed observations of q3 with the lab's
    own call's hidden layer given 64 units instead of 128."""
    question = LAB.question("q3")
    expected = split_sets(load_expected(LAB, None).observations["q3"], question.arg_sets)
    actual = {k: replace(v, data=copy.deepcopy(v.data)) for k, v in expected.items()}
    actual["public-1"].data["builds"][1]["model"]["layers"][0]["units"] = 64
    result = judge_question(LAB, question, question.arg_sets, expected, actual)
    return GradeReport(LAB.name, "td_keras.py", result.score, result.max_score, (result,),
                       notes=(said("note.public_only"),))


@pytest.mark.parametrize("module", LANGUAGE_FREE)
def test_the_judge_and_its_checks_speak_no_language(module: str) -> None:
    """No function of judging takes a language or translates: its sentences are said later."""
    tree = ast.parse((GRADER / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
            assert "lang" not in names, f"{module}: {node.name}() takes a language"
        if isinstance(node, ast.ImportFrom) and node.module == "grader.messages":
            assert "translate" not in {a.name for a in node.names}, f"{module} translates"


def test_a_sentence_written_out_before_a_renderer_says_it_fails_loudly() -> None:
    sentence = said("mismatch", where="Q3", what="units", expected="128", actual="64")
    with pytest.raises(Unsaid):
        f"{sentence}"
    with pytest.raises(Unsaid):
        str(Both("MLPs", "PMC"))
    with pytest.raises(Unsaid):
        "Q3" + " " + str(joined(sentence, "(n_hidden=1)", separator=" "))
    assert say(sentence, "en") == "Q3: units — expected 128, got 64."
    assert say(sentence, "fr") == "Q3 : units — attendu 128, obtenu 64."


def test_one_judgement_is_said_in_either_language() -> None:
    report = judged_q3_with_64_units()
    english, french = said_report(report), said_report(replace(report, lang="fr"))
    q3_en, q3_fr = english.questions[0], french.questions[0]
    failed_en = [c.message for c in q3_en.checks if c.status == "failed"]
    failed_fr = [c.message for c in q3_fr.checks if c.status == "failed"]
    assert failed_en == ["Q3 (n_hidden=1), layer 1 (Dense): units — expected 128, got 64."]
    assert failed_fr == ["Q3 (n_hidden=1), couche 1 (Dense) : units — attendu 128, obtenu 64."]
    assert (q3_en.title, q3_fr.title) == (LAB.question("q3").title_en,
                                          LAB.question("q3").title_fr)
    assert [c.title for c in q3_fr.criteria] == [c.title_fr for c in LAB.question("q3").criteria]
    assert "Graded with the public checks only" in english.notes[0]
    assert "Corrigé avec les tests publics seulement" in french.notes[0]
    assert (q3_en.score, q3_en.status) == (q3_fr.score, q3_fr.status) == (0.75, "failed")


def test_sentences_are_json_and_come_back_equal() -> None:
    sentence = said("q.set_failed", where=joined(said("where.with_args", label="Q3",
                                                      args="input_dim=20"), "(n_hidden=2)",
                                                 separator=" "),
                    message=said("q.raised", function="f()", type="ValueError", message="x"))
    assert text_from_json(json.loads(json.dumps(text_json(sentence)))) == sentence
    assert text_from_json(text_json(Both("MLPs", "PMC"))) == Both("MLPs", "PMC")
    deep: dict = {"said": "ok", "params": {}}
    for _ in range(20):
        deep = {"said": "ok", "params": {"where": deep}}
    with pytest.raises(ValueError, match="nests too deeply"):
        text_from_json(deep)


def test_a_json_report_reloads_with_its_sentences_and_renders_the_same(tmp_path: Path) -> None:
    report = judged_q3_with_64_units()
    path = tmp_path / "report.json"
    path.write_text(render_json(report), encoding="utf-8")
    reloaded = load_report(path, sentences=True)
    assert sentences_of(reloaded) == sentences_of(report)
    for lang in ("en", "fr"):
        assert render_terminal(replace(reloaded, lang=lang)) == \
            render_terminal(replace(report, lang=lang))
    text = json.loads(path.read_text(encoding="utf-8"))  # tooling reads the text as before
    assert "expected 128, got 64" in json.dumps(text["questions"], ensure_ascii=False)


def test_an_edited_json_reports_sentences_leave_its_text_standing(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(render_json(judged_q3_with_64_units()), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(data["sentences"]["questions"]["q3"]["checks"]))
    data["sentences"]["questions"]["q3"]["checks"][first][0] = {"said": "no.such.key"}
    path.write_text(json.dumps(data), encoding="utf-8")
    reloaded = load_report(path, sentences=True)
    assert reloaded == load_report(path)  # the text, as written: nothing said wrongly
    assert "expected 128, got 64" in render_terminal(replace(reloaded, lang="fr"))


def test_grade_render_says_a_report_again_in_french_without_grading(tmp_path: Path) -> None:
    """A real `grade render` process: the JSON of an English run, said in French, as HTML too,
    with the exit code of the grade (1: a question failed)."""
    report = tmp_path / "report.json"
    report.write_text(render_json(judged_q3_with_64_units()), encoding="utf-8")
    html = tmp_path / "fr.html"
    done = subprocess.run([sys.executable, "-m", "grader.cli", "render", str(report), "--lang",
                           "fr", "--html", str(html), "--no-color"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "couche 1 (Dense) : units — attendu 128, obtenu 64." in done.stdout, done.stdout
    assert "expected" not in done.stdout and "keras" not in done.stderr.lower()
    assert "obtenu 64" in html.read_text(encoding="utf-8")
    assert html.read_text(encoding="utf-8") == render_html(
        replace(load_report(report, sentences=True), lang="fr"))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "grader.cli", "render", str(broken)],
                             capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode == 2 and "cannot read" in refused.stderr, refused.stderr
