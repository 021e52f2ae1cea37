"""Find the students of a class: a folder, a Moodle "download all" zip, or cloned repositories."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

# Moodle names a student's folder "Full Name_12345_assignsubmission_file_".
MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assign(?P<plugin>submission_\w+?)_?$")
MOODLE_FILE_PLUGIN = "submission_file"
SKIPPED = ("__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints", "node_modules", ".venv")
SUFFIXES = (".py", ".ipynb")
MAX_DEPTH = 4  # how deep to look for the module in a cloned repository
MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_NESTED_ZIPS = 2


class InputError(Exception):
    """The class input itself is unusable (not a folder, not a readable zip)."""


@dataclass(frozen=True)
class Student:
    """Who a submission belongs to, as the folder names say."""

    key: str  # unique in the class and safe as a file name, e.g. "jean-dupont-12345"
    name: str  # display name, e.g. "Jean Dupont"
    moodle_id: str = ""  # the participant number in Moodle's folder names
    source: str = ""  # the entry of the input it came from

    @property
    def identifier(self) -> str:
        """Return the identifier Moodle's grading worksheet import matches on."""
        return f"Participant {self.moodle_id}" if self.moodle_id else self.name


@dataclass(frozen=True)
class Submission:
    """One student's file to grade, or why there is none."""

    student: Student
    file: Path | None  # the .py or .ipynb to grade
    problem: str = ""  # why there is nothing to grade (student-facing)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """Everything found in the input."""

    submissions: tuple[Submission, ...]
    ignored: tuple[str, ...] = ()  # entries that are not a student's submission


def slugify(text: str) -> str:
    """Turn a name into a lowercase ASCII file name: 'Élodie Martin' -> 'elodie-martin'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "student"


def _visible(path: Path) -> bool:
    """Whether an entry is worth looking at (not hidden, not tooling)."""
    return not path.name.startswith(".") and path.name not in SKIPPED


def _is_symlink_member(info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a Unix symbolic link."""
    return stat.S_ISLNK(info.external_attr >> 16)


def _member_parts(info: zipfile.ZipInfo) -> tuple[str, ...] | None:
    """Return a member's path parts, None when it would escape the target folder."""
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts or ":" in parts[0]:
        return None
    return parts


def extract_zip(archive: Path | bytes, target: Path) -> None:
    """Extract a zip safely (no path escapes, no links, bounded size); raise InputError if bad."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    source = io.BytesIO(archive) if isinstance(archive, bytes) else archive
    label = "the zip" if isinstance(archive, bytes) else archive.name
    try:
        with zipfile.ZipFile(source) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise InputError(f"{label}: more than {MAX_ZIP_MEMBERS} files")
            written = 0
            for info in members:
                parts = _member_parts(info)
                if parts is None or _is_symlink_member(info):
                    continue
                destination = target.joinpath(*parts)
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as src, destination.open("wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_ZIP_BYTES:
                            raise InputError(f"{label}: more than {MAX_ZIP_BYTES >> 20} MB unpacked")
                        out.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError) as exc:
        raise InputError(f"{label} is not a readable zip ({exc})") from exc


def find_module_file(folder: Path, module: str) -> tuple[Path | None, tuple[str, ...]]:
    """Find `<module>.py|.ipynb` in a folder or, for cloned repositories, below it (shallowest)."""
    level = [folder]
    for _ in range(MAX_DEPTH + 1):
        found = [d / f"{module}{s}" for d in level for s in SUFFIXES if (d / f"{module}{s}").is_file()]
        if found:  # like `grade`: the last saved first, the .py on a tie
            found.sort(key=lambda path: -path.stat().st_mtime)
            notes = ()
            if len(found) > 1:
                others = ", ".join(str(p.relative_to(folder)) for p in found[1:])
                notes = (f"several submissions found; graded {found[0].relative_to(folder)}, "
                         f"not {others}",)
            return found[0], notes
        level = sorted(c for d in level for c in d.iterdir() if c.is_dir() and _visible(c))
    return None, ()


def _loose_file(folder: Path) -> Path | None:
    """Return the only .py/.ipynb file of a folder (a student who renamed the module)."""
    files = [p for p in sorted(folder.rglob("*")) if p.suffix in SUFFIXES and p.is_file()
             and all(_visible(Path(part)) for part in p.relative_to(folder).parts)]
    return files[0] if len(files) == 1 else None


def locate(entry: Path, unpack_dir: Path, module: str, depth: int = 0
           ) -> tuple[Path | None, str, tuple[str, ...]]:
    """Find the file to grade in one student's entry: (file, problem, notes)."""
    if entry.is_file() and entry.suffix in SUFFIXES:
        unpack_dir.mkdir(parents=True, exist_ok=True)
        target = unpack_dir / f"{module}{entry.suffix}"
        shutil.copyfile(entry, target)  # alone in its folder: the sandbox copies the folder
        return target, "", ()
    if entry.is_file() and entry.suffix == ".zip":
        if depth > MAX_NESTED_ZIPS:
            return None, "zips nested too deep", ()
        try:
            extract_zip(entry, unpack_dir)
        except InputError as exc:
            return None, f"the submitted zip cannot be read: {exc}", ()
        return locate(unpack_dir, unpack_dir.with_name(unpack_dir.name + "+"), module, depth + 1)
    file, notes = find_module_file(entry, module)
    if file is not None:
        return file, "", notes
    zips = sorted(p for p in entry.rglob("*.zip") if p.is_file())
    for index, archive in enumerate(zips):
        file, _, notes = locate(archive, unpack_dir / f"zip{index}", module, depth + 1)
        if file is not None:
            return file, "", (f"graded {file.name} from {archive.name}", *notes)
    loose = _loose_file(entry)
    if loose is not None:
        return loose, "", (f"no {module}.py: graded {loose.relative_to(entry)} instead",)
    problem = f"no {module}.py or {module}.ipynb in the submission"
    if zips:
        problem += f" (nor in {', '.join(z.name for z in zips)})"
    return None, problem, ()


def _student(entry: Path) -> Student | None:
    """Read who an entry belongs to from its name; None for a non-submission Moodle folder."""
    match = MOODLE_FOLDER.match(entry.name) if entry.is_dir() else None
    if match:
        if match["plugin"] != MOODLE_FILE_PLUGIN:
            return None  # online text, comments…: not a file submission
        name = match["name"].strip()
        return Student(f"{slugify(name)}-{match['id']}", name, match["id"], entry.name)
    name = entry.stem if entry.is_file() else entry.name
    return Student(slugify(name), name, "", entry.name)


def _short_hash(text: str) -> str:
    """Return a short stable hash of a name (distinct folders for entries that slugify alike)."""
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _entries(root: Path) -> list[Path]:
    """Return the candidate entries of the input folder, sorted."""
    return sorted(p for p in root.iterdir() if _visible(p))


def _class_root(input_path: Path, workdir: Path) -> Path:
    """Return the folder holding one entry per student (unpacking a class zip first)."""
    if input_path.is_dir():
        return input_path
    if input_path.is_file() and input_path.suffix == ".zip":
        root = workdir / "input"
        extract_zip(input_path, root)
        entries = _entries(root)
        while len(entries) == 1 and entries[0].is_dir() and _student_like(entries[0]) is False:
            root = entries[0]
            entries = _entries(root)
        return root
    raise InputError(f"{input_path} is neither a folder nor a .zip")


def _student_like(folder: Path) -> bool:
    """Whether a lone top folder of a zip is a student's (rather than a wrapper folder)."""
    if MOODLE_FOLDER.match(folder.name):
        return True
    return any(p.suffix in SUFFIXES or p.suffix == ".zip" for p in folder.iterdir() if p.is_file())


def _deduplicate(submissions: list[Submission]) -> Iterator[Submission]:
    """Give students that share a name distinct keys, with a note naming the other entries."""
    by_key: dict[str, list[Submission]] = {}
    for submission in submissions:
        by_key.setdefault(submission.student.key.casefold(), []).append(submission)
    taken = set(by_key)
    for group in by_key.values():
        if len(group) == 1:
            yield group[0]
            continue
        sources = ", ".join(s.student.source for s in group)
        for index, submission in enumerate(group):
            key = submission.student.key
            if index:
                suffix = index + 1
                while f"{key}-{suffix}".casefold() in taken:
                    suffix += 1
                key = f"{key}-{suffix}"
                taken.add(key.casefold())
            note = f"duplicate student name {submission.student.name!r}: entries {sources}"
            yield replace(submission, student=replace(submission.student, key=key),
                          notes=(note, *submission.notes))


def discover(input_path: Path, workdir: Path, module: str, exclude: tuple[Path, ...] = ()
             ) -> Discovery:
    """List the class's submissions; every problem is recorded, none raises (but a bad input)."""
    root = _class_root(input_path, workdir)
    found: list[Submission] = []
    ignored: list[str] = []
    excluded = {p.resolve() for p in exclude}
    for entry in _entries(root):
        if entry.resolve() in excluded:
            continue
        student = _student(entry)
        if student is None or (entry.is_file() and entry.suffix not in (*SUFFIXES, ".zip")):
            ignored.append(entry.name)
            continue
        unpack_dir = workdir / "unpacked" / f"{slugify(entry.name)}-{_short_hash(entry.name)}"
        file, problem, notes = locate(entry, unpack_dir, module)
        found.append(Submission(student, file, problem, notes))
    submissions = sorted(_deduplicate(found), key=lambda s: s.student.key)
    return Discovery(tuple(submissions), tuple(ignored))
