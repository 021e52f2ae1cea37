"""Find the students of a class: a folder, a Moodle "download all" zip, or cloned repositories.

Every entry of the input ends as a Submission (a file to grade, nothing to grade, or rejected
with the reason) or in `ignored` with the reason: no student is lost. Names are kept whatever
characters they hold (made visible when they are control characters).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from grader.bulk.archives import (
    READ_ERRORS,
    ArchiveTooLarge,
    Budget,
    InputError,
    Limits,
    decode_names,
    extract_zip,
    is_symlink_member,
    safe_parts,
    write_members,
)
from grader.text import clean_text
from grader.trees import files_below, remove_tree

# Moodle names a student's folder "Full Name_12345_assignsubmission_file_" (older versions:
# flat files "Full Name_12345_assignsubmission_file_td_keras.py"). A name may hold "/" or ":".
MOODLE_PATH = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assign(?P<plugin>submission_[a-z]+)_?"
                         r"(?P<folder>/?)(?P<rest>.*)$", re.DOTALL)
MOODLE_FILE_PLUGIN = "submission_file"
SKIPPED = ("__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints", "node_modules", ".venv")
SUFFIXES = (".py", ".ipynb")
MAX_DEPTH = 4  # how deep to look for the module in a cloned repository

__all__ = ["ArchiveTooLarge", "Discovery", "InputError", "Limits", "Student", "Submission",
           "discover", "extract_zip", "slugify"]


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
    rejected: bool = False  # the problem is a refused upload (too large, unreadable), not absence


@dataclass(frozen=True)
class Discovery:
    """Everything found in the input."""

    submissions: tuple[Submission, ...]
    ignored: tuple[str, ...] = ()  # entries that are not a student's submission, with why


@dataclass(frozen=True)
class Entry:
    """One student's part of the input, before looking for the file to grade."""

    student: Student
    path: Path | None  # the unpacked folder or file; None: nothing arrived
    problem: str = ""
    rejected: bool = False
    notes: tuple[str, ...] = ()
    plugin: str = MOODLE_FILE_PLUGIN  # Moodle's submission plugin of this entry
    label: str = ""  # the entry's name in the input, exactly (names its unpacking folder)
    used: tuple[int, int] = (0, 0)  # bytes and members already unpacked for this student


def slugify(text: str) -> str:
    """Turn a name into a lowercase ASCII file name: 'Élodie Martin' -> 'elodie-martin'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "student"


def _visible(name: str) -> bool:
    """Whether a file or folder is worth looking at (not hidden, not tooling)."""
    return not name.startswith(".") and name not in SKIPPED


def _visible_entry(label: str, folder: bool) -> bool:
    """Whether a top-level entry of the class is worth looking at: a visible one, or a Moodle
    participant's folder whatever the participant's name (".", ".Anne")."""
    return _visible(label) or (folder and label.split("/")[0] not in SKIPPED
                               and MOODLE_PATH.match(label + "/") is not None)


def _short_hash(text: str) -> str:
    """Return a short stable hash of a name (distinct folders for entries that slugify alike)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _safe_dir(workdir: Path, label: str) -> Path:
    """Return a folder for one entry whose name is safe whatever the label holds."""
    return workdir / f"{slugify(label)}-{_short_hash(label)}"


def student_budget(limits: Limits) -> Budget:
    """Return a fresh budget for one student's files (nested zips included)."""
    return Budget("one student", limits.student_bytes, limits.student_members)


def _student_of(label: str, is_dir: bool) -> tuple[Student, str]:
    """Read who an entry belongs to from its name: (student, Moodle plugin or "")."""
    shown = clean_text(label, newlines=False)
    match = MOODLE_PATH.match(label + ("/" if is_dir else ""))
    if match and (match["folder"] or match["rest"]):
        name = clean_text(match["name"].strip(), newlines=False)
        return Student(f"{slugify(name)}-{match['id']}", name, match["id"], shown), match["plugin"]
    stem = label.rsplit(".", 1)[0] if not is_dir and "." in label else label
    name = clean_text(stem, newlines=False)
    return Student(slugify(name), name, "", shown), ""


# --- finding the file to grade in one student's entry -----------------------------------------

def find_module_file(folder: Path, module: str) -> tuple[Path | None, tuple[str, ...]]:
    """Find `<module>.py|.ipynb` in a folder or, for cloned repositories, below it (shallowest).

    A link to a folder is never followed (it may name the reference or a classmate's
    repository): the search says so when it finds nothing else.
    """
    level = [folder]
    linked: list[Path] = []
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
        children = [c for d in level for c in _listing(d) if c.is_dir() and _visible(c.name)]
        linked += [c for c in children if c.is_symlink()]
        level = sorted(c for c in children if not c.is_symlink())
    return None, tuple(f"{c.relative_to(folder)} is a link to a folder: not followed"
                       for c in sorted(linked)[:5])


def _listing(folder: Path) -> list[Path]:
    """Return a folder's entries (none when it cannot be listed)."""
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _loose_file(folder: Path) -> Path | None:
    """Return the only .py/.ipynb file of a folder (a student who renamed the module)."""
    files = [p for p in files_below(folder, keep=_visible) if p.suffix in SUFFIXES
             and _visible(p.name) and p.is_file()]
    return files[0] if len(files) == 1 else None


@dataclass(frozen=True)
class Found:
    """What was found in one entry: the file, or the problem (and whether it was refused)."""

    file: Path | None
    problem: str = ""
    notes: tuple[str, ...] = ()
    rejected: bool = False


def locate(entry: Path, unpack_dir: Path, module: str, budgets: tuple[Budget, ...],
           limits: Limits, depth: int = 0) -> Found:
    """Find the file to grade in one student's entry, unpacking zips within the budgets.

    `depth` counts the zips around the entry: a zip in the student's folder is at depth 1.
    """
    if entry.is_file() and entry.suffix in SUFFIXES:
        unpack_dir.mkdir(parents=True, exist_ok=True)
        target = unpack_dir / f"{module}{entry.suffix}"
        shutil.copyfile(entry, target)  # alone in its folder: the sandbox copies the folder
        return Found(target)
    if entry.is_file() and entry.suffix == ".zip":
        if depth > limits.depth:
            return Found(None, f"rejected: zips nested more than {limits.depth} deep",
                         rejected=True)
        try:
            refused = extract_zip(entry, unpack_dir, budgets)
        except ArchiveTooLarge as exc:
            return Found(None, f"rejected: {exc}", rejected=True)
        except InputError as exc:
            return Found(None, f"rejected: the submitted zip cannot be read: {exc}", rejected=True)
        found = locate(unpack_dir, unpack_dir.with_name(unpack_dir.name + "+"), module, budgets,
                       limits, depth)
        return replace(found, notes=(*_refused_note(refused), *found.notes))
    file, notes = find_module_file(entry, module)
    if file is not None:
        return Found(file, notes=notes)
    zips = [p for p in files_below(entry) if p.suffix == ".zip" and p.is_file()]
    problems = []
    for index, archive in enumerate(zips):
        found = locate(archive, unpack_dir / f"zip{index}", module, budgets, limits, depth + 1)
        if found.file is not None:
            return replace(found, notes=(f"graded {found.file.name} from {archive.name}",
                                         *found.notes))
        if found.rejected:
            problems.append(found)
    if problems:
        return problems[0]
    loose = _loose_file(entry)
    if loose is not None:
        return Found(loose, notes=(f"no {module}.py: graded {loose.relative_to(entry)} instead",))
    problem = f"no {module}.py or {module}.ipynb in the submission"
    if zips:
        problem += f" (nor in {', '.join(z.name for z in zips)})"
    if notes:  # links to folders, not followed
        problem += f" ({'; '.join(notes)})"
    return Found(None, problem)


def _refused_note(refused: list[str]) -> tuple[str, ...]:
    """Say which members of a zip were refused (links, paths leaving the folder)."""
    if not refused:
        return ()
    return (f"files refused (links or paths outside the folder): {', '.join(refused[:5])}"
            + (" …" if len(refused) > 5 else ""),)


# --- the entries of the class ----------------------------------------------------------------

def _folder_entries(root: Path, exclude: set[Path]) -> tuple[list[Entry], list[str]]:
    """Return one entry per visible child of the class folder, and the ignored ones."""
    entries, ignored = [], []
    for path in sorted(p for p in root.iterdir() if _visible_entry(p.name, p.is_dir())):
        if path.resolve() in exclude:
            continue
        if path.is_file() and path.suffix not in (*SUFFIXES, ".zip"):
            ignored.append(clean_text(path.name, newlines=False))
            continue
        student, plugin = _student_of(path.name, path.is_dir())
        entries.append(Entry(student, path, plugin=plugin or MOODLE_FILE_PLUGIN, label=path.name))
    return entries, ignored


def _strip_wrapper(names: list[str]) -> str:
    """Return the prefix of a lone wrapper folder around the whole zip ("" when there is none).

    A zip whose every file is already a Moodle participant's path has no wrapper: a name may
    hold "/" (every participant's name starting with "X/" keeps it), and no id is ever lost.
    """
    files = [n for n in names if not n.endswith("/")]
    if files and all(MOODLE_PATH.match(n) for n in files):
        return ""
    prefix = ""
    while True:
        rest = [n[len(prefix):] for n in names if n.startswith(prefix) and n[len(prefix):]]
        tops = {n.split("/", 1)[0] for n in rest}
        if len(tops) != 1 or not all("/" in n for n in rest):
            return prefix
        top = tops.pop()
        if MOODLE_PATH.match(top + "/") or any(
                n.count("/") == 1 and n.endswith((*SUFFIXES, ".zip")) for n in rest):
            return prefix  # the lone folder is a student's
        prefix += top + "/"


def _zip_entries(archive: Path, workdir: Path, limits: Limits, class_budget: Budget
                 ) -> tuple[list[Entry], list[str]]:
    """Unpack a class zip one student at a time, each within its own and the class's budget."""
    try:
        bundle = zipfile.ZipFile(archive)
    except READ_ERRORS as exc:
        raise InputError(f"{archive.name} is not a readable zip ({exc})") from exc
    with bundle:
        decode_names(bundle)
        infos = bundle.infolist()
        class_budget.check(0, len(infos))
        names = [i.filename.replace("\\", "/") for i in infos]
        prefix = _strip_wrapper(names)
        groups: dict[str, tuple[str, bool, list[tuple[zipfile.ZipInfo, str]]]] = {}
        ignored: list[str] = []
        for info, name in zip(infos, names, strict=True):
            if not name.startswith(prefix) or not name[len(prefix):]:
                continue
            name = name[len(prefix):]
            match = MOODLE_PATH.match(name)
            if match and (match["folder"] or match["rest"]):  # a participant's folder (or flat file)
                label, inner, is_dir = name[:match.start("folder")], match["rest"], True
            else:
                label, _, inner = name.partition("/")
                is_dir = "/" in name
            if not _visible_entry(label, bool(match and match["folder"])):
                continue
            groups.setdefault(label, (label, is_dir, []))[2].append((info, inner))
        entries = []
        for label, is_dir, members in groups.values():
            student, plugin = _student_of(label, is_dir)
            if not is_dir and not label.endswith((*SUFFIXES, ".zip")) and not plugin:
                ignored.append(clean_text(label, newlines=False))
                continue
            entries.append(_unpack_entry(bundle, student, plugin, label, is_dir, members,
                                         workdir, limits, class_budget))
    return entries, ignored


def _unpack_entry(bundle: zipfile.ZipFile, student: Student, plugin: str, label: str,
                  is_dir: bool, members: list[tuple[zipfile.ZipInfo, str]], workdir: Path,
                  limits: Limits, class_budget: Budget) -> Entry:
    """Write one student's members below a safe folder; refuse them past the budgets."""
    target = _safe_dir(workdir, label)
    own = student_budget(limits)
    plugin = plugin or MOODLE_FILE_PLUGIN
    safe, refused = [], []
    for info, inner in members:
        if is_dir:
            parts = safe_parts(inner) if inner else ()
            if parts == ():
                continue  # the folder itself
        else:  # a top-level file: its name is the student's, any characters
            parts = ("submission" + "".join(s for s in (*SUFFIXES, ".zip") if label.endswith(s)),)
        if parts is None or is_symlink_member(info):
            refused.append(clean_text(info.filename, newlines=False))
        else:
            safe.append((info, parts))
    notes = _refused_note(refused)
    try:
        for budget in (own, class_budget):
            budget.check(sum(i.file_size for i, _ in safe), len(safe))
            budget.take(0, len(safe))
        write_members(bundle, safe, target, (own, class_budget))
    except ArchiveTooLarge as exc:
        remove_tree(target)
        return Entry(student, None, f"rejected: {exc}", True, notes, plugin, label)
    except READ_ERRORS as exc:
        remove_tree(target)
        return Entry(student, None, f"rejected: the files cannot be read ({exc})", True, notes,
                     plugin, label)
    if not safe and refused:
        return Entry(student, None, "rejected: every file was refused (links or paths outside "
                     "the folder)", True, notes, plugin, label)
    if not safe:
        return Entry(student, None, "no file arrived", False, notes, plugin, label)
    path = target if is_dir else target / safe[0][1][0]
    return Entry(student, path, notes=notes, plugin=plugin, label=label,
                 used=(own.bytes, own.members))


def _by_participant(entries: list[Entry]) -> tuple[list[Entry], list[str]]:
    """Merge a Moodle participant's folders: the file submission, or "no file submitted"."""
    merged: dict[str, Entry] = {}
    ignored: list[str] = []
    plain: list[Entry] = []
    for entry in entries:
        moodle_id = entry.student.moodle_id
        if not moodle_id:
            plain.append(entry)
            continue
        current = merged.get(moodle_id)
        if current is None:
            merged[moodle_id] = entry
        elif entry.plugin == MOODLE_FILE_PLUGIN and current.plugin != MOODLE_FILE_PLUGIN:
            ignored.append(current.student.source)
            merged[moodle_id] = entry
        else:
            ignored.append(entry.student.source)
    result = plain
    for entry in merged.values():
        if entry.plugin != MOODLE_FILE_PLUGIN:
            entry = Entry(entry.student, None, f"no file submitted (only {entry.plugin})",
                          label=entry.label)
        result.append(entry)
    return result, ignored


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


def discover(input_path: Path, workdir: Path, module: str, exclude: tuple[Path, ...] = (),
             limits: Limits | None = None) -> Discovery:
    """List the class's submissions; every problem is recorded, none raises (but a bad input)."""
    limits = limits or Limits()
    class_budget = Budget("the class", limits.class_bytes, limits.class_members)
    if input_path.is_dir():
        raw, ignored = _folder_entries(input_path, {p.resolve() for p in exclude})
    elif input_path.is_file() and input_path.suffix == ".zip":
        raw, ignored = _zip_entries(input_path, workdir / "input", limits, class_budget)
    else:
        raise InputError(f"{input_path} is neither a folder nor a .zip")
    entries, merged_away = _by_participant(raw)
    found: list[Submission] = []
    for entry in entries:
        if entry.path is None:
            found.append(Submission(entry.student, None, entry.problem, entry.notes,
                                    entry.rejected))
            continue
        unpack_dir = _safe_dir(workdir / "unpacked", entry.label)
        own = student_budget(limits)
        own.take(*entry.used)
        located = locate(entry.path, unpack_dir, module, (own, class_budget), limits)
        notes = tuple(clean_text(n, newlines=False) for n in (*entry.notes, *located.notes))
        found.append(Submission(entry.student, located.file,
                                clean_text(located.problem, newlines=False), notes,
                                located.rejected))
    submissions = sorted(_deduplicate(found), key=lambda s: s.student.key)
    return Discovery(tuple(submissions), tuple(ignored + merged_away))
