"""Render a report as JSON, the source of truth that every other renderer can reload: its text
in the report's language, and its sentences (grader/localize.py) to say it again in another."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader.localize import said_report, sentences_of, with_sentences
from grader.model import GradeReport
from grader.text import clean_data


def render_json(report: GradeReport) -> str:
    """Return the report as indented, key-sorted JSON, with its sentences."""
    data = {**said_report(report).to_json(), "sentences": clean_data(sentences_of(report))}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_report(path: Path, sentences: bool = False) -> GradeReport:
    """Read a report written by render_json: its text, or with `sentences` what it says ready to
    be said again in any language (`grade render`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    report = GradeReport.from_json(data)
    return with_sentences(report, data.get("sentences")) if sentences else report


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
