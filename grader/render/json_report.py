"""Render a report as JSON, the source of truth that every other renderer can reload."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.model import GradeReport, clean_report


def render_json(report: GradeReport) -> str:
    """Return the report as indented, key-sorted JSON."""
    report = clean_report(report)
    return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_report(path: Path) -> GradeReport:
    """Read a report written by render_json."""
    return GradeReport.from_json(json.loads(path.read_text(encoding="utf-8")))


def write_atomically(path: Path, text: str, durable: bool = False) -> None:
    """Write a file so that readers see the old file or the whole new one (fsync'd if durable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide reports from a web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
