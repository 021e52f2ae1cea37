"""What the report says of a notebook's import: the cells it did not run, the broken ones
(sentences without a language yet: grader/wording.py)."""

from __future__ import annotations

from typing import Any

from grader.model import Failure
from grader.notebook_cells import KERNEL
from grader.observe.notebook_plan import FULL
from grader.wording import Said, Text, said, source_text


def cell_ranges(numbers: list[int]) -> str:
    """Write cell numbers compactly: [3, 4, 5, 9] -> '3–5, 9'."""
    parts: list[str] = []
    for number in sorted(numbers):
        if parts and parts[-1].split("–")[-1] == str(number - 1):
            parts[-1] = parts[-1].split("–")[0] + f"–{number}"
        else:
            parts.append(str(number))
    return ", ".join(parts)


def notebook_notes(summary: dict[str, Any]) -> list[Said]:
    """Say once, for the report, what a notebook's import did not run and which cells are broken."""
    notes = [broken_note(cell) for cell in summary.get("broken_cells", [])]
    if summary.get("source") == KERNEL:
        first, last = summary.get("inputs", (0, 0))
        return [*notes, said("note.kernel_history", first=first, last=last)]
    note = notebook_note(summary)
    return notes + ([note] if note else [])


def broken_note(cell: dict[str, Any]) -> Said:
    """Say that a cell does not run and what that costs."""
    failure = Failure.from_dict(cell["failure"])
    frame = failure.frames[-1] if failure.frames else None
    where = said("q.location", file=source_text(frame.file), line=frame.line) if frame \
        else source_text(failure.where)
    functions = ", ".join(f"{name}()" for name in cell["functions"])
    key = "note.cell_broken" if functions else "note.cell_broken_nothing"
    return said(key, cell=_sentence_start(failure.where), type=failure.type,
                message=failure.message, location=where, functions=functions)


def _sentence_start(file: str) -> Text:
    """A source file named at the start of a sentence: "Cell 7", "Cellule 7"."""
    if file.startswith("cell "):
        return said("file.cell_first", number=file.removeprefix("cell "))
    return file[:1].upper() + file[1:]


def broken_functions(data: dict[str, Any]) -> dict[str, Failure]:
    """Map each function lost in a broken cell to that cell's failure (from the import's data)."""
    notebook = data.get("notebook") or {}
    return {name: Failure.from_dict(cell["failure"])
            for cell in notebook.get("broken_cells", []) for name in cell["functions"]}


def notebook_note(summary: dict[str, Any]) -> Said | None:
    """Say once, for the report, what a notebook's import did not run."""
    skipped = summary.get("skipped_cells", [])
    key = "value.cells_one" if len(skipped) == 1 else "value.cells_many"
    cells = said(key, cells=cell_ranges(skipped)) if skipped else ""
    if summary.get("mode") == FULL:
        return said("note.notebook_full_shell" if cells else "note.notebook_full", cells=cells)
    return said("note.notebook_skipped", cells=cells) if cells else None


def error_note(data: dict[str, Any]) -> Said | None:
    """Say why a notebook could not be read (from the import observation's data)."""
    reason = data.get("notebook_error")
    return said(reason["key"], **reason["params"]) if reason else None
