"""Build a class's similarity report from its submission files and (optionally) their reports."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from grader.assignment import Assignment
from grader.model import GradeReport
from grader.render.json_report import write_atomically
from grader.similarity.compare import code_score, own_work, shared_counts, unit_shares
from grader.similarity.evidence import fragments, spans
from grader.similarity.model import Pair, ReferenceMatch, Settings, SimilarityReport
from grader.similarity.observations import observation_score, unusual_in_common
from grader.similarity.profile import (
    EXPLORATION_UNIT,
    MODULE_UNIT,
    Profile,
    build_profile,
    given_hashes,
)
from grader.similarity.program import read_program, source_lines
from grader.similarity.render import MAX_DETAILS, Evidence, render_csv, render_html
from grader.similarity.store import ProfileStore, code_fingerprint, profile_key

HANDED_OUT = (".py", ".ipynb")
EVIDENCE_FROM = 0.5  # pairs scoring this share of the threshold get their per-question shares
# (flagged pairs get their fragments too)
SIMILARITY_HTML, SIMILARITY_CSV = "similarity.html", "similarity.csv"
NOT_HANDED_OUT = ("__init__.py",)  # the lab's folder is also its package


@dataclass(frozen=True)
class Work:
    """One student's submission file."""

    key: str
    name: str
    file: Path


def handed_out(assignment: Assignment, extra: Sequence[Path] = ()) -> tuple[Path, ...]:
    """Return what the students were given: the lab folder's code (starter, dataset_utils…)
    and the files the instructor names."""
    folder = assignment.directory
    lab = sorted(p for p in folder.iterdir()
                 if p.is_file() and p.suffix in HANDED_OUT and p.name not in NOT_HANDED_OUT)
    return tuple(dict.fromkeys([*lab, *extra]))


def question_functions(assignment: Assignment) -> dict[str, str]:
    """Map each question's function to the question's id."""
    return {q.function: q.id for q in assignment.questions}


def unit_titles(assignment: Assignment, lang: str = "en") -> tuple[tuple[str, str], ...]:
    """Return every unit with its title, in the lab's order."""
    return (*((q.id, q.title(lang)) for q in assignment.questions),
            (MODULE_UNIT, "module level: imports, constants, definitions no question uses"),
            (EXPLORATION_UNIT, "exploration: code outside definitions (training runs, plots…)"))


def load_profiles(works: Sequence[Work], functions: Mapping[str, str],
                  store: ProfileStore | None = None) -> dict[str, Profile]:
    """Fingerprint every submission, from the store when it has it."""
    code = code_fingerprint()
    profiles = {}
    for work in works:
        try:
            key = profile_key(work.file, functions, code)
        except OSError:
            key = ""
        profile = store.get(key) if store is not None and key else None
        if profile is None:
            profile = build_profile(read_program(work.file), functions)
            if store is not None and key:
                store.put(key, profile)
        profiles[work.key] = profile
    return profiles


@dataclass(frozen=True)
class Comparison:
    """Every pair ranked, the reference matches ranked (None without reference), how many
    fingerprints were left out as common, and each student's own work (fingerprints)."""

    pairs: tuple[Pair, ...]
    reference: tuple[ReferenceMatch, ...] | None
    common: int
    own: dict[str, int]
    excluded: frozenset[int] = frozenset()  # the common fingerprints


def compare_class(profiles: Mapping[str, Profile], given: frozenset[int],
                  reports: Mapping[str, GradeReport], settings: Settings,
                  units: Sequence[str], reference: Profile | None = None) -> Comparison:
    """Score every pair (code, then observations), and each student against the reference."""
    own, common = own_work(profiles, given, settings)
    counts = shared_counts(own)
    in_common = unusual_in_common(reports, settings)
    pairs = []
    for a, b in itertools.combinations(sorted(profiles), 2):
        shared = counts.get((a, b), 0)
        choices = in_common.get((a, b), ())
        pair = Pair(a, b, shared, len(own[a]), len(own[b]),
                    code_score(shared, len(own[a]), len(own[b]), settings),
                    observation_score(len(choices), settings), choices)
        if pair.score >= settings.threshold * EVIDENCE_FROM:
            pair = replace(pair, units=unit_shares(profiles[a], profiles[b], own[a], own[b], units))
        if pair.score >= settings.threshold:
            pair = replace(pair, fragments=fragments(profiles[a], profiles[b], own[a] & own[b]))
        pairs.append(pair)
    pairs.sort(key=lambda p: (-p.score, -p.code, p.a, p.b))
    matches = None
    if reference is not None:
        solution = reference.hashes - given - common
        found = []
        for key in sorted(profiles):
            both = own[key] & solution
            found.append(ReferenceMatch(
                key, len(both), len(own[key]),
                code_score(len(both), len(own[key]), len(solution), settings),
                unit_shares(profiles[key], reference, own[key], solution, units),
                spans(profiles[key], both)))
        matches = tuple(sorted(found, key=lambda m: (-m.code, m.student)))
    return Comparison(tuple(pairs), matches, len(common), {k: len(v) for k, v in own.items()},
                      common)


def class_similarity(works: Sequence[Work], assignment: Assignment,
                     reports: Mapping[str, GradeReport], given: Sequence[Path],
                     reference: Path | None, settings: Settings,
                     store: ProfileStore | None = None, lang: str = "en"
                     ) -> tuple[SimilarityReport, Evidence]:
    """Build the class's similarity report, and the evidence its page shows.

    `reference` is the reference solution's file: it is read only to score each student
    against it; no line of it enters the report or the evidence.
    """
    functions = question_functions(assignment)
    profiles = load_profiles(works, functions, store)
    units = unit_titles(assignment, lang)
    solution = (build_profile(read_program(reference), functions)
                if reference is not None and reference.is_file() else None)
    handed = given_hashes(given)
    found = compare_class(profiles, handed, reports, settings, [u for u, _ in units], solution)
    notes = tuple(f"{work.name}: {profiles[work.key].problem}" for work in works
                  if profiles[work.key].problem)
    report = SimilarityReport({w.key: w.name for w in works}, found.pairs, settings, units,
                              tuple(p.name for p in given), found.reference, found.common,
                              notes, found.own)
    shown = {key for pair in report.flagged()[:MAX_DETAILS] for key in (pair.a, pair.b)}
    sources = {w.key: source_lines(w.file) for w in works if w.key in shown}
    return report, Evidence(profiles, sources, handed | found.excluded)


def write_similarity(out: Path, report: SimilarityReport, evidence: Evidence, assignment: str
                     ) -> dict[str, Path]:
    """Write similarity.html and similarity.csv in the output folder; return their paths."""
    files = {"similarity": out / SIMILARITY_HTML, "similarity_csv": out / SIMILARITY_CSV}
    write_atomically(files["similarity_csv"], render_csv(report), durable=True)
    write_atomically(files["similarity"], render_html(report, evidence, assignment),
                     durable=True)
    return files
