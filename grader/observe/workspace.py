"""The job's private folder: a copy of the submission made by the supervisor, before any student code.

Only regular files inside the student's own folder are copied. A symbolic link is copied as the
content of the file it names when that file is inside the folder; a link that points outside it,
dangles, or names a folder or a device is dropped and said in the report. Nothing is ever read
through a link that leaves the folder, so a link cannot bring a classmate's file or the reference.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

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

    def notes(self) -> tuple[str, ...]:
        """Return the notes, in the observation's `key:value` form."""
        found = [f"link_dropped:{name}" for name in sorted(self.dropped_links)[:5]]
        found += [f"file_too_large:{name}" for name in sorted(self.skipped_large)[:5]]
        return tuple(found) + (("folder_truncated:",) if self.truncated else ())


def _skipped(name: str) -> bool:
    """Whether a file or folder name is one the copy never takes (caches, VCS data)."""
    return any(fnmatch.fnmatch(name, pattern) for pattern in COPY_SKIP)


def _inside(path: str, root: str) -> bool:
    """Whether a resolved path lies inside the resolved root folder."""
    return path == root or path.startswith(root.rstrip("/") + "/")


def _copy_file(source: str, target: Path, follow: bool) -> int:
    """Copy one regular file's bytes (never a device or a fifo); return the bytes copied."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(source, flags)
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


def copy_submission(source_file: Path, workdir: Path, module: str) -> tuple[Path, CopyReport]:
    """Copy the submission's folder into workdir; return the copied module and what was left out."""
    root = os.path.realpath(source_file.parent)
    report = CopyReport()
    budget = {"bytes": MAX_COPIED_TOTAL, "files": MAX_COPIED_FILES}
    workdir.mkdir(parents=True, exist_ok=True)
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        relative = os.path.relpath(folder, root)
        target_dir = workdir if relative == "." else workdir / relative
        dirnames[:] = sorted(d for d in dirnames if not _skipped(d))
        for name in list(dirnames):
            path = os.path.join(folder, name)
            if os.path.islink(path):
                dirnames.remove(name)
                report.dropped_links.append(os.path.relpath(path, root))
            else:
                (target_dir / name).mkdir(exist_ok=True)
        for name in sorted(filenames):
            if not _skipped(name):
                _copy_entry(os.path.join(folder, name), root, target_dir / name, report, budget)
    target = workdir / f"{module}{source_file.suffix}"
    if not target.exists() and _inside(os.path.realpath(source_file), root):
        _copy_entry(str(source_file), root, target, report, budget)  # --submission OTHER.py
    return target, report


def _copy_entry(path: str, root: str, target: Path, report: CopyReport, budget: dict) -> None:
    """Copy one file of the folder under the link, size and count rules."""
    name = os.path.relpath(path, root)
    info = os.lstat(path)
    follow = stat.S_ISLNK(info.st_mode)
    if follow:
        real = os.path.realpath(path)
        if not _inside(real, root) or not os.path.isfile(real):
            report.dropped_links.append(name)
            return
        info = os.stat(real)
        path = real
    if not stat.S_ISREG(info.st_mode):
        return
    if info.st_size > MAX_COPIED_FILE:
        report.skipped_large.append(name)
        return
    if budget["files"] <= 0 or budget["bytes"] < info.st_size:
        report.truncated = True
        return
    try:
        budget["bytes"] -= _copy_file(path, target, follow)
        budget["files"] -= 1
    except OSError:
        report.dropped_links.append(name)


def give_to(folder: Path, uid: int) -> None:
    """Make a folder and everything in it belong to the sandbox's user (it writes there)."""
    for current, dirnames, filenames in os.walk(folder):
        os.chown(current, uid, uid)
        for name in dirnames + filenames:
            os.lchown(os.path.join(current, name), uid, uid)
