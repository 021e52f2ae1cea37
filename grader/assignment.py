"""The assignment's question table, read from its `assignment.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader.argsets import ArgSet, public_sets

DEFAULT_ASSIGNMENT_DIR = Path(__file__).resolve().parent.parent / "assignments" / "td_keras_mlp"


@dataclass(frozen=True)
class Question:
    """One graded question: the function it calls, its points and its titles."""

    id: str
    function: str
    points: float
    title_en: str
    title_fr: str
    timeout: float
    preload: tuple[str, ...] = ()
    eager: bool = False  # run TensorFlow functions eagerly: faster for many tiny fits
    arg_sets: tuple[ArgSet, ...] = (ArgSet("public-1", {}),)  # the public argument sets

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

    @property
    def max_score(self) -> float:
        """Return the total of the questions' points."""
        return sum(q.points for q in self.questions)

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


def load_assignment(directory: Path = DEFAULT_ASSIGNMENT_DIR) -> Assignment:
    """Read `assignment.toml` from the assignment folder."""
    data = tomllib.loads((directory / "assignment.toml").read_text(encoding="utf-8"))
    default_timeout = float(data.get("default_timeout", 60))
    questions = tuple(
        Question(
            id=q["id"],
            function=q["function"],
            points=float(q["points"]),
            title_en=q["title_en"],
            title_fr=q["title_fr"],
            timeout=float(q.get("timeout", default_timeout)),
            preload=tuple(q.get("preload", ())),
            eager=bool(q.get("eager", False)),
            arg_sets=public_sets(q.get("args", [])),
        )
        for q in data["questions"]
    )
    return Assignment(data["name"], data["module"], directory, questions)


def normalize_question_id(text: str) -> str:
    """Turn 'q4', 'Q04' or '4' into 'q4'; raise ValueError on anything else."""
    digits = text.strip().lower().removeprefix("q")
    if not digits.isdigit():
        raise ValueError(f"not a question id: {text!r} (use q1 … q14)")
    return f"q{int(digits)}"
