"""Autograder for the Keras multi-layer perceptron lab."""

from grader.safe_path import keep_callers_folder_off_the_path

keep_callers_folder_off_the_path()  # first: `python -m grader.cli` in a student's folder

from typing import Any  # noqa: E402 - after the guard above

from grader.version import __version__  # noqa: E402, F401 - grader.__version__


def load_ipython_extension(shell: Any) -> None:
    """`%load_ext grader`: register `%grade` (see grader.jupyter; imports no keras)."""
    from grader.jupyter import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: Any) -> None:
    """`%unload_ext grader`: stop the kernel's grading worker."""
    from grader.jupyter import unload_ipython_extension as unload

    unload(shell)
