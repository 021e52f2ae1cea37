"""The job's private folder: a copy of the submission made by the supervisor, before any student code.

Only regular files inside the student's own folder are copied, down to trees.MAX_DEPTH folders
(deeper ones are left out and said). A symbolic link is copied as the content of the file it
names when that file is inside the folder; a link that points outside it, dangles, or names a
folder or a device is dropped and said in the report. Nothing is ever read
through a link that leaves the folder, so a link cannot bring a classmate's file or the reference.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.trees import MAX_DEPTH, Walk

COPY_SKIP = ("__pycache__", ".git", ".ipynb_checkpoints", "*.pyc")
MAX_COPIED_FILE = 20 * 1024 * 1024
MAX_COPIED_TOTAL = 200 * 1024 * 1024
MAX_COPIED_FILES = 2000
CHUNK = 1 << 20


@dataclass
class CopyReport:
    """What the copy left out, and why (shown to the student as notes)."""

    dropped_links: list[str] = field(default_factory=list)
    skipped_large: list[str] = field(default_factory=list)
    truncated: bool = False  # the folder had more files or bytes than the copy takes
    too_deep: list[str] = field(default_factory=list)  # folders below the walk's depth bound

    def notes(self) -> tuple[str, ...]:
        """Return the notes, in the observation's `key:value` form."""
        found = [f"link_dropped:{name}" for name in sorted(self.dropped_links)[:5]]
        found += [f"file_too_large:{name}" for name in sorted(self.skipped_large)[:5]]
        found += [f"folder_too_deep:{name}" for name in sorted(self.too_deep)[:5]]
        return tuple(found) + (("folder_truncated:",) if self.truncated else ())


def _skipped(name: str) -> bool:
    """Whether a file or folder name is one the copy never takes (caches, VCS data)."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in COPY_SKIP)


def _inside(path: str, root: str) -> bool:
    """Whether a resolved path lies inside the resolved root folder."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def _copy_file(source: str, target: Path) -> int:
    """Copy one regular file's bytes (never a device or a fifo); return the bytes copied."""
    fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{source} is not a regular file")
        copied = 0
        with open(target, "wb") as out:
            while chunk := os.read(fd, CHUNK):
                out.write(chunk)
                copied += len(chunk)
        return copied
    finally:
        os.close(fd)


def plan_copy(source_file: Path) -> tuple[list[tuple[str, str]], CopyReport]:
    """Return what the copy takes — (relative name, real path) of regular files inside the
    student's folder, links resolved — and what it leaves out. Bulk's cache keys and Dask's
    packing read the same plan, so they never see a byte the sandbox does not."""
    root = os.path.realpath(source_file.parent)
    main = os.path.join(root, source_file.name)
    report = CopyReport()
    budget = {"bytes": MAX_COPIED_TOTAL, "files": MAX_COPIED_FILES}
    taken: list[tuple[str, str]] = []
    walk = Walk(root, keep=lambda name: not _skipped(name))
    for folder, _, filenames in walk:  # links to folders are among the files: dropped below
        for name in filenames:
            if not _skipped(name):
                path = os.path.join(folder, name)
                graded = os.path.normpath(path) == os.path.normpath(main)
                _plan_entry(path, root, report, budget, taken, graded)
    report.too_deep = walk.too_deep
    return taken, report


def _plan_entry(path: str, root: str, report: CopyReport, budget: dict,
                taken: list[tuple[str, str]], graded: bool = False) -> None:
    """Take one file of the folder under the link, size and count rules (the graded file is
    taken whatever its size, within the folder's total: a notebook full of figures is big)."""
    name = os.path.relpath(path, root)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        real = os.path.realpath(path)
        if not _inside(real, root) or not os.path.isfile(real):
            report.dropped_links.append(name)
            return
        info, path = os.stat(real), real
    if not stat.S_ISREG(info.st_mode):
        return
    if info.st_size > MAX_COPIED_FILE and not graded:
        report.skipped_large.append(name)
    elif budget["files"] <= 0 or budget["bytes"] < info.st_size:
        report.truncated = True
    else:
        budget["bytes"] -= info.st_size
        budget["files"] -= 1
        taken.append((name, path))


def copy_submission(source_file: Path, workdir: Path, module: str) -> tuple[Path, CopyReport]:
    """Copy the submission's folder into workdir; return the copied module and what was left out."""
    taken, report = plan_copy(source_file)
    workdir.mkdir(parents=True, exist_ok=True)
    for name, path in taken:
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            _copy_file(path, target)
        except OSError:
            report.dropped_links.append(name)
    target = workdir / f"{module}{source_file.suffix}"
    names = dict(taken)
    if not target.exists() and source_file.name in names:  # --submission OTHER.py
        _copy_file(names[source_file.name], target)
    return target, report


def give_to(folder: Path, uid: int) -> None:
    """Make a folder and everything in it belong to the sandbox's user (it writes there)."""
    for current, dirnames, filenames in Walk(str(folder), max_depth=MAX_DEPTH + 2):
        os.chown(current, uid, uid)
        for name in dirnames + filenames:
            os.lchown(os.path.join(current, name), uid, uid)
