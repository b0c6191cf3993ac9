"""Confine a forked child: namespaces, hidden paths, resource limits, an unprivileged uid, cgroups.

Stdlib only (ctypes for unshare/mount/prctl, which Python 3.11's ``os`` lacks). Runs inside the warm
worker and its forked children; imports nothing of reference/, exercises/ or grader/.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import platform
import resource
import signal
import site
import sys
import time

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
#: What a minimal root shows of the host, read-only: the system's programs, libraries and config.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
#: Device nodes a minimal root carries (plus any /dev/nvidia* for CUDA).
DEVICE_NODES = ("null", "zero", "full", "random", "urandom")
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 38, 36
CGROUP_ROOT = "/sys/fs/cgroup"
CGROUP_CONTROLLERS = ("memory", "pids")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    """unshare(2) through libc."""
    _check(_libc.unshare(ctypes.c_int(flags)), f"unshare({flags:#x})")


def setns(fd: int, nstype: int) -> None:
    """setns(2) through libc."""
    _check(_libc.setns(ctypes.c_int(fd), ctypes.c_int(nstype)), f"setns({nstype:#x})")


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    """mount(2) through libc."""
    enc = [s.encode() if s is not None else None for s in (source, target, fstype)]
    raw = data.encode() if data is not None else None
    _check(_libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), raw), f"mount {target}")


def prctl(option: int, arg: int) -> None:
    """prctl(2) with one argument."""
    _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl({option})")


def die_with_parent() -> None:
    """Get SIGKILL when the parent dies, so a dead worker leaves no sandbox behind."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# ---- cgroups (v1: one directory per controller) -------------------------------------------------


def cgroup_paths(tag: str) -> dict[str, str]:
    """The submission's cgroup directory per controller."""
    return {c: os.path.join(CGROUP_ROOT, c, "cnngrade", tag) for c in CGROUP_CONTROLLERS}


def cgroup_create(tag: str, memory_bytes: int, max_pids: int) -> dict[str, str]:
    """Create the submission's memory and pids cgroups with their limits (raises OSError if denied)."""
    paths = cgroup_paths(tag)
    for path in paths.values():
        os.makedirs(path, exist_ok=True)
    limit = os.path.join(paths["memory"], "memory.limit_in_bytes")
    memsw = os.path.join(paths["memory"], "memory.memsw.limit_in_bytes")
    # memory+swap must stay >= memory: raise memsw first when growing, lower it last when shrinking
    order = (
        [limit, memsw]
        if not os.path.exists(memsw) or _read_int(limit) >= memory_bytes
        else [memsw, limit]
    )
    for path in order:
        if os.path.exists(path):
            _write(path, str(memory_bytes))
    _write(os.path.join(paths["pids"], "pids.max"), str(max_pids))
    return paths


def cgroup_join(paths: dict[str, str], pid: int = 0) -> None:
    """Move ``pid`` (0 = the caller) into every controller's cgroup."""
    for path in paths.values():
        _write(os.path.join(path, "cgroup.procs"), str(pid or os.getpid()))


def cgroup_pids(paths: dict[str, str]) -> set[int]:
    """Every pid still in the submission's cgroups."""
    pids: set[int] = set()
    for path in paths.values():
        try:
            with open(os.path.join(path, "cgroup.procs")) as fh:
                pids.update(int(line) for line in fh if line.strip())
        except OSError:
            pass
    return pids


def cgroup_sweep(paths: dict[str, str], reap, seconds: float = 3.0) -> bool:
    """Kill every process in the cgroups (setsid/double-forked ones too); True when they are empty.

    ``pids.max`` drops to 0 first so no fork wins the race; ``reap()`` collects zombies (the caller
    is a child subreaper, so orphans of the sandbox become its children).
    """
    with contextlib.suppress(OSError):
        _write(os.path.join(paths["pids"], "pids.max"), "0")
    deadline = time.monotonic() + seconds
    while True:
        pids = cgroup_pids(paths)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        reap()
        if not pids or time.monotonic() > deadline:
            return not pids
        time.sleep(0.001)


def cgroup_remove(paths: dict[str, str]) -> None:
    """Remove the (empty) cgroups."""
    for path in paths.values():
        with contextlib.suppress(OSError):
            os.rmdir(path)


def cgroup_remove_stale() -> None:
    """Remove cgroups left by workers that no longer exist (named ``<worker pid>-...``)."""
    for controller in CGROUP_CONTROLLERS:
        base = os.path.join(CGROUP_ROOT, controller, "cnngrade")
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            owner = name.split("-")[0]
            if owner.isdigit() and not os.path.exists(f"/proc/{owner}"):
                with contextlib.suppress(OSError):
                    os.rmdir(os.path.join(base, name))


def become_subreaper() -> None:
    """Orphans of our descendants (double-forked daemons) become our children, so we reap them."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def oom_count(paths: dict[str, str]) -> int:
    """How many OOM kills the memory cgroup has seen (compare before and after a run)."""
    try:
        with open(os.path.join(paths["memory"], "memory.oom_control")) as fh:
            for line in fh:
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
    except (OSError, ValueError, KeyError):
        pass
    return 0


def _read_int(path: str) -> int:
    with open(path) as fh:
        return int(fh.read().strip())


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


# ---- filesystem view ---------------------------------------------------------------------------


def keep_dirs() -> list[str]:
    """Directories of this interpreter (stdlib, site-packages) that stay visible and importable.

    Both the spelling the interpreter uses and the resolved path are kept, so modules imported
    through a symlinked prefix keep resolving inside the sandbox.
    """
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    dirs.update(site.getsitepackages())
    out = set()
    for d in dirs:
        if os.path.isdir(d):
            out.update({os.path.abspath(d), os.path.realpath(d)})
    return sorted(out)


def pivot_available() -> bool:
    """True where we know pivot_root's syscall number (the minimal root needs it)."""
    return platform.machine() in _SYS_PIVOT_ROOT


def enter_minimal_root(
    keep: list[str], hide: list[str], tmpfs_mb: int, *, strict: bool, new_proc: bool
) -> None:
    """In a fresh mount namespace, replace ``/`` with a tmpfs holding only what Python needs.

    Visible afterwards: ``SYSTEM_DIRS`` and the interpreter's ``keep`` directories (read-only),
    ``/sys`` (read-only), a ``/dev`` with ``DEVICE_NODES`` and any ``/dev/nvidia*``, an empty
    ``/tmp`` and ``/dev/shm`` of ``tmpfs_mb`` MiB, and ``/proc`` (a new one when ``new_proc``).
    Everything else — the repository, the grader's outputs, homes, any other copy of the course
    anywhere on the machine — does not exist for the child: an allowlist, not a list of hiding
    places. ``hide`` paths that still fall inside a visible directory are covered by an empty tmpfs.
    The old root is detached (pivot_root + MNT_DETACH), so no path, fd trick or ``..`` leads back.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    links = {p: os.readlink(p) for p in SYSTEM_DIRS if os.path.islink(p)}
    dirs = [p for p in SYSTEM_DIRS if os.path.isdir(p) and p not in links]
    dirs += [p for p in _outermost_plain(keep) if os.path.isdir(p) and not _inside(p, dirs)]
    dirs += ["/sys"] if os.path.isdir("/sys") else []
    nodes = [f"/dev/{n}" for n in DEVICE_NODES if os.path.exists(f"/dev/{n}")]
    nodes += sorted(glob.glob("/dev/nvidia*"))
    sources = dirs + nodes + ([] if new_proc else ["/proc"])
    fds = {p: os.open(p, os.O_PATH) for p in sources}  # opened before anything is covered
    flags = {p: _locked_flags(p) for p in sources}
    new = "/tmp" if os.path.isdir("/tmp") else "/mnt"
    try:
        mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=755")
        # /tmp first: an interpreter kept under /tmp (a venv in a checkout there) is bound inside it
        os.makedirs(new + "/tmp")
        mount("tmpfs", new + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_mb}m,mode=1777")
        for link, target in links.items():
            os.symlink(target, new + link)
        for path in dirs + ([] if new_proc else ["/proc"]):
            os.makedirs(new + path, exist_ok=True)
            _bind_readonly(fds[path], new + path, flags[path], strict)
        _populate_dev(new, nodes, fds, tmpfs_mb)
        os.makedirs(new + "/proc", exist_ok=True)
        if new_proc:  # before the pivot: a user namespace may mount proc only beside a visible one
            mount("proc", new + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        # only what is visible needs covering: a hidden folder inside site-packages stays
        # covered even when the list also holds an invisible parent of it (the repo)
        for path in _outermost_plain([p for p in hide if _inside(p, dirs)]):
            if os.path.isdir(new + path):
                mount("tmpfs", new + path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    finally:
        for fd in fds.values():
            os.close(fd)
    os.chdir(new)
    pivot_root(".", ".")
    _check(_libc.umount2(b".", MNT_DETACH), "umount2 old root")
    os.chdir("/")
    _remount_readonly("/", MS_NOSUID | MS_NODEV, strict)
    _remount_readonly("/dev", MS_NOSUID | MS_NOEXEC, strict)


def pivot_root(new_root: str, put_old: str) -> None:
    """pivot_root(2) (glibc has no wrapper)."""
    nr = _SYS_PIVOT_ROOT.get(platform.machine())
    if nr is None:
        raise OSError(38, f"pivot_root: no syscall number known for {platform.machine()}")
    ret = _libc.syscall(ctypes.c_long(nr), new_root.encode(), put_old.encode())
    _check(ret, "pivot_root")


def _populate_dev(new: str, nodes: list[str], fds: dict, mb: int) -> None:
    """A tmpfs /dev holding bind mounts of ``nodes``, the usual fd links and an empty /dev/shm."""
    os.makedirs(new + "/dev", exist_ok=True)
    mount("tmpfs", new + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=1m,mode=755")
    for node in nodes:
        if os.path.isdir(node):
            os.makedirs(new + node, exist_ok=True)
        else:
            os.close(os.open(new + node, os.O_CREAT | os.O_WRONLY, 0o666))
        mount(f"/proc/self/fd/{fds[node]}", new + node, None, MS_BIND | MS_REC)
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, f"{new}/dev/{name}")
    os.makedirs(new + "/dev/shm")
    mount("tmpfs", new + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={mb}m,mode=1777")


def _bind_readonly(fd: int, target: str, locked: int, strict: bool) -> None:
    mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
    _remount_readonly(target, locked, strict)


def _remount_readonly(target: str, locked: int, strict: bool) -> None:
    """Make the mount at ``target`` read-only, keeping the flags a user namespace may not drop."""
    try:
        mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | locked)
    except OSError:
        if strict:
            raise


def _locked_flags(path: str) -> int:
    """The mount flags of ``path`` that a remount must repeat (in a user namespace they are locked)."""
    try:
        f = os.statvfs(path).f_flag
    except OSError:
        return MS_NOSUID | MS_NODEV
    out = f & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME)
    return out | (MS_RELATIME if f & 4096 else 0)  # ST_RELATIME


def _inside(path: str, dirs: list[str]) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs)


def _outermost_plain(paths: list[str]) -> list[str]:
    """Absolute paths, dropping those that lie under another path of the list (no resolving)."""
    out: list[str] = []
    for p in sorted({os.path.abspath(p) for p in paths}, key=len):
        if p != "/" and not _inside(p, out):
            out.append(p)
    return out


def hide_paths(hide: list[str], keep: list[str], tmpfs_mb: int, strict: bool = True) -> None:
    """In a fresh mount namespace: make / read-only, cover ``hide`` with empty tmpfs, re-bind ``keep``.

    ``keep`` (e.g. the Python prefix and the venv) stay readable when they lie under a hidden path;
    they are re-bound read-only from file descriptors opened before the covering.
    """
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep_fds = {
        path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in keep if os.path.isdir(path)
    }
    try:
        mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    except OSError:
        if strict:  # as root this must work; in a user namespace locked flags may refuse it
            raise
    for path in _outermost([p for p in hide if os.path.isdir(p)]):
        mode = "1777" if path == "/tmp" else "755"
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmpfs_mb}m,mode={mode}")
    for path, fd in keep_fds.items():
        if any(path == h or path.startswith(h.rstrip("/") + "/") for h in hide):
            os.makedirs(path, exist_ok=True)
            mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
            mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    # hidden folders inside what was re-bound (a blocked library in the venv's site-packages)
    kept = list(keep_fds)
    for path in _outermost([p for p in hide if os.path.isdir(p) and _inside(p, kept)]):
        if any(path == k for k in kept):
            continue
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")


def mount_proc() -> None:
    """A /proc showing only the sandbox's own PID namespace."""
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths that lie under another path of the list."""
    norm = sorted({os.path.realpath(p) for p in paths}, key=len)
    out: list[str] = []
    for p in norm:
        if not any(p == q or p.startswith(q.rstrip("/") + "/") for q in out):
            out.append(p)
    return out


# ---- limits and identity ---------------------------------------------------------------------


def set_rlimits(limits: dict, as_bytes: int | None) -> None:
    """Second-layer limits: address space, CPU seconds, file size, open files, processes, no core."""
    cpu = max(1, int(limits["cpu_s_total"] + 0.999))
    pairs = [
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_FSIZE, (limits["max_file_bytes"],) * 2),
        (resource.RLIMIT_NOFILE, (256, 256)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_NPROC, (limits["max_processes"],) * 2),
    ]
    if as_bytes is not None:
        pairs.append((resource.RLIMIT_AS, (as_bytes, as_bytes)))
    for which, value in pairs:
        resource.setrlimit(which, value)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails with EFBIG instead
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)


def address_space_limit(memory_mb: int) -> int:
    """RLIMIT_AS for a fork of a torch process: what is mapped now plus the memory budget."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") + memory_mb * 1024 * 1024


def drop_privileges(uid: int) -> None:
    """Become ``uid``/``uid`` with no supplementary groups and no way back (root only)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def map_user_namespace(outer_uid: int, outer_gid: int) -> None:
    """After unshare(CLONE_NEWUSER) as a non-root user: be root inside, ``outer_uid`` outside."""
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"0 {outer_uid} 1")
    _write("/proc/self/gid_map", f"0 {outer_gid} 1")
