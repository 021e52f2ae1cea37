"""`grade bulk`: a class graded end to end with real processes, real keras, real files.

One folder of submissions (reference, starter, two with mistakes, a crashing one, a malicious one
that kills its grading worker, a notebook when notebooks are supported, a folder without
submission, a corrupt zip, a duplicate name) is graded on local workers, from a Moodle zip and
on a real Dask cluster; a run killed part-way is resumed.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import bulk_safety, interruptible, namespaces_allowed

from grader.bulk.cache import ResultCache, submission_digest, submission_files
from grader.bulk.inputs import InputError, Student, discover, extract_zip, slugify
from grader.bulk.manual import ManualError, assign_manual, load_manual
from grader.bulk.progress import Progress
from grader.bulk.results import StudentResult
from grader.bulk.summary import histogram, question_stats
from grader.model import CheckResult, CriterionResult, GradeReport, QuestionResult
from grader.render.json_report import load_report

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "reference" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
STARTER = (ROOT / "assignments" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
QUESTIONS = "q1,q3,q4,q7,q13"
HAS_NOTEBOOKS = importlib.util.find_spec("grader.observe.student_import") is not None
HAS_HTML = importlib.util.find_spec("grader.render.html") is not None
RUN_TIMEOUT = 300
ISOLATED = namespaces_allowed()  # without PID namespaces, mallory can kill her warm worker
CLASS_EXIT = 1 if ISOLATED else 3  # 1: some student not graded (frank, gina); 3: a grader error


def edited(source: str, old: str, new: str) -> str:
    """Replace text that must be there."""
    assert old in source, old
    return source.replace(old, new)


def sources() -> dict[str, str]:
    """The students' td_keras.py by folder name."""
    q3 = '    """Q3: n_hidden hidden layers of 128 ReLU units."""\n'
    q4 = "def build_wide_mlp(input_dim: int, n_classes: int) -> keras.Model:\n"
    q7 = "def build_mlp_dropout(input_dim: int, n_classes: int, n_hidden: int) -> keras.Model:\n"
    crash = edited(REFERENCE, q3, q3 + "    import ctypes\n    ctypes.string_at(0)\n")
    crash = edited(crash, q4, q4 + "    import os\n    os._exit(3)\n")
    kill_worker = edited(REFERENCE, q7, q7 + (  # finds the warm worker in /proc, kills it
        "    import os, pathlib, signal\n"
        "    for proc in pathlib.Path('/proc').glob('[0-9]*'):\n"
        "        try:\n"
        "            cmdline = (proc / 'cmdline').read_bytes()\n"
        "        except OSError:\n"
        "            continue\n"
        "        if b'grader.observe.worker' in cmdline:\n"
        "            os.kill(int(proc.name), signal.SIGKILL)\n"))
    units = edited(REFERENCE, "HIDDEN_UNITS = 128", "HIDDEN_UNITS = 64")
    dropout = edited(edited(REFERENCE, "dropout=0.1", "dropout=0.2"), "patience=5", "patience=3")
    return {"alice": REFERENCE, "bob": STARTER, "carol": units, "dave": dropout, "erin": crash,
            "mallory": kill_worker}


# plain key -> (full name, Moodle participant number)
MOODLE = {"alice": ("Alice Martin", "1001"), "bob": ("Bob Durand", "1002"),
          "carol": ("Carol Petit", "1003"), "dave": ("Dave Roux", "1004"),
          "erin": ("Erin Blanc", "1005"), "mallory": ("Mallory Noir", "1006"),
          "nina": ("Nina Vert", "1007"), "frank": ("Frank Gris", "1008"),
          "alice-2": ("Alice Martin", "1009"), "gina": ("Gina Rose", "1010")}


def notebook_json(source: str) -> str:
    """A notebook with the source as its only code cell."""
    import nbformat

    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("# TD keras"), nbformat.v4.new_code_cell(source)]
    return nbformat.writes(book)


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    """A zip of name -> content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, content in files.items():
            bundle.writestr(name, content)
    return buffer.getvalue()


def make_class(folder: Path) -> Path:
    """Write the class folder: one entry per student, named after the student."""
    for name, source in sources().items():
        (folder / name).mkdir(parents=True)
        (folder / name / "td_keras.py").write_text(source, encoding="utf-8")
    if HAS_NOTEBOOKS:
        (folder / "nina").mkdir()
        (folder / "nina" / "td_keras.ipynb").write_text(notebook_json(REFERENCE), encoding="utf-8")
    (folder / "frank").mkdir()
    (folder / "frank" / "README.txt").write_text("I did not finish.\n", encoding="utf-8")
    (folder / "gina.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (folder / "alice.zip").write_bytes(zip_bytes({"td/td_keras.py": sources()["carol"]}))
    (folder / ".DS_Store").write_bytes(b"\0")
    return folder


def make_moodle_zip(path: Path) -> Path:
    """Write the same class as Moodle's 'download all submissions' zip."""
    files: dict[str, str | bytes] = {}
    folders = {key: f"{name}_{number}_assignsubmission_file_/" for key, (name, number)
               in MOODLE.items()}
    for key, source in sources().items():
        files[folders[key] + "td_keras.py"] = source
    if HAS_NOTEBOOKS:
        files[folders["nina"] + "td_keras.ipynb"] = notebook_json(REFERENCE)
    files[folders["frank"] + "README.txt"] = "I did not finish.\n"
    files[folders["gina"] + "td_keras.zip"] = b"PK\x03\x04 this is not really a zip"
    files[folders["alice-2"] + "my work.zip"] = zip_bytes({"td/td_keras.py": sources()["carol"]})
    files["Bob Durand_1002_assignsubmission_onlinetext_/onlinetext.html"] = "<p>see file</p>"
    path.write_bytes(zip_bytes(files))
    return path


def bulk(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run `grade bulk` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "grader.cli", "bulk", *args, *bulk_safety()],
                          cwd=cwd, text=True,
                          capture_output=True, timeout=RUN_TIMEOUT)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV into rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def results(out: Path) -> dict[str, dict]:
    """The students of results.json by key."""
    return {s["key"]: s for s in json.loads((out / "results.json").read_text())["students"]}


def expected_keys() -> set[str]:
    """The students of the class folder."""
    keys = {"alice", "alice-2", "bob", "carol", "dave", "erin", "mallory", "frank", "gina"}
    return keys | ({"nina"} if HAS_NOTEBOOKS else set())


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The class folder."""
    return make_class(tmp_path_factory.mktemp("class"))


@pytest.fixture(scope="module")
def folder_run(class_dir: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[Path, subprocess.CompletedProcess]:
    """The class graded once on two local workers, with manual points."""
    out = tmp_path_factory.mktemp("out")
    manual = out.parent / "manual.csv"
    manual.write_text("student,question,points,comment\n"
                      "alice,q1,1,\"clear answer, well argued\"\n"
                      "bob,written,2.5,good free-text answer\n"
                      "nobody,q1,1,\n", encoding="utf-8")
    done = bulk(str(class_dir), "--out", str(out), "--questions", QUESTIONS, "--workers", "2",
                "--lang", "en", "--manual", str(manual))
    return out, done


def test_folder_run_grades_every_student_and_keeps_going(folder_run) -> None:
    out, done = folder_run
    assert done.returncode == CLASS_EXIT, done.stdout + done.stderr
    students = results(out)
    assert set(students) == expected_keys()
    states = {k: s["state"] for k, s in students.items()}
    assert (states["frank"], states["gina"]) == ("no_submission", "rejected")
    assert {states[k] for k in expected_keys() - {"frank", "gina", "mallory"}} == {"graded"}
    if ISOLATED:  # her /proc shows her own process only: the warm worker is out of reach
        assert states["mallory"] == "graded"
        assert students["mallory"]["statuses"] == {"q1": "passed", "q3": "passed", "q4": "passed",
                                                   "q7": "passed", "q13": "passed"}
    else:  # mallory kills her warm worker: her submission is a grader error, nobody else's
        assert states["mallory"] == "grader_error"
    assert students["alice"]["grade"] == 20.0 and students["alice"]["score"] == 6.5
    assert students["bob"]["score"] == 0 and students["bob"]["grade"] == 2.5  # manual points
    assert set(students["bob"]["statuses"].values()) == {"not_implemented"}
    assert students["carol"]["statuses"]["q3"] == "failed" and students["carol"]["grade"] < 20
    assert students["dave"]["statuses"]["q7"] == students["dave"]["statuses"]["q13"] == "failed"
    assert students["dave"]["statuses"]["q3"] == "passed"
    assert students["erin"]["statuses"] == {"q1": "passed", "q3": "crashed", "q4": "crashed",
                                            "q7": "passed", "q13": "passed"}
    assert students["alice-2"]["grade"] == students["carol"]["grade"]  # same code, zipped
    if HAS_NOTEBOOKS:
        assert students["nina"]["grade"] == 20.0
    errors = 0 if ISOLATED else 1
    assert re.search(rf"bulk: {len(students)} students, {len(students) - 2 - errors} graded, 0 from "
                     rf"cache, 1 without submission, 1 rejected, {errors} grader errors — mean \d+\.\d\d/20", done.stdout)
    assert "Traceback" not in done.stderr


def test_folder_run_writes_student_reports(folder_run) -> None:
    out, _ = folder_run
    for key, student in results(out).items():
        report = load_report(out / student["report"])
        assert report.score == student["score"]
        assert [q.id for q in report.questions] == ["q1", "q3", "q4", "q7", "q13"]
        html = out / "students" / f"{key}.html"
        assert html.is_file() == HAS_HTML
        assert student["feedback"] == f"students/{key}.{'html' if HAS_HTML else 'json'}"
    carol = load_report(out / "students" / "carol.json")
    q3 = next(q for q in carol.questions if q.id == "q3")
    assert any("expected 128, got 64" in c.message for c in q3.checks if not c.passed)
    alice = load_report(out / "students" / "alice.json")
    assert "q1, graded by the instructor: +1 points — clear answer, well argued." in alice.notes
    assert any("duplicate student name 'alice'" in n for n in alice.notes)
    gina = load_report(out / "students" / "gina.json")
    assert "not a readable zip" in gina.notes[0]
    frank = load_report(out / "students" / "frank.json")
    assert frank.notes == ("no td_keras.py or td_keras.ipynb in the submission",)
    mallory = load_report(out / "students" / "mallory.json")
    q7 = next(q for q in mallory.questions if q.id == "q7")
    if ISOLATED:
        assert q7.status == "passed", q7.message
    else:
        assert "not your fault" in q7.message


def test_folder_run_writes_gradebooks(folder_run) -> None:
    out, _ = folder_run
    students = results(out)
    moodle = read_csv(out / "gradebook.csv")
    assert list(moodle[0]) == ["Identifier", "Full name", "Grade", "Maximum Grade",
                               "Feedback comments", "Needs review"]
    # erin's ctypes crash and mallory's /proc walk reach into the machine: marked, nobody else
    assert {r["Identifier"] for r in moodle if r["Needs review"]} == {"erin", "mallory"}
    assert [r["Identifier"] for r in moodle] == [students[k]["name"] for k in sorted(students)]
    assert students["alice-2"]["name"] == "alice"  # alice/ and alice.zip: both named alice
    by_key = dict(zip(sorted(students), moodle, strict=True))
    for key, row in by_key.items():
        assert float(row["Grade"]) == students[key]["grade"]
        assert row["Maximum Grade"] == "20.00"
        assert (out / row["Feedback comments"]).is_file()
    otter = read_csv(out / "grades.csv")
    assert list(otter[0]) == ["file", "q1", "q3", "q4", "q7", "q13", "manual", "total",
                              "possible", "percent_correct", "grade_20", "status",
                              "needs_review"]
    bob = next(r for r in otter if r["file"] == "bob")
    assert (bob["manual"], bob["total"], bob["possible"], bob["status"]) == ("2.5", "2.5", "6.5",
                                                                             "graded")
    alice = next(r for r in otter if r["file"] == "alice")
    assert [alice[q] for q in ("q1", "q3", "q4", "q7", "q13")] == ["1", "1.5", "1.5", "1.5", "1"]
    assert json.loads((out / "results.json").read_text())["unmatched_manual"] == ["nobody"]


def test_folder_run_writes_class_summary(folder_run) -> None:
    out, done = folder_run
    page = (out / "index.html").read_text(encoding="utf-8")
    students = results(out)
    bars = re.findall(r'<rect class="bar"[^>]*><title>([^<]*): (\d+)</title>', page)
    assert len(bars) == 10 and sum(int(n) for _, n in bars) == len(students)
    assert dict(bars)["18–20"] == str(sum(1 for s in students.values() if s["grade"] >= 18))
    questions = page.split('<table id="questions">')[1].split("</table>")[0]
    graded = len(students) - 2
    alice_like = sum(1 for s in students.values() if s["statuses"]["q1"] == "passed")
    assert f"({alice_like}/{graded})" in questions  # q1's pass rate
    assert "units — expected 128, got 64." in questions  # carol's and alice-2's mistake
    assert "× 2" in questions
    for key, student in students.items():
        assert f'href="{student["feedback"]}"' in page, key
    assert "<script" not in page
    assert "nobody" in page  # unmatched manual points are reported
    assert "manual points for unknown student 'nobody'" in done.stderr


def test_moodle_zip_gives_the_same_grades(folder_run, tmp_path: Path) -> None:
    reference_out, _ = folder_run
    archive = make_moodle_zip(tmp_path / "submissions.zip")
    manual = tmp_path / "manual.yaml"
    manual.write_text("Alice Martin_1001_assignsubmission_file_:\n"
                      "  - {question: q1, points: 1, comment: clear answer}\n"
                      "'1002':\n  - {question: written, points: 2.5}\n", encoding="utf-8")
    out = tmp_path / "out"
    done = bulk(str(archive), "--out", str(out), "--questions", QUESTIONS, "--workers", "2",
                "--lang", "en", "--manual", str(manual))
    assert done.returncode == CLASS_EXIT, done.stdout + done.stderr
    plain = results(reference_out)
    moodle = results(out)
    mapping = {key: f"{slugify(name)}-{number}" for key, (name, number) in MOODLE.items()
               if key in plain}
    assert set(moodle) == set(mapping.values())
    for key, moodle_key in mapping.items():
        assert (moodle[moodle_key]["grade"], moodle[moodle_key]["statuses"], moodle[moodle_key]
                ["state"]) == (plain[key]["grade"], plain[key]["statuses"], plain[key]["state"]), key
    gradebook = {r["Identifier"]: r for r in read_csv(out / "gradebook.csv")}
    assert gradebook["Participant 1002"]["Full name"] == "Bob Durand"
    assert gradebook["Participant 1002"]["Grade"] == "2.50"
    assert gradebook["Participant 1009"]["Full name"] == "Alice Martin"
    assert "onlinetext" not in json.dumps(moodle)


def scheduler_address(scheduler_file: Path, deadline: float) -> str:
    """Wait for the scheduler to write its file (it may be seen half-written) and read it."""
    while True:
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A real Dask scheduler and two single-threaded workers on loopback; yield its address."""
    scheduler_file = tmp_path / "scheduler.json"
    log = (tmp_path / "dask.log").open("w")
    common = ["--no-dashboard", "--scheduler-file", str(scheduler_file)]
    processes = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host",
                                   "127.0.0.1", "--port", "0", *common],
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)]
    try:
        address = scheduler_address(scheduler_file, deadline=time.monotonic() + 60)
        for index in range(2):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "dask", "worker", "--nworkers", "1", "--nthreads", "1",
                 "--host", "127.0.0.1", "--name", f"w{index}", "--local-directory",
                 str(tmp_path / f"w{index}"), *common],
                cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT))
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def test_dask_cluster_gives_the_same_grades(folder_run, class_dir: Path, tmp_path: Path,
                                            dask_cluster: str) -> None:
    reference_out, _ = folder_run
    out = tmp_path / "out"
    done = bulk(str(class_dir), "--out", str(out), "--questions", QUESTIONS, "--lang", "en",
                "--scheduler", dask_cluster)
    assert done.returncode == CLASS_EXIT, done.stdout + done.stderr
    plain, remote = results(reference_out), results(out)
    assert set(remote) == set(plain)
    for key in plain:
        assert remote[key]["score"] == plain[key]["score"], key
        assert remote[key]["statuses"] == plain[key]["statuses"], key
        assert remote[key]["state"] == plain[key]["state"], key
        if not plain[key]["manual"]:  # no manual points file in this run
            assert remote[key]["grade"] == plain[key]["grade"], key
    for key in remote:
        assert load_report(out / remote[key]["report"]).submission != ""
    from distributed import Client

    from grader.bulk.cluster import PLUGIN_NAME

    with Client(dask_cluster, timeout="30s") as client:
        started = client.run(lambda dask_worker: dask_worker.plugins[PLUGIN_NAME].started)
    assert len(started) == 2, started
    if ISOLATED:  # both Dask workers graded (without namespaces mallory's victims were dropped)
        assert all(n >= 1 for n in started.values()), started


def _interrupt_after(args: list[str], cache: ResultCache, entries: int, sig: signal.Signals
                     ) -> subprocess.Popen:
    """Start a bulk run and send `sig` to it (and its warm worker) once `entries` are cached."""
    run = subprocess.Popen(args, cwd=ROOT, start_new_session=True, preexec_fn=interruptible,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + RUN_TIMEOUT
    while len(cache.stored()) < entries and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, sig)  # like Ctrl-C in a terminal, or a machine dying (SIGKILL)
    return run


def test_interrupted_and_killed_runs_resume_with_only_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    for name in ("alice", "bob", "carol", "dave"):
        (folder / name).mkdir(parents=True)
        (folder / name / "td_keras.py").write_text(sources()[name], encoding="utf-8")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "grader.cli", "bulk", str(folder), "--out", str(out),
            "--questions", QUESTIONS, "--workers", "1", "--lang", "en", *bulk_safety()]
    cache = ResultCache(out / ".cache")

    interrupted = _interrupt_after(args, cache, 1, signal.SIGINT)
    stdout, stderr = interrupted.communicate(timeout=60)
    assert interrupted.returncode == 130, stdout + stderr
    assert "interrupted — run the same command again to grade the rest" in stderr
    partial = json.loads((out / "results.json").read_text())
    assert partial["pending"] == 4 - len(partial["students"]) > 0
    assert {s["state"] for s in partial["students"]} <= {"graded"}
    first = set(cache.stored())
    # the signal came once a report was cached: it is kept even if the summary missed it
    assert len(first) >= max(1, len(partial["students"]))

    killed = _interrupt_after(args, cache, len(first) + 1, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    kept = {key: cache.path(key).stat().st_mtime_ns for key in cache.stored()}
    assert first < set(kept) and len(kept) < 4
    assert all(cache.get(key) is not None for key in kept)  # whole entries only

    done = subprocess.run(args, cwd=ROOT, text=True, capture_output=True, timeout=RUN_TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    students = results(out)
    states = sorted(s["state"] for s in students.values())
    assert states == ["cached"] * len(kept) + ["graded"] * (4 - len(kept))
    assert f"{4 - len(kept)} graded, {len(kept)} from cache" in done.stdout
    assert {k: cache.path(k).stat().st_mtime_ns for k in kept} == kept  # not graded again
    assert len(cache.stored()) == 4
    assert json.loads((out / "results.json").read_text())["pending"] == 0
    again = subprocess.run(args, cwd=ROOT, text=True, capture_output=True, timeout=RUN_TIMEOUT)
    assert "0 graded, 4 from cache" in again.stdout
    assert [s["grade"] for s in results(out).values()] == [s["grade"] for s in students.values()]


def test_a_class_is_rendered_in_another_language_from_the_cache(tmp_path: Path) -> None:
    """`--lang fr` after `--lang en`: every report judged again from the cached observations
    (nothing graded, no keras), in French, with the same grades; and back in English."""
    folder = tmp_path / "class"
    for name in ("alice", "carol"):  # carol's q3 has 64 units
        (folder / name).mkdir(parents=True)
        (folder / name / "td_keras.py").write_text(sources()[name], encoding="utf-8")
    out = tmp_path / "out"
    args = (str(folder), "--out", str(out), "--questions", "q1,q3", "--workers", "1")

    def q3_of_carol() -> dict:
        report = json.loads((out / "students" / "carol.json").read_text(encoding="utf-8"))
        return {"lang": report["lang"], **next(q for q in report["questions"] if q["id"] == "q3")}

    english = bulk(*args, "--lang", "en")
    assert english.returncode == 0, english.stdout + english.stderr
    graded = results(out)
    assert "2 graded, 0 from cache" in english.stdout
    french = bulk(*args, "--lang", "fr")
    assert french.returncode == 0, french.stdout + french.stderr
    assert "0 graded, 2 from cache" in french.stdout, french.stdout
    assert {k: s["state"] for k, s in results(out).items()} == {"alice": "cached", "carol": "cached"}
    assert [s["grade"] for s in results(out).values()] == [s["grade"] for s in graded.values()]
    q3 = q3_of_carol()
    assert q3["lang"] == "fr" and q3["score"] < q3["max_score"]
    assert "attendu 128, obtenu 64" in json.dumps(q3, ensure_ascii=False), q3
    back = bulk(*args, "--lang", "en")
    assert "0 graded, 2 from cache" in back.stdout, back.stdout
    assert "expected 128, got 64" in json.dumps(q3_of_carol()), q3_of_carol()


# Fast tests of the pieces (no keras).

def test_discover_reads_moodle_names_repos_and_problems(tmp_path: Path) -> None:
    root = tmp_path / "in"
    repo = root / "Élodie Martin_42_assignsubmission_file_" / "td-keras-lab" / "src"
    repo.mkdir(parents=True)
    (repo / "td_keras.py").write_text("x = 1\n")
    (root / "Élodie Martin_42_assignsubmission_file_" / ".git").mkdir()
    (root / "Élodie Martin_42_assignsubmission_onlinetext_").mkdir()
    renamed = root / "paul"
    renamed.mkdir()
    (renamed / "my_lab.py").write_text("x = 2\n")
    (root / "zoe.py").write_text("x = 3\n")
    (root / "notes.txt").write_text("not a student\n")
    found = discover(root, tmp_path / "work", "td_keras")
    by_key = {s.student.key: s for s in found.submissions}
    assert set(by_key) == {"elodie-martin-42", "paul", "zoe"}
    elodie = by_key["elodie-martin-42"]
    assert (elodie.student.name, elodie.student.identifier) == ("Élodie Martin", "Participant 42")
    assert elodie.file == repo / "td_keras.py"
    assert by_key["paul"].file == renamed / "my_lab.py"
    assert by_key["paul"].notes == ("no td_keras.py: graded my_lab.py instead",)
    assert by_key["zoe"].file.name == "td_keras.py" and by_key["zoe"].file.parent != root
    assert found.ignored == ("notes.txt", "Élodie Martin_42_assignsubmission_onlinetext_")


def test_extract_zip_refuses_escapes_and_bad_archives(tmp_path: Path) -> None:
    evil = zip_bytes({"../escape.py": "x", "/abs.py": "x", "ok/td_keras.py": "y = 1\n"})
    extract_zip(evil, tmp_path / "out")
    assert (tmp_path / "out" / "ok" / "td_keras.py").read_text() == "y = 1\n"
    assert not (tmp_path / "escape.py").exists() and not Path("/abs.py").exists()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputError, match="bad.zip is not a readable zip"):
        extract_zip(bad, tmp_path / "bad")


def test_submission_digest_follows_what_the_sandbox_copies(tmp_path: Path) -> None:
    (tmp_path / "td_keras.py").write_text("a = 1\n")
    first = submission_digest(tmp_path / "td_keras.py")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"junk")
    assert submission_digest(tmp_path / "td_keras.py") == first
    (tmp_path / "helpers.py").write_text("b = 2\n")  # imported by the student's module
    second = submission_digest(tmp_path / "td_keras.py")
    assert second != first
    (tmp_path / "td_keras.py").write_text("a = 2\n")
    assert submission_digest(tmp_path / "td_keras.py") not in (first, second)


def test_a_link_to_a_classmates_file_never_shares_her_cache_entry(tmp_path: Path) -> None:
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "td_keras.py").write_text("a = 1\n")
    (tmp_path / "mallory").mkdir()
    (tmp_path / "mallory" / "td_keras.py").symlink_to(tmp_path / "alice" / "td_keras.py")
    alice = submission_digest(tmp_path / "alice" / "td_keras.py")
    assert submission_digest(tmp_path / "mallory" / "td_keras.py") != alice
    assert list(submission_files(tmp_path / "mallory" / "td_keras.py")) == []  # nothing packed


def test_manual_points_files(tmp_path: Path) -> None:
    from grader.bulk.inputs import Student

    good = tmp_path / "m.csv"
    good.write_text("student,question,points,comment\nAna,q1,\"1,5\",ok\n", encoding="utf-8")
    rows = load_manual(good)
    assert (rows[0].student, rows[0].points, rows[0].comment) == ("Ana", 1.5, "ok")
    matched, unmatched = assign_manual(rows, [Student("ana", "Ana", "7", "Ana_7_x")])
    assert list(matched) == ["ana"] and unmatched == ()
    bad = tmp_path / "bad.csv"
    bad.write_text("student,question,points\nAna,q1,lots\n", encoding="utf-8")
    with pytest.raises(ManualError, match=r"bad.csv, line 2: points — expected a number, "
                                          r"got 'lots'\."):
        load_manual(bad)
    header = tmp_path / "h.csv"
    header.write_text("name,q,pts\n", encoding="utf-8")
    with pytest.raises(ManualError, match="header — expected student,question,points,comment"):
        load_manual(header)


def test_histogram_and_progress_lines() -> None:
    bars = histogram([0.0, 9.99, 10.0, 20.0, 19.0])
    assert [b.count for b in bars] == [1, 0, 0, 0, 1, 1, 0, 0, 0, 2]
    assert bars[-1].height > bars[0].height > 0 and bars[1].height == 0
    stream = io.StringIO()
    progress = Progress(3, stream, live=False, interval=3600)
    progress.advance("a", graded=True)
    assert stream.getvalue() == ""  # not a terminal: periodic lines only
    progress.advance("b", graded=False)
    progress.advance("c", graded=True)
    assert stream.getvalue().startswith("3/3 100%") and "ETA 0:00 c" in stream.getvalue()
    live = io.StringIO()
    bar = Progress(4, live, live=True)
    bar.advance("x", graded=True)
    assert "\r" in live.getvalue() and "[#######" in live.getvalue() and "ETA" in live.getvalue()


def test_frequent_mistakes_count_students_not_layers() -> None:
    def student(key: str, units: list[int], status: str = "failed") -> StudentResult:
        checks = tuple(CheckResult(f"q3.check_dense_attribute[build={b},layer=1,attribute=units]",
                                   "failed" if u != 128 else "passed",
                                   f"Q3 (n_hidden={b}), layer 1 (Dense): units — expected 128, got {u}.")
                       for b, u in enumerate(units, start=1))
        question = QuestionResult("q3", "MLPs", 0.5, 1.5, status, checks,
                                  message="" if status == "failed" else "not implemented yet")
        report = GradeReport("td_keras_mlp", "td_keras.py", 0.5, 1.5, (question,))
        return StudentResult(Student(key, key), report, "graded")

    results = [student("a", [64, 64, 64]), student("b", [32, 128, 128]),
               student("c", [], status="not_implemented")]
    (stats,) = question_stats(results)
    assert stats.failures == (
        ("Q3 (n_hidden=1), layer 1 (Dense): units — expected 128, got 64.", 2),  # the first seen
        ("not implemented yet", 1),
    )


def test_the_summary_counts_criteria_partial_credit_and_one_cause_once() -> None:
    """Per criterion as well as per question; partial credit apart from zero; a mistake seen on
    a public and a hidden set is one student's one mistake."""
    def student(key: str, units: int, compiled: bool) -> StudentResult:
        where = ("build=1,layer=1", "set=hidden-1,build=1,layer=1")
        checks = tuple(CheckResult(f"q3.check_dense_attribute[{w},attribute=units]",
                                   "passed" if units == 128 else "failed",
                                   f"units — expected 128, got {units}.") for w in where)
        checks += (CheckResult("q3.check_loss[build=1]", "passed" if compiled else "failed",
                               "loss"),)
        criteria = (CriterionResult("architecture", "128 ReLU units", 0.75,
                                    0.75 if units == 128 else 0.0, True, tuple(c.id for c in checks[:2])),
                    CriterionResult("compiled", "Compiled", 0.75, 0.75 if compiled else 0.0,
                                    False, (checks[2].id,)))
        score = sum(c.score for c in criteria)
        question = QuestionResult("q3", "MLPs", score, 1.5,
                                  "passed" if score == 1.5 else "failed", checks,
                                  criteria=criteria)
        report = GradeReport("td_keras_mlp", "td_keras.py", score, 1.5, (question,))
        return StudentResult(Student(key, key), report, "graded")

    results = [student("a", 128, True), student("b", 64, True), student("c", 64, False)]
    (stats,) = question_stats(results)
    assert (stats.passed, stats.partial, stats.graded) == (1, 1, 3)  # b partial, c nothing
    assert [(c.id, c.passed, c.graded) for c in stats.criteria] == [("architecture", 1, 3),
                                                                    ("compiled", 2, 3)]
    assert [(m, n) for m, n in stats.failures if "units" in m] == [
        ("units — expected 128, got 64.", 2)]  # once per student, not once per argument set


def test_progress_is_shown_from_the_start_and_moves_while_nobody_finishes() -> None:
    """Without a terminal, a line at once and then every interval, before any student is done."""
    stream = io.StringIO()
    progress = Progress(5, stream, live=False, interval=0.2)
    progress.start()
    time.sleep(0.7)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("0/5   0% 0:00 elapsed, ETA …"), lines
    assert len(lines) >= 3 and all(line.startswith("0/5") for line in lines), lines
    progress.close()  # closing twice is harmless
    assert stream.getvalue().splitlines() == lines  # nothing after close


def test_a_check_without_parameters_is_one_mistake_on_every_set() -> None:
    """'q13.check_stopped_after' (the lab's call) and '…[set=public-2]' (other values): one."""
    def student(key: str) -> StudentResult:
        checks = (CheckResult("q13.check_stopped_after", "failed", "expected 6, got 4."),
                  CheckResult("q13.check_stopped_after[set=public-2]", "failed",
                              "expected 8, got 6."))
        question = QuestionResult("q13", "Early stopping", 0, 1, "failed", checks)
        report = GradeReport("td_keras_mlp", "td_keras.py", 0, 1, (question,))
        return StudentResult(Student(key, key), report, "graded")

    (stats,) = question_stats([student("a"), student("b")])
    assert list(stats.failures) == [("expected 6, got 4.", 2)]
