"""`grade bulk INPUT --out DIR`: parse arguments, grade the class, show progress and a summary.

Exit codes: 0 every student was graded (whatever the grades), 1 some student was not graded
(no submission, or rejected: too large, unreadable), 2 usage error (bad input, bad manual points
file, bad options), 3 the grader failed on some submission (run again to retry those),
130 interrupted (run again to continue where it stopped).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from grader.api import InstructorModeError
from grader.assignment import Assignment, load_assignment
from grader.bulk.api import (
    CACHED,
    FAILED_TO_GRADE,
    GRADED,
    NO_SUBMISSION,
    REJECTED,
    BulkInterrupted,
    BulkOutcome,
    BulkRequest,
    grade_class,
)
from grader.bulk.archives import MB, Limits
from grader.bulk.inputs import InputError
from grader.bulk.lab_choice import choose_lab
from grader.bulk.manual import ManualError, load_manual
from grader.bulk.progress import Progress, format_duration
from grader.bulk.results import NOTHING_GRADED, StudentResult
from grader.bulk.summary import mean
from grader.cli_options import (
    add_grading_options,
    chosen_assignment,
    grading_options,
    question_ids,
)
from grader.contract import ContractError
from grader.registry import UnknownAssignment
from grader.scoring import EXIT_ALL_PASSED, EXIT_GRADER_ERROR, EXIT_USAGE
from grader.similarity.model import DEFAULT_THRESHOLD, Settings

EXIT_NOT_ALL_GRADED = 1
EXIT_INTERRUPTED = 130


def bulk_parser() -> argparse.ArgumentParser:
    """Build the parser of `grade bulk`."""
    parser = argparse.ArgumentParser(
        prog="grade bulk",
        description="Grade a whole class: INPUT is a folder with one sub-folder or file per "
                    "student, a Moodle 'download all submissions' zip, or a folder of cloned "
                    "repositories. Re-running grades only what changed.",
        epilog="Exit codes: 0 all graded, 1 some student not graded (no submission, rejected), "
               "2 usage error, 3 grader error on some submission (run again to retry), "
               "130 interrupted (run again to continue).",
    )
    parser.add_argument("input", type=Path, metavar="INPUT")
    parser.add_argument("--out", "-o", type=Path, required=True, metavar="DIR",
                        help="output folder (reports, summary, gradebook, cache)")
    parser.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                        help="warm workers grading at once (default: cores, %(default)s)")
    parser.add_argument("--reveal", action="store_true",
                        help="students' reports show everything: the hidden sets' arguments and "
                             "values, the reference's layers (e.g. after the deadline); by "
                             "default they show what a student may see")
    parser.add_argument("--scheduler", metavar="ADDRESS", default="",
                        help="grade on this Dask scheduler (tcp://host:8786) instead of locally")
    parser.add_argument("--questions", "-q", default="",
                        help="comma-separated questions to grade, e.g. q1,q3 (default: all)")
    parser.add_argument("--manual", type=Path, metavar="FILE",
                        help="manual points, CSV or YAML: student, question, points, comment")
    add_grading_options(parser, 1, "questions graded at once by each worker (default: %(default)s)")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="where graded reports are cached (default: DIR/.cache)")
    parser.add_argument("--feedback-base", default="", metavar="URL",
                        help="URL where DIR is published, for the gradebook's feedback links")
    parser.add_argument("--max-student-mb", type=float, default=Limits.student_bytes / MB,
                        metavar="MB", help="most one student's zips may unpack to, nested zips "
                        "included (default: %(default)g); past it: rejected")
    parser.add_argument("--max-class-mb", type=float, default=Limits.class_bytes / MB,
                        metavar="MB", help="most the whole class may unpack to "
                        "(default: %(default)g)")
    add_similarity_options(parser)
    return parser


def add_similarity_options(parser: argparse.ArgumentParser) -> None:
    """Add the similarity report's options."""
    parser.add_argument("--similarity-threshold", type=float, default=DEFAULT_THRESHOLD,
                        metavar="SCORE", help="flag pairs of students whose similarity score "
                        "(0–1) reaches this (default: %(default)g; see docs/bulk.md)")
    parser.add_argument("--given", type=Path, action="append", default=[], metavar="FILE",
                        help="a file handed out to the students besides the lab's starter and "
                             "dataset_utils (repeatable): its code counts as nobody's own work")
    parser.add_argument("--no-similarity", action="store_true",
                        help="do not write the similarity report (similarity.html/.csv)")


def similarity_settings(parser: argparse.ArgumentParser, args: argparse.Namespace
                        ) -> Settings | None:
    """Return the similarity settings, None without report; a usage error for bad values."""
    if not 0 < args.similarity_threshold <= 1:
        parser.error("--similarity-threshold must be in (0, 1]")
    for path in args.given:
        if not path.is_file() or path.suffix not in (".py", ".ipynb"):
            parser.error(f"--given {path}: expected a .py or .ipynb file")
    return None if args.no_similarity else Settings(threshold=args.similarity_threshold)


def summary_line(outcome: BulkOutcome) -> str:
    """Return the final one-line summary."""
    grades = [r.grade for r in outcome.results if r.state not in NOTHING_GRADED]
    parts = [f"{len(outcome.results)} students", f"{outcome.count(GRADED)} graded",
             f"{outcome.count(CACHED)} from cache", f"{outcome.count(NO_SUBMISSION)} without "
             "submission", f"{outcome.count(REJECTED)} rejected",
             f"{outcome.count(FAILED_TO_GRADE)} grader errors"]
    where = outcome.files.get("summary", "")
    return (f"bulk: {', '.join(parts)} — mean {mean(grades):.2f}/20 — "
            f"{format_duration(outcome.duration)} — {where}")


def run_bulk(argv: list[str]) -> int:
    """Grade a class and print a summary line."""
    parser = bulk_parser()
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be ≥ 1")
    if args.scheduler and importlib.util.find_spec("distributed") is None:
        parser.error("--scheduler grades on a Dask cluster, which needs Dask's `distributed`: "
                     "pip install 'td-keras-grader[cluster]'")
    if args.max_student_mb <= 0 or args.max_class_mb <= 0:
        parser.error("--max-student-mb and --max-class-mb must be > 0")
    limits = Limits(student_bytes=int(args.max_student_mb * MB),
                    class_bytes=int(args.max_class_mb * MB))
    assignment = class_assignment(parser, args, limits)
    ids = question_ids(parser, [q for q in args.questions.split(",") if q.strip()], assignment)
    options = grading_options(parser, args, ids, assignment, instructor=True)
    try:
        manual = load_manual(args.manual) if args.manual else ()
    except ManualError as exc:
        parser.error(str(exc))
    request = BulkRequest(args.input, args.out, options, args.workers, args.scheduler, manual,
                          args.cache, args.feedback_base, limits,
                          similarity_settings(parser, args), tuple(args.given), args.reveal)
    progress: list[Progress] = []

    def started(total: int) -> None:
        progress.append(Progress(total, sys.stderr, sys.stderr.isatty()))
        progress[0].start()

    def finished(result: StudentResult, graded: bool) -> None:
        progress[0].advance(f"{result.student.key}: {result.grade:.2f}/20 ({result.state})",
                            graded)

    try:
        outcome = grade_class(request, assignment, finished, started)
    except (InputError, InstructorModeError) as exc:
        for bar in progress:  # stop the redraws before the message
            bar.close()
        print(f"grade bulk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BulkInterrupted as stop:
        for bar in progress:
            bar.close()
        print(summary_line(stop.outcome), file=sys.stdout)
        print("grade bulk: interrupted — run the same command again to grade the rest",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:  # before grading started: nothing to keep
        for bar in progress:  # stop the redraws before the message
            bar.close()
        print("grade bulk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OSError, ContractError) as exc:  # no Dask scheduler; a lab's observers broken
        for bar in progress:  # stop the redraws before the message
            bar.close()
        print(f"grade bulk: {exc}", file=sys.stderr)
        return EXIT_GRADER_ERROR
    for bar in progress:
        bar.close()
    for name in outcome.unmatched_manual:
        print(f"grade bulk: manual points for unknown student {name!r} not applied",
              file=sys.stderr)
    if outcome.similarity_error:
        print(f"grade bulk: the similarity report could not be written: "
              f"{outcome.similarity_error}", file=sys.stderr)
    print(summary_line(outcome))
    return bulk_exit_code(outcome)


def class_assignment(parser: argparse.ArgumentParser, args: argparse.Namespace, limits: Limits
                     ) -> Assignment:
    """Return the lab named by --assignment, or the one a clear majority of the students
    submitted (one vote each); a usage error naming the counts otherwise."""
    if args.assignment:
        return chosen_assignment(parser, args.assignment, args.input)
    try:
        return load_assignment(choose_lab(args.input, (args.out,), limits))
    except (UnknownAssignment, InputError) as exc:
        parser.error(str(exc))
    except ContractError as exc:
        parser.exit(EXIT_GRADER_ERROR, f"{parser.prog}: {exc}\n")


def bulk_exit_code(outcome: BulkOutcome) -> int:
    """Return the run's exit code: 3 a grader error, 1 a student not graded, 0 all graded."""
    if outcome.count(FAILED_TO_GRADE):
        return EXIT_GRADER_ERROR
    if outcome.count(NO_SUBMISSION) or outcome.count(REJECTED):
        return EXIT_NOT_ALL_GRADED
    return EXIT_ALL_PASSED
