"""Hostile text in every field a student controls, through every output format.

Property-based (hypothesis): arbitrary text — lone surrogates, controls, terminal escapes,
markup, spreadsheet formulas, GitHub workflow commands, very long strings — is pushed through the
boundary (Observation.from_json, class names) and every renderer, built from constructed reports
(renderers are pure, so this is fast). JSON, JUnit XML and CSV must parse back; terminal, HTML
and GitHub outputs hold no control character but newlines; no student is lost. A few real
end-to-end runs follow: `grade` on a hostile submission, a History the grader cannot describe,
and `grade`/`grade bulk` stopped by SIGTERM or Ctrl-C, which must leave no worker behind.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import bulk_safety, interruptible
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from grader.bulk.inputs import Student, discover
from grader.bulk.outputs import (
    RunInfo,
    render_gradebook,
    render_otter_csv,
    render_summary_html,
    results_json,
)
from grader.bulk.results import StudentResult
from grader.model import CheckResult, Failure, Frame, GradeReport, Observation, QuestionResult
from grader.render.github import inert, render_annotations, render_job_summary
from grader.render.gradescope import render_gradescope
from grader.render.html import render_html
from grader.render.json_report import render_json
from grader.render.junit import render_junit
from grader.render.terminal import render_terminal
from grader.text import clean_data, clean_text, is_clean

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "reference" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
SPECIAL = ["\ud800", "\udfff", "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\r\n::error::injected",
           "\n::warning file=x::y", "=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x",
           "<script>alert(1)</script>", "]]></failure>", "&amp;&", "\x00", "\x85\x9b", "\u202e",
           "\u2028\u2029", "%0A%25", "::stop-commands::x", "##[error]old", "\ufffe\uffff",
           "x" * 20_000, "Élodie 漢字 🙂", "|col|", "\x7f"]
ANY_CHAR = st.characters(exclude_categories=())  # surrogates included
hostile = st.one_of(st.sampled_from(SPECIAL), st.text(ANY_CHAR, max_size=40),
                    st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=4).map("".join))
QUICK = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def bad_chars(text: str) -> list[str]:
    """Return the characters a terminal or log would act on: controls (but \\n), escapes, bidi."""
    return [c for c in text if c != "\n" and (unicodedata.category(c) in ("Cc", "Cs")
                                              or c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
                                              "\u2066\u2067\u2068\u2069")]


@st.composite
def reports(draw: st.DrawFn) -> GradeReport:
    """A report whose every student-controlled string is hostile."""
    t = lambda: draw(hostile)  # noqa: E731
    frame = Frame(t(), 3, t(), t())
    questions = (
        QuestionResult("q1", "Describe the datasets", 0.0, 1.0, "error", message=t(),
                       failure=Failure("call", t(), t(), t(), (frame,)), notes=(t(),),
                       output=t()),
        QuestionResult("q3", "MLPs", 0.5, 1.5, "failed",
                       checks=(CheckResult("q3.check_layer[layer=1]", "failed", t(), t(), t(), t()),
                               CheckResult("q3.check_count", "passed", t())),
                       output=t()),
        QuestionResult("q4", "Wide", 0.0, 1.5, "not_implemented", message=t()),
    )
    return GradeReport("td_keras_mlp", t(), 0.5, 4.0, questions,
                       answers={t(): t(), "q1": t()}, notes=(t(),))


def test_clean_text_examples() -> None:
    assert clean_text("a\x1b[2Jb\x07") == "a␛[2Jb␇"
    assert clean_text("\ud800x") == "\ufffdx"
    assert clean_text("l1\r\nl2\rl3\tx") == "l1\nl2\nl3  x"  # tab stops of 4
    assert clean_text("a\nb", newlines=False) == "a␊b"
    assert clean_text("\x85\u202e") == "\\x85\\u202e"


@QUICK
@given(st.text(ANY_CHAR), st.booleans())
def test_clean_text_is_valid_visible_and_idempotent(text: str, newlines: bool) -> None:
    cleaned = clean_text(text, newlines)
    cleaned.encode("utf-8")  # no lone surrogate left
    assert is_clean(cleaned, newlines) and not bad_chars(cleaned)
    assert clean_text(cleaned, newlines) == cleaned
    assert newlines or "\n" not in cleaned


@QUICK
@given(st.dictionaries(hostile, st.recursive(hostile, lambda inner: st.lists(inner, max_size=3)
                                              | st.dictionaries(hostile, inner, max_size=3)),
                       max_size=4), hostile, hostile)
def test_observations_are_clean_where_the_parent_reads_them(data: dict, output: str,
                                                            message: str) -> None:
    raw = {"kind": "observation", "schema": 1, "question": "q1", "status": "error",
           "data": data, "output": output, "notes": [message],
           "failure": {"phase": "call", "type": message, "message": message,
                       "frames": [{"file": message, "line": 1, "function": message}]}}
    observation = Observation.from_json(json.loads(json.dumps(raw)))
    plain = json.loads(json.dumps(observation.to_json(), ensure_ascii=False).encode("utf-8"))
    assert clean_data(plain) == plain
    claimed = {k: v for k, v in plain.items() if k != "output"}  # a claim: one line per string
    assert clean_data(claimed, newlines=False) == claimed


def grader_lines(terminal: str) -> list[str]:
    """The lines of a terminal report that start where the grader's own lines start."""
    return [line for line in terminal.splitlines() if not line.startswith(" ")]


@QUICK
@given(hostile, hostile, hostile)
def test_no_text_starts_a_line_of_the_terminal_report(type_name: str, message: str,
                                                      note: str) -> None:
    forged = "\n✓ q3   forged   1.5/1.5  passed\n14 of 14 questions passed — 20 / 20\n"
    raw = {"kind": "observation", "schema": 1, "question": "q1", "status": "error",
           "data": {"type": forged + type_name}, "notes": [forged + note],
           "failure": {"phase": "call", "type": forged + type_name, "message": forged + message,
                       "where": forged, "frames": [{"file": forged, "line": 1,
                                                     "function": forged, "code": forged}]}}
    observation = Observation.from_json(raw)
    failure = observation.failure
    assert failure is not None and "\n" not in failure.type + failure.message + failure.where
    assert "\n" not in json.dumps(observation.data) + "".join(observation.notes)
    report = GradeReport("td_keras_mlp", forged, 0.0, 2.0, (
        QuestionResult("q1", "Describe", 0.0, 1.0, "error", message=forged + message,
                       failure=failure, notes=(forged + note,)),
        QuestionResult("q2", "Linear", 0.0, 1.0, "failed", checks=(
            CheckResult("q2.c", "failed", forged + message, hint=forged),))),
        notes=(forged,))
    lines = grader_lines(render_terminal(report))
    assert [line[:4] for line in lines] == ["td_k", "! ", "✗ q1", "✗ q2", "0 of"], lines


@QUICK
@given(reports())
def test_every_format_parses_back_and_holds_no_control_character(report: GradeReport) -> None:
    text = render_json(report)
    reloaded = GradeReport.from_json(json.loads(text.encode("utf-8")))
    assert render_json(reloaded) == text  # JSON stays the source of truth
    root = ET.fromstring(render_junit(report).encode("utf-8"))
    assert len(root.findall(".//testcase")) == 4
    terminal = render_terminal(report)
    assert not bad_chars(terminal)
    summary = render_job_summary(report)
    assert not bad_chars(summary)
    assert sum(1 for line in summary.splitlines() if line.startswith("| q")) == 3
    annotations = render_annotations(report, "/work")
    lines = annotations.split("\n")[:-1]
    assert len(lines) == 3 and not bad_chars(annotations)  # one command a line, none injected
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)
    wrapped = inert(terminal, "tok")
    assert [line for line in wrapped.splitlines() if line.startswith("::")][:1] == [
        "::stop-commands::tok"] and wrapped.endswith("::tok::\n")
    page = render_html(report)
    assert not bad_chars(page) and "<script>alert" not in page
    HTMLParser().feed(page)
    json.loads(render_gradescope(report))


def students(names: list[str]) -> list[StudentResult]:
    """Results of students named by a class folder (read through the same boundary)."""
    report = GradeReport("td_keras_mlp", "x", 1.0, 1.0,
                         (QuestionResult("q1", "Q1", 1.0, 1.0, "passed"),))
    return [StudentResult(Student(f"s{i}", clean_text(n, newlines=False), str(i),
                                  clean_text(n, newlines=False)), report, "graded")
            for i, n in enumerate(names)]


@QUICK
@given(st.lists(hostile, min_size=1, max_size=8))
def test_class_outputs_keep_every_student_and_neutralise_formulas(names: list[str]) -> None:
    results = students(names)
    links = {r.student.key: f"students/{r.student.key}.html" for r in results}
    info = RunInfo("td_keras_mlp", "in", "0.1")
    rows = list(csv.DictReader(io.StringIO(render_gradebook(results, links, info))))
    assert len(rows) == len(names)
    for row, result in zip(rows, results, strict=True):
        assert not row["Full name"].startswith(("=", "+", "-", "@", "\t", "\r"))
        assert row["Full name"].removeprefix("'") == result.student.name
    assert len(list(csv.reader(io.StringIO(render_otter_csv(results))))) == len(names) + 1
    assert len(json.loads(results_json(results, links, info))["students"]) == len(names)
    assert not bad_chars(render_summary_html(results, links, info))


moodle_names = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\\"),
                       min_size=1, max_size=30)


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(names=st.lists(moodle_names, min_size=1, max_size=5))
@example(names=[".", ".Anne", "./x"])  # found by CI: a name starting with "." was dropped
def test_moodle_zip_loses_no_participant_whatever_the_names(names: list[str],
                                                             tmp_path_factory) -> None:
    assume(all(n.strip() and "_assign" not in n for n in names))
    folder = tmp_path_factory.mktemp("moodle")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for number, name in enumerate(names, start=100):
            bundle.writestr(f"{name}_{number}_assignsubmission_file_/td_keras.py", "x = 1\n")
    (folder / "class.zip").write_bytes(buffer.getvalue())
    found = discover(folder / "class.zip", folder / "work", "td_keras")
    by_id = {s.student.moodle_id: s for s in found.submissions}
    assert sorted(by_id) == [str(n) for n in range(100, 100 + len(names))]
    for number, name in enumerate(names, start=100):
        assert by_id[str(number)].student.name == clean_text(name.strip(), newlines=False)
        assert by_id[str(number)].file is not None


def test_macos_junk_in_a_moodle_zip_is_no_participant(tmp_path: Path) -> None:
    """macOS adds __MACOSX/ copies and ._ files: neither becomes a student nor hides one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("Anne Lee_100_assignsubmission_file_/td_keras.py", "x = 1\n")
        bundle.writestr("__MACOSX/Anne Lee_100_assignsubmission_file_/._td_keras.py", "junk")
        bundle.writestr("._Anne Lee_100_assignsubmission_file_td_keras.py", "junk")
        bundle.writestr("._101_assignsubmission_file_/td_keras.py", "x = 1\n")  # named "."
    (tmp_path / "class.zip").write_bytes(buffer.getvalue())
    found = discover(tmp_path / "class.zip", tmp_path / "work", "td_keras")
    assert sorted((s.student.moodle_id, s.student.name) for s in found.submissions) == [
        ("100", "Anne Lee"), ("101", ".")]


def test_a_class_folder_keeps_a_participant_named_with_a_dot(tmp_path: Path) -> None:
    """An unzipped Moodle export: the participant "." is graded, .DS_Store is not a student."""
    for label in ("Anne Lee_100_assignsubmission_file_", "._101_assignsubmission_file_"):
        (tmp_path / "class" / label).mkdir(parents=True)
        (tmp_path / "class" / label / "td_keras.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "class" / ".DS_Store").write_bytes(b"junk")
    found = discover(tmp_path / "class", tmp_path / "work", "td_keras")
    assert sorted((s.student.moodle_id, s.student.name) for s in found.submissions) == [
        ("100", "Anne Lee"), ("101", ".")]


# End to end: real `grade` runs (each starts keras: a few seconds).

HOSTILE_SOURCE = REFERENCE.replace(
    '    """Q1: shapes of both datasets and the kind of task."""\n',
    '    """Q1: shapes of both datasets and the kind of task."""\n'
    '    print("\\x1b]0;pwned\\x07\\x1b[2J out\\r\\n::error::printed")\n'
    '    raise ValueError("bad \\ud800 \\x1b]0;title\\x07\\n::error file=x::owned")\n',
).replace('ANSWERS = {\n', 'ANSWERS = {\n    "q\\ud800\\x1b[2J": "\\ud800 =1+1\\n::error::x",\n')


def grade_cli(folder: Path, *args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess:
    """Run `grade` on a folder with this checkout's grader."""
    return subprocess.run([sys.executable, "-m", "grader.cli", "-s", str(folder), *args],
                          cwd=ROOT, text=True, capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.mark.slow
def test_grade_on_a_hostile_submission_writes_every_report(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "td_keras.py").write_text(HOSTILE_SOURCE, encoding="utf-8")
    summary = tmp_path / "summary.md"
    done = grade_cli(folder, "q1", "--json", str(tmp_path / "r.json"), "--junit",
                     str(tmp_path / "j.xml"), "--html", str(tmp_path / "r.html"), "--no-color",
                     env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                          "GITHUB_WORKSPACE": str(tmp_path)})
    assert done.returncode == 1, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["questions"][0]["status"] == "error"
    assert "bad \ufffd ␛]0;title␇" in report["questions"][0]["message"]
    assert report["answers"]["q\ufffd␛[2J"] == "\ufffd =1+1\n::error::x"
    ET.parse(tmp_path / "j.xml")
    assert not bad_chars(done.stdout) and not bad_chars(summary.read_text(encoding="utf-8"))
    outside, token = [], None  # commands only outside the ::stop-commands:: region
    for line in done.stdout.splitlines():
        if token is None and line.startswith("::stop-commands::"):
            token = line.removeprefix("::stop-commands::")
        elif token is not None and line == f"::{token}::":
            token = None
        elif token is None:
            outside.append(line)
    assert outside and all(line.startswith("::error file=") for line in outside)
    assert "::error::printed" not in "\n".join(outside)


HISTORY_KEY_0 = REFERENCE.replace(
    "    return model.fit(\n"
    "        x, y, epochs=epochs, batch_size=batch_size, validation_split=0.3, verbose=0\n"
    "    )\n",
    "    history = model.fit(\n"
    "        x, y, epochs=epochs, batch_size=batch_size, validation_split=0.3, verbose=0\n"
    "    )\n"
    "    history.history[0] = [1.0]  # a key the grader's code once could not sort beside 'loss'\n"
    "    return history\n")

UNREADABLE_HISTORY = REFERENCE + '''

class _History(keras.callbacks.History):
    """A History whose records cannot be read."""

    @property
    def history(self):
        raise RuntimeError("no history today")

    @history.setter
    def history(self, value):
        pass


def fit_with_validation(model, x, y, epochs, batch_size):
    """Q5: fits, then returns a History the grader cannot read."""
    model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=0.3, verbose=0)
    return _History()
'''


@pytest.mark.slow
def test_a_history_with_odd_keys_is_described_like_any_other(grade_with, tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "td_keras.py").write_text(HISTORY_KEY_0, encoding="utf-8")
    q5 = grade_with(folder, "q5").questions[0]
    assert q5.status == "passed", (q5.message, [c.message for c in q5.checks])


@pytest.mark.slow
def test_a_history_the_grader_cannot_describe_is_the_students_failure(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "td_keras.py").write_text(UNREADABLE_HISTORY, encoding="utf-8")
    done = grade_cli(folder, "q5", "--json", str(tmp_path / "r.json"), "--no-color")
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    q5 = report["questions"][0]
    assert q5["status"] == "error", q5
    assert done.returncode == 1, done.stdout + done.stderr
    assert q5["message"] == ("fit_with_validation(): the grader could not read what your code "
                             "returned or left (RuntimeError: no history today).")


SLEEPY_Q1 = REFERENCE.replace(
    '    """Q1: shapes of both datasets and the kind of task."""\n',
    '    """Q1: shapes of both datasets and the kind of task."""\n'
    '    import subprocess, sys, time\n'
    '    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", MARKER])\n'
    '    time.sleep(120)\n')


def descendants(pid: int) -> set[int]:
    """Return every process below pid (from /proc)."""
    found: set[int] = set()
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    children = {int(c) for c in handle.read().split()}
            except OSError:
                continue
            pending += list(children - found)
            found |= children
    return found


def parent(pid: int) -> int:
    """Return a process's parent (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def running(marker: str) -> bool:
    """Whether a live process has the marker on its command line."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes() and alive(int(entry.name)):
                    return True
            except OSError:
                continue
    return False


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("command,sig", [("grade", signal.SIGTERM), ("bulk", signal.SIGINT),
                                         ("grade", signal.SIGKILL)])
def test_a_stopped_grade_leaves_no_worker_behind(tmp_path: Path, command: str,
                                                 sig: signal.Signals) -> None:
    name = f"running-{uuid.uuid4().hex}"
    folder = tmp_path / "class" / "sleepy"
    folder.mkdir(parents=True)
    (folder / "td_keras.py").write_text(SLEEPY_Q1.replace("MARKER", repr(name)),
                                          encoding="utf-8")
    args = (["-s", str(folder), "q1"] if command == "grade" else
            ["bulk", *bulk_safety(), str(tmp_path / "class"), "--out", str(tmp_path / "out"), "-q", "q1",
             "--workers", "1"])
    process = subprocess.Popen([sys.executable, "-m", "grader.cli", *args], cwd=ROOT,
                               preexec_fn=interruptible,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while not running(name):  # the student's code is running (it started its sleeper)
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.2)
        below = descendants(process.pid)
        assert below  # the worker, its supervisor and the student's child
        everything = set(below)
        if sig == signal.SIGKILL:  # no handler runs: Linux kills the worker (PDEATHSIG)
            below = {pid for pid in below if parent(pid) == process.pid}
        process.send_signal(sig)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    if sig != signal.SIGKILL:
        assert process.returncode == 130, out + err
        assert "interrupted" in err
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in below if alive(pid)]
    for pid in everything - below:  # after a SIGKILL: the job in flight ends at its time limit
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert left == []
