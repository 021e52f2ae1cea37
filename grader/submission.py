"""Find a submission's module and import it (a .py file, or a notebook's code cells)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SUFFIXES = (".py", ".ipynb")


class SubmissionNotFound(Exception):
    """No td_keras.py or td_keras.ipynb where the user said."""


def find_submission(path: Path, module: str) -> Path:
    """Return the submission file: the path itself, or `<module>.py|.ipynb` inside a folder."""
    if path.is_file():
        if path.suffix not in SUFFIXES:
            raise SubmissionNotFound(f"{path} is not a .py file or a notebook")
        return path
    if not path.is_dir():
        raise SubmissionNotFound(f"{path} does not exist")
    found = [path / f"{module}{s}" for s in SUFFIXES if (path / f"{module}{s}").is_file()]
    if found:  # both (the assignment ships both): the one last saved, the .py on a tie
        return max(found, key=lambda candidate: candidate.stat().st_mtime)
    raise SubmissionNotFound(
        f"no {module}.py or {module}.ipynb in {path} (give another one with --submission PATH)"
    )


def import_submission(file: Path, module_name: str, notebook_mode: str = "definitions"
                      ) -> ModuleType:
    """Import the student's module from its file under the contract's module name."""
    if file.suffix == ".ipynb":
        from grader.notebook import import_notebook

        return import_notebook(file, module_name, notebook_mode)
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {file.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
