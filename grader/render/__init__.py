"""Renderers: each takes a GradeReport and returns text (terminal, HTML, JSON, JUnit, …)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

Item = TypeVar("Item")


def distinct(items: Iterable[Item], message: Callable[[Item], str]) -> list[Item]:
    """Keep the first of the items that say the same thing (a set that failed fails each check)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if message(item) not in seen:
            seen.add(message(item))
            kept.append(item)
    return kept
