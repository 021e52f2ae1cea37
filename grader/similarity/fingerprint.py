"""Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003; MOSS, Dolos): k-gram fingerprints.

Every run of K normalised tokens is hashed; in each window of W consecutive hashes the smallest
is kept (the rightmost on a tie, recorded once per position). Any match of at least
W + K - 1 tokens is then guaranteed to share a fingerprint, and no match shorter than K tokens
is ever reported. Hashes are stable (BLAKE2b), unlike Python's salted `hash()`, so fingerprints
can be cached and compared across runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

K = 12  # tokens per k-gram: no match shorter than that counts (about one line of code)
WINDOW = 4  # a shared run of K + WINDOW - 1 = 15 tokens always shares a fingerprint
SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Mark:
    """A selected fingerprint and the lines of the k-gram it hashes."""

    hash: int
    first: int
    last: int


def kgram_hashes(tokens: Sequence[str], k: int = K) -> list[int]:
    """Hash every run of k tokens (none when there are fewer than k)."""
    return [int.from_bytes(hashlib.blake2b(SEPARATOR.join(tokens[i:i + k]).encode(),
                                           digest_size=8).digest(), "big")
            for i in range(len(tokens) - k + 1)]


def winnow(hashes: Sequence[int], window: int = WINDOW) -> list[int]:
    """Return the positions winnowing selects, in order."""
    if len(hashes) <= window:
        return [min(range(len(hashes)), key=lambda i: (hashes[i], -i))] if hashes else []
    selected: list[int] = []
    for start in range(len(hashes) - window + 1):
        best = start
        for index in range(start + 1, start + window):
            if hashes[index] <= hashes[best]:
                best = index
        if not selected or selected[-1] != best:
            selected.append(best)
    return selected


def marks(tokens: Sequence[str], lines: Sequence[int], k: int = K, window: int = WINDOW
          ) -> list[Mark]:
    """Return the winnowed fingerprints of a token sequence with the lines each covers."""
    hashes = kgram_hashes(tokens, k)
    return [Mark(hashes[i], lines[i], lines[i + k - 1]) for i in winnow(hashes, window)]
