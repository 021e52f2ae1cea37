"""The similarity report as plain data: pairs, their scores, per-question shares and fragments."""

from __future__ import annotations

from dataclasses import dataclass, field

# The default threshold: calibrated on tests/similarity_class and synthetic classes, see
# docs/bulk.md ("Reading the similarity report") for the numbers.
DEFAULT_THRESHOLD = 0.35


@dataclass(frozen=True)
class Settings:
    """How fingerprints are compared and when a pair is flagged."""

    threshold: float = DEFAULT_THRESHOLD  # flag a pair whose score reaches this
    common_share: float = 0.5  # code in more than this share of the class is what the task forces
    common_min: int = 4  # …and in more than this many students (small classes)
    min_work: int = 20  # a score is never computed over fewer fingerprints than this
    observation_step: float = 0.05  # added to the score per unusual observation in common
    observation_cap: float = 0.15  # at most this much from observations
    unusual_share: float = 0.05  # an observation is unusual when at most this share of the class…
    unusual_min: int = 4  # …or at most this many students (small classes) have it


@dataclass(frozen=True)
class Span:
    """Lines of one submission: in the file (cell 0) or in a notebook cell."""

    cell: int
    first: int
    last: int

    def label(self) -> str:
        """Say where, as the student's editor shows it: 'cell 7, lines 3–9' or 'lines 12–20'."""
        lines = f"line {self.first}" if self.first == self.last else f"lines {self.first}–{self.last}"
        return f"cell {self.cell}, {lines}" if self.cell else lines


@dataclass(frozen=True)
class Fragment:
    """Code found in both submissions: where in each, and which questions it answers in A."""

    units: tuple[str, ...]
    a: Span
    b: Span


@dataclass(frozen=True)
class UnitShare:
    """One question (or the module level, or exploration) of a pair."""

    unit: str
    own_a: int  # A's own fingerprints in this unit (not given, not common)
    own_b: int
    found_a: int  # …of which the other submission has too
    found_b: int

    @property
    def share(self) -> float:
        """Return the share of both students' own work in this unit found in the other's."""
        total = self.own_a + self.own_b
        return (self.found_a + self.found_b) / total if total else 0.0


@dataclass(frozen=True)
class Pair:
    """Two students, how much own work they share, and the evidence."""

    a: str  # student keys, a < b
    b: str
    shared: int  # own fingerprints both have
    own_a: int
    own_b: int
    code: float  # the code signal: shared / the smaller own work (at least min_work)
    observations: float = 0.0  # the observation signal's addition
    choices: tuple[str, ...] = ()  # the unusual observations they have in common
    units: tuple[UnitShare, ...] = ()
    fragments: tuple[Fragment, ...] = ()

    @property
    def score(self) -> float:
        """Return the pair's score: the code signal plus the observations', at most 1."""
        return min(1.0, self.code + self.observations)


@dataclass(frozen=True)
class ReferenceMatch:
    """A student's own work found in the instructor's reference (lines: the student's only)."""

    student: str
    shared: int
    own: int
    code: float
    units: tuple[UnitShare, ...] = ()
    spans: tuple[tuple[tuple[str, ...], Span], ...] = ()  # the student's matching lines


@dataclass(frozen=True)
class SimilarityReport:
    """Every pair of the class ranked, the reference section, and how it was computed."""

    students: dict[str, str]  # key -> display name
    pairs: tuple[Pair, ...]  # every pair, highest score first
    settings: Settings
    units: tuple[tuple[str, str], ...]  # (unit id, title) in the lab's order
    given: tuple[str, ...] = ()  # the files subtracted (starter, dataset_utils…)
    reference: tuple[ReferenceMatch, ...] | None = None  # None: no reference to compare with
    common: int = 0  # fingerprints held by most of the class, ignored
    notes: tuple[str, ...] = ()  # submissions that could not be read in full, and such
    own: dict[str, int] = field(default_factory=dict)  # each student's own fingerprints

    def flagged(self) -> tuple[Pair, ...]:
        """Return the pairs at or above the threshold."""
        return tuple(p for p in self.pairs if p.score >= self.settings.threshold)

    def close_to_reference(self) -> tuple[ReferenceMatch, ...]:
        """Return the students whose own work is close to the reference."""
        return tuple(m for m in self.reference or () if m.code >= self.settings.threshold)
