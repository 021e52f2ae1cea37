"""Grade in Jupyter: `%load_ext grader` then `%grade q4`, or `grade("q4")` without magics.

What is graded is what the kernel has run: the code of its input history (`In`), cell by cell in
execution order, written as a notebook in a private temporary folder and graded by the same
sandboxed engine as the command line (only definitions run, `grader.notebook_defs`). The kernel's
own objects are never touched or pickled. Where there is no history (a plain Python process, a
front-end that does not keep it) the saved notebook is graded, and the report says so.

The first call starts a warm worker kept for the kernel's lifetime (stopped when the extension is
unloaded or the kernel exits; it also ends when its stdin closes with the kernel); later calls
reuse it. The report is shown inline as self-contained HTML (`grader.render.fragment`), with the
terminal text as the plain-text fallback.

Importing this module imports neither keras nor TensorFlow: that happens in the worker.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from grader.model import GradeReport

MAGIC = "grade"
NOTEBOOK_PRELOAD = ("IPython.core.inputtransformer2",)  # reads the history's `%magic` lines
TRIES = 2  # a worker that died (killed from outside) is started again once
DEFINED = re.compile(r"^\s*def\s+(\w+)\s*\(", re.MULTILINE)


class UsageError(ValueError):
    """`%grade` was given arguments it does not understand."""


class Graded:
    """A report shown inline: HTML in notebooks, the terminal text elsewhere."""

    def __init__(self, report: GradeReport, templates: Any = None) -> None:
        self.report = report
        self.templates = templates  # the session's Jinja2 environment (compiled once)

    def _repr_html_(self) -> str:
        """Return the report as an HTML fragment (scoped styles, no script)."""
        from grader.render.fragment import render_fragment

        return render_fragment(self.report, self.templates)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Print the terminal text (terminal IPython, text/plain)."""
        printer.text(self.text())

    def text(self) -> str:
        """Return the report as terminal text, without colours."""
        from grader.render.terminal import render_terminal

        return render_terminal(self.report).rstrip("\n")

    def __repr__(self) -> str:
        return self.text()


class GraderSession:
    """What one kernel keeps between calls: a private folder and the warm worker."""

    def __init__(self, shell: Any = None, worker: Any = None) -> None:
        self.shell = shell
        self.folder = Path(tempfile.mkdtemp(prefix="grade-jupyter-"))  # 0700: this user only
        self._worker: Any = worker  # a worker given here is shared: never stopped by the session
        self._owned = worker is None
        self._templates: Any = None
        self.assignment = ""  # named by `%grade --assignment NAME`, kept for the kernel's life
        atexit.register(self.close)

    def templates(self) -> Any:
        """Return the session's template environment (templates compile at the first report)."""
        from grader.render.templates import template_environment

        if self._templates is None:
            self._templates = template_environment()
        return self._templates

    def assignment_name(self) -> str:
        """Return the assignment of this kernel: named once with --assignment, else the one of
        the notebook in the kernel's folder, else the one whose functions the kernel defined."""
        from grader.registry import UnknownAssignment
        from grader.which_assignment import plugin_for_functions, plugin_for_submission

        if self.assignment:
            return self.assignment
        try:
            return plugin_for_submission(Path.cwd()).name
        except UnknownAssignment:
            inputs = history_inputs(self.shell) or []
            return plugin_for_functions(set(DEFINED.findall("\n".join(inputs)))).name

    def worker(self, restart: bool = False) -> Any:
        """Return the warm worker, starting it (for every question's modules) when needed."""
        from grader.api import preload_modules
        from grader.assignment import load_assignment
        from grader.runner import WarmWorker

        if self._worker is not None and (restart or not self._worker.alive):
            if self._owned:
                self._worker.close()
            self._worker, self._owned = None, True
        if self._worker is None:
            assignment = load_assignment(self.assignment_name())
            self._worker = WarmWorker(preload_modules(assignment, assignment.questions)
                                      + list(NOTEBOOK_PRELOAD))
        return self._worker

    def grade(self, questions: Sequence[str] = (), lang: str | None = None,
              timeout_scale: float = 1.0) -> Graded:
        """Grade the kernel's definitions (or the saved notebook) and return the shown report."""
        from grader.api import GradeOptions, grade
        from grader.assignment import load_assignment
        from grader.cli_options import default_lang
        from grader.messages import translate
        from grader.runner import RunOptions, WorkerError

        assignment = load_assignment(self.assignment_name())
        lang = lang or default_lang()
        ids = question_ids(questions, [q.id for q in assignment.questions])
        inputs = history_inputs(self.shell)
        cwd = Path.cwd()
        note = None
        if inputs is None:
            from grader.submission import find_submission

            submission = find_submission(cwd, assignment.module)
            note = translate(lang, "note.kernel_saved", name=submission.name)
        else:
            submission = write_submission(self.folder, inputs, cwd, assignment.module)
        options = GradeOptions(questions=ids, lang=lang,
                               run=RunOptions(timeout_scale=timeout_scale))
        for attempt in range(TRIES):
            try:
                report = grade(submission, options, assignment,
                               worker=self.worker(restart=attempt > 0))
                break
            except WorkerError:
                if attempt == TRIES - 1:
                    raise
        from grader.disclosure import student_view

        report = student_view(report, assignment)  # a student's kernel: the student's view
        if inputs is None:
            return Graded(replace(report, notes=(note, *report.notes)), self.templates())
        name = translate(lang, "jupyter.submission", last=len(inputs))
        return Graded(replace(report, submission=name), self.templates())

    def close(self) -> None:
        """Stop the worker and remove the private folder."""
        if self._worker is not None and self._owned:
            self._worker.close()
        self._worker = None
        shutil.rmtree(self.folder, ignore_errors=True)


def question_ids(texts: Sequence[str], known: list[str]) -> tuple[str, ...]:
    """Normalise question ids in the lab's order; raise UsageError naming a bad one."""
    from grader.assignment import normalize_question_id

    ids = set()
    for text in texts:
        try:
            question = normalize_question_id(str(text))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if question not in known:
            raise UsageError(f"no question {text!r} in this lab (questions are q1 … "
                             f"q{len(known)})")
        ids.add(question)
    return tuple(sorted(ids, key=known.index))


def history_inputs(shell: Any) -> list[str] | None:
    """Return the kernel's inputs by execution count (In[1], In[2]…), None without a history."""
    manager = getattr(shell, "history_manager", None)
    raw = list(getattr(manager, "input_hist_raw", None) or [])
    inputs = [str(text) for text in raw[1:]]  # In[0] is always empty
    return inputs if any(text.strip() for text in inputs) else None


def history_notebook(inputs: Sequence[str]) -> dict[str, Any]:
    """Return a v4 notebook whose cell N is In[N], marked as a kernel's history.

    Written as plain JSON: importing nbformat in the kernel can cost seconds.
    """
    cells = [{"cell_type": "code", "execution_count": number, "id": f"in-{number}",
              "metadata": {}, "outputs": [], "source": text}
             for number, text in enumerate(inputs, 1)]
    return {"cells": cells, "metadata": {"grader": {"source": "kernel"}}, "nbformat": 4,
            "nbformat_minor": 5}


def write_submission(folder: Path, inputs: Sequence[str], cwd: Path, module: str) -> Path:
    """Write the history as `<module>.ipynb` in a fresh subfolder beside copies of the cwd's files.

    The copies give the student's functions the other files of their folder (data, helpers), as
    the command line does: the same files, under the same size rules (`plan_copy`), taken as
    regular files (hard links where the filesystem allows), so that the sandbox's copy sees the
    student's own files, not links out of their folder. `<module>.py/.ipynb` are not taken.
    """
    from grader.observe.workspace import plan_copy

    target = Path(tempfile.mkdtemp(prefix="kernel-", dir=folder))
    for old in folder.iterdir():  # the previous call's submission
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    taken, _ = plan_copy(cwd / f"{module}.ipynb")
    for name, real in taken:
        if Path(name).parent == Path(".") and Path(name).stem == module:
            continue
        _take(Path(real), target / name)
    path = target / f"{module}.ipynb"
    path.write_text(json.dumps(history_notebook(inputs), indent=1), encoding="utf-8")
    return path


def _take(source: Path, copy: Path) -> None:
    """Give `copy` the bytes of `source`: a hard link on the same filesystem, else a copy."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, copy)
    except OSError:
        with contextlib.suppress(OSError):  # unreadable: the function needing it says so
            shutil.copyfile(source, copy)


def magic_parser() -> argparse.ArgumentParser:
    """Build the parser of `%grade [QUESTION ...] [--lang en|fr] [--timeout-scale X]
    [--assignment NAME]`."""
    from grader.messages import LANGUAGES

    parser = _Parser(prog="%grade", add_help=False,
                     description="Grade what this kernel has run: %grade q4 (all when no id).")
    parser.add_argument("questions", nargs="*", metavar="QUESTION")
    parser.add_argument("--lang", choices=LANGUAGES, default=None)
    parser.add_argument("--timeout-scale", type=float, default=1.0)
    parser.add_argument("--assignment", default="", metavar="NAME")
    return parser


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting the kernel."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}\n{self.format_usage()}")


def session(shell: Any) -> GraderSession:
    """Return the kernel's session, creating it on first use (kept by the registered magics)."""
    magics = _magics(shell)
    return magics.session


def _magics(shell: Any) -> Any:
    """Return the kernel's registered grader magics, registering them when needed."""
    registry = shell.magics_manager.registry
    if "GraderMagics" not in registry:
        load_ipython_extension(shell)
    return registry["GraderMagics"]


def grade(*questions: str, lang: str | None = None, timeout_scale: float = 1.0) -> Graded:
    """Grade what this kernel has run (or the saved notebook outside IPython); show it inline."""
    shell = _shell()
    if timeout_scale <= 0:
        raise UsageError("timeout_scale must be > 0")
    if shell is not None:
        return session(shell).grade(questions, lang, timeout_scale)
    alone = GraderSession(None)  # plain Python: no kernel to keep a worker for
    try:
        return alone.grade(questions, lang, timeout_scale)
    finally:
        alone.close()


def _shell() -> Any:
    """Return the running IPython shell, or None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def load_ipython_extension(shell: Any) -> None:
    """Register `%grade` (what `%load_ext grader` calls); no worker starts yet."""
    from IPython.core.magic import Magics, line_magic, magics_class

    @magics_class
    class GraderMagics(Magics):
        """The `%grade` line magic, holding this kernel's grading session."""

        def __init__(self, shell: Any) -> None:
            super().__init__(shell)
            self.session = GraderSession(shell)

        @line_magic(MAGIC)
        def grade(self, line: str) -> Graded | None:
            """%grade [QUESTION ...] [--lang en|fr] [--timeout-scale X]: grade this kernel."""
            from IPython.core.error import UsageError as MagicUsageError

            from grader.contract import ContractError
            from grader.registry import UnknownAssignment, find_plugin
            from grader.runner import WorkerError
            from grader.submission import SubmissionNotFound

            try:
                args = magic_parser().parse_args(line.split())
                if args.timeout_scale <= 0:
                    raise UsageError("%grade: --timeout-scale must be > 0")
                if args.assignment:
                    self.session.assignment = find_plugin(args.assignment).name
                return self.session.grade(args.questions, args.lang, args.timeout_scale)
            except (UsageError, SubmissionNotFound, UnknownAssignment, ContractError) as exc:
                raise MagicUsageError(str(exc)) from None
            except WorkerError as exc:  # shown in one line, without a traceback
                raise MagicUsageError(f"%grade: the grader could not run ({exc}). This is not "
                                      "your fault.") from None

    if "GraderMagics" not in shell.magics_manager.registry:
        shell.register_magics(GraderMagics)


def unload_ipython_extension(shell: Any) -> None:
    """Stop the worker (what `%unload_ext grader` calls)."""
    magics = shell.magics_manager.registry.pop("GraderMagics", None)
    if magics is not None:
        magics.session.close()
        shell.magics_manager.magics["line"].pop(MAGIC, None)
