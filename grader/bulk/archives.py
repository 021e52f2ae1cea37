"""Unpack zips safely: no path escapes, no links, bounded bytes and members per student and class."""

from __future__ import annotations

import contextlib
import io
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.trees import MAX_DEPTH, remove_tree

MB = 1024 * 1024
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError,
               NotImplementedError, ValueError)


class InputError(Exception):
    """The class input itself is unusable (not a folder, not a readable zip)."""


class ArchiveTooLarge(InputError):
    """Unpacking would write more bytes or members than a budget allows."""


@dataclass(frozen=True)
class Limits:
    """What unpacking may write: per student (nested zips included) and for the whole class."""

    student_bytes: int = 100 * MB
    student_members: int = 2000
    class_bytes: int = 2048 * MB
    class_members: int = 100_000
    depth: int = 2  # zips inside a student's zip, inside …


class Budget:
    """Bytes and members still allowed to one student or to the class (one per run, not shared)."""

    def __init__(self, label: str, max_bytes: int, max_members: int) -> None:
        self.label, self.max_bytes, self.max_members = label, max_bytes, max_members
        self.bytes = self.members = 0

    def check(self, size: int, members: int = 0) -> None:
        """Raise ArchiveTooLarge if this much more would exceed the budget."""
        if self.members + members > self.max_members:
            raise ArchiveTooLarge(f"archive too large: more than {self.max_members} files "
                                  f"unpacked for {self.label}")
        if self.bytes + size > self.max_bytes:
            raise ArchiveTooLarge(f"archive too large: more than {self.max_bytes / MB:g} MB "
                                  f"unpacked for {self.label}")

    def take(self, size: int, members: int = 0) -> None:
        """Account for bytes or members written (raise ArchiveTooLarge first if they do not fit)."""
        self.check(size, members)
        self.bytes += size
        self.members += members


def is_symlink_member(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a Unix symbolic link."""
    return stat.S_ISLNK(info.external_attr >> 16)


def safe_parts(name: str) -> tuple[str, ...] | None:
    """Return a member's path parts, None when it would escape the target folder or lie deeper
    than any walk of the grader goes (trees.MAX_DEPTH folders)."""
    name = name.replace("\\", "/")
    parts = tuple(p for p in PurePosixPath(name).parts if p != ".")
    if (not parts or name.startswith("/") or ".." in parts or ":" in parts[0]
            or len(parts) > MAX_DEPTH + 1):
        return None
    return parts


def write_members(bundle: zipfile.ZipFile, members: Iterable[tuple[zipfile.ZipInfo, tuple[str, ...]]],
                  target: Path, budgets: Sequence[Budget]) -> None:
    """Write members at their parts below target, accounting every byte to every budget."""
    for info, parts in members:
        destination = target.joinpath(*parts)
        if info.is_dir():
            destination.mkdir(parents=True, exist_ok=True)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        with bundle.open(info) as src, destination.open("wb") as out:
            while chunk := src.read(1 << 20):
                for budget in budgets:  # declared sizes may lie: count what is really written
                    budget.take(len(chunk))
                out.write(chunk)


UTF8_FLAG = 0x800  # general purpose bit 11: the names are UTF-8
# Without the flag, a name's bytes are in the writer's legacy encoding: the format's cp437, or
# Windows' own for Western Europe (OEM cp850 from old Explorer/Info-ZIP, ANSI cp1252 from some
# Windows tools). Tried in this order; the first of the most plausible wins.
LEGACY_ENCODINGS = ("cp437", "cp850", "cp1252")


COMMON_ACCENTED = set("àâäáåæçèéêëìíîïñòóôöøùúûüÿœ")  # in Western European names


def plausibility(name: str) -> int:
    """Score a decoded name: +2 per accented letter common in Western European names, +1 per
    other Latin letter, both only where names have them (lower case, or upper case not after a
    lower-case letter), -1 per other non-ASCII character (box drawing, Greek, symbols: the marks
    of a wrong code page)."""
    score = 0
    for before, char in zip(" " + name, name, strict=False):  # each with the one before it
        if char.isascii():
            continue
        latin = unicodedata.name(char, "").startswith("LATIN") and char.isalpha()
        if not latin or (char.isupper() and before.islower()):
            score -= 1
        else:
            score += 2 if char.lower() in COMMON_ACCENTED else 1
    return score


def legacy_name(raw: bytes) -> str:
    """Decode a member name written without the UTF-8 flag: UTF-8 when the bytes are (Moodle's
    own zips re-zipped), else the legacy encoding that reads most like a name."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    names = []
    for encoding in LEGACY_ENCODINGS:
        with contextlib.suppress(UnicodeDecodeError):  # cp1252 leaves five bytes undefined
            names.append(raw.decode(encoding))
    return max(names, key=plausibility)  # max keeps the first of equals: cp437, the format's


def decode_names(bundle: zipfile.ZipFile) -> None:
    """Give each member the name its writer meant: zips made without the UTF-8 flag (Moodle's
    downloads re-zipped on Windows, Info-ZIP, macOS) often hold UTF-8 bytes anyway, which
    zipfile reads as cp437 ("Lef├¿vre"), or Windows' legacy code pages (legacy_name). Reading
    a member is unaffected (zipfile checks the original name)."""
    for info in bundle.infolist():
        if info.flag_bits & UTF8_FLAG:
            continue
        with contextlib.suppress(UnicodeEncodeError):  # zipfile read it as cp437: its bytes
            info.filename = legacy_name(info.filename.encode("cp437"))


def extract_zip(archive: Path | bytes, target: Path, budgets: Sequence[Budget] = ()) -> list[str]:
    """Extract a zip within budgets; return the members refused (escapes, links).

    Raise ArchiveTooLarge past a budget, InputError if unreadable; the target is then removed.
    """
    label = "the zip" if isinstance(archive, bytes) else archive.name
    budgets = budgets or (Budget(label, 200 * MB, 5000),)
    remove_tree(target)
    target.mkdir(parents=True)
    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    refused: list[str] = []
    try:
        with zipfile.ZipFile(source) as bundle:
            decode_names(bundle)
            members = []
            for info in bundle.infolist():
                parts = safe_parts(info.filename)
                if parts is None or is_symlink_member(info):
                    refused.append(info.filename)
                else:
                    members.append((info, parts))
            for budget in budgets:  # refuse a bomb before writing anything
                budget.check(sum(i.file_size for i, _ in members), len(members))
            for budget in budgets:
                budget.take(0, len(members))
            write_members(bundle, members, target, budgets)
    except ArchiveTooLarge:
        remove_tree(target)
        raise
    except READ_ERRORS as exc:
        remove_tree(target)
        raise InputError(f"{label} is not a readable zip ({exc})") from exc
    return refused
