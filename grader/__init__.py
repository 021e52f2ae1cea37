"""Autograder for the Keras multi-layer perceptron lab."""

from typing import Any

__version__ = "0.1.0"


def load_ipython_extension(shell: Any) -> None:
    """`%load_ext grader`: register `%grade` (see grader.jupyter; imports no keras)."""
    from grader.jupyter import load_ipython_extension as load

    load(shell)


def unload_ipython_extension(shell: Any) -> None:
    """`%unload_ext grader`: stop the kernel's grading worker."""
    from grader.jupyter import unload_ipython_extension as unload

    unload(shell)
