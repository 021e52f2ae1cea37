"""`grade bulk` finds copied work: the similarity corpus graded for real, its ranking asserted.

One class (tests/similarity_class.py): four copies of one solution (renamed, reordered and
re-commented, turned into a notebook), a partial copy (q8–q14), four independent solutions in
different styles (one a notebook), a disguised copy of the reference, two untouched starters
(.py and .ipynb) and a starter with two answers. Only q1 is graded: similarity compares sources,
only its observation signal reads the reports.
"""

from __future__ import annotations

import csv
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import bulk_safety, interruptible
from similarity_class import (
    CLOSE_TO_REFERENCE,
    COPIES,
    INDEPENDENT,
    PARTIAL,
    REFERENCE,
    STARTERS,
    make_class,
)

from grader.similarity.model import DEFAULT_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 300

pytestmark = pytest.mark.slow


def grade_bulk(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the real `grade bulk` on the class."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "grader.cli", "bulk", str(folder), "--out",
                           str(out), "--questions", "q1", "--workers", "2", "--lang", "en",
                           *bulk_safety(), *extra],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env,
                          preexec_fn=interruptible, check=False)


def ranking(out: Path) -> dict[frozenset[str], dict[str, str]]:
    """Read similarity.csv: each pair's row."""
    with (out / "similarity.csv").open(encoding="utf-8", newline="") as handle:
        return {frozenset((row["student_a"], row["student_b"])): row
                for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The class graded once: (class folder, output folder, stdout)."""
    base = tmp_path_factory.mktemp("similarity")
    folder = make_class(base / "class")
    run = grade_bulk(folder, base / "out")
    assert run.returncode == 0, run.stdout + run.stderr
    return folder, base / "out", run.stdout


def scores(rows: dict[frozenset[str], dict[str, str]], pairs) -> list[float]:
    """Return the scores of these pairs."""
    return [float(rows[frozenset(p)]["score"]) for p in pairs]


def test_copies_rank_first_starters_and_independents_below(graded) -> None:
    """Copies > the partial copy > threshold > every other pair; starters share nothing."""
    _, out, _ = graded
    rows = ranking(out)
    students = {s for pair in rows for s in pair}
    assert len(rows) == len(students) * (len(students) - 1) // 2  # every pair is listed
    copies = scores(rows, itertools.combinations(sorted(COPIES), 2))
    partial = scores(rows, [(PARTIAL, s) for s in COPIES])
    flagged_pairs = {p for p, row in rows.items() if row["flagged"] == "yes"}
    others = [float(row["score"]) for p, row in rows.items() if p not in flagged_pairs]
    assert min(copies) >= 0.9, copies
    assert min(copies) > max(partial) >= min(partial) > DEFAULT_THRESHOLD > max(others)
    expected = {frozenset(p) for p in itertools.combinations(sorted(COPIES), 2)}
    expected |= {frozenset((PARTIAL, s)) for s in COPIES}
    assert flagged_pairs == expected
    independents = [p for p in itertools.combinations(INDEPENDENT, 2)
                    if not set(p) <= COPIES | {PARTIAL}]
    assert max(scores(rows, independents)) < DEFAULT_THRESHOLD / 2
    for starter in STARTERS:
        assert all(row["flagged"] == "no" for p, row in rows.items() if starter in p)
    untouched = rows[frozenset(("sam", "sami"))]
    assert (untouched["score"], untouched["shared"], untouched["own_a"]) == ("0.000", "0", "0")


def test_the_partial_copy_is_found_question_by_question(graded) -> None:
    """Eve copied q8–q14 only: those questions are shared, hers q1–q7 are not."""
    _, out, _ = graded
    shares = dict(item.rsplit(" ", 1) for item in
                  ranking(out)[frozenset(("anna", PARTIAL))]["questions"].split("; "))
    assert all(float(shares[f"q{n}"]) >= 0.9 for n in range(8, 15)), shares
    assert all(float(shares.get(f"q{n}", 0)) < 0.5 for n in range(1, 8)), shares


def test_a_notebook_copy_shows_cells_and_observations_strengthen_copies(graded) -> None:
    """Dan's notebook copy is located by cell; the copies share anna's odd q1 answer."""
    _, out, _ = graded
    rows = ranking(out)
    notebook = rows[frozenset(("anna", "dan"))]
    assert "| cell " in notebook["fragments"]
    assert float(notebook["observations"]) > 0
    assert "multi-class classification" in notebook["observations_in_common"]
    assert float(rows[frozenset(("anna", "bruno"))]["observations"]) == 0


def test_the_page_explains_shows_evidence_and_never_the_reference(graded) -> None:
    """similarity.html: linked from the summary, the meaning, each flagged pair side by side,
    the reference section naming rita, and no line of the reference that no student wrote."""
    folder, out, _ = graded
    page = (out / "similarity.html").read_text(encoding="utf-8")
    assert 'href="similarity.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert "What the score means" in page and f"threshold {DEFAULT_THRESHOLD:.2f}" in page
    assert page.count('class="pair"') == 10
    assert page.count('class="line hit"') > 100
    reference = page.split('id="close-to-reference"')[1].split("</table>")[0]
    assert CLOSE_TO_REFERENCE in reference and "anna" not in reference
    students = "\n".join(f.read_text(encoding="utf-8") for f in folder.rglob("td_keras.*"))
    secret = [line.strip() for line in REFERENCE.read_text(encoding="utf-8").splitlines()
              if len(line.strip()) > 25 and line.strip() not in students]
    assert secret and not [line for line in secret if line in page]
    for report in (out / "students").iterdir():  # instructor material stays out of students'
        text = report.read_text(encoding="utf-8")
        assert "similarity.html" not in text and "What the score means" not in text


def test_the_page_renders_in_chromium(graded) -> None:
    """Headless Chromium lays the page out: the flagged rows and the side-by-side blocks."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    _, out, _ = graded
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-quic", "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={out.parent / 'chromium'}", "--dump-dom",
                          (out / "similarity.html").as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert dom.count('<tr class="flagged"') == 10
    assert dom.count('class="side"') >= 10


def test_a_rerun_uses_the_caches_and_the_threshold_option(graded) -> None:
    """A second run grades nothing, reads every profile from the cache and writes the same
    ranking; --similarity-threshold 0.8 flags the copies only."""
    folder, out, _ = graded
    before = (out / "similarity.csv").read_text(encoding="utf-8")
    profiles = {p: p.stat().st_mtime_ns for p in (out / ".cache" / "similarity").iterdir()}
    assert len(profiles) == 12
    again = grade_bulk(folder, out)
    assert again.returncode == 0, again.stderr
    assert "0 graded, 12 from cache" in again.stdout
    assert (out / "similarity.csv").read_text(encoding="utf-8") == before
    assert {p: p.stat().st_mtime_ns for p in (out / ".cache" / "similarity").iterdir()} == profiles
    strict = grade_bulk(folder, out, "--similarity-threshold", "0.8")
    flagged = {p for p, row in ranking(out).items() if row["flagged"] == "yes"}
    assert flagged == {frozenset(p) for p in itertools.combinations(sorted(COPIES), 2)}
    assert strict.returncode == 0
