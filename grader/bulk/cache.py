"""Graded reports cached by what decides them: the submission's content, the reference, the grader.

Each entry is one small JSON file written atomically (temporary file, fsync, rename), so a run
that is interrupted or killed loses nothing already graded and never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from grader.api import Observed
from grader.localize import said_report
from grader.model import GRADER_ERROR, GradeReport
from grader.observe.workspace import plan_copy
from grader.render.json_report import write_atomically
from grader.runner import RunOptions, options_json
from grader.text import clean_data
from grader.version import __version__

GRADER_DIR = Path(__file__).resolve().parent.parent
# Grader code that cannot change a report: how bulk runs are organised, how reports are shown,
# how submissions are compared with each other.
NOT_GRADING = ("bulk", "render", "similarity")
ENTRY_KIND = "bulk_cache_entry"
ENTRY_SCHEMA = 3  # 2: the observations a report was judged from, no language in the key; 3: + tamper scan


def submission_files(file: Path) -> Iterator[tuple[str, Path]]:
    """Yield (relative name, path) of exactly the files the sandbox copies for grading, sorted.

    The workspace's plan: links leaving the student's folder are not followed (a link to a
    classmate's file must neither share her cache entry nor be packed for Dask).
    """
    taken, _ = plan_copy(file)
    for name, path in sorted(taken):
        yield name, Path(path)


def submission_digest(file: Path) -> str:
    """Hash every byte of a submission's files, their names, and which file is graded."""
    digest = hashlib.sha256(_name_bytes(file.name) + b"\0")
    _, left_out = plan_copy(file)  # what the report will say was not copied
    digest.update(_name_bytes(repr(left_out.notes())) + b"\0")
    for name, path in submission_files(file):
        content = hashlib.sha256()  # each file's own hash: names and contents cannot run together
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                content.update(chunk)
        digest.update(_name_bytes(name) + b"\0" + content.digest())
    return digest.hexdigest()


def _name_bytes(name: str) -> bytes:
    """Encode a file name exactly, whatever it holds (undecodable bytes, surrogates)."""
    return name.encode("utf-8", "surrogatepass")


def grader_fingerprint() -> str:
    """Return the grader's version and a hash of the code that decides a report."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(GRADER_DIR.rglob("*.py")):
        relative = path.relative_to(GRADER_DIR)
        if relative.parts[0] in NOT_GRADING:
            continue
        digest.update(relative.as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def result_key(submission: str, expected_key: str | None, fingerprint: str,
               questions: Sequence[str], run: RunOptions, assignment: str = "", *,
               student: str) -> str:
    """Return the cache key of one student's observations under these grading settings (not
    the language: a report is judged again from them in another). Who the student is counts,
    so two identical submissions never share an entry (each report names its own file)."""
    settings = {k: v for k, v in options_json(run).items() if k != "parallel"}
    material = {"submission": submission, "expected": expected_key, "grader": fingerprint,
                "questions": list(questions), "run": settings,
                "assignment": assignment, "student": student}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def cacheable(report: GradeReport) -> bool:
    """Whether a report may be reused: not when the grader itself failed on a question."""
    return all(q.status != GRADER_ERROR for q in report.questions)


class ResultCache:
    """A folder of cached reports, one JSON file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        """Return the file of one key."""
        return self.folder / f"{key}.json"

    def get(self, key: str, assignment: str | None = None,
            questions: Sequence[str] | None = None, student: str | None = None,
            lang: str | None = None, judge: Callable[[Observed], GradeReport] | None = None
            ) -> GradeReport | None:
        """Return the cached report, None when absent, unreadable or not the one asked for;
        with a `judge`, the report it makes of the stored observations (judging is pure: no
        keras runs, and the report is in whatever language and wording the grader says now).

        An entry is reused only if it is whole, stored under this key, for this student, of
        this assignment and these questions, with clean text and no grader error (a hand-edited
        or foreign file is graded again).
        """
        try:
            entry: dict[str, Any] = json.loads(self.path(key).read_text(encoding="utf-8"))
            if (entry.get("kind") != ENTRY_KIND or entry.get("schema") != ENTRY_SCHEMA
                    or entry.get("key") != key or clean_data(entry["report"]) != entry["report"]
                    or (student is not None and entry.get("student") != student)):
                return None
            report = GradeReport.from_json(entry["report"])
            if judge is not None and entry.get("observed"):
                report = judge(Observed.from_json(entry["observed"]))
            elif lang is not None and report.lang != lang:
                return None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if assignment is not None and report.assignment != assignment:
            return None
        if questions is not None and [q.id for q in report.questions] != list(questions):
            return None
        return report if cacheable(report) else None

    def put(self, key: str, report: GradeReport, student: str,
            observed: Observed | None = None) -> bool:
        """Store a report (and what it was judged from) unless the grader failed on it; return
        whether it was stored."""
        if not cacheable(report):
            return False
        entry = {"kind": ENTRY_KIND, "schema": ENTRY_SCHEMA, "key": key, "student": student,
                 "report": said_report(report).to_json(),
                 "observed": observed.to_json() if observed is not None else None}
        write_atomically(self.path(key), json.dumps(entry, sort_keys=True, ensure_ascii=False),
                         durable=True)
        return True

    def stored(self) -> set[str]:
        """Return the keys stored."""
        return {p.stem for p in self.folder.glob("*.json")} if self.folder.is_dir() else set()
