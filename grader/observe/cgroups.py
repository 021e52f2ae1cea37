"""A memory cgroup per job: the kernel counts what the student's processes use, shmem included.

Resident-set polling misses pages held in tmpfs files or `memfd_create` files; a memory cgroup
counts them where they are charged. Where this machine lets the grader create a cgroup under
its own (cgroup v2 with the memory controller, or the v1 memory hierarchy), each job's executor
joins a group of its own whose limit is the job's memory budget; the kernel stops it there, and
the group's OOM count tells the supervisor why it died. Elsewhere `None` is returned and the
seccomp filter (`grader.observe.seccomp`) closes those holes instead.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

MOUNTINFO = Path("/proc/self/mountinfo")


@dataclass(frozen=True)
class MemoryGroup:
    """One job's memory cgroup."""

    path: Path
    version: int  # 1 or 2


def _mounts() -> dict[str, Path]:
    """Return where cgroup v2 ('unified') and the v1 memory hierarchy ('memory') are mounted."""
    found: dict[str, Path] = {}
    try:
        lines = MOUNTINFO.read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, extra = left.split(), right.split()
        if len(fields) < 5 or len(extra) < 3:
            continue
        kind, options = extra[0], extra[2].split(",")
        if kind == "cgroup2":
            found.setdefault("unified", Path(fields[4]))
        elif kind == "cgroup" and "memory" in options:
            found.setdefault("memory", Path(fields[4]))
    return found


def _own_groups() -> dict[str, str]:
    """Return this process's cgroup paths: '' for v2's, and per v1 controller."""
    groups: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                groups[controller] = path
    return groups


def _write(path: Path, value: str) -> bool:
    """Write a cgroup file; False when the kernel refuses."""
    try:
        path.write_text(value)
    except OSError:
        return False
    return True


def _parent_candidates() -> list[tuple[Path, int]]:
    """Return the cgroup folders a job's group may be made in, v2 first."""
    mounts, own = _mounts(), _own_groups()
    found = []
    if "unified" in mounts and "" in own:
        parent = mounts["unified"] / own[""].lstrip("/")
        controllers = (parent / "cgroup.controllers")
        with contextlib.suppress(OSError):
            if "memory" in controllers.read_text().split():
                _write(parent / "cgroup.subtree_control", "+memory")
                found.append((parent, 2))
    if "memory" in mounts and "memory" in own:
        found.append((mounts["memory"] / own["memory"].lstrip("/"), 1))
    return found


def create(name: str, limit_bytes: int) -> MemoryGroup | None:
    """Make a memory cgroup limited to `limit_bytes` (swap included); None where refused."""
    for parent, version in _parent_candidates():
        path = parent / name
        try:
            path.mkdir()
        except OSError:
            continue
        if version == 2:
            ok = _write(path / "memory.max", str(limit_bytes))
            _write(path / "memory.swap.max", "0")
        else:
            ok = _write(path / "memory.limit_in_bytes", str(limit_bytes))
            _write(path / "memory.memsw.limit_in_bytes", str(limit_bytes))
        if ok:
            return MemoryGroup(path, version)
        remove(MemoryGroup(path, version))
    return None


def join(group: MemoryGroup) -> bool:
    """Move this process into the group (its children follow it)."""
    return _write(group.path / "cgroup.procs", str(os.getpid()))


def oom_kills(group: MemoryGroup) -> int:
    """Return how many processes the kernel killed for the group's limit."""
    name = "memory.events" if group.version == 2 else "memory.oom_control"
    with contextlib.suppress(OSError, ValueError):
        for line in (group.path / name).read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
    return 0


def remove(group: MemoryGroup) -> None:
    """Remove the group (its processes must be gone)."""
    with contextlib.suppress(OSError):
        group.path.rmdir()
