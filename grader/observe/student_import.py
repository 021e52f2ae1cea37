"""Import the student's submission in the executor: a .py file, or a notebook's planned cells."""

from __future__ import annotations

import importlib.abc
import importlib.util
import linecache
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.observe.failures import failure_from_exception
from grader.observe.notebook_plan import (
    DEFINITIONS,
    FULL,
    BrokenCell,
    CompiledCell,
    NotebookPlan,
    plan_notebook,
)
from grader.observe.notebook_shell import run_cells


class NotebookLoader(importlib.abc.Loader):
    """Run a planned notebook's cells in a module's namespace, in order; record broken cells."""

    def __init__(self, plan: NotebookPlan, folder: Path) -> None:
        self.plan = plan
        self.folder = folder  # the notebook's folder: frames elsewhere are not the student's
        self.failed: list[BrokenCell] = []  # cells that raised while defining (this import's)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        """Use the default module object."""
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Execute the kept cells; a full run goes through an IPython shell for the magics."""
        for cell in self.plan.cells:
            lines = cell.source.splitlines(keepends=True)
            linecache.cache[cell.filename] = (len(cell.source), None, lines, cell.filename)
        if self.plan.mode == FULL:
            run_cells(self.plan.cells, module)
            return
        for cell in self.plan.cells:
            self._run_cell(cell, module.__dict__)

    def _run_cell(self, cell: CompiledCell, namespace: dict[str, Any]) -> None:
        """Run one cell; if it raises, the definitions it did not make are lost, nothing else."""
        missing = object()
        before = {name: namespace.get(name, missing) for name in cell.defines}
        try:
            exec(cell.code, namespace)
        except Exception as exc:  # noqa: BLE001 - the student's cell: costs only its definitions
            lost = tuple(n for n in cell.defines if namespace.get(n, missing) is before[n])
            failure = failure_from_exception(exc, "cell", cell.filename.strip("<>"), self.folder)
            self.failed.append(BrokenCell(cell.number, lost, failure))


def import_notebook(file: Path, module_name: str, mode: str = DEFINITIONS) -> ModuleType:
    """Import the notebook's code cells as the module `module_name`."""
    loader = NotebookLoader(plan_notebook(file, mode), file.parent)
    spec = importlib.util.spec_from_loader(module_name, loader, origin=str(file))
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(file)
    sys.modules[module_name] = module
    loader.exec_module(module)
    return module


def notebook_summary(module: ModuleType) -> dict[str, Any] | None:
    """Return what the import of a notebook skipped, None for a .py module."""
    loader = getattr(getattr(module, "__spec__", None), "loader", None)
    if not isinstance(loader, NotebookLoader):
        return None
    return loader.plan.summary(tuple(loader.failed))


def import_submission(file: Path, module_name: str, notebook_mode: str = DEFINITIONS
                      ) -> ModuleType:
    """Import the student's module from its file under the contract's module name."""
    if file.suffix == ".ipynb":
        return import_notebook(file, module_name, notebook_mode)
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {file.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
