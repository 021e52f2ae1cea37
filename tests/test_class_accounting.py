"""Every student of a class reaches the gradebook: names, archives, limits, cache keys, exit code.

The fast tests build hostile class inputs (Moodle names with ':' and '/', escapes and formulas in
names, zip bombs, nested zips, refused members) and check what `discover` makes of them; the
slow one grades a class of 30 such entries with `grade bulk`, from a folder and a Moodle zip.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import bulk_safety

from grader.bulk.archives import MB, ArchiveTooLarge, Budget, Limits, legacy_name
from grader.bulk.cache import ResultCache, result_key, submission_digest
from grader.bulk.cli import bulk_exit_code
from grader.bulk.inputs import discover, extract_zip
from grader.model import GradeReport, QuestionResult
from grader.runner import RunOptions
from grader.text import is_clean

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "reference" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
STARTER = (ROOT / "assignments" / "td_keras_mlp" / "td_keras.py").read_text(encoding="utf-8")
SMALL = Limits(student_bytes=4 * MB, class_bytes=64 * MB)


def zip_bytes(files: dict[str, str | bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    """A deflated zip of name -> content, with some members marked as symbolic links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in files.items():
            bundle.writestr(name, content)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            bundle.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def bomb(megabytes: int) -> bytes:
    """A small zip that unpacks to `megabytes` MB of zeros."""
    return zip_bytes({"data/zeros.bin": b"\0" * (megabytes * MB), "td_keras.py": REFERENCE})


def nested(depth: int, inner: bytes) -> bytes:
    """A zip holding a zip … `depth` times around the innermost content."""
    for level in range(depth):
        inner = zip_bytes({f"level{level}.zip": inner})
    return inner


def moodle(name: str, number: int, plugin: str = "file") -> str:
    """Moodle's folder for one participant's submission plugin."""
    return f"{name}_{number}_assignsubmission_{plugin}_/"


def test_moodle_zip_keeps_every_participant_with_their_exact_name(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        moodle("Jean/Paul Dupont", 101) + "td_keras.py": "x = 1\n",
        moodle("Re: Colon", 102) + "td_keras.py": "x = 1\n",
        moodle("Only Refused", 103) + "../evil.py": "x = 1\n",
        moodle("Online Only", 104, "onlinetext") + "onlinetext.html": "<p>done</p>",
        moodle('=HYPERLINK("http://x")', 105) + "td_keras.py": "x = 1\n",
        moodle("Bomb Er", 106) + "sub.zip": bomb(8),
        moodle("Esc\x1b]0;pwned\x07 Name", 107) + "td_keras.py": "x = 1\n",
        "Flat Old_108_assignsubmission_file_td_keras.py": "x = 1\n",
        moodle("Both Kinds", 109, "onlinetext") + "onlinetext.html": "<p>see file</p>",
        moodle("Both Kinds", 109) + "td_keras.py": "x = 1\n",
        moodle("Deep Nest", 110) + "deep.zip": nested(4, zip_bytes({"td_keras.py": "x = 1\n"})),
        moodle("Links Only", 111) + "README.txt": "hi",
    }
    archive = tmp_path / "class.zip"
    archive.write_bytes(zip_bytes(files, symlinks=(moodle("Links Only", 111) + "td_keras.py",)))
    found = discover(archive, tmp_path / "work", "td_keras", limits=SMALL)
    by_id = {s.student.moodle_id: s for s in found.submissions}
    assert sorted(by_id) == [str(n) for n in range(101, 112)]  # nobody lost, nobody twice
    assert by_id["101"].student.name == "Jean/Paul Dupont"
    assert by_id["102"].student.name == "Re: Colon" and by_id["102"].file is not None
    assert by_id["105"].student.name == '=HYPERLINK("http://x")'
    assert by_id["107"].student.name == "Esc␛]0;pwned␇ Name"  # visible, not executed
    assert all(is_clean(s.student.name, newlines=False) for s in found.submissions)
    graded = {k for k, s in by_id.items() if s.file is not None}
    assert graded == {"101", "102", "105", "107", "108", "109"}
    assert (by_id["103"].rejected, by_id["103"].problem) == (
        True, "rejected: every file was refused (links or paths outside the folder)")
    assert (by_id["104"].rejected, by_id["104"].problem) == (
        False, "no file submitted (only submission_onlinetext)")
    assert by_id["106"].rejected and by_id["106"].problem == (
        "rejected: archive too large: more than 4 MB unpacked for one student")
    assert by_id["110"].rejected and "nested more than 2 deep" in by_id["110"].problem
    assert by_id["111"].file is None and "refused" in by_id["111"].notes[0]
    assert found.ignored == ("Both Kinds_109_assignsubmission_onlinetext_",)
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "work" / "evil.py").exists()
    assert not list((tmp_path / "work").rglob("zeros.bin"))  # the bomb's bytes were removed


def test_folder_class_keeps_names_with_escapes_and_formulas(tmp_path: Path) -> None:
    root = tmp_path / "class"
    names = ["Re: Colon", "=cmd|' -C calc'!A0", "+33 6 12", "-minus", "@at",
             "Esc\x1b[2J\x07", "tab\tname", "Élodie Martin"]
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "td_keras.py").write_text("x = 1\n")
    (root / "Only Online_7_assignsubmission_onlinetext_").mkdir()
    found = discover(root, tmp_path / "work", "td_keras")
    assert len(found.submissions) == len(names) + 1
    shown = {s.student.name for s in found.submissions}
    assert {"Re: Colon", "=cmd|' -C calc'!A0", "Esc␛[2J␇", "tab␉name", "Only Online"} <= shown
    assert len({s.student.key for s in found.submissions}) == len(names) + 1
    online = next(s for s in found.submissions if s.student.moodle_id == "7")
    assert online.file is None and not online.rejected


def test_budgets_count_nested_zips_for_the_student_and_the_class(tmp_path: Path) -> None:
    student = Budget("one student", 3 * MB, 100)
    extract_zip(nested(1, bomb(2)), tmp_path / "outer", (student,))
    extract_zip(tmp_path / "outer" / "level0.zip", tmp_path / "inner", (student,))  # 2 MB
    with pytest.raises(ArchiveTooLarge, match="more than 3 MB unpacked for one student"):
        extract_zip(tmp_path / "outer" / "level0.zip", tmp_path / "again", (student,))
    assert not (tmp_path / "again").exists()  # nothing left of a refused archive
    klass = Budget("the class", 4 * MB, 100)
    extract_zip(bomb(3), tmp_path / "b", (Budget("one student", 8 * MB, 100), klass))
    with pytest.raises(ArchiveTooLarge, match="for the class"):
        extract_zip(bomb(3), tmp_path / "c", (Budget("one student", 8 * MB, 100), klass))
    with pytest.raises(ArchiveTooLarge, match="more than 2 files"):
        extract_zip(zip_bytes({"a": "1", "b": "2", "c": "3"}), tmp_path / "d",
                    (Budget("one student", MB, 2),))


def test_cache_keys_hash_every_byte_and_entries_are_checked(tmp_path: Path) -> None:
    big = tmp_path / "a" / "td_keras.ipynb"
    big.parent.mkdir()
    payload = bytearray(b"{" + b" " * (25 * MB) + b"}")
    big.write_bytes(payload)
    first = submission_digest(big)
    payload[-2:-1] = b"x"  # same size, same prefix, one byte differs at the end
    big.write_bytes(payload)
    assert submission_digest(big) != first
    run = RunOptions()
    key = result_key(first, "exp", "0.1.0+abc", ["q1"], run, "td_keras_mlp",
                     student="alice")
    assert key != result_key(first, "exp", "0.1.0+abc", ["q1"], run, "other_lab",
                             student="alice")
    assert key != result_key(first, "exp2", "0.1.0+abc", ["q1"], run, "td_keras_mlp",
                             student="alice")
    assert key != result_key(first, "exp", "0.1.1+abc", ["q1"], run, "td_keras_mlp",
                             student="alice")
    assert key != result_key(first, "exp", "0.1.0+abc", ["q1"], run, "td_keras_mlp",
                             student="bob")  # identical files: each student's own entry
    cache = ResultCache(tmp_path / "cache")
    report = GradeReport("td_keras_mlp", "x", 1.0, 1.0,
                         (QuestionResult("q1", "Q1", 1.0, 1.0, "passed"),))
    assert cache.put(key, report, "alice")
    assert cache.get(key, "td_keras_mlp", ["q1"]) == report
    assert cache.get(key, "td_keras_mlp", ["q1", "q3"]) is None  # other questions
    assert cache.get(key, "other_lab", ["q1"]) is None
    assert cache.get(key, "td_keras_mlp", ["q1"], "bob") is None  # stored for alice
    assert cache.get(key, "td_keras_mlp", ["q1"], "alice") == report
    entry = json.loads(cache.path(key).read_text())
    other = "f" * len(key)
    cache.path(other).write_text(json.dumps(entry))  # an entry copied under another key
    assert cache.get(other) is None
    entry["report"]["submission"] = "\x1b[2J"  # edited by hand: not what the grader writes
    cache.path(key).write_text(json.dumps(entry))
    assert cache.get(key) is None
    error = GradeReport("td_keras_mlp", "x", 0.0, 1.0,
                        (QuestionResult("q1", "Q1", 0.0, 1.0, "grader_error"),))
    assert not cache.put(key, error, "alice")


def test_exit_code_says_whether_every_student_was_graded() -> None:
    from grader.bulk.api import BulkOutcome
    from grader.bulk.inputs import Student
    from grader.bulk.results import StudentResult

    report = GradeReport("td", "x", 1.0, 1.0, ())

    def outcome(*states: str) -> BulkOutcome:
        results = tuple(StudentResult(Student(f"s{i}", f"S{i}"), report, state)
                        for i, state in enumerate(states))
        return BulkOutcome(results, {}, True, 0.0)

    assert bulk_exit_code(outcome("graded", "cached")) == 0
    assert bulk_exit_code(outcome("graded", "no_submission")) == 1
    assert bulk_exit_code(outcome("graded", "rejected")) == 1
    assert bulk_exit_code(outcome("rejected", "grader_error")) == 3


# A class of 30 entries graded by `grade bulk`, from a folder and from a Moodle zip.

HOSTILE_Q1 = REFERENCE.replace(
    '    """Q1: shapes of both datasets and the kind of task."""\n',
    '    """Q1: shapes of both datasets and the kind of task."""\n'
    '    raise ValueError("bad \\ud800 \\x1b]0;title\\x07\\n::error file=x::owned")\n',
).replace('ANSWERS = {\n', 'ANSWERS = {\n    "q\\ud800\\x1b[2J": "\\ud800 =1+1\\n::error::x",\n')
NOISY_Q1 = REFERENCE.replace(
    '    """Q1: shapes of both datasets and the kind of task."""\n',
    '    """Q1: shapes of both datasets and the kind of task."""\n'
    '    print("\\x1b]0;pwned\\x07\\x1b[2J\\r\\n::error::printed\\x00\\x9b")\n')


def class_entries() -> list[tuple[str, str, dict[str, str | bytes], str]]:
    """The class: (Moodle name, folder name, files, expected state) for 30 students."""
    ok = {"td_keras.py": REFERENCE}
    rows: list[tuple[str, str, dict[str, str | bytes], str]] = [
        ("Alice Martin", "Alice Martin", ok, "graded"),
        ("Élodie Ünïcode", "Élodie Ünïcode", ok, "graded"),
        ('=HYPERLINK("http://evil")', '=HYPERLINK("evil")', ok, "graded"),
        ("+33 Plus", "+33 Plus", ok, "graded"),
        ("@At Sign", "@At Sign", ok, "graded"),
        ("Re: Colon", "Re: Colon", ok, "graded"),
        ("Slash/In Name", "Slash In Name", ok, "graded"),
        ("Esc\x1b]0;pwned\x07 Title", "Esc\x1b]0;pwned\x07 Title", ok, "graded"),
        ("Newline\n::error::Name", "Newline\n::error::Name", ok, "graded"),
        ("Zipped Once", "Zipped Once", {"work.zip": zip_bytes(ok)}, "graded"),
        ("Zipped Twice", "Zipped Twice", {"work.zip": nested(1, zip_bytes(ok))}, "graded"),
        ("Noisy Printer", "Noisy Printer", {"td_keras.py": NOISY_Q1}, "graded"),
        ("Renamed File", "Renamed File", {"my_lab.py": REFERENCE}, "graded"),
        ("Starter Only", "Starter Only", {"td_keras.py": STARTER}, "graded"),
        ("Hostile Text", "Hostile Text", {"td_keras.py": HOSTILE_Q1}, "graded"),
        ("Readme Only", "Readme Only", {"README.txt": "I did not finish."}, "no_submission"),
        ("Wrong Kind", "Wrong Kind", {"notes.docx": b"PK\x03\x04"}, "no_submission"),
        ("Bomb Maker", "Bomb Maker", {"sub.zip": bomb(6)}, "rejected"),
        ("Nested Bomb", "Nested Bomb", {"sub.zip": nested(1, bomb(6))}, "rejected"),
        ("Deep Nester", "Deep Nester", {"d.zip": nested(4, zip_bytes(ok))}, "rejected"),
        ("Corrupt Zip", "Corrupt Zip", {"td_keras.zip": b"PK\x03\x04 not a zip"}, "rejected"),
    ]
    for index in range(9):  # the rest of the class: honest, cheap, identical (an entry each)
        rows.append((f"Student {index:02d}", f"Student {index:02d}", ok, "graded"))
    return rows


def write_folder(root: Path) -> None:
    """The class as a folder of per-student folders."""
    for _, folder, files, _ in class_entries():
        for name, content in files.items():
            path = root / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode() if isinstance(content, str) else content)


def write_moodle(path: Path) -> None:
    """The class as Moodle's "download all submissions" zip (participants 5001…)."""
    files: dict[str, str | bytes] = {}
    for number, (name, _, content, _) in enumerate(class_entries(), start=5001):
        for file, data in content.items():
            files[moodle(name, number) + file] = data
    files[moodle("Alice Martin", 5001, "onlinetext") + "onlinetext.html"] = "<p>see file</p>"
    path.write_bytes(zip_bytes(files))


def run_bulk(source: Path, out: Path, cache: Path, tmp: Path) -> subprocess.CompletedProcess:
    """Grade the class on q1 only, small archive limits, a private TMPDIR."""
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "grader.cli", "bulk", str(source), "--out",
                           str(out), "-q", "q1", "--workers", "1", "--lang", "en",
                           "--cache", str(cache), "--max-student-mb", "4", *bulk_safety()],
                          cwd=ROOT, env=env, text=True, capture_output=True, timeout=600)


@pytest.mark.slow
def test_class_of_30_hostile_entries_loses_nobody(tmp_path: Path) -> None:
    write_folder(tmp_path / "class")
    write_moodle(tmp_path / "moodle.zip")
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    expected = [state for *_, state in class_entries()]
    for source, out in ((tmp_path / "class", tmp_path / "out-folder"),
                        (tmp_path / "moodle.zip", tmp_path / "out-moodle")):
        done = run_bulk(source, out, cache, tmp)
        assert done.returncode == 1, done.stdout + done.stderr
        with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == 30
        students = json.loads((out / "results.json").read_text(encoding="utf-8"))["students"]
        assert len(students) == 30
        states = sorted(s["state"].replace("cached", "graded") for s in students)
        assert states == sorted(expected)
        by_name = {s["name"]: s for s in students}
        for name in ("Alice Martin", "Élodie Ünïcode", 'Re: Colon', "Zipped Twice",
                     "Noisy Printer", "Renamed File", "Student 00", "Student 08"):
            assert by_name[name]["grade"] == 20.0, (name, by_name[name])
        assert by_name["Hostile Text"]["statuses"] == {"q1": "error"}
        assert by_name["Starter Only"]["statuses"] == {"q1": "not_implemented"}
        assert by_name["Esc␛]0;pwned␇ Title"]["grade"] == 20.0
        assert by_name["Newline␊::error::Name"]["grade"] == 20.0
        rejected = {s["name"] for s in students if s["state"] == "rejected"}
        assert rejected == {"Bomb Maker", "Nested Bomb", "Deep Nester", "Corrupt Zip"}
        cells = [row["Full name"] for row in rows]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
        assert "'@At Sign" in cells and "'+33 Plus" in cells
        assert [c for c in cells if c.startswith("'=HYPERLINK(")]
        report = json.loads((out / "students" / f"{by_name['Bomb Maker']['key']}.json")
                            .read_text(encoding="utf-8"))
        assert "rejected: archive too large" in report["questions"][0]["message"]
        assert by_name["Bomb Maker"]["reason"] == (
            "rejected: archive too large: more than 4 MB unpacked for one student")
        assert by_name["Readme Only"]["reason"].startswith("no td_keras.py")
        assert by_name["Alice Martin"]["reason"] == ""
        assert "30 students" in done.stdout and "4 rejected" in done.stdout
        assert "2 without submission" in done.stdout and "0 grader errors" in done.stdout
        assert not (out / ".work").exists()
        assert list(tmp.iterdir()) == []  # nothing left in the temporary folders
    moodle_ids = {s["moodle_id"] for s in students}
    assert moodle_ids == {str(n) for n in range(5001, 5031)}
    assert "Slash/In Name" in by_name and by_name["Slash/In Name"]["grade"] == 20.0


def zip_without_utf8_flag(members: dict[str, bytes], encoding: str = "utf-8") -> bytes:
    """A zip whose names are bytes in `encoding` without the UTF-8 flag (as Windows or Info-ZIP
    re-zip a Moodle download): written under ASCII stand-ins of the same length, then patched."""
    buffer = io.BytesIO()
    stand_ins = {}
    with zipfile.ZipFile(buffer, "w") as bundle:
        for number, (name, content) in enumerate(members.items()):
            raw = name.encode(encoding)
            stand_in = f"{number:03d}".encode() + b"x" * (len(raw) - 3)
            stand_ins[stand_in] = raw
            bundle.writestr(stand_in.decode(), content)
    data = buffer.getvalue()
    for stand_in, raw in stand_ins.items():
        data = data.replace(stand_in, raw)
    return data


def test_names_of_a_zip_without_the_utf8_flag_keep_their_accents(tmp_path: Path) -> None:
    archive = tmp_path / "class.zip"
    archive.write_bytes(zip_without_utf8_flag({
        "Carole Lefèvre_1234_assignsubmission_file_/td_keras.py": b"x = 1\n",
        "Zoë Müller_1235_assignsubmission_file_/td_keras.py": b"x = 2\n",
    }))
    with zipfile.ZipFile(archive) as bundle:  # the flag is really absent: zipfile shows cp437
        assert all(not i.flag_bits & 0x800 for i in bundle.infolist())
        assert "Carole Lef├¿vre" in bundle.namelist()[0]
    found = discover(archive, tmp_path / "work", "td_keras")
    names = sorted(s.student.name for s in found.submissions)
    assert names == ["Carole Lefèvre", "Zoë Müller"]
    assert sorted(s.student.key for s in found.submissions) == ["carole-lefevre-1234",
                                                                "zoe-muller-1235"]


@pytest.mark.parametrize("encoding", ["cp1252", "cp850"])
def test_names_in_windows_legacy_code_pages_keep_their_accents(tmp_path: Path,
                                                               encoding: str) -> None:
    """Names written in Windows' ANSI (cp1252) or OEM (cp850) code page, not UTF-8."""
    archive = tmp_path / "class.zip"
    archive.write_bytes(zip_without_utf8_flag({
        "Carole Lefèvre_1234_assignsubmission_file_/td_keras.py": b"x = 1\n",
        "François Çelik_1235_assignsubmission_file_/td_keras.py": b"x = 2\n",
        "Øyvind Ærø_1236_assignsubmission_file_/td_keras.py": b"x = 3\n",
    }, encoding))
    with zipfile.ZipFile(archive) as bundle:
        assert all(not i.flag_bits & 0x800 for i in bundle.infolist())
    found = discover(archive, tmp_path / "work", "td_keras")
    names = sorted(s.student.name for s in found.submissions)
    assert names == ["Carole Lefèvre", "François Çelik", "Øyvind Ærø"]
    assert "carole-lefevre-1234" in {s.student.key for s in found.submissions}


@pytest.mark.parametrize("name", ["Carole Lefèvre", "José Muñoz", "Zoë Müller", "Émile Noël",
                                  "Jürgen Groß", "Ólafur Þór", "João Gonçalves", "Ça Œuvre"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp437", "cp850", "cp1252"])
def test_a_name_is_read_in_the_code_page_it_was_written_in(name: str, encoding: str) -> None:
    try:
        raw = name.encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"{encoding} cannot write {name}")
    assert legacy_name(raw) == name
