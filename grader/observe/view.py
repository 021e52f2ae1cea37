"""The filesystem a question's child sees: an allow-list of read-only paths and its own job folder.

Built inside the child, after fork and before any student code runs, as root in a new mount
namespace: a fresh tmpfs becomes the root, the Python environment, the system's libraries, the
grader's own package and the assignment's public folder are bound read-only at their usual paths,
the job's folder (its copy of the submission, a scratch folder, the files the supervisor reads)
read-write, a new `/proc` of the child's PID namespace is mounted, and the old root is detached.
Everything else — other students, the class folder, outputs, caches, the reference, home folders
— is simply absent. Then the child becomes an unprivileged user with no capabilities and
`no_new_privs`.

Hand-written rather than bubblewrap: bubblewrap must exec a new program, which would pay
TensorFlow's 3 s import in every question; here the warm, forked child narrows its own view.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import site
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 1 << 14, 1 << 18
MNT_DETACH = 2
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUTS = 0x00020000, 0x08000000, 0x04000000
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_DUMPABLE = 38, 24, 4
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt")
DEVICES = ("null", "zero", "full", "random", "urandom")
SANDBOX_UID_BASE = 100_000  # the child runs as SANDBOX_UID_BASE + the supervisor's pid
LAST_CAPABILITY = 63


class ViewError(OSError):
    """The view could not be built (the OS refused a namespace or a mount)."""


@dataclass(frozen=True)
class View:
    """What one child may see: paths bound read-only, and its own writable job folder."""

    read_only: tuple[str, ...]
    job_dir: str
    uid: int  # the unprivileged user the child becomes


def site_folders() -> set[Path]:
    """Return the folders where this Python installs packages (site-packages, dist-packages)."""
    paths = sysconfig.get_paths()
    found = {paths["purelib"], paths["platlib"], *site.getsitepackages()}
    with contextlib.suppress(AttributeError):  # some embedded Pythons have no user site
        found.add(site.getusersitepackages())
    return {Path(p).resolve() for p in found if p}


def is_checkout(project_root: Path) -> bool:
    """Whether the grader runs from a source checkout (beside reference/, tests/), not from an
    installed package, whose root is a site-packages folder holding nothing of the course's."""
    root = project_root.resolve()
    if root in site_folders() or root.name in ("site-packages", "dist-packages"):
        return False
    return any((root / name).exists() for name in ("pyproject.toml", "setup.py", "reference"))


def python_paths(project_root: Path) -> list[str]:
    """Return the folders of the Python environment, never the project's own checkout."""
    root = project_root.resolve()
    return visible_python_paths(
        [sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path],
        root if is_checkout(root) else None,
        [sys.prefix, sys.exec_prefix, sys.base_prefix], Path.cwd())


def visible_python_paths(candidates: list[str], checkout: Path | None, environments: list[str],
                         cwd: Path) -> list[str]:
    """Keep the existing candidate folders but `/`, the caller's folder and, in a checkout, the
    checkout itself, its parents and what is inside it (reference/, tests/) — except a Python
    environment kept inside it (a developer's `.venv/`), whose packages students may import."""
    inside = [e for e in (Path(p).resolve() for p in environments)
              if checkout is not None and checkout in e.parents]
    found = []
    for entry in candidates:
        if not entry or not os.path.isdir(entry):
            continue
        path = Path(entry).resolve()
        if path in (Path("/"), cwd.resolve()):
            continue
        if checkout is not None and (path == checkout or path in checkout.parents):
            continue  # the checkout (reference, tests) is only seen through grader_paths
        if (checkout is not None and checkout in path.parents
                and not any(path == e or e in path.parents for e in inside)):
            continue
        found.append(str(path))
    return found


def allowed_paths(project_root: Path, assignment_dir: Path) -> tuple[str, ...]:
    """Return every path a child reads: system, Python, the grader package, the assignment."""
    paths = [p for p in SYSTEM_PATHS if os.path.exists(p)]
    paths += python_paths(project_root)
    paths += [str(project_root / "grader"), str(assignment_dir.resolve())]
    unique: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path == u or path.startswith(u.rstrip("/") + "/") for u in unique):
            unique.append(path)
    return tuple(unique)


def seen_through(path: Path, allowed: tuple[str, ...]) -> str | None:
    """Return the allowed path through which a child would see `path`, or None."""
    target = str(path.resolve())
    return next((a for a in allowed if target == a or target.startswith(a.rstrip("/") + "/")),
                None)


def _libc() -> ctypes.CDLL:
    """Return the C library (mount, unshare, prctl, setgroups)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                           ctypes.c_char_p]
    return libc


def _check(result: int, what: str) -> None:
    """Raise ViewError with errno's text when a libc call failed."""
    if result != 0:
        errno = ctypes.get_errno()
        raise ViewError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> None:
    """Call mount(2), raising ViewError on failure."""
    enc = [None if s is None else os.fsencode(s) for s in (source, target, fstype, data)]
    _check(_libc().mount(enc[0], enc[1], enc[2], flags, enc[3]), f"mount {target}")


def _bind(source: str, new_root: str, read_only: bool) -> None:
    """Bind a host path at the same place under the new root (read-only when asked)."""
    if os.path.islink(source) and source in SYSTEM_PATHS:  # /bin -> usr/bin on merged-/usr
        target = new_root + source
        if not os.path.lexists(target):
            os.symlink(os.readlink(source), target)
        return
    target = new_root + source
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        Path(target).touch()
    _mount(source, target, None, MS_BIND | MS_REC)
    if read_only:
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _make_dev(new_root: str) -> None:
    """Give the child a minimal /dev: a few harmless devices and a private /dev/shm."""
    dev = new_root + "/dev"
    os.makedirs(dev, exist_ok=True)
    _mount("tmpfs", dev, "tmpfs", MS_NOSUID, "mode=0755,size=64k")
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            Path(dev, name).touch()
            _mount(f"/dev/{name}", f"{dev}/{name}", None, MS_BIND)
    os.makedirs(f"{dev}/shm")
    _mount("tmpfs", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")


def _pivot(new_root: str) -> None:
    """Make new_root the root of this mount namespace and detach the old one."""
    old = new_root + "/.old-root"
    number = SYS_PIVOT_ROOT.get(platform.machine())
    libc = _libc()
    if number is not None and libc.syscall(number, os.fsencode(new_root), os.fsencode(old)) == 0:
        os.chdir("/")
        _check(libc.umount2(b"/.old-root", MNT_DETACH), "detach the old root")
    else:  # an unknown architecture: chroot (the child loses root right after)
        os.chroot(new_root)
        os.chdir("/")


def enter_view(view: View, mount_point: str) -> None:
    """Build the view in a new mount namespace rooted at mount_point, and enter it.

    Must run as root (or with CAP_SYS_ADMIN) in the child, which is PID 1 of its own PID
    namespace; raises ViewError when the OS refuses.
    """
    libc = _libc()
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", mount_point, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    os.makedirs(mount_point + "/tmp", exist_ok=True)  # first: the paths below may be in /tmp
    _mount("tmpfs", mount_point + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    for path in view.read_only:
        _bind(path, mount_point, read_only=True)
    _bind(view.job_dir, mount_point, read_only=False)
    os.makedirs(mount_point + "/proc", exist_ok=True)
    _mount("proc", mount_point + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _make_dev(mount_point)
    os.makedirs(mount_point + "/.old-root")
    _mount(None, mount_point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _pivot(mount_point)


def private_folder(path: Path, size_bytes: int) -> None:
    """Give this process a mount namespace of its own where `path` is a tmpfs of at most
    `size_bytes`: what is written there is bounded, and gone at once when it is released."""
    _check(_libc().unshare(CLONE_NEWNS), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    bounded_folder(path, size_bytes)


def bounded_folder(path: Path, size_bytes: int, mode: int = 0o700) -> None:
    """Mount a tmpfs of at most `size_bytes` on a folder (in this process's mount namespace)."""
    _mount("tmpfs", str(path), "tmpfs", MS_NOSUID | MS_NODEV, f"mode={mode:o},size={size_bytes}")


def release_folder(path: Path) -> None:
    """Detach a folder's tmpfs (its files, however deep, go with it)."""
    _libc().umount2(os.fsencode(str(path)), MNT_DETACH)


def drop_privileges(uid: int) -> None:
    """Become an unprivileged user: no groups, no capabilities, no way to regain them."""
    libc = _libc()
    for cap in range(LAST_CAPABILITY + 1):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL past the kernel's last: ignored
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    if os.getuid() == 0 or os.geteuid() == 0:
        raise ViewError(1, "still root after dropping privileges")
