"""A test kit for course packages: a lab's reference gets full marks, its starter none, and each
labelled mistake loses exactly the criteria it names — graded for real, in the sandbox.

Use it from pytest in the course's own package (the project's labs do, tests/test_lab_kit.py):

    from grader.testing import Mistake, assert_mistakes, lab_worker, replaced

    def test_mistakes_lose_their_criteria():
        with lab_worker("td_rnn") as worker:
            assert_mistakes("td_rnn", REFERENCE, [
                Mistake("32 units", replaced("LSTM(64", "LSTM(32"), "q1", "architecture"),
            ], worker=worker)

Each function raises AssertionError naming the question, the criterion and what the report said.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from grader.api import GradeOptions, grade, preload_modules
from grader.assignment import Assignment, load_assignment
from grader.localize import said_report
from grader.model import PASSED, GradeReport, QuestionResult
from grader.reference import reference_in
from grader.runner import WarmWorker

Change = Callable[[str], str] | Path
"""A mistake: a function that edits the reference's source, or a whole submission file (beside
which the reference is importable as `<module>_reference`, as in tests/variants/)."""


@dataclass(frozen=True)
class Mistake:
    """A labelled mistake: how it changes the reference, its question, the criteria it loses."""

    label: str
    change: Change
    question: str
    criteria: str | tuple[str, ...]  # the criterion ids it must lose, and no other

    @property
    def lost(self) -> tuple[str, ...]:
        """The criterion ids this mistake must lose."""
        return (self.criteria,) if isinstance(self.criteria, str) else tuple(self.criteria)


def replaced(old: str, new: str) -> Callable[[str], str]:
    """Return a change of the reference's source: every `old` (which must be there) to `new`."""

    def change(source: str) -> str:
        if old not in source:
            raise AssertionError(f"the reference does not hold {old!r}: the mistake is not made")
        return source.replace(old, new)

    return change


def lab_worker(*labs: str, questions: Sequence[str] = ()) -> WarmWorker:
    """Start one warm worker for the labs' questions (all when none is named), to share."""
    modules: list[str] = []
    for lab in labs:
        assignment = load_assignment(lab)
        chosen = [q for q in assignment.questions if not questions or q.id in questions]
        modules += [m for m in preload_modules(assignment, chosen) if m not in modules]
    return WarmWorker(modules)


def assert_reference_full_marks(lab: str, reference_dir: Path, questions: Sequence[str] = (),
                                worker: WarmWorker | None = None) -> GradeReport:
    """Grade the lab's reference solution; fail naming every criterion it does not earn."""
    assignment = load_assignment(lab)
    folder = reference_folder(assignment, reference_dir)
    with nullcontext(worker) if worker else lab_worker(lab, questions=questions) as running:
        report = said_report(grade(folder, GradeOptions(
            questions=tuple(questions), reference_dir=folder, assignment=lab), assignment,
            worker=running))
    short = [said(result) for result in report.questions if result.score < result.max_score]
    if short:
        raise AssertionError(f"{lab}: the reference in {folder} does not get full marks:\n"
                             + "\n".join(short))
    return report


def assert_starter_scores_zero(lab: str, questions: Sequence[str] = (),
                               reference_dir: Path | None = None,
                               worker: WarmWorker | None = None) -> GradeReport:
    """Grade the lab's starter (its public folder's `<module>.py`); fail naming every criterion
    it earns."""
    assignment = load_assignment(lab)
    starter = assignment.directory / f"{assignment.module}.py"
    reference = reference_folder(assignment, reference_dir) if reference_dir else None
    with (nullcontext(worker) if worker else lab_worker(lab, questions=questions) as running,
          tempfile.TemporaryDirectory(prefix="grader-kit-") as work):
        shutil.copy(starter, Path(work) / starter.name)
        report = said_report(grade(Path(work), GradeOptions(
            questions=tuple(questions), reference_dir=reference, assignment=lab), assignment,
            worker=running))
    earned = [said(result, earned=True) for result in report.questions if result.score > 0]
    if earned:
        raise AssertionError(f"{lab}: the starter {starter} earns points:\n" + "\n".join(earned))
    return report


def assert_mistakes(lab: str, reference_dir: Path, mistakes: Iterable[Mistake],
                    worker: WarmWorker | None = None) -> dict[str, QuestionResult]:
    """Grade the reference with each mistake made, on its question alone; fail naming every
    mistake that does not lose exactly its criteria. Return each mistake's result by label."""
    assignment = load_assignment(lab)
    folder = reference_folder(assignment, reference_dir)
    mistakes = list(mistakes)
    check_mistakes(assignment, mistakes)
    results: dict[str, QuestionResult] = {}
    wrong = []
    questions = list(dict.fromkeys(m.question for m in mistakes))
    with nullcontext(worker) if worker else lab_worker(lab, questions=questions) as running:
        for mistake in mistakes:
            result = grade_mistake(assignment, folder, mistake, running)
            results[mistake.label] = result
            lost = lost_criteria(assignment, result)
            if sorted(lost) != sorted(mistake.lost):
                wrong.append(f"mistake {mistake.label!r} ({mistake.question}): expected to lose "
                             f"{', '.join(mistake.lost)}; lost {', '.join(lost) or 'nothing'}"
                             + (f" — {said(result)}" if lost else ""))
    if wrong:
        raise AssertionError(f"{lab}: mistakes not graded as labelled:\n" + "\n".join(wrong))
    return results


def check_mistakes(assignment: Assignment, mistakes: Sequence[Mistake]) -> None:
    """Refuse mistakes naming a question or criterion the lab does not have, or one label twice."""
    problems = []
    for mistake in mistakes:
        try:
            known = [c.id for c in assignment.question(mistake.question).criteria]
        except KeyError:
            problems.append(f"mistake {mistake.label!r}: {assignment.name} has no question "
                            f"{mistake.question}")
            continue
        problems += [f"mistake {mistake.label!r}: {mistake.question} has no criterion {c!r} "
                     f"(its criteria: {', '.join(known)})" for c in mistake.lost if c not in known]
    labels = [m.label for m in mistakes]
    problems += [f"mistake {label!r} is listed twice" for label in sorted(set(labels))
                 if labels.count(label) > 1]
    if problems:
        raise ValueError("\n".join(problems))


def grade_mistake(assignment: Assignment, reference: Path, mistake: Mistake,
                  worker: WarmWorker) -> QuestionResult:
    """Grade the mistake's question of the reference changed by the mistake."""
    module = f"{assignment.module}.py"
    with tempfile.TemporaryDirectory(prefix="grader-kit-") as work:
        folder = Path(work)
        for helper in reference.glob("*.py"):  # the reference's own helpers, if any
            shutil.copy(helper, folder / helper.name)
        source = (reference / module).read_text(encoding="utf-8")
        if isinstance(mistake.change, Path):
            (folder / f"{assignment.module}_reference.py").write_text(source, encoding="utf-8")
            shutil.copy(mistake.change, folder / module)
        else:
            (folder / module).write_text(mistake.change(source), encoding="utf-8")
        report = said_report(grade(folder, GradeOptions(
            questions=(mistake.question,), reference_dir=reference, assignment=assignment.name),
            assignment, worker=worker))
    return report.questions[0]


def reference_folder(assignment: Assignment, given: Path) -> Path:
    """Return the lab's reference folder within `given` (the folder, or one holding a folder per
    lab), or fail saying where it looked."""
    found = reference_in(Path(given), assignment)
    if found is None:
        raise AssertionError(f"no reference solution of {assignment.name} in {given}: neither it "
                             f"nor {Path(given) / assignment.name} holds {assignment.module}.py")
    return found


def lost_criteria(assignment: Assignment, result: QuestionResult) -> list[str]:
    """The ids of the criteria a question did not earn (all of them when it was not judged)."""
    if not result.criteria:
        question = assignment.question(result.id)
        return [] if result.score == result.max_score else [c.id for c in question.criteria]
    return [c.id for c in result.criteria if not c.passed]


def said(result: QuestionResult, earned: bool = False) -> str:
    """Say a question's score and, for each criterion lost (or earned), its first failed check."""
    head = f"{result.id}: {result.score:g} / {result.max_score:g}"
    if not result.criteria:
        return f"{head} ({result.status}) {result.message}".rstrip()
    checks = {c.id: c for c in result.checks}
    lines = [head]
    for criterion in result.criteria:
        if criterion.passed != earned:
            continue
        failed = [checks[i] for i in criterion.checks if i in checks and checks[i].status != PASSED]
        reason = f": {failed[0].message}" if failed and not earned else ""
        lines.append(f"  criterion {criterion.id!r} ({criterion.points:g}) "
                     f"{'earned' if earned else 'lost'}{reason}")
    return "\n".join(lines)
