"""What this operating system lets the grader do to untrusted code, decided from the platform.

Linux gives namespaces, prctl, seccomp, cgroups and /proc: the full sandbox. Other POSIX systems
(macOS) run each question in plain forked processes with the budgets they allow (time, file
size, open files, a process group killed at the end); Windows cannot fork and is told so.
`TD_KERAS_GRADER_PORTABLE=1` takes the non-Linux path on Linux: how its code is tested here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

PORTABLE_ENV = "TD_KERAS_GRADER_PORTABLE"
NO_FORK_MESSAGE = ("grading runs each question in a forked process, which Windows does not "
                   "have: install the grader in WSL (Windows Subsystem for Linux) and run "
                   "`grade` there")


@dataclass(frozen=True)
class Host:
    """The operating-system features the grader may use here."""

    linux: bool  # namespaces, prctl, seccomp, cgroups, /proc
    can_fork: bool


def host() -> Host:
    """Return this machine's features (the environment variable forces the portable path)."""
    portable = os.environ.get(PORTABLE_ENV, "") not in ("", "0")
    return Host(linux=sys.platform.startswith("linux") and not portable,
                can_fork=hasattr(os, "fork"))


def process_table() -> dict[int, tuple[int, bool]]:
    """Map every live pid to (parent pid, is a zombie), read with `ps` (no /proc needed)."""
    try:
        text = subprocess.run(["ps", "-A", "-o", "pid=,ppid=,stat="], capture_output=True,
                              text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    table = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0].isdigit() and fields[1].isdigit():
            table[int(fields[0])] = (int(fields[1]), fields[2].startswith("Z"))
    return table


def ps_kilobytes(pid: int, field: str) -> int:
    """Return a `ps` size field (vsz, rss) of a process, in kilobytes (0 when unknown)."""
    try:
        text = subprocess.run(["ps", "-o", f"{field}=", "-p", str(pid)], capture_output=True,
                              text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return 0
    return int(text) if text.isdigit() else 0
