"""Command-line options shared by `grade` and `grade bulk`: language, sandbox, reference."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from grader.api import GradeOptions
from grader.argsets import HIDDEN_FILE, load_hidden_sets
from grader.assignment import Assignment, load_assignment, normalize_question_id
from grader.contract import ContractError
from grader.messages import LANGUAGES
from grader.observe.limits import sandbox_available
from grader.reference import (
    REFERENCE_ENV,
    default_reference_dir,
    missing_reference,
    reference_in,
)
from grader.registry import UnknownAssignment, find_plugin
from grader.runner import RunOptions
from grader.scoring import EXIT_GRADER_ERROR
from grader.which_assignment import plugin_for_submission

UNSAFE_MESSAGE = (
    "this machine cannot sandbox student code (it needs root, or a container that allows "
    "mount and PID namespaces): each student's code could read and change other students' "
    "grades. Grade as root or in such a container, or pass --unsafe to grade anyway.")


def default_lang() -> str:
    """Pick French when the locale is French, English otherwise."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def add_grading_options(parser: argparse.ArgumentParser, parallel: int, parallel_help: str,
                        parallel_flags: tuple[str, ...] = ("--parallel",)) -> None:
    """Add --lang, the sandbox's budgets, the reference and the notebook mode."""
    parser.add_argument("--assignment", metavar="NAME", default="",
                        help="the assignment to grade (default: found from the submission's "
                             "file name)")
    parser.add_argument("--lang", choices=LANGUAGES, default=default_lang(),
                        help="language of the messages and reports (default: from the locale)")
    parser.add_argument(*parallel_flags, dest="parallel", type=int, default=parallel,
                        help=parallel_help)
    parser.add_argument("--timeout-scale", type=float, default=1.0,
                        help="multiply every question's time limit (slow machines)")
    parser.add_argument("--memory-mb", type=int, default=RunOptions().memory_mb,
                        help="memory budget per question in MB (default: %(default)s)")
    parser.add_argument("--max-processes", type=int, default=RunOptions().max_processes,
                        help="processes a question's code may have alive at once "
                             "(default: %(default)s)")
    parser.add_argument("--reference", type=Path, metavar="DIR",
                        help="the reference solution's folder (instructors; default: "
                             "$TD_KERAS_GRADER_REFERENCE, else the checkout's reference/)")
    parser.add_argument("--no-reference", action="store_true",
                        help="use only the committed expected observations")
    parser.add_argument("--unsafe", action="store_true",
                        help="instructor grading on a machine that cannot sandbox student code "
                             "(students could then read and change each other's grades)")
    parser.add_argument("--notebook-mode", choices=("definitions", "full"), default="definitions",
                        help="for a .ipynb: run only imports, definitions and constants "
                             "(default), or every code cell in order (instructors)")


def find_assignment(name: str, where: Path) -> Assignment:
    """Return the assignment named, or the one the submission belongs to (a class's lab is
    chosen by grader.bulk.lab_choice)."""
    if name:
        return load_assignment(find_plugin(name))
    return load_assignment(plugin_for_submission(where))


def chosen_assignment(parser: argparse.ArgumentParser, name: str, where: Path) -> Assignment:
    """Return the assignment as find_assignment does, or exit saying why: a usage error, or a
    grader error (3) for a lab that breaks the contract."""
    try:
        return find_assignment(name, where)
    except UnknownAssignment as exc:
        parser.error(str(exc))
    except ContractError as exc:
        parser.exit(EXIT_GRADER_ERROR, f"{parser.prog}: {exc}\n")


def grading_options(parser: argparse.ArgumentParser, args: argparse.Namespace,
                    questions: tuple[str, ...], assignment: Assignment,
                    instructor: bool = False) -> GradeOptions:
    """Check the shared options (usage error otherwise) and build the grading options.

    Instructor grading (hidden argument sets, a class) refuses to run where student code cannot
    be sandboxed, unless --unsafe says the instructor accepts it.
    """
    if (args.parallel < 1 or args.timeout_scale <= 0 or args.memory_mb < 256
            or args.max_processes < 2):
        parser.error("--parallel must be ≥ 1, --timeout-scale > 0, --memory-mb ≥ 256 and "
                     "--max-processes ≥ 2")
    if instructor and not args.unsafe and not sandbox_available():
        parser.error(UNSAFE_MESSAGE)
    reference = given_reference(parser, args.reference, assignment)
    if reference is None and not args.no_reference:
        reference = default_reference_dir(assignment)
    if instructor and reference is None:
        parser.error(f"instructor grading needs the reference: {missing_reference(assignment)}")
    if instructor and not load_hidden_sets(reference):
        parser.error(f"instructor grading calls every function with hidden argument sets, kept "
                     f"beside the reference solution ({HIDDEN_FILE}); there is none in "
                     f"{reference}: give the instructor's folder with --reference DIR (or set "
                     f"{REFERENCE_ENV}=DIR)")
    run = RunOptions(parallel=args.parallel, memory_mb=args.memory_mb,
                     max_processes=args.max_processes,
                     timeout_scale=args.timeout_scale, notebook_mode=args.notebook_mode)
    return GradeOptions(questions=questions, lang=args.lang, run=run, assignment=assignment.name,
                        reference_dir=reference if args.reference else None,
                        use_reference=not args.no_reference,
                        instructor=instructor, unsafe=args.unsafe)


def given_reference(parser: argparse.ArgumentParser, folder: Path | None,
                    assignment: Assignment) -> Path | None:
    """Return the lab's reference within --reference DIR (None when not given), or exit with a
    usage error saying what DIR lacks."""
    if folder is None:
        return None
    found = reference_in(folder, assignment)
    if found is None:
        parser.error(f"--reference {folder}: neither it nor {folder / assignment.name} holds "
                     f"{assignment.module}.py, the reference solution of {assignment.name}")
    return found


def question_ids(parser: argparse.ArgumentParser, texts: list[str], assignment: Assignment
                 ) -> tuple[str, ...]:
    """Normalise question ids in the lab's order, or exit with a usage error naming the bad one."""
    known = [q.id for q in assignment.questions]
    ids = []
    for text in texts:
        try:
            question = normalize_question_id(text)
        except ValueError as exc:
            parser.error(str(exc))
        if question not in known:
            parser.error(f"no question {text!r} in this lab (questions are q1 … q{len(known)})")
        ids.append(question)
    return tuple(sorted(set(ids), key=known.index))
