"""Full execution of a notebook (instructors' mode): every code cell, in order, in this process.

The cells run in the sandboxed child like any student code, in an IPython `InteractiveShell` whose
namespace is the submission's module: magics (`%matplotlib`, `%%time`…) work as in Jupyter and
the grader can then call the module's functions. Shell commands never run: `!cmd`, `%pip`,
`%%bash` and the like print a line saying so instead.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import tempfile
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from grader.observe.notebook_plan import CompiledCell

SHELL_LINE_MAGICS = ("sx", "system", "pip", "conda", "mamba", "micromamba", "uv")
SHELL_CELL_MAGICS = ("bash", "sh", "script", "system", "sx", "perl", "ruby", "python2",
                     "python3", "pypy")


def _not_run(command: Any, *args: Any, **kwargs: Any) -> list[str]:
    """Stand in for a shell command: say it was not run, return no output."""
    first_line = str(command).strip().splitlines()[0] if str(command).strip() else ""
    print(f"[grader] shell command not run: {first_line[:200]}")
    return []


def make_shell(module: ModuleType) -> Any:
    """Create an IPython shell running in the module's namespace, with shell commands disabled."""
    os.environ.setdefault("IPYTHONDIR", tempfile.mkdtemp(prefix="ipython-"))
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config, user_module=module)
    shell.system = shell.system_raw = shell.system_piped = shell.getoutput = _not_run
    shell.enable_gui = lambda gui=None: None  # `%matplotlib inline` needs no GUI event loop
    for name in SHELL_LINE_MAGICS:
        shell.register_magic_function(lambda line, _name=name: _not_run(f"%{_name} {line}"),
                                      "line", name)
    for name in SHELL_CELL_MAGICS:
        shell.register_magic_function(
            lambda line, cell, _name=name: _not_run(f"%%{_name} {line}"), "cell", name)
    return shell


def run_cells(cells: Iterable[CompiledCell], module: ModuleType) -> None:
    """Run every cell in order, as Jupyter's "Run all": the first exception stops the import."""
    shell = make_shell(module)
    with shell.builtin_trap, shell.display_trap:
        for cell in cells:
            result = eval(cell.code, module.__dict__)  # noqa: S307 - the student's own cell
            if inspect.iscoroutine(result):  # a cell with a top-level await
                asyncio.run(result)
