"""Where two submissions share code: fragments (line ranges in each) and the lines to highlight."""

from __future__ import annotations

from collections.abc import Iterator

from grader.similarity.fingerprint import Mark
from grader.similarity.model import Fragment, Span
from grader.similarity.profile import PartPrint, Profile

GAP = 1  # shared k-grams at most this many lines apart make one fragment


def _runs(part: PartPrint, shared: frozenset[int]) -> Iterator[list[int]]:
    """Yield runs of a part's shared marks (indices) that are at most GAP lines apart."""
    run: list[int] = []
    for index, mark in enumerate(part.marks):
        if mark.hash not in shared:
            continue
        if run and mark.first > part.marks[run[-1]].last + GAP:
            yield run
            run = []
        run.append(index)
    if run:
        yield run


def _other_side(b: Profile, hashes: set[int], units: tuple[str, ...]) -> Span | None:
    """Return the lines of B holding these fingerprints: in B's part answering the same
    questions when it has some, else in the part that has most."""
    found: dict[int, list[Mark]] = {}
    for fingerprint in hashes:
        for index, mark in b.places.get(fingerprint, ()):
            found.setdefault(index, []).append(mark)
    if not found:
        return None
    index = max(found, key=lambda i: (bool(set(b.parts[i].units) & set(units)), len(found[i]),
                                      -i))
    marks = found[index]
    return Span(b.parts[index].cell, min(m.first for m in marks), max(m.last for m in marks))


def fragments(a: Profile, b: Profile, shared: frozenset[int]) -> tuple[Fragment, ...]:
    """Return the fragments of A found in B, in A's order, each with B's lines."""
    found = []
    for part in a.parts:
        for run in _runs(part, shared):
            marks = [part.marks[i] for i in run]
            other = _other_side(b, {m.hash for m in marks}, part.units)
            if other is not None:
                span = Span(part.cell, marks[0].first, max(m.last for m in marks))
                found.append(Fragment(part.units, span, other))
    return tuple(found)


def spans(a: Profile, shared: frozenset[int]) -> tuple[tuple[tuple[str, ...], Span], ...]:
    """Return A's lines holding shared fingerprints (for a comparison whose other side is
    not shown: the reference)."""
    return tuple((part.units, Span(part.cell, part.marks[run[0]].first,
                                   max(part.marks[i].last for i in run)))
                 for part in a.parts for run in _runs(part, shared))


def highlighted_lines(profile: Profile, shared: frozenset[int]) -> dict[int, set[int]]:
    """Return, by cell, the lines covered by shared fingerprints."""
    lines: dict[int, set[int]] = {}
    for part in profile.parts:
        for mark in part.marks:
            if mark.hash in shared:
                lines.setdefault(part.cell, set()).update(range(mark.first, mark.last + 1))
    return lines
