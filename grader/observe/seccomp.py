"""A seccomp filter for the student's process: no memory outside its budget, no new namespaces.

Memory written to a `memfd_create` file, or to a tmpfs mounted inside a user namespace the
process made itself, is neither in its address-space limit nor in its resident set: without a
memory cgroup the grader could not see it. The filter makes those system calls fail with EPERM
(`memfd_create`, `unshare` or `clone` with CLONE_NEWUSER) and `clone3` fail with ENOSYS, so the C
library falls back to `clone`, whose flags the filter can read. Installed after privileges are
dropped (`no_new_privs` is set), it cannot be removed by the process or its children.
"""

from __future__ import annotations

import ctypes
import platform
import struct

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
CLONE_NEWUSER = 0x10000000
EPERM, ENOSYS = 1, 38
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_W_ABS, JEQ_K, JSET_K, RET_K = 0x20, 0x15, 0x45, 0x06
# (audit architecture, memfd_create, unshare, clone, clone3, x32 bit) by machine
ARCHITECTURES = {
    "x86_64": (0xC000003E, 319, 272, 56, 435, 0x40000000),
    "aarch64": (0xC00000B7, 279, 97, 220, 435, 0),
}
NR, ARCH, ARG0 = 0, 4, 16  # offsets in struct seccomp_data (little-endian: arg0's low word)


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    """Encode one BPF instruction (struct sock_filter)."""
    return struct.pack("HBBI", code, jt, jf, k)


def filter_program(machine: str) -> bytes | None:
    """Return the filter's BPF program for this machine, None for an unknown one."""
    if machine not in ARCHITECTURES:
        return None
    arch, memfd, unshare, clone, clone3, x32 = ARCHITECTURES[machine]
    program = [
        _instruction(LD_W_ABS, 0, 0, ARCH),
        _instruction(JEQ_K, 1, 0, arch),  # another ABI (i386 on x86_64): refused
        _instruction(RET_K, 0, 0, RET_ERRNO | EPERM),
        _instruction(LD_W_ABS, 0, 0, NR),
    ]
    if x32:  # x32 system calls carry the x32 bit: refused
        program += [_instruction(JSET_K, 0, 1, x32),
                    _instruction(RET_K, 0, 0, RET_ERRNO | EPERM)]
    program += [
        _instruction(JEQ_K, 0, 1, memfd),
        _instruction(RET_K, 0, 0, RET_ERRNO | EPERM),
        _instruction(JEQ_K, 0, 1, clone3),
        _instruction(RET_K, 0, 0, RET_ERRNO | ENOSYS),
        _instruction(JEQ_K, 1, 0, unshare),
        _instruction(JEQ_K, 0, 3, clone),
        _instruction(LD_W_ABS, 0, 0, ARG0),
        _instruction(JSET_K, 0, 1, CLONE_NEWUSER),
        _instruction(RET_K, 0, 0, RET_ERRNO | EPERM),
        _instruction(RET_K, 0, 0, RET_ALLOW),
    ]
    return b"".join(program)


class _Program(ctypes.Structure):
    """struct sock_fprog."""

    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> bool:
    """Install the filter in this process (inherited by its children); False where refused."""
    program = filter_program(platform.machine())
    if program is None:
        return False
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
