"""Find a submission's file: a .py file or a notebook (grader.observe.student_import runs it)."""

from __future__ import annotations

from pathlib import Path

SUFFIXES = (".py", ".ipynb")


class SubmissionNotFound(Exception):
    """No td_keras.py or td_keras.ipynb where the user said."""


def find_submission(path: Path, module: str) -> Path:
    """Return the submission file: the path itself, or `<module>.py|.ipynb` inside a folder."""
    if path.is_file():
        if path.suffix not in SUFFIXES:
            raise SubmissionNotFound(f"{path} is not a .py file or a notebook")
        return path
    if not path.is_dir():
        raise SubmissionNotFound(f"{path} does not exist")
    found = [path / f"{module}{s}" for s in SUFFIXES if (path / f"{module}{s}").is_file()]
    if found:  # both (the assignment ships both): the one last saved, the .py on a tie
        return max(found, key=lambda candidate: candidate.stat().st_mtime)
    raise SubmissionNotFound(
        f"no {module}.py or {module}.ipynb in {path} (give another one with --submission PATH)"
    )
