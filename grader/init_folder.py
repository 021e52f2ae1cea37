"""`grade init LAB [DIR]`: a student's working folder, made from the installed lab's public folder.

It holds what a student works with and nothing else: the starter module and notebook,
`dataset_utils.py`, the shipped data and a `pytest.ini` (so `pytest` grades there too). Never
the lab's table, expected observations or anything of the instructor's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.assignment import Assignment

DATA_SUFFIXES = (".npz", ".npy", ".png", ".jpg", ".csv", ".md", ".txt")


class FolderNotEmpty(FileExistsError):
    """The target folder already holds some of the files: a student's work is never replaced."""


def student_files(assignment: Assignment) -> list[tuple[str, Path]]:
    """Return (name in the student's folder, source) of every file a student starts with."""
    public = assignment.directory
    names = [f"{assignment.module}.py", f"{assignment.module}.ipynb", "dataset_utils.py",
             "pytest.ini"]
    files = [(name, public / name) for name in names if (public / name).is_file()]
    data = public / "data"
    if data.is_dir():
        files += [(path.relative_to(public).as_posix(), path)
                  for path in sorted(data.rglob("*"))
                  if path.is_file() and path.suffix in DATA_SUFFIXES]
    return files


def init_folder(assignment: Assignment, target: Path) -> list[str]:
    """Copy the student's files into `target`; return their names. Refuses to overwrite."""
    files = student_files(assignment)
    present = [name for name, _ in files if (target / name).exists()]
    if present:
        raise FolderNotEmpty(f"{target} already has {', '.join(present[:5])}"
                             f"{' …' if len(present) > 5 else ''}: nothing was copied (your "
                             "work is never replaced); choose another folder")
    for name, source in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / name)
    return [name for name, _ in files]
