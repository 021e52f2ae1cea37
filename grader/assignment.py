"""The assignment's question table, read from its `assignment.toml`."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.argsets import ArgSet, public_sets
from grader.contract import AssignmentPlugin
from grader.layer_kinds import extended
from grader.observe.probe_input import calls_of, declaration_problem

SELECTOR = re.compile(r"^check_\w+(\[\w+=[^,\[\]=]+(,\w+=[^,\[\]=]+)*\])?$")
TOP_KEYS = {"name": True, "module": True, "title_en": False, "title_fr": False,
            "default_timeout": False, "layer_kinds": False, "questions": True}
QUESTION_KEYS = {"id": True, "function": True, "points": True, "title_en": True, "title_fr": True,
                 "timeout": False, "preload": False, "eager": False, "criteria": True,
                 "args": False, "show_layers": False, "hidden_only": False, "show": False,
                 "show_hidden": False, "disclose": False, "uses": False, "probe": False}
SHOWS = ("value", "match-only", "described")  # what a student's report shows of the expected side
HIDDEN_SHOWS = ("match-only", "value")  # of a hidden set's (its arguments are in its messages)
CRITERION_KEYS = {"id": True, "points": True, "title_en": True, "title_fr": True, "checks": True,
                  "subject": False, "show": False, "show_hidden": False}


class AssignmentError(ValueError):
    """`assignment.toml` is malformed; the message names the key."""


@dataclass(frozen=True)
class Criterion:
    """A line of the marking sheet: all-or-nothing points for a group of checks."""

    id: str
    points: float
    title_en: str
    title_fr: str
    checks: tuple[str, ...]
    """Check selectors: a check function's name, optionally narrowed by parameters, e.g.
    'check_dense_attribute[attribute=units]'."""
    subject: bool = False  # what the question is about (vs what it carries over)
    show: str | None = None  # its own disclosure policy (None: the question's), see Question
    show_hidden: str | None = None

    def title(self, lang: str) -> str:
        """Return the title in the given language."""
        return self.title_fr if lang == "fr" else self.title_en


@dataclass(frozen=True)
class Question:
    """One graded question: the function it calls, its points, titles and criteria."""

    id: str
    function: str
    points: float
    title_en: str
    title_fr: str
    timeout: float
    preload: tuple[str, ...] = ()
    eager: bool = False  # run TensorFlow functions eagerly: faster for many tiny fits
    criteria: tuple[Criterion, ...] = ()
    arg_sets: tuple[ArgSet, ...] = (ArgSet("public-1", {}),)  # the public argument sets
    show_layers: bool = False  # the report always shows the model's layer table (not only on a
    # difference): its kinds, settings, output shapes and parameters, beside the reference's
    hidden_only: bool = False  # instructor grading observes only the hidden sets, not also the
    # contract's call (for costly questions whose hidden sets check all the public ones do)
    show: str = "value"  # what a student's report shows of the expected side of public checks:
    # "value" (expected vs got), "described" (the checks' described targets, never the reference's
    # model), "match-only" (only whether it matched); grader/disclosure.py
    show_hidden: str = "match-only"  # of hidden sets' checks: "match-only" or "value"
    uses: tuple[str, ...] = ()  # earlier questions whose function the contract lets this one call
    probe: dict[str, Any] | None = None  # what its models are called and trained on, e.g.
    # {"dtype": "int32", "high": "vocab_size"} (a bound may name an argument, read per call);
    # None: floats in [0, 1). Observers get it as their default (grader/observe/probe_input.py)

    def policy(self, criterion: str | None, hidden: bool) -> str:
        """Return the disclosure policy of a check of this criterion (None: the question's)."""
        own = next((c for c in self.criteria if c.id == criterion), None)
        chosen = (own.show_hidden if hidden else own.show) if own is not None else None
        return chosen or (self.show_hidden if hidden else self.show)

    @property
    def shows_reference(self) -> bool:
        """Whether a student may see the reference's model (its layer table) for this question."""
        return self.show == "value" and all(c.show in (None, "value") for c in self.criteria)

    def instructor_public_sets(self, has_hidden: bool) -> tuple[ArgSet, ...]:
        """Return the public sets instructor grading observes besides the hidden ones: the
        contract's call, or none for a `hidden_only` question (all of them without hidden sets)."""
        if not has_hidden:
            return self.arg_sets
        return () if self.hidden_only else self.arg_sets[:1]

    def title(self, lang: str) -> str:
        """Return the title in the given language."""
        return self.title_fr if lang == "fr" else self.title_en


@dataclass(frozen=True)
class Assignment:
    """An assignment: module name, questions in order, and where its files are."""

    name: str
    module: str
    directory: Path
    questions: tuple[Question, ...]
    plugin: AssignmentPlugin  # its package (observers, rubric, messages) and folders
    layer_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()  # its own [layer_kinds]: the
    # settings a student chooses per kind, laid over grader/layer_kinds.py's table

    @property
    def max_score(self) -> float:
        """Return the total of the questions' points."""
        return sum(q.points for q in self.questions)

    @property
    def layer_table(self) -> dict[str, tuple[str, ...]]:
        """The table of layer kinds this lab's reports use: the engine's, its own laid over."""
        return extended(dict(self.layer_kinds))

    def question(self, question_id: str) -> Question:
        """Return the question with this id, or raise KeyError."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    @property
    def expected_path(self) -> Path:
        """Return the path of the committed expected observations."""
        return self.directory / "expected_observations.json"


def load_assignment(plugin: AssignmentPlugin | str, directory: Path | None = None) -> Assignment:
    """Read and validate an assignment's `assignment.toml` (from `directory` if given).

    `plugin` is the registered assignment or its name.
    """
    if isinstance(plugin, str):
        from grader.registry import find_plugin

        plugin = find_plugin(plugin)
    directory = directory or plugin.public_dir
    data = tomllib.loads((directory / "assignment.toml").read_text(encoding="utf-8"))
    _check_keys(data, TOP_KEYS, "assignment.toml")
    if data["name"] != plugin.name:
        raise AssignmentError(f"assignment.toml: name — expected {plugin.name!r} (the registered "
                              f"assignment), got {data['name']!r}")
    default_timeout = float(data.get("default_timeout", 60))
    questions = tuple(_question(q, f"questions[{i}]", default_timeout)
                      for i, q in enumerate(data["questions"]))
    for index, question in enumerate(questions):
        earlier = {q.id for q in questions[:index]}
        for used in question.uses:
            if used not in earlier:
                raise AssignmentError(f"assignment.toml: questions[{index}] ({question.id}).uses "
                                      f"— {used!r} is not an earlier question")
    return Assignment(data["name"], data["module"], directory, questions, plugin,
                      _layer_kinds(data.get("layer_kinds", {})))


def _layer_kinds(table: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Read `[layer_kinds]`: a kind (or family) and the settings a student chooses for it."""
    if not isinstance(table, dict):
        raise AssignmentError(f"assignment.toml: layer_kinds — expected a table, got {table!r}")
    for kind, names in table.items():
        if not (isinstance(names, list) and all(isinstance(n, str) and n for n in names)):
            raise AssignmentError(f"assignment.toml: layer_kinds.{kind} — expected a list of "
                                  f"setting names, got {names!r}")
    return tuple((kind, tuple(names)) for kind, names in table.items())


def _check_keys(table: Any, keys: dict[str, bool], where: str) -> None:
    """Refuse a table with unknown keys or without its required ones, naming the key."""
    if not isinstance(table, dict):
        raise AssignmentError(f"assignment.toml: {where} — expected a table, got {table!r}")
    for key in sorted(set(table) - set(keys)):
        raise AssignmentError(f"assignment.toml: {where}.{key} — unknown key "
                              f"(known: {', '.join(sorted(keys))})")
    for key in sorted(k for k, required in keys.items() if required and k not in table):
        raise AssignmentError(f"assignment.toml: {where}.{key} — missing")


def _question(q: dict[str, Any], where: str, default_timeout: float) -> Question:
    """Build one question from its table, with its criteria validated."""
    _check_keys(q, QUESTION_KEYS, where)
    where = f"{where} ({q['id']})"
    points = float(q["points"])
    criteria = tuple(_criterion(c, f"{where}.criteria[{i}]") for i, c in enumerate(q["criteria"]))
    validate_criteria(criteria, points, f"{where}.criteria")
    arg_sets = _arg_sets(q.get("args", []), f"{where}.args")
    return Question(
        id=q["id"],
        function=q["function"],
        points=points,
        title_en=q["title_en"],
        title_fr=q["title_fr"],
        timeout=float(q.get("timeout", default_timeout)),
        preload=tuple(q.get("preload", ())),
        eager=bool(q.get("eager", False)),
        criteria=criteria,
        arg_sets=arg_sets,
        show_layers=bool(q.get("show_layers", False)),
        hidden_only=bool(q.get("hidden_only", False)),
        show=_show(q.get("show", q.get("disclose", "value")), SHOWS, f"{where}.show"),
        show_hidden=_show(q.get("show_hidden", "match-only"), HIDDEN_SHOWS,
                          f"{where}.show_hidden"),
        uses=_uses(q.get("uses", []), f"{where}.uses"),
        probe=_probe(q["probe"], arg_sets, f"{where}.probe") if "probe" in q else None,
    )


def _show(value: Any, allowed: tuple[str, ...], where: str) -> str:
    """Check a disclosure policy (`show`, `show_hidden`; `disclose` is `show`'s old name)."""
    if value not in allowed:
        raise AssignmentError(f"assignment.toml: {where} — expected one of "
                              f"{', '.join(repr(a) for a in allowed)}, got {value!r}")
    return str(value)


def _uses(value: Any, where: str) -> tuple[str, ...]:
    """Check a question's `uses`: ids of earlier questions whose function it may call."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AssignmentError(f"assignment.toml: {where} — expected a list of question ids such "
                              f"as [\"q3\"], got {value!r}")
    return tuple(value)


def _probe(value: Any, arg_sets: tuple[ArgSet, ...], where: str) -> dict[str, Any]:
    """Check a question's probe input against the calls of its public sets (named bounds)."""
    problem = declaration_problem(value, [c for s in arg_sets for c in calls_of(s.args)])
    if problem is not None:
        key, message = problem
        raise AssignmentError(f"assignment.toml: {where}{'.' if key else ''}{key} — {message}")
    return dict(value)


def _arg_sets(tables: Any, where: str) -> tuple[ArgSet, ...]:
    """Read a question's public argument sets (a list of tables of arguments)."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise AssignmentError(f"assignment.toml: {where} — expected [[questions.args]] tables of "
                              f"arguments, got {tables!r}")
    return public_sets(tables)


def _criterion(c: dict[str, Any], where: str) -> Criterion:
    """Build one criterion from its table."""
    _check_keys(c, CRITERION_KEYS, where)
    checks = c["checks"]
    if not isinstance(checks, list) or not checks:
        raise AssignmentError(f"assignment.toml: {where}.checks — expected a non-empty list of "
                              f"check names, got {checks!r}")
    for selector in checks:
        if not isinstance(selector, str) or not SELECTOR.match(selector):
            raise AssignmentError(f"assignment.toml: {where}.checks — {selector!r} is not a check "
                                  "name such as 'check_loss' or 'check_dense_attribute[attribute=units]'")
    if not isinstance(c["points"], int | float) or c["points"] <= 0:
        raise AssignmentError(f"assignment.toml: {where}.points — expected a positive number, "
                              f"got {c['points']!r}")
    return Criterion(id=str(c["id"]), points=float(c["points"]), title_en=c["title_en"],
                     title_fr=c["title_fr"], checks=tuple(checks), subject=bool(c.get("subject")),
                     show=_show(c["show"], SHOWS, f"{where}.show") if "show" in c else None,
                     show_hidden=(_show(c["show_hidden"], HIDDEN_SHOWS, f"{where}.show_hidden")
                                  if "show_hidden" in c else None))


def validate_criteria(criteria: tuple[Criterion, ...], points: float, where: str) -> None:
    """Points add up, the subject carries at least half, ids and selectors are not repeated."""
    if not criteria:
        raise AssignmentError(f"assignment.toml: {where} — expected at least one criterion")
    total = sum(c.points for c in criteria)
    if not math.isclose(total, points, abs_tol=1e-9):
        raise AssignmentError(f"assignment.toml: {where}.points — expected a total of {points:g} "
                              f"(the question's points), got {total:g}")
    subject = sum(c.points for c in criteria if c.subject)
    if subject < points / 2 - 1e-9:
        raise AssignmentError(f"assignment.toml: {where}.subject — the criteria marked "
                              f"subject = true carry {subject:g} of {points:g} points, expected "
                              f"at least half")
    seen: dict[str, str] = {}
    for criterion in criteria:
        if criterion.id in {c.id for c in criteria if c is not criterion}:
            raise AssignmentError(f"assignment.toml: {where}.id — '{criterion.id}' is used twice")
        for selector in criterion.checks:
            if selector in seen:
                raise AssignmentError(f"assignment.toml: {where}.checks — {selector!r} is in "
                                      f"'{seen[selector]}' and '{criterion.id}'")
            seen[selector] = criterion.id


def normalize_question_id(text: str) -> str:
    """Turn 'q4', 'Q04' or '4' into 'q4'; raise ValueError on anything else."""
    digits = text.strip().lower().removeprefix("q")
    if not digits.isdigit():
        raise ValueError(f"not a question id: {text!r} (use q1, q2…)")
    return f"q{int(digits)}"
