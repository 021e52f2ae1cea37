"""Size on disk of what `pip install` of a requirement list brings, measured on this machine.

Walks the requirements (markers evaluated here, extras followed) through the installed
distributions and adds up the files each one's RECORD lists. Usage:

    python tools/install_size.py                     # this checkout's core dependencies
    python tools/install_size.py --extra cluster     # core plus an extra
    python tools/install_size.py --git-rev REV       # the dependencies of pyproject.toml at REV
"""

from __future__ import annotations

import argparse
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def project_table(rev: str | None) -> dict:
    """Return pyproject.toml's [project] table, of the working tree or of a git revision."""
    text = (subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:pyproject.toml"],
                           check=True, capture_output=True, text=True).stdout
            if rev else (ROOT / "pyproject.toml").read_text())
    return tomllib.loads(text)["project"]


def closure(requirements: list[str]) -> tuple[dict[str, int], list[str]]:
    """Return {distribution: bytes} of every installed distribution the requirements pull in,
    and the names required but not installed here."""
    sizes: dict[str, int] = {}
    missing: list[str] = []
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name in sizes and not requirement.extras:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if name not in sizes:
            sizes[name] = sum(f.size or 0 for f in dist.files or ())
            todo += [(Requirement(r), "") for r in dist.requires or ()]
        for wanted in requirement.extras:
            todo += [(Requirement(r), wanted) for r in dist.requires or ()
                     if Requirement(r).marker is not None]
    return sizes, sorted(set(missing))


def main() -> None:
    """Print the closure's size, largest distributions first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-rev", metavar="REV")
    parser.add_argument("--extra", action="append", default=[])
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    project = project_table(args.git_rev)
    requirements = list(project["dependencies"])
    for extra in args.extra:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    sizes, missing = closure(requirements)
    print(f"{len(sizes)} distributions, {sum(sizes.values()) / 1e6:.0f} MB")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:args.top]:
        print(f"  {name:<24} {size / 1e6:7.1f} MB")
    if missing:
        print("not installed here (not counted):", ", ".join(missing))


if __name__ == "__main__":
    main()
