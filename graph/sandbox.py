"""The second wall around query evaluation: a process that cannot open a network connection.

The gate refuses ``SERVICE`` before a query reaches the engine; this is what holds if it ever did not.
:func:`forbid_network` installs a seccomp filter (Linux, ``man 2 seccomp``) on the calling process: from then
on ``socket()`` fails with EACCES for every address family but ``AF_UNIX`` (the worker's pipe to the server),
and so do ``io_uring_setup`` (which could open sockets without the ``socket`` system call) and the x32
system-call ABI. The filter is inherited by every thread the process starts afterwards, including the
engine's own, and cannot be removed. It needs no privilege (``PR_SET_NO_NEW_PRIVS``).
"""

from __future__ import annotations

import ctypes
import platform
import struct
import sys

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_EACCES = 13
_AF_UNIX = 1
_X32_SYSCALL_BIT = 0x40000000

# (audit architecture, socket, io_uring_setup) per machine (linux/audit.h, unistd tables)
_ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06


class SandboxError(RuntimeError):
    """The network could not be closed for this process."""


def _program(arch: int, socket_nr: int, io_uring_nr: int) -> list[tuple[int, int, int, int]]:
    deny = _SECCOMP_RET_ERRNO | _EACCES
    return [
        (_LD_W_ABS, 0, 0, 4),                    # 0: A = arch
        (_JEQ_K, 1, 0, arch),                    # 1: our architecture? continue : deny
        (_RET_K, 0, 0, deny),                    # 2: another ABI: deny
        (_LD_W_ABS, 0, 0, 0),                    # 3: A = system call number
        (_JGE_K, 0, 1, _X32_SYSCALL_BIT),        # 4: x32 ABI? deny : continue
        (_RET_K, 0, 0, deny),                    # 5
        (_JEQ_K, 0, 1, io_uring_nr),             # 6: io_uring_setup? deny : continue
        (_RET_K, 0, 0, deny),                    # 7
        (_JEQ_K, 0, 3, socket_nr),               # 8: socket? check its family : allow
        (_LD_W_ABS, 0, 0, 16),                   # 9: A = args[0], the address family
        (_JEQ_K, 1, 0, _AF_UNIX),                # 10: AF_UNIX? allow : deny
        (_RET_K, 0, 0, deny),                    # 11
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),      # 12
    ]


def forbid_network() -> None:
    """Close the network for this process and every thread it starts from now on; raise
    :class:`SandboxError` where that is not possible (another operating system or machine)."""
    machine = platform.machine().lower()
    if not sys.platform.startswith("linux") or machine not in _ARCHITECTURES:
        raise SandboxError(f"cannot close the network on {sys.platform}/{machine}: seccomp filters are "
                           f"written for Linux on {', '.join(_ARCHITECTURES)}")
    instructions = _program(*_ARCHITECTURES[machine])
    raw = b"".join(struct.pack("HBBI", *instruction) for instruction in instructions)
    buffer = ctypes.create_string_buffer(raw, len(raw))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _Program(len(instructions), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}")
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(program), 0, 0) != 0:
        raise SandboxError(f"prctl(PR_SET_SECCOMP) failed: errno {ctypes.get_errno()}")
