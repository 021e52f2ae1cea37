"""Renderers: each takes a GradeReport and returns text (terminal, HTML, JSON, JUnit, …)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from grader.messages import translate
from grader.model import FAILED, QuestionResult

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


def mistakes(checks: Iterable[Item], check_id: Callable[[Item], str],
             key: Callable[[Item], str], message: Callable[[Item], str]
             ) -> list[tuple[Item, list[str]]]:
    """One entry per mistake, in first-seen order: its first check and the ids of the others
    (the same check, property and values elsewhere; or the very same message)."""
    groups: dict[str, list[Item]] = {}
    first_of_message: dict[str, str] = {}
    for item in checks:
        group = first_of_message.setdefault(message(item), key(item))
        groups.setdefault(group if group in groups else key(item), []).append(item)
    return [(items[0], [check_id(i) for i in items[1:]]) for items in groups.values()]


def place(check_id: str) -> dict[str, str]:
    """Where a check looked, from its id: set ('' for the lab's own call), build, layer, index."""
    _, _, params = check_id.partition("[")
    pairs = (p.split("=", 1) for p in params.rstrip("]").split(",") if "=" in p)
    found = {k: v for k, v in pairs if k in PLACE_PARAMETERS}
    return {"set": "", **found}


def spans(numbers: Iterable[int]) -> str:
    """Write numbers as ranges: 1–3, 5."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


def where_else(first: str, others: Iterable[str], lang: str) -> str:
    """Say where else a mistake holds: '(also on layers 2–3, in 2 other calls and with 1 other
    argument set)'; '' when nowhere else."""
    mine = place(first)
    here, calls, sets, rest = [], set(), set(), 0
    for other in (place(o) for o in others):
        if other["set"] != mine["set"]:
            sets.add(other["set"])
        elif other.get("build") != mine.get("build"):
            calls.add(other.get("build"))
        elif "layer" in other and other["layer"].isdigit():
            here.append(int(other["layer"]))
        else:
            rest += 1
    parts = [translate(lang, "report.also_layers" if len(here) > 1 else "report.also_layer",
                       layers=spans(here))] if here else []
    parts += [_counted(lang, "report.also_calls", len(calls)),
              _counted(lang, "report.also_sets", len(sets)),
              _counted(lang, "report.also_places", rest)]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else (
        ", ".join(parts[:-1]) + translate(lang, "report.also_and") + parts[-1])
    return translate(lang, "report.also_where", where=joined)


def _counted(lang: str, key: str, count: int) -> str:
    """A counted phrase ('in 2 other calls'), singular for one, '' for none."""
    if not count:
        return ""
    return translate(lang, f"{key}_one" if count == 1 else key, count=count)


def placed_tables(result: QuestionResult) -> dict[str, list[dict]]:
    """Place each layer table under the first criterion with a failed check of its call, by
    criterion id ('' for the question's own: a table no failure is about)."""
    failed_at: dict[tuple[str, str], str] = {}
    for criterion in result.criteria:
        for check in (c for c in result.checks if c.id in criterion.checks and c.status == FAILED):
            where = place(check.id)
            failed_at.setdefault((where["set"], where.get("build", "")), criterion.id)
    placed: dict[str, list[dict]] = {}
    for stack in result.attachments.get("layers", ()):
        if isinstance(stack, dict):
            key = (str(stack.get("set", "")), str(stack.get("build", "")))
            placed.setdefault(failed_at.get(key, ""), []).append(stack)
    return placed
