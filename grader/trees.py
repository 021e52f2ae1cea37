"""Walk and remove folders a student made, however deep, without recursion and without failing.

Python 3.11's os.walk, Path.rglob and shutil.rmtree recurse once per level: a chain of a
thousand folders in a repository (or left in a job folder) raises RecursionError in the
grader's own process. Every walk over a student's tree goes through `walk`, which stops at a
depth bound and says which folders it did not enter; every removal goes through `remove_tree`.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

MAX_DEPTH = 32  # folders below the root a walk enters; deeper ones are left out, and said


@dataclass
class Walk:
    """A top-down walk like os.walk (prune `dirnames` in place), iterative and depth-bounded.

    Links to folders are listed among the files, never entered. Folders below `max_depth`, and
    folders that cannot be listed, are not entered: `too_deep` and `unreadable` name them
    (relative to the root) once the walk is done.
    """

    root: str
    max_depth: int = MAX_DEPTH
    keep: Callable[[str], bool] = lambda name: True  # which folder names to enter
    too_deep: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[str, list[str], list[str]]]:
        pending: list[tuple[str, int]] = [(os.fspath(self.root), 0)]
        while pending:
            folder, depth = pending.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError:
                self.unreadable.append(self._relative(folder))
                continue
            dirnames, filenames = [], []
            for entry in entries:
                try:
                    is_folder = entry.is_dir(follow_symlinks=False)
                except OSError:
                    is_folder = False
                (dirnames if is_folder else filenames).append(entry.name)
            dirnames = [name for name in dirnames if self.keep(name)]
            yield folder, dirnames, filenames
            for name in reversed(dirnames):  # sorted order once popped
                child = os.path.join(folder, name)
                if depth + 1 > self.max_depth:
                    self.too_deep.append(self._relative(child))
                else:
                    pending.append((child, depth + 1))

    def _relative(self, path: str) -> str:
        """Name a path relative to the walk's root."""
        return os.path.relpath(path, self.root)


def files_below(root: Path, max_depth: int = MAX_DEPTH,
                keep: Callable[[str], bool] = lambda name: True) -> list[Path]:
    """Return every file (or link) below a folder, sorted, within the depth bound."""
    found = []
    for folder, _, filenames in Walk(str(root), max_depth, keep):
        found += [Path(folder) / name for name in filenames]
    return sorted(found)


def remove_tree(path: Path | str) -> bool:
    """Remove a file or a folder and everything in it, however deep; never raise.

    Each folder's sub-folders are first moved up beside the root (so no path grows with the
    depth), its files unlinked, then the emptied folders removed. Folders the student made
    unreadable or read-only are opened up first (when they are ours to change). Returns
    whether the path is gone.
    """
    root = os.fspath(path)
    try:
        info = os.lstat(root)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        with suppress(OSError):
            os.unlink(root)
        return not os.path.lexists(root)
    parking = os.path.join(root, f".removing-{secrets.token_hex(8)}-")
    pending, emptied, moved = [root], [], 0
    while pending:
        folder = pending.pop()
        _open_up(folder)
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            entries = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if folder == root:
                        pending.append(entry.path)
                        continue
                    _open_up(entry.path)  # moving a folder rewrites its "..": it must be ours
                    moved += 1
                    os.rename(entry.path, parking + str(moved))
                    pending.append(parking + str(moved))
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
        emptied.append(folder)
    for folder in reversed(emptied):
        with suppress(OSError):
            os.rmdir(folder)
    return not os.path.lexists(root)


def _open_up(folder: str) -> None:
    """Let this user list and change a folder (a student may have made it 0o000)."""
    with suppress(OSError):
        os.chmod(folder, stat.S_IRWXU)


@contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A private temporary folder, removed with `remove_tree` whatever was left in it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        remove_tree(folder)
