"""Compare every pair of a class's profiles through an inverted index of fingerprints. Pure.

A student's own work is their fingerprints minus what was handed out (every k-gram of the starter
and the given files) and minus what most of the class wrote (code the task forces: MOSS's `-m`).
The index maps each remaining fingerprint to the few students who have it, so the cost is the
sum over fingerprints of (holders choose 2), not a set intersection per pair.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence

from grader.similarity.model import Settings, UnitShare
from grader.similarity.profile import Profile


def common_hashes(hashes: Mapping[str, frozenset[int]], settings: Settings) -> frozenset[int]:
    """Return the fingerprints more than common_share of the class (and common_min) have."""
    counts = Counter(h for found in hashes.values() for h in found)
    limit = max(settings.common_min, settings.common_share * len(hashes))
    return frozenset(h for h, count in counts.items() if count > limit)


def own_work(profiles: Mapping[str, Profile], given: frozenset[int], settings: Settings
             ) -> tuple[dict[str, frozenset[int]], frozenset[int]]:
    """Return each student's own fingerprints, and the common ones that were left out."""
    handed = {key: profile.hashes - given for key, profile in profiles.items()}
    common = common_hashes(handed, settings)
    return {key: found - common for key, found in handed.items()}, common


def shared_counts(own: Mapping[str, frozenset[int]]) -> dict[tuple[str, str], int]:
    """Count the fingerprints each pair of students has in common (pairs with none left out)."""
    holders: dict[int, list[str]] = {}
    for key in sorted(own):
        for fingerprint in own[key]:
            holders.setdefault(fingerprint, []).append(key)
    counts: Counter[tuple[str, str]] = Counter()
    for keys in holders.values():
        if len(keys) > 1:
            counts.update(itertools.combinations(keys, 2))
    return dict(counts)


def code_score(shared: int, own_a: int, own_b: int, settings: Settings) -> float:
    """Return the share of the smaller own work found in the other (JPlag's "max similarity")."""
    return min(1.0, shared / max(min(own_a, own_b), settings.min_work))


def unit_shares(a: Profile, b: Profile, own_a: frozenset[int], own_b: frozenset[int],
                units: Sequence[str]) -> tuple[UnitShare, ...]:
    """Return, unit by unit, how much of each one's own work there the other has anywhere."""
    by_unit_a, by_unit_b = a.unit_hashes, b.unit_hashes
    shares = []
    for unit in units:
        mine_a = by_unit_a.get(unit, frozenset()) & own_a
        mine_b = by_unit_b.get(unit, frozenset()) & own_b
        if mine_a or mine_b:
            shares.append(UnitShare(unit, len(mine_a), len(mine_b), len(mine_a & own_b),
                                    len(mine_b & own_a)))
    return tuple(shares)
