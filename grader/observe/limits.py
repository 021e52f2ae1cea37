"""Operating-system limits for untrusted code: memory, network, and killing a process tree."""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import time
from pathlib import Path

from grader.observe.host import host, process_table, ps_kilobytes

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWNET = 0x40000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNS = 0x00020000
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _libc() -> ctypes.CDLL:
    """Return the C library, for prctl and unshare."""
    return ctypes.CDLL(None, use_errno=True)


def become_subreaper() -> bool:
    """Adopt orphaned descendants (double-forked or setsid'd) so they can be found and killed."""
    if not host().linux:
        return False
    return _libc().prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def isolate_network() -> bool:
    """Move this process into an empty network namespace; False where the OS does not allow it."""
    if not host().linux:
        return False
    return _libc().unshare(CLONE_NEWNET) == 0


def isolate_pids() -> bool:
    """Make this process's next child the first process of a new PID namespace.

    Inside it the student's code cannot see or signal the grader, and when that child ends the
    kernel kills everything it started. False where the OS does not allow it (not root, no user
    namespaces): the subreaper and the process-tree sweep still apply.
    """
    if not host().linux:
        return False
    return _libc().unshare(CLONE_NEWPID) == 0


def sandbox_available() -> bool:
    """Whether a question's child can get its own filesystem view here (root and namespaces)."""
    if not host().linux or os.geteuid() != 0:
        return False
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc().unshare(CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS) == 0 else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def virtual_memory_bytes(pid: int | str = "self") -> int:
    """Return a process's current virtual memory size."""
    if not host().linux:
        return ps_kilobytes(os.getpid() if pid == "self" else int(pid), "vsz") * 1024
    fields = Path(f"/proc/{pid}/statm").read_text().split()
    return int(fields[0]) * PAGE_SIZE


def forbid_new_privileges() -> bool:
    """Set no_new_privs: no exec may ever raise this process's privileges (seccomp needs it)."""
    if not host().linux:
        return False
    return _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0


def limit_memory(extra_bytes: int) -> int:
    """Cap this process's address space at its current size plus extra_bytes; return the cap."""
    cap = virtual_memory_bytes() + extra_bytes
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):  # macOS refuses some caps: the time budget still holds
        return 0
    return cap


def limit_file_size(max_bytes: int) -> None:
    """Cap the size of any file this process writes (writes beyond fail with EFBIG)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))


def limit_processes(count: int) -> None:
    """Cap the processes and threads of this process's user (the job's own unprivileged uid)."""
    resource.setrlimit(resource.RLIMIT_NPROC, (count, count))


def close_inherited_fds(keep: tuple[int, ...] = ()) -> None:
    """Close every descriptor above stderr but `keep`: the worker's pipes are not the child's."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, max(soft, low))


def resident_bytes(pid: int) -> int:
    """Return a process's private resident memory (pages it wrote to), 0 if it is gone.

    Without /proc the private pages cannot be told from the shared ones (TensorFlow's): 0, the
    address-space cap is the memory budget there.
    """
    if not host().linux:
        return 0
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    total = 0
    for line in text.splitlines():
        if line.startswith(("Private_Dirty:", "Private_Clean:", "Swap:")):
            total += int(line.split()[1]) * 1024
    return total


def _parent_map() -> dict[int, int]:
    """Map every live pid to its parent pid."""
    if not host().linux:
        return {pid: parent for pid, (parent, _) in process_table().items()}
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(root: int) -> list[int]:
    """Return every live descendant of root (not root itself)."""
    return _below(root, _parent_map())


def _below(root: int, parents: dict[int, int]) -> list[int]:
    """Return the processes under root in a pid -> parent map (an iterative walk)."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def kill_descendants(root: int, rounds: int = 20) -> None:
    """SIGKILL every descendant of root, repeatedly, until none is left; reap the zombies."""
    for _ in range(rounds):
        alive = _live_descendants(root)
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        reap_children()
        if not alive:
            return
        time.sleep(0.01)


def _live_descendants(root: int) -> list[int]:
    """Return root's descendants that have not exited (one `ps` read without /proc)."""
    if host().linux:
        return [pid for pid in descendants(root) if not _is_zombie(pid)]
    table = process_table()
    below = _below(root, {pid: parent for pid, (parent, _) in table.items()})
    return [pid for pid in below if not table[pid][1]]


def _is_zombie(pid: int) -> bool:
    """Whether a process has exited but not been reaped."""
    if not host().linux:
        return process_table().get(pid, (0, True))[1]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"


def reap_children() -> None:
    """Collect every exited child without blocking."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
