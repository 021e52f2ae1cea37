"""The bulk run's similarity report: the class's files and reports handed to grader.similarity."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.assignment import Assignment
from grader.bulk.inputs import Submission
from grader.bulk.results import CACHED, GRADED, StudentResult
from grader.similarity.api import Work, class_similarity, handed_out, write_similarity
from grader.similarity.model import Settings
from grader.similarity.store import ProfileStore

PROFILES_DIR = "similarity"  # inside the bulk cache folder


def reference_file(assignment: Assignment, reference_dir: Path | None) -> Path | None:
    """Return the reference solution's module, when the run has one."""
    if reference_dir is None:
        return None
    path = reference_dir / f"{assignment.module}.py"
    return path if path.is_file() else None


def write_class_similarity(out: Path, assignment: Assignment,
                           submissions: Sequence[Submission], results: Sequence[StudentResult],
                           settings: Settings, given: Sequence[Path], reference_dir: Path | None,
                           cache_dir: Path, lang: str = "en") -> dict[str, Path]:
    """Compare every submission with every other (and with the reference); write the report."""
    works = [Work(s.student.key, s.student.name, s.file) for s in submissions
             if s.file is not None]
    reports = {r.student.key: r.report for r in results if r.state in (GRADED, CACHED)}
    report, evidence = class_similarity(works, assignment, reports,
                                        handed_out(assignment, given),
                                        reference_file(assignment, reference_dir), settings,
                                        ProfileStore(cache_dir / PROFILES_DIR), lang)
    return write_similarity(out, report, evidence, assignment.name)
