"""Reports rendered from real gradings: HTML, JUnit, Gradescope, GitHub, the pytest plugin, CI."""

from __future__ import annotations

import argparse
import base64
import html
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import markupsafe
import pytest
import yaml
from conftest import REFERENCE, ROOT, STARTER_DIR, VARIANTS, make_variant

from grader.cli import main as grade_main
from grader.cli import write_reports
from grader.messages import CATALOG
from grader.model import FAILED, PASSED, GradeReport
from grader.render import same_mistake
from grader.render.github import render_annotations, render_job_summary
from grader.render.gradescope import gradescope_results, render_gradescope
from grader.render.html import render_html
from grader.render.json_report import render_json
from grader.render.junit import render_junit
from grader.render.terminal import render_terminal

WORKFLOW = ROOT / "assignments" / "td_keras_mlp" / "ci" / "github-workflow.yml"
FAILING_VARIANTS = ("q4_64_units", "q6_l2", "q7_rate_05", "q10_no_legend")
FAILING_QUESTIONS = ("q1", "q4", "q6", "q7", "q10")
CRASHING_SOURCE = (VARIANTS / "q3_raises.py").read_text(encoding="utf-8") + '''

def build_wide_mlp(input_dim, n_classes):
    """Q4: segfaults."""
    import ctypes

    ctypes.string_at(0)
'''
RENDERERS = {"json": render_json, "html": render_html, "junit": render_junit,
             "gradescope": render_gradescope, "terminal": render_terminal,
             "summary": render_job_summary, "annotations": render_annotations}
WORD = r"[A-Za-zÀ-ÿ_']{4,}"  # identifiers such as n_hidden are one word
KERAS_NAMES = {"units"}  # keras's argument names, written as code in both languages
KINDS = ("reference", "failing", "crashing", "starter")
GRADESCOPE_FIELDS = {"score": (int, float), "execution_time": (int, float), "output": str,
                     "tests": list}
TEST_FIELDS = {"name": str, "number": str, "score": (int, float), "max_score": (int, float),
               "status": str, "output": str, "visibility": str}


@pytest.fixture(scope="module")
def reports(grade_with, tmp_path_factory) -> dict[str, GradeReport]:
    """Grade the four submissions once (and the failing one again in French)."""
    star = "from td_keras_reference import *  # noqa: F403\n"
    failing = star + "\n".join((VARIANTS / f"{name}.py").read_text(encoding="utf-8")
                               .replace(star, "") for name in FAILING_VARIANTS)
    failing_dir = make_variant(tmp_path_factory.mktemp("failing"), failing)
    crashing_dir = make_variant(tmp_path_factory.mktemp("crashing"), CRASHING_SOURCE)
    return {
        "reference": grade_with(REFERENCE.parent, "q1", "q3", "q4", "q7", "q10", "q13"),
        "failing": grade_with(failing_dir, *FAILING_QUESTIONS),
        "failing_fr": grade_with(failing_dir, *FAILING_QUESTIONS, lang="fr"),
        "crashing": grade_with(crashing_dir, "q1", "q3", "q4"),
        "starter": grade_with(STARTER_DIR),
    }


def visible_text(page: str) -> str:
    """Return the page's text without tags, and without verbatim code, paths and answers."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'<(\w+) class="verbatim[^"]*">.*?</\1>', " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def by_status(report: GradeReport) -> dict[str, str]:
    """Map question ids to statuses."""
    return {q.id: q.status for q in report.questions}


def test_reference_html_shows_full_marks_answers_and_figure(reports) -> None:
    report = reports["reference"]
    page = render_html(report)
    assert set(by_status(report).values()) == {PASSED}
    assert f'<span class="big" id="total">{report.score:g} / {report.max_score:g}</span>' in page
    assert "6 of 6 questions passed" in page
    for question in report.questions:
        assert f'id="{question.id}"' in page and question.title in page
    assert 'class="diff"' not in page
    assert "Graded with the public checks only." in page  # a student's own grading says so
    assert "MNIST: classification into 10 digits" in page  # the ANSWERS, for manual grading
    assert page.count("data:image/png;base64,") == 1
    png = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(png).startswith(b"\x89PNG\r\n\x1a\n")


def test_html_is_self_contained_responsive_and_printable(reports) -> None:
    page = render_html(reports["failing"])
    assert not re.search(r"<script|<link|@import|url\(|https?://", page)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media print" in page and "@media (max-width" in page


def test_failing_html_shows_expected_against_got(reports) -> None:
    report = reports["failing"]
    page = render_html(report)
    assert by_status(report) == {"q1": PASSED, "q4": FAILED, "q6": FAILED, "q7": FAILED,
                                 "q10": FAILED}
    for question in report.questions:  # every mistake is on the page, once
        failed = [c for c in question.checks if c.status == FAILED]
        mistakes: dict[str, object] = {}
        for check in failed:  # the first place each mistake was seen
            mistakes.setdefault(same_mistake(check.id, check.expected, check.actual), check)
        for check in mistakes.values():
            assert html.escape(check.message, quote=False) in page  # type: ignore[attr-defined]
    assert "Q4: parameter count — expected within 5% of 134,794, got 50,890." in page
    assert '<td class="diff"><code class="verbatim">134794</code></td>' in page
    assert '<td class="diff"><code class="verbatim">50890</code></td>' in page
    # the layer stacks side by side, the differing Dropout rates highlighted
    assert "<caption>Q7 (n_hidden=2)</caption>" in page
    # the Dropout mistake once (its 6 places collapsed), and the first set's stacks
    assert page.count('<td class="diff"><code class="verbatim">0.5</code></td>') == 1 + 3
    assert "q10" in {q.id for q in report.questions if "figure" in q.attachments}
    assert "Q10: legend — expected present, got missing." in page


def test_reports_show_criteria_with_points_and_their_failed_checks(reports) -> None:
    report = reports["failing"]
    q7 = next(q for q in report.questions if q.id == "q7")
    assert [(c.id, c.score, c.points, c.subject) for c in q7.criteria] == [
        ("dropout", 0.0, 1.0, True), ("architecture", 0.25, 0.25, False),
        ("compiled", 0.25, 0.25, False)]
    assert q7.score == 0.5
    page = render_html(report)
    section = page.split('id="q7"')[1].split("</section>")[0]
    head = ('<span class="criterion-title">Dropout of rate 0.1 after every hidden layer, none '
            'after the output</span> <span class="tag">the question&#39;s subject</span> '
            '<span class="criterion-points">0/1</span>')
    assert head in section
    failed_part = section.split(head)[1].split('class="criterion ok"')[0]
    # 3 Dropouts in each public set: one mistake, said once with where else it holds
    assert failed_part.count('<li class="check failed">') == 1
    assert "expected 0.1, got 0.5." in failed_part
    assert "(also on layer 2, in 1 other call and with 1 other argument set)" in failed_part
    assert '<span class="criterion-points">0.25/0.25</span>' in section
    terminal = render_terminal(report)
    assert ("    ✗     0/1  Dropout of rate 0.1 after every hidden layer, none after the output\n"
            "      - Q7 (n_hidden=2), Dropout after hidden layer 1: rate — expected 0.1, got 0.5. "
            "(also on layer 2, in 1 other call and with 1 other argument set)\n"
            ) in terminal
    assert "    ✓ 0.25/0.25  The q3 architecture, that runs\n" in terminal
    root = ET.fromstring(render_junit(report).encode("utf-8"))
    case = next(c for c in root.iter("testcase")
                if c.get("name") == "q7.check_dropout_after_hidden[build=0,layer=1]")
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties == {"criterion": "dropout", "criterion_points": "0/1"}
    assert case.find("failure").text.endswith(
        "Criterion: Dropout of rate 0.1 after every hidden layer, none after the output — 0/1")
    gradescope = next(t for t in gradescope_results(report)["tests"] if t["number"] == "7")
    assert "✗     0/1  Dropout of rate 0.1" in gradescope["output"]


def test_crashing_html_shows_student_frames_and_limits(reports) -> None:
    report = reports["crashing"]
    page = render_html(report)
    assert by_status(report) == {"q1": PASSED, "q3": "error", "q4": "crashed"}
    q3 = report.questions[1]
    frame = q3.failure.frames[-1]
    assert frame.file == "td_keras.py" and frame.function == "build_mlp"
    assert f"td_keras.py, line {frame.line}, in build_mlp" in page
    assert str(markupsafe.escape(frame.code)) in page
    assert "Where your code raised (your own lines only)" in page
    limits = page.split('id="limits"')[1].split("</section>")[0]
    assert "q4 (crashed)" in limits and "q3" not in limits


def test_the_limits_section_is_there_only_when_something_was_limited(reports) -> None:
    """A clean report has no 'Skipped or limited' section; a question's notes stand under that
    question only, never again in the section (issue 23: said once)."""
    page = render_html(reports["reference"])  # full marks: nothing skipped, one general note
    assert 'id="limits"' not in page
    notes = page.split('id="notes"')[1].split("</section>")[0]
    assert "Graded with the public checks only" in notes
    assert 'id="notes"' not in render_html(replace(reports["reference"], notes=()))
    failing = reports["failing"]
    first = replace(failing.questions[0], notes=("Your fit ran on 600 samples only.",))
    page = render_html(replace(failing, questions=(first, *failing.questions[1:])))
    assert page.count("Your fit ran on 600 samples only.") == 1


def test_starter_html_says_not_implemented(reports) -> None:
    report = reports["starter"]
    page = render_html(report)
    assert report.score == 0 and len(report.questions) == 14
    assert page.count('<span class="pill todo">not implemented</span>') == 14
    assert page.count("not implemented yet") == 14
    assert "0 of 14 questions passed" in page


def expected_failures(report: GradeReport) -> int:
    """Count the failures the JSON implies: failed checks, and questions that were not judged."""
    judged = (PASSED, FAILED)
    return sum(sum(1 for c in q.checks if c.status == FAILED) if q.status in judged and q.checks
               else int(q.status != PASSED) for q in report.questions)


@pytest.mark.parametrize("kind", KINDS)
def test_junit_parses_and_counts_the_json_failures(reports, kind: str) -> None:
    report = reports[kind]
    root = ET.fromstring(render_junit(report).encode("utf-8"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == int(suite.get("failures")) == expected_failures(report)
    assert int(suite.get("tests")) == len(cases)
    assert {c.get("classname") for c in cases} == {q.id for q in report.questions}
    checks = {c.id for q in report.questions for c in q.checks}
    assert {c.get("name") for c in cases} - {q.id for q in report.questions} <= checks


def test_junit_failure_carries_the_message(reports) -> None:
    root = ET.fromstring(render_junit(reports["failing"]).encode("utf-8"))
    case = next(c for c in root.iter("testcase")
                if c.get("name") == "q4.check_params_within[build=0,tolerance=0.05]")
    failure = case.find("failure")
    assert failure.get("message") == ("Q4: parameter count — expected within 5% of 134,794, "
                                      "got 50,890.")
    assert "Expected: 134794" in failure.text and "Got: 50890" in failure.text


@pytest.mark.parametrize("kind", KINDS)
def test_gradescope_fields_types_and_total(reports, kind: str) -> None:
    report = reports[kind]
    results = json.loads(render_gradescope(report))
    for name, kinds in GRADESCOPE_FIELDS.items():
        assert isinstance(results[name], kinds), name
    assert len(results["tests"]) == len(report.questions)
    for test in results["tests"]:
        assert set(TEST_FIELDS) <= set(test)
        for name, kinds in TEST_FIELDS.items():
            assert isinstance(test[name], kinds), name
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
        assert 0 <= test["score"] <= test["max_score"]
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"])
    assert results["score"] == report.score


def test_gradescope_is_written_when_grading_fails(tmp_path: Path) -> None:
    path = tmp_path / "results" / "results.json"
    code = grade_main(["--submission", str(tmp_path / "missing"), "--gradescope", str(path),
                       "--lang", "en"])
    assert code == 2
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith("Not graded: ") and "missing" in results["output"]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # atomic: no leftovers


@pytest.mark.parametrize("kind", [*KINDS, "failing_fr"])
def test_rendering_a_reloaded_report_gives_identical_output(reports, kind: str) -> None:
    report = reports[kind]
    reloaded = GradeReport.from_json(json.loads(render_json(report)))
    assert reloaded == report
    for name, render in RENDERERS.items():
        assert render(reloaded) == render(report), name


def english_only_words() -> set[str]:
    """Return the words of the English catalog that the French catalog never uses."""
    def words(catalog) -> set[str]:
        text = " ".join(re.sub(r"\{[^}]*\}", " ", value) for value in catalog.values())
        return {w.lower() for w in re.findall(WORD, text)}

    return words(CATALOG["en"]) - words(CATALOG["fr"]) - KERAS_NAMES


def gradescope_text(report: GradeReport) -> str:
    """Return what a student reads in Gradescope: the output, the tests' names and outputs."""
    results = gradescope_results(report)
    return "\n".join([results["output"], *(t["name"] + "\n" + t["output"]
                                           for t in results["tests"])])


def test_french_reports_have_no_english_left(reports) -> None:
    report = reports["failing_fr"]
    texts = {"html": visible_text(render_html(report)), "terminal": render_terminal(report),
             "summary": render_job_summary(report), "gradescope": gradescope_text(report)}
    english = english_only_words()
    assert {"expected", "passed", "layer", "hint"} <= english
    for name, text in texts.items():
        found = {w.lower() for w in re.findall(WORD, text)} & english
        assert not found, f"English words in the French {name} report: {sorted(found)}"
    assert "Rapport de correction — td_keras_mlp" in texts["html"]
    assert "attendu à 5% près de 134,794, obtenu 50,890" in texts["terminal"]


def test_github_annotations_and_job_summary(reports, tmp_path: Path) -> None:
    failing, crashing = reports["failing"], reports["crashing"]
    lines = render_annotations(failing, workspace=str(Path(failing.submission).parent)).splitlines()
    failed = sum(1 for q in failing.questions for c in q.checks if c.status == FAILED)
    assert len(lines) == failed
    assert any(line.startswith(
        "::error file=td_keras.py,title=q4 One wide hidden layer with as many parameters::"
        "Q4: parameter count — expected within 5%25 of 134,794, got 50,890.") for line in lines)
    crash = render_annotations(crashing, workspace=str(tmp_path))
    line = crashing.questions[1].failure.frames[-1].line
    assert f"::error file=td_keras.py,line={line},title=q3 MLPs with 0 to 3 hidden layers" in crash
    summary = render_job_summary(failing)
    assert summary.startswith("## Grading report — td_keras_mlp\n")
    assert "| q4 One wide hidden layer with as many parameters | 0.5/1.5 | ✗ failed |" in summary
    assert "### Failed checks" in summary and "<" not in summary.replace("&lt;", "")


def test_cli_writes_every_report_from_one_report(reports, tmp_path: Path, monkeypatch,
                                                 capsys) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = reports["crashing"]
    args = argparse.Namespace(**{k: tmp_path / f"r.{k}" for k in ("json", "html", "junit",
                                                                   "gradescope")})
    write_reports(report, args)
    for name in ("json", "html", "junit", "gradescope"):
        assert (tmp_path / f"r.{name}").read_text(encoding="utf-8") == RENDERERS[name](report)
    assert summary.read_text(encoding="utf-8") == render_job_summary(report)
    assert capsys.readouterr().out == render_annotations(report, os.environ.get(
        "GITHUB_WORKSPACE", ""))


def png_colours(path: Path) -> int:
    """Count the distinct colours of a PNG."""
    from PIL import Image

    with Image.open(path) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or ())


def screenshot(browser: str, page: Path, png: Path, size: str) -> str:
    """Open a page in headless Chromium, save a screenshot, return the browser's log."""
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0", f"--screenshot={png}", f"--window-size={size}",
         page.as_uri()], capture_output=True, text=True, timeout=90)
    assert png.is_file(), done.stderr[-2000:]
    return done.stdout + done.stderr


def console_messages(log: str) -> list[str]:
    """Return the page's console messages (JS errors included) from Chromium's log."""
    return [line for line in log.splitlines() if ":CONSOLE" in line]


def test_html_report_in_headless_chromium(reports, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium binary on this machine (.ci/run installs Debian's chromium)")
    control = tmp_path / "control.html"
    control.write_text("<!DOCTYPE html><p>x</p><script>undefinedFunction()</script>")
    assert console_messages(screenshot(browser, control, tmp_path / "c.png", "300,200"))
    page = tmp_path / "report.html"
    page.write_text(render_html(reports["failing"]), encoding="utf-8")
    log = screenshot(browser, page, tmp_path / "phone.png", "390,1600")
    assert console_messages(log) == []
    assert png_colours(tmp_path / "phone.png") > 50  # text, pills, highlighted cells: not blank


def plugin_args() -> list[str]:
    """Load the plugin explicitly unless its entry point is installed."""
    names = {ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    return [] if "grader.pytest_plugin" in names else ["-p", "grader.pytest_plugin"]


def student_repo(root: Path, source: str) -> Path:
    """Write a student repository holding td_keras.py (and the reference it may import)."""
    root.mkdir()
    shutil.copy(REFERENCE, root / "td_keras_reference.py")
    (root / "td_keras.py").write_text(source, encoding="utf-8")
    return root


def test_pytest_plugin_runs_one_test_per_question(tmp_path: Path) -> None:
    repos = {"good": student_repo(tmp_path / "good", REFERENCE.read_text(encoding="utf-8")),
             "bad": student_repo(tmp_path / "bad", (VARIANTS / "q4_64_units.py").read_text())}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "LC_ALL": ""}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugin_args(),
               "--grade", "-k", "q4 or q13", "-rN", "--grade-lang", "en"]
    running = {name: subprocess.Popen(command, cwd=repo, env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
               for name, repo in repos.items()}
    out = {name: process.communicate(timeout=300)[0] for name, process in running.items()}
    assert running["good"].returncode == 0, out["good"]
    assert "2 passed, 12 deselected" in out["good"]
    assert "2 of 2 questions passed all public checks — 2.5 / 2.5" in out["good"]  # one grading for the session
    assert running["bad"].returncode == 1, out["bad"]
    assert "1 failed, 1 passed, 12 deselected" in out["bad"]
    assert "✗ Q4: parameter count — expected within 5% of 134,794, got 50,890." in out["bad"]
    assert "✓ Q4: number of Dense layers" in out["bad"] and "Traceback" not in out["bad"]


@pytest.mark.parametrize("name,module,question,deselected", [
    ("td_keras_mlp", "td_keras", "q13", 13), ("td_convnets", "td_convnets", "q3", 7)])
def test_plain_pytest_in_the_assignment_folder_grades(tmp_path: Path, name: str, module: str,
                                                      question: str, deselected: int) -> None:
    folder = tmp_path / name
    shutil.copytree(ROOT / "assignments" / name, folder)
    (folder / f"{module}.ipynb").unlink()  # the .py is the one being worked on
    shutil.copy(ROOT / "reference" / name / f"{module}.py", folder / f"{module}.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", "LC_ALL": ""}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           *plugin_args(), "-q", "-k", question], cwd=folder, env=env, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    # the shipped pytest.ini asks for grading; the assignment comes from the file's name
    assert f"1 passed, {deselected} deselected" in done.stdout


def test_pytest_plugin_is_inactive_unless_asked(tmp_path: Path) -> None:
    repo = student_repo(tmp_path / "repo", REFERENCE.read_text(encoding="utf-8"))
    (repo / "test_nothing.py").write_text("def test_one():\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           *plugin_args(), "-q"], cwd=repo, env=env, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


def workflow_steps() -> list[dict]:
    """Return the steps of the workflow template's job."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return workflow, job["steps"]


def test_workflow_template_runs_locally(tmp_path: Path) -> None:
    workflow, steps = workflow_steps()
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/upload-artifact"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert setup["with"]["python-version"] == "3.11" and upload["if"] == "always()"
    work = tmp_path / "repo"
    work.mkdir()
    shutil.copy(STARTER_DIR / "td_keras.py", work / "td_keras.py")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "grade").write_text(f"#!/bin/sh\nexec {sys.executable} -m grader.cli \"$@\"\n")
    (bin_dir / "grade").chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {**os.environ, **{k: str(v) for k, v in workflow["env"].items()},
           "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_WORKSPACE": str(work), "PYTHONPATH": str(ROOT),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    logs = {}
    for step in (s for s in steps if "run" in s and s.get("id") != "install"):
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=work, env=env,
                              text=True, capture_output=True, timeout=300)
        logs[step.get("id", step["name"])] = done
        assert done.returncode == (1 if step.get("id") == "grade" else 0), done.stderr
    report = json.loads((work / "grade-report" / "report.json").read_text(encoding="utf-8"))
    assert report["score"] == 0 and report["lang"] == "fr"
    assert (work / "grade-report" / "report.html").read_text().startswith("<!DOCTYPE html>")
    ET.parse(work / "grade-report" / "junit.xml")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Rapport de correction — td_keras_mlp") and "grade-report" in text
    assert logs["grade"].stdout.count("::warning file=td_keras.py,title=q") == 14


def test_report_files_are_readable_by_others(tmp_path: Path) -> None:
    from grader.render.json_report import write_atomically

    target = tmp_path / "published" / "r.html"
    write_atomically(target, "<p>ok</p>")
    assert target.read_text() == "<p>ok</p>"
    assert target.stat().st_mode & 0o777 == 0o644  # a web server serving DIR can read it
    assert [p.name for p in target.parent.iterdir()] == ["r.html"]  # no temporary file left
