"""Probe, once, the strongest isolation this machine allows, and the plan the worker follows.

Levels (each includes the ones below; the level is the highest whose mechanisms are all present):

1. ``process``: a forked child with rlimits, scrubbed environment, own cwd, import/aten guards.
2. ``namespaces``: new PID, network and mount namespaces (no network, leftovers die with the PID
   namespace). The child pivots into a *minimal root* holding only the system directories and the
   interpreter, read-only, and an empty /tmp; where pivot_root is refused it falls back to covering
   the repo, $HOME, /tmp and the given folders with empty tmpfs on a read-only /.
3. ``namespaces+uid``: the child also drops to an unprivileged uid/gid of its own.
4. ``full``: cgroup memory and pids limits on the whole tree, and a cgroup sweep at the end.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import platform
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from cnngrade.grader.sandbox.api import Isolation
from cnngrade.grader.sandbox.runtime import confine, seccomp

LEVEL_NAMES = {1: "process", 2: "namespaces", 3: "namespaces+uid", 4: "full"}
NAMESPACE_FLAGS = (
    confine.CLONE_NEWNS
    | confine.CLONE_NEWPID
    | confine.CLONE_NEWNET
    | confine.CLONE_NEWIPC
    | confine.CLONE_NEWUTS
)
REPO_ROOT = Path(__file__).resolve().parents[2]
#: Never covered: hiding them would hide the interpreter or the kernel interfaces.
_NEVER_HIDE = {"/", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev"}


class IsolationError(RuntimeError):
    """The machine cannot give the isolation level a run requires."""


def _in_fork(check: Callable[[], str]) -> str:
    """Run ``check`` in a forked probe (it may unshare, mount, install filters); its answer back.

    ``check`` returns '' on success or why not; an exception is reported as its text.
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the probe: report an error text (or nothing) and leave
        os.close(r)
        try:
            msg = check().encode()
        except BaseException as exc:
            msg = f"{type(exc).__name__}: {exc}".encode()
        os.write(w, msg[:500])
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        text = fh.read().decode(errors="replace")
    os.waitpid(pid, 0)
    return text


def _enter_namespaces(userns: bool) -> None:
    uid, gid = os.getuid(), os.getgid()
    confine.unshare(NAMESPACE_FLAGS | (confine.CLONE_NEWUSER if userns else 0))
    if userns:
        confine.map_user_namespace(uid, gid)


def _as_pid_one(body: Callable[[], int], reasons: dict[int, str]) -> str:
    """Run ``body`` as PID 1 of the new PID namespace; '' when it exits 0, else the reason."""
    inner = os.fork()
    if inner == 0:
        try:
            code = body()
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(inner, 0)
    code = os.waitstatus_to_exitcode(status)
    return "" if code == 0 else reasons.get(code, f"exit {code}")


def _try_namespaces(userns: bool) -> str:
    """'' when a probe can unshare the namespaces, mount a tmpfs and be PID 1, else why not."""

    def check() -> str:
        _enter_namespaces(userns)
        confine.mount(None, "/", None, confine.MS_REC | confine.MS_PRIVATE)
        confine.mount("tmpfs", "/tmp", "tmpfs", confine.MS_NOSUID, "size=1m")
        reasons = {3: "the PID namespace did not make its first child PID 1"}
        return _as_pid_one(lambda: 0 if os.getpid() == 1 else 3, reasons)

    return _in_fork(check)


def _try_minimal_root(userns: bool) -> str:
    """'' when a child can pivot into the minimal root and sees the interpreter but not the repo."""
    if not confine.pivot_available():
        return f"no pivot_root syscall number for {platform.machine()}"

    def view() -> int:  # as the sandboxed child does it
        confine.enter_minimal_root(
            confine.keep_dirs(), hidden_paths(), 1, strict=not userns, new_proc=True
        )
        if any(os.listdir(p) for p in _package_dirs() if os.path.isdir(p)):
            return 4
        if not os.path.isdir(sys.prefix):
            return 4
        return 0 if os.listdir("/proc/self/fd") else 5

    def check() -> str:
        _enter_namespaces(userns)
        reasons = {3: "setting up the root failed", 4: "the view was wrong", 5: "no /proc"}
        return _as_pid_one(view, reasons)

    return _in_fork(check)


def _try_seccomp() -> str:
    """'' when the child's seccomp filter installs and refuses unshare while threads still work."""
    if not seccomp.available():
        return f"no filter for {platform.machine()}"

    def check() -> str:
        seccomp.install()
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
        try:
            confine.unshare(confine.CLONE_NEWNS)
        except OSError:
            return ""
        return "the filter let unshare through"

    return _in_fork(check)


def _try_cgroups() -> str:
    """'' when we can create memory and pids cgroups, else why not."""
    try:
        for controller in confine.CGROUP_CONTROLLERS:
            base = os.path.join(confine.CGROUP_ROOT, controller)
            if not os.path.isdir(base):
                return f"no cgroup v1 {controller} controller at {base}"
            os.makedirs(os.path.join(base, "cnngrade"), exist_ok=True)
    except OSError as exc:
        return f"cannot create cgroups ({exc.strerror})"
    return ""


@functools.lru_cache(maxsize=1)
def _probe() -> tuple[Isolation, dict]:
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        raise IsolationError(f"the sandbox needs Linux with fork(); this is {sys.platform}")
    root = os.geteuid() == 0
    have, missing = (
        ["fork", "rlimits", "scrubbed-env", "private-cwd", "import-guard", "aten-guard"],
        [],
    )
    ns_error = _try_namespaces(userns=not root)
    if ns_error:
        missing.append(f"namespaces ({ns_error})")
    else:
        have += ["pid-namespace", "net-namespace", "mount-namespace"] + (
            [] if root else ["user-namespace"]
        )
    root_error = _try_minimal_root(userns=not root) if not ns_error else "needs namespaces"
    if root_error:
        missing.append(f"minimal root ({root_error}; falling back to covering known folders)")
    else:
        have.append("minimal-root")
    if root and not ns_error:
        have.append("unprivileged-uid")
    else:
        missing.append(
            "unprivileged-uid (" + ("not root" if not root else "needs the mount namespace") + ")"
        )
    cg_error = _try_cgroups() if root else "not root"
    if cg_error:
        missing.append(f"cgroup memory/pids limits and sweep ({cg_error})")
    else:
        have += ["cgroup-memory", "cgroup-pids", "cgroup-sweep"]
    sc_error = _try_seccomp()
    if sc_error:
        missing.append(f"seccomp filter ({sc_error})")
    else:
        have.append("seccomp")
    level = 1
    for lvl, needs in ((2, "mount-namespace"), (3, "unprivileged-uid"), (4, "cgroup-sweep")):
        if needs not in have:
            break
        level = lvl
    plan = {
        "unshare": 0 if ns_error else NAMESPACE_FLAGS,
        "userns": not root and not ns_error,
        "minimal_root": not root_error,
        "uid_drop": "unprivileged-uid" in have,
        "cgroup": not cg_error,
        "seccomp": not sc_error,
    }
    return Isolation(level, LEVEL_NAMES[level], tuple(have), tuple(missing)), plan


def probe_isolation() -> Isolation:
    """The isolation this machine gives a submission (probed once per process, then cached).

    >>> probe_isolation().level in (1, 2, 3, 4)
    True
    """
    return _probe()[0]


def base_plan() -> dict:
    """What the worker should set up for every child (from the probe)."""
    return dict(_probe()[1])


def hidden_paths(extra: tuple[str, ...] = ()) -> list[str]:
    """Paths covered by an empty tmpfs in the child: our packages, the repo, cwd, homes, temp dirs,
    ``extra``. With the minimal root most of these are absent anyway; the list matters for what lies
    inside a visible directory (a non-editable install in site-packages) and for the fallback.

    ``CNNGRADE_SANDBOX_HIDE`` (``os.pathsep``-separated) adds the grader's output or class folders.
    """
    env = [p for p in os.environ.get("CNNGRADE_SANDBOX_HIDE", "").split(os.pathsep) if p]
    candidates = [
        *_package_dirs(),
        *_blocked_library_dirs(),
        str(REPO_ROOT),
        os.getcwd(),
        os.path.expanduser("~"),
        "/home",
        "/root",
        "/tmp",
        "/var/tmp",
        "/dev/shm",
        *env,
        *extra,
    ]
    out = []
    for path in candidates:
        real = os.path.realpath(path)
        if real not in _NEVER_HIDE and os.path.isdir(real) and real not in out:
            out.append(real)
    return out


def _package_dirs() -> list[str]:
    """Our own packages, wherever they are installed (a non-editable install puts them in
    site-packages, which the child must see): always covered."""
    return [
        str(REPO_ROOT / name)
        for name in ("cnngrade", "reference", "exercises", "grader", "solutions")
    ]


#: Library packages no exercise allows (the child's import hook refuses them too): their folders
#: are covered, so loading one of their C extensions by file path finds nothing.
BLOCKED_LIBRARIES = ("scipy.signal", "scipy.ndimage")


@functools.lru_cache(maxsize=1)
def _blocked_library_dirs() -> tuple[str, ...]:
    """The folders of ``BLOCKED_LIBRARIES`` where they are installed (found without importing them)."""
    dirs = []
    for name in BLOCKED_LIBRARIES:
        parent, _, leaf = name.rpartition(".")
        try:
            spec = importlib.util.find_spec(parent)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            dirs.append(os.path.join(location, leaf))
    return tuple(dirs)


def check_required(require_level: int | None) -> Isolation:
    """The probed isolation, or IsolationError when it is below ``require_level``."""
    if require_level is not None and (
        not isinstance(require_level, int) or not 1 <= require_level <= 4
    ):
        raise ValueError(f"require_level={require_level!r}: expected None or an int from 1 to 4")
    iso = probe_isolation()
    if require_level is not None and iso.level < require_level:
        raise IsolationError(
            f"refusing to grade: isolation level {iso.level} ({iso.name}) is below the required "
            f"{require_level} ({LEVEL_NAMES[require_level]}); missing: {'; '.join(iso.missing)}"
        )
    return iso
