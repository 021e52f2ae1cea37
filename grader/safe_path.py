"""Keep the caller's folder off the module path of `python -m grader.cli` (issue 19).

`python -m` puts the current folder first on sys.path: started inside a student's repository,
the grader would import the student's json.py or secrets.py as its own, unsandboxed. The
console script `grade` and `python -P -m grader.cli` never do. For `python -m grader…` this
module, imported first by the grader package, takes the folder off sys.path before anything else
is imported; what Python itself imported from there before (its `runpy`) is refused. Imports
only modules Python has loaded before it runs a -m target.
"""

import importlib.machinery
import os
import sys

RUNPY = ("runpy", *(f"runpy{suffix}" for suffix in importlib.machinery.all_suffixes()))
REFUSAL = ("grade: Python imported {names} from the current folder {folder} before the grader "
           "started (`python -m` reads modules there first): run the `grade` command, or "
           "`python -P -m grader.cli`, or start from another folder.\n")


def started_as_grader_module() -> bool:
    """Whether this Python is starting `python -m grader…` (the grader is its -m target)."""
    if sys.argv[:1] != ["-m"]:  # runpy sets it while it imports the -m target's packages
        return False
    argv = list(getattr(sys, "orig_argv", ()))
    for index, arg in enumerate(argv[1:], start=1):
        target = argv[index + 1] if arg == "-m" and index + 1 < len(argv) else (
            arg[2:] if arg.startswith("-m") else "")
        if target:
            return target == "grader" or target.startswith("grader.")
    return False


def imported_from(folder: str) -> list[str]:
    """Return the modules Python may already have read from `folder`: those imported from its
    files (but the grader), and `runpy`, which `-m` imports once the folder is on the path (a
    module may hand over the real one and leave no trace in sys.modules)."""
    found = set()
    for name, module in list(sys.modules.items()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if "." in name or name == "grader" or not isinstance(origin, str):
            continue
        if os.path.dirname(origin) == folder or origin.startswith(
                os.path.join(folder, name) + os.sep):
            found.add(f"{name}.py")
    if any(os.path.exists(os.path.join(folder, name)) for name in RUNPY):
        found.add("runpy.py")
    return sorted(found)


def keep_callers_folder_off_the_path() -> None:
    """For `python -m grader…` without -P: take the current folder off sys.path, or refuse."""
    if sys.flags.safe_path or not started_as_grader_module() or not sys.path:
        return
    try:
        folder = os.getcwd()
    except OSError:
        return
    if sys.path[0] not in ("", folder):
        return
    del sys.path[0]
    shadowed = imported_from(folder)
    if shadowed:
        sys.stderr.write(REFUSAL.format(names=", ".join(shadowed), folder=folder))
        raise SystemExit(2)
