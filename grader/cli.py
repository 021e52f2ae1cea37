"""The `grade` command: parse arguments, call the library, render, exit with the policy's code."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from grader.api import InstructorModeError, grade, regenerate_expected
from grader.cli_options import (
    add_grading_options,
    chosen_assignment,
    find_assignment,
    given_reference,
    grading_options,
    question_ids,
)
from grader.contract import ContractError
from grader.disclosure import student_question, student_view
from grader.localize import said_question, said_report
from grader.model import GradeReport, QuestionResult
from grader.observe.host import NO_FORK_MESSAGE, host
from grader.reference import default_reference_dir, missing_reference
from grader.registry import UnknownAssignment
from grader.render.github import inert, render_annotations, render_job_summary
from grader.render.gradescope import render_gradescope, render_gradescope_failure
from grader.render.html import render_html
from grader.render.json_report import render_json, write_atomically
from grader.render.junit import render_junit
from grader.render.terminal import (
    render_head,
    render_lines,
    render_notes,
    render_question,
    render_summary,
    render_terminal,
)
from grader.runner import RunOptions, WorkerError
from grader.scoring import EXIT_GRADER_ERROR, EXIT_USAGE, exit_code
from grader.submission import SubmissionNotFound, find_submission
from grader.text import clean_text

EXIT_INTERRUPTED = 130


def known_assignments() -> str:
    """Name every registered assignment with its submission's file, for the help text."""
    from grader.assignment import load_assignment
    from grader.registry import registered

    return ", ".join(f"{load_assignment(p).module}.py or .ipynb → {name}"
                     for name, p in sorted(registered().items()))


def grade_parser() -> argparse.ArgumentParser:
    """Build the parser of `grade [QUESTION ...]`."""
    parser = argparse.ArgumentParser(
        prog="grade",
        description="Grade a lab: `grade q4` checks question 4 of the submission in this folder "
                    "(the file's name says which assignment it is: "
                    f"{known_assignments()}).",
        epilog="Other commands: `grade init` (make your working folder), `grade render` (a JSON "
               "report again, in another language or format), `grade bulk` and "
               "`grade regenerate-expected` (instructors), `grade make-notebook` (authors). "
               "Exit codes: 0 all passed, 1 some failed, 2 usage error, 3 grader error.",
    )
    parser.add_argument("questions", nargs="*", metavar="QUESTION",
                        help="question ids such as q4 (default: all)")
    parser.add_argument("--submission", "-s", type=Path, default=Path("."),
                        help="folder or .py/.ipynb file to grade (default: this folder)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the JSON report here")
    parser.add_argument("--html", type=Path, metavar="PATH", help="write the HTML report here")
    parser.add_argument("--junit", type=Path, metavar="PATH", help="write JUnit XML here")
    parser.add_argument("--gradescope", type=Path, metavar="PATH",
                        help="write Gradescope's results.json here (even when grading fails)")
    add_grading_options(parser, RunOptions().parallel,
                        "questions graded at once (default: %(default)s)", ("--parallel", "-j"))
    parser.add_argument("--no-color", action="store_true", help="plain output")
    parser.add_argument("--instructor", action="store_true",
                        help="also call every function with the hidden argument sets kept beside "
                             "the reference (instructors; needs the sandbox)")
    return parser


def run_grade(argv: list[str]) -> int:
    """Grade one submission and print its report."""
    parser = grade_parser()
    args = parser.parse_args(argv)
    try:
        assignment = find_assignment(args.assignment, args.submission)
    except UnknownAssignment as exc:
        write_failure(args, str(exc), grader_fault=False)
        print(f"grade: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContractError as exc:  # the lab's package, not the student, is at fault
        write_failure(args, str(exc))
        print(f"grade: {exc}", file=sys.stderr)
        return EXIT_GRADER_ERROR
    options = grading_options(parser, args, question_ids(parser, args.questions, assignment),
                              assignment, args.instructor)
    colour = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    guard = secrets.token_hex(16) if os.environ.get("GITHUB_ACTIONS") == "true" else ""
    streamed: list[str] = []

    def show(result: QuestionResult) -> None:
        """Print a question's lines as soon as it is judged (the first: the header too)."""
        lines = [] if streamed else [render_head(assignment.name, str(submission))]
        if not args.instructor:
            result = student_question(result, assignment)
        lines += render_question(said_question(result, options.lang, assignment.name),
                                 options.lang, colour)
        streamed.append(result.id)
        text = render_lines(lines)
        sys.stdout.write(inert(text, guard) if guard else text)
        sys.stdout.flush()

    try:
        submission = clean_text(str(find_submission(args.submission, assignment.module)),
                                newlines=False)
        print(f"grade: grading {Path(submission).name} — starting the grader (importing keras "
              "takes a few seconds the first time)…", file=sys.stderr, flush=True)
        report = grade(args.submission, options, assignment, on_result=show)
    except (SubmissionNotFound, InstructorModeError) as exc:
        write_failure(args, str(exc), grader_fault=False)
        print(f"grade: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the worker was killed on the way out
        print("grade: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except WorkerError as exc:
        write_failure(args, str(exc))
        print(f"grade: the grader could not run ({exc}). This is not your fault.", file=sys.stderr)
        return EXIT_GRADER_ERROR
    except ContractError as exc:  # found by the warm worker, in the lab's observers
        write_failure(args, str(exc))
        print(f"grade: {exc}", file=sys.stderr)
        return EXIT_GRADER_ERROR
    except Exception as exc:
        write_failure(args, f"{type(exc).__name__}: {exc}")
        raise
    if not args.instructor:  # a student's own run: what the question asks them to find stays
        report = student_view(report, assignment)
    write_reports(report, args)
    if streamed:  # the questions are on the screen: then what concerns them all, and the total
        clean = said_report(report)
        text = render_lines([*render_notes(clean, colour), render_summary(clean)])
    else:
        text = render_terminal(report, colour=colour)
    if guard:  # a student's "::error::" stays text
        text = inert(text, guard)
    sys.stdout.write(text)
    return exit_code(report.questions)


def write_reports(report: GradeReport, args: argparse.Namespace) -> None:
    """Write every report asked for, all rendered from the same report; annotate on GitHub."""
    for path, render in ((args.json, render_json), (args.html, render_html),
                         (args.junit, render_junit), (args.gradescope, render_gradescope)):
        if path:
            write_atomically(path, render(report))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        sys.stdout.write(render_annotations(report, os.environ.get("GITHUB_WORKSPACE", "")))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as out:
                out.write(render_job_summary(report))


def write_failure(args: argparse.Namespace, reason: str, grader_fault: bool = True) -> None:
    """Write Gradescope's results.json with score 0 when grading could not happen."""
    if args.gradescope:
        write_atomically(args.gradescope,
                         render_gradescope_failure(reason.rstrip("."), args.lang, grader_fault))


def run_regenerate(argv: list[str]) -> int:
    """Observe the reference and rewrite the committed expected observations."""
    parser = argparse.ArgumentParser(prog="grade regenerate-expected",
                                     description="Rewrite expected_observations.json from the "
                                                 "reference solution (instructors).")
    parser.add_argument("--reference", type=Path, metavar="DIR",
                        help="the reference solution's folder (default: "
                             "$TD_KERAS_GRADER_REFERENCE, else the checkout's reference/)")
    parser.add_argument("--assignment", metavar="NAME", default="",
                        help="the assignment (default: the one whose submission is in this folder)")
    args = parser.parse_args(argv)
    assignment = chosen_assignment(parser, args.assignment, Path.cwd())
    reference = given_reference(parser, args.reference, assignment)
    if reference is None and default_reference_dir(assignment) is None:
        print(f"grade regenerate-expected: {missing_reference(assignment)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        path = regenerate_expected(assignment, reference_dir=reference)
    except (FileNotFoundError, RuntimeError, ContractError) as exc:
        print(f"grade regenerate-expected: {exc}", file=sys.stderr)
        return EXIT_GRADER_ERROR
    print(f"wrote {path}")
    return 0


def run_render(argv: list[str]) -> int:
    """`grade render REPORT.json`: say a JSON report again, in another language or format,
    without grading again (its sentences are kept beside its text)."""
    from grader.messages import LANGUAGES
    from grader.render.json_report import load_report

    parser = argparse.ArgumentParser(
        prog="grade render", description="Render a JSON report written by `grade --json` or "
        "`grade bulk` again, in another language or format, without grading again. "
        "Exit codes as `grade`: 0 all passed, 1 some failed, 2 usage error, 3 grader error.")
    parser.add_argument("report", type=Path, metavar="REPORT.json")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the language to say it in (default: the report's own)")
    for option, what in (("--json", "the JSON report"), ("--html", "the HTML report"),
                         ("--junit", "JUnit XML"), ("--gradescope", "Gradescope's results.json")):
        parser.add_argument(option, type=Path, metavar="PATH", help=f"write {what} here")
    parser.add_argument("--no-color", action="store_true", help="plain output")
    args = parser.parse_args(argv)
    try:
        report = load_report(args.report, sentences=True)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        print(f"grade render: cannot read {args.report} as a grade report ({exc})",
              file=sys.stderr)
        return EXIT_USAGE
    if args.lang:
        report = replace(report, lang=args.lang)
    write_reports(report, args)
    colour = sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    sys.stdout.write(render_terminal(report, colour=colour))
    return exit_code(report.questions)


def run_init(argv: list[str]) -> int:
    """`grade init [LAB [DIR]]`: list the labs, or make a student's working folder."""
    from grader.assignment import load_assignment
    from grader.init_folder import FolderNotEmpty, init_folder
    from grader.make_notebook import assignment_title
    from grader.registry import find_plugin, registered

    parser = argparse.ArgumentParser(
        prog="grade init", description="Make your working folder for a lab: the starter .py "
        "and notebook, dataset_utils.py, the data and a pytest.ini. `grade init` lists the labs.")
    parser.add_argument("lab", nargs="?", metavar="LAB", help="the lab, e.g. td_keras_mlp")
    parser.add_argument("folder", nargs="?", type=Path, metavar="DIR",
                        help="where to make it (default: ./LAB)")
    args = parser.parse_args(argv)
    if args.lab is None:
        print("Labs you can start (grade init LAB [DIR]):")
        for name, plugin in sorted(registered().items()):
            assignment = load_assignment(plugin)
            print(f"  {name:<16} {assignment_title(assignment)} ({assignment.module}.py / .ipynb)")
        return 0
    try:
        assignment = load_assignment(find_plugin(args.lab))
    except (UnknownAssignment, ContractError) as exc:
        parser.error(str(exc))
    target = args.folder or Path(args.lab)
    target.mkdir(parents=True, exist_ok=True)
    try:
        names = init_folder(assignment, target)
    except FolderNotEmpty as exc:
        print(f"grade init: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Made {target}/ for {args.lab}: {', '.join(n for n in names if '/' not in n)} and "
          f"{sum('/' in n for n in names)} data file(s).")
    print(f"Next: cd {target} && grade q1   (or open {assignment.module}.ipynb in Jupyter)")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """Turn SIGTERM into KeyboardInterrupt, so that workers are killed and outputs written."""
    raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def terminated_like_ctrl_c() -> Iterator[None]:
    """Handle SIGTERM as Ctrl-C while the command runs (in the main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `grade` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "init":
        return run_init(argv[1:])
    if argv and argv[0] == "render":
        return run_render(argv[1:])
    if argv and argv[0] == "make-notebook":
        from grader.make_notebook import main as make_notebook

        return make_notebook(argv[1:])
    if not host().can_fork:
        print(f"grade: {NO_FORK_MESSAGE}.", file=sys.stderr)
        return 2
    with terminated_like_ctrl_c():
        if argv and argv[0] == "regenerate-expected":
            return run_regenerate(argv[1:])
        if argv and argv[0] == "bulk":
            from grader.bulk.cli import run_bulk

            return run_bulk(argv[1:])
        return run_grade(argv)


__all__ = ["main", "render_question", "render_summary"]

if __name__ == "__main__":
    raise SystemExit(main())
