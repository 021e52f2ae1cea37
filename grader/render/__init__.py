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


PLACE_PARAMETERS = ("set", "build", "layer", "index")  # where a check looked, not what


def same_mistake(check_id: str, expected: object, actual: object) -> str:
    """A key shared by the failures of one mistake: the same check, property and values,
    whatever the layer or argument set it was seen in."""
    name, _, params = check_id.partition("[")
    what = [p for p in params.rstrip("]").split(",") if p and p.split("=")[0] not in
            PLACE_PARAMETERS]
    return f"{name}[{','.join(what)}]={expected!r}/{actual!r}"


def collapsed(checks: Iterable[Item], key: Callable[[Item], str]) -> list[tuple[Item, int]]:
    """Group items by key, in first-seen order: each first item with how many others it stands
    for (one mistake is said once)."""
    groups: dict[str, list[Item]] = {}
    for item in checks:
        groups.setdefault(key(item), []).append(item)
    return [(items[0], len(items) - 1) for items in groups.values()]
