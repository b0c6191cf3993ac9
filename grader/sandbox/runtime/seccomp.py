"""A small seccomp filter for the child: no exec, ptrace, mounts, namespaces, kernel keys, bpf or modules.

No ``execve``/``execveat``: a fresh interpreter started by the student (``subprocess``, ``os.system``,
``multiprocessing`` with the spawn method) would import torch without the forbidden-operator guard,
so the child may fork and start threads but never run another program.

x86_64 only (syscall numbers are per architecture); elsewhere ``install`` returns False and the probe
reports seccomp as missing. ``clone3`` answers ENOSYS so glibc falls back to ``clone``, whose flags
the filter can read: a clone asking for new namespaces is refused, threads and forks are not.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform

from . import confine

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
#: Refused with EPERM (x86_64 numbers).
DENIED = {
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "mount": 165, "umount2": 166,
    "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308, "keyctl": 250, "add_key": 248,
    "request_key": 249, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "kexec_load": 246,
    "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163, "open_by_handle_at": 304,
    "name_to_handle_at": 303, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
    "fsmount": 432, "fspick": 433, "mount_setattr": 442, "execve": 59, "execveat": 322,
}  # fmt: skip
CLONE, CLONE3 = 56, 435
NAMESPACE_FLAGS = (
    0x00020000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x02000000
)

_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


class _Instr(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]  # fmt: skip


class _Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instr))]


def program() -> list[tuple[int, int, int, int]]:
    """The BPF program as (code, jt, jf, k) tuples."""
    deny = (_RET, 0, 0, _ERRNO | errno.EPERM)
    prog = [(_LD_ABS, 0, 0, 4), (_JEQ, 1, 0, AUDIT_ARCH_X86_64), deny, (_LD_ABS, 0, 0, 0),
            (_JGE, 0, 1, X32_SYSCALL_BIT), deny]  # fmt: skip
    for nr in sorted(DENIED.values()):
        prog += [(_JEQ, 0, 1, nr), deny]
    prog += [(_JEQ, 0, 1, CLONE3), (_RET, 0, 0, _ERRNO | errno.ENOSYS)]
    prog += [(_JEQ, 0, 3, CLONE), (_LD_ABS, 0, 0, 16), (_JSET, 0, 1, NAMESPACE_FLAGS), deny]
    return [*prog, (_RET, 0, 0, _ALLOW)]


def available() -> bool:
    """Whether this architecture is one the filter knows."""
    return platform.machine() in ("x86_64", "AMD64")


def install() -> bool:
    """Install the filter on the calling thread's process (needs no_new_privs or root)."""
    if not available():
        return False
    instrs = program()
    array = (_Instr * len(instrs))(*[_Instr(*i) for i in instrs])
    prog = _Prog(len(instrs), array)
    confine.prctl(confine.PR_SET_NO_NEW_PRIVS, 1)
    libc = confine._libc
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_SECCOMP): {os.strerror(err)}")
    return True
