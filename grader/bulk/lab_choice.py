"""Which lab a class is, when `grade bulk` is not told: one vote per student, a clear majority.

A student's entry votes for a lab when the class discovery finds that lab's submission file in it
by name, and no other lab's: decoy files in hidden folders, refused zip members or a second lab's
file in the same repository add nothing. A lab is chosen when more than half of the class's
students vote for it; otherwise `grade bulk` refuses and asks for --assignment (which always
wins, and skips the vote).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from grader.bulk.inputs import Limits, discover
from grader.contract import AssignmentPlugin
from grader.registry import UnknownAssignment, checked, registered
from grader.trees import temporary_folder
from grader.which_assignment import modules


@dataclass(frozen=True)
class Votes:
    """The class's votes: per lab, and the students who hold several labs or none."""

    students: int
    labs: dict[str, int]
    several: int
    none: int

    def winner(self) -> str | None:
        """Return the lab more than half of the students voted for, if any."""
        lab, count = max(self.labs.items(), key=lambda item: (item[1], item[0]),
                         default=("", 0))
        return lab if count * 2 > self.students else None

    def describe(self) -> str:
        """Say the counts, e.g. 'td_keras_mlp: 2, td_convnets: 2; 0 with several labs, …'."""
        counts = ", ".join(f"{lab}: {count}" for lab, count in sorted(
            self.labs.items(), key=lambda item: (-item[1], item[0]))) or "no lab"
        return (f"{counts}; {self.several} with several labs' files, {self.none} with none, "
                f"of {self.students} students")


def count_votes(input_path: Path, exclude: tuple[Path, ...], limits: Limits) -> Votes:
    """Discover the class once per known lab (in a temporary folder) and count each student's
    vote: the labs whose submission file was found in the entry under its own name."""
    found: dict[str, set[str]] = {}
    with temporary_folder("grade-lab-vote-") as work:
        for lab, module in sorted(modules(registered()).items()):
            discovery = discover(input_path, work / lab, module, exclude, limits)
            for submission in discovery.submissions:
                labs = found.setdefault(submission.student.key, set())
                if submission.file is not None and submission.file.stem == module:
                    labs.add(lab)
    ballots = Counter(next(iter(labs)) for labs in found.values() if len(labs) == 1)
    return Votes(len(found), dict(ballots), sum(1 for labs in found.values() if len(labs) > 1),
                 sum(1 for labs in found.values() if not labs))


def choose_lab(input_path: Path, exclude: tuple[Path, ...] = (), limits: Limits | None = None
               ) -> AssignmentPlugin:
    """Return the lab a clear majority of the class's students submitted, or raise saying the
    counts (UnknownAssignment)."""
    votes = count_votes(input_path, exclude, limits or Limits())
    lab = votes.winner()
    if lab is None:
        raise UnknownAssignment(
            f"cannot tell which lab {input_path} is for ({votes.describe()}): a lab is chosen "
            "when more than half of the students hold its file (one vote each) — name it with "
            "--assignment NAME")
    return checked(registered()[lab])
