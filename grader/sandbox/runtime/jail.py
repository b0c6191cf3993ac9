"""The forked side of one sandbox run: the confined child, and (without root) its keeper.

As root the worker unshares a PID namespace and forks the child directly (``direct``): the child is
PID 1 of that namespace, so when it dies every process it left behind dies too. Without root, user
namespaces need an intermediate *keeper* that unshares everything, forks the child, waits for it and
reports its exit status on a pipe only the keeper holds. Either way the child joins its cgroups,
hides paths, sets limits, drops to an unprivileged uid (root only), and runs ``child.serve``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from . import child, confine, guards, seccomp

SAFE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


def keeper(job: dict, plan: dict, msg_w: int, ctl_w: int, cgroups: dict | None) -> None:
    """Runs in the worker's fork; never returns (``os._exit``)."""
    code = 70
    try:
        confine.die_with_parent()
        if cgroups:
            confine.cgroup_join(cgroups)
        job_fd = os.open(job["job_dir"], os.O_RDONLY | os.O_DIRECTORY)
        as_bytes = confine.address_space_limit(job["limits"]["memory_mb"])
        flags = plan["unshare"]
        if flags:
            if plan.get("userns"):
                uid, gid = os.getuid(), os.getgid()
                confine.unshare(flags | confine.CLONE_NEWUSER)
                confine.map_user_namespace(uid, gid)
            else:
                confine.unshare(flags)
        pid = os.fork()
        if pid == 0:
            os.close(ctl_w)
            _confined(job, plan, msg_w, job_fd, as_bytes)
        os.close(msg_w)
        os.write(ctl_w, f"pid {pid}\n".encode())
        _, status, usage = os.wait4(pid, 0)
        os.write(ctl_w, f"status {status} {usage.ru_utime + usage.ru_stime:.3f}\n".encode())
        code = 0
    except BaseException as exc:  # report why the sandbox could not be set up, then leave
        with contextlib.suppress(OSError):
            os.write(
                ctl_w, f"error {type(exc).__name__}: {exc}\n".replace("\n", " ").encode() + b"\n"
            )
    os._exit(code)


def direct(job: dict, plan: dict, msg_w: int, cgroups: dict | None) -> None:
    """Runs in the worker's fork (PID 1 of a new PID namespace); never returns."""
    try:
        confine.die_with_parent()
        if cgroups:
            confine.cgroup_join(cgroups)
        job_fd = os.open(job["job_dir"], os.O_RDONLY | os.O_DIRECTORY)
        as_bytes = confine.address_space_limit(job["limits"]["memory_mb"])
        if plan["unshare"] & ~confine.CLONE_NEWPID:
            confine.unshare(plan["unshare"] & ~confine.CLONE_NEWPID)
    except BaseException as exc:  # say why the sandbox could not be set up, then leave
        child.send(msg_w, {"ev": "setup_error", "message": f"{type(exc).__name__}: {exc}"})
        os._exit(71)
    _confined(job, plan, msg_w, job_fd, as_bytes)


def _confined(job: dict, plan: dict, msg_w: int, job_fd: int, as_bytes: int) -> None:
    """Runs as the sandboxed child; never returns."""
    try:
        confine.die_with_parent()
        os.setsid()
        scratch = _filesystem(job, plan)
        _redirect_std(job_fd)
        cuda = str(job.get("device") or "").startswith("cuda")
        # CUDA maps huge address ranges at start-up: a CUDA job is bounded by the cgroup and the
        # allocator cap instead of RLIMIT_AS
        confine.set_rlimits(job["limits"], None if cuda else as_bytes)
        _close_fds_except(msg_w, job_fd)
        if plan.get("uid") is not None:
            confine.drop_privileges(plan["uid"])
        if plan.get("seccomp"):
            seccomp.install()
        os.chdir(scratch)
        _scrub_interpreter(job, scratch)
        if cuda:
            guards.cuda_setup(job.get("device"), job["limits"]["memory_mb"])
        child.serve(job, msg_w, job_fd)
    except BaseException as exc:  # setup failed: say so on the message pipe, then leave
        with contextlib.suppress(BaseException):
            child.send(msg_w, {"ev": "setup_error", "message": f"{type(exc).__name__}: {exc}"})
        os._exit(71)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(0)


def _close_fds_except(*keep: int) -> None:
    """Close every descriptor above 2 but ``keep`` (the worker's protocol pipes among them)."""
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)


def _filesystem(job: dict, plan: dict) -> str:
    """Hide paths (mount namespace) and return the scratch directory to use as cwd."""
    strict = not plan.get("userns")
    new_proc = bool(plan["unshare"] & confine.CLONE_NEWPID)
    if plan["unshare"] & confine.CLONE_NEWNS and plan.get("minimal_root"):
        confine.enter_minimal_root(
            plan["keep"], plan["hide"], job["limits"]["tmpfs_mb"], strict=strict, new_proc=new_proc
        )
        scratch = "/tmp/work"
        os.makedirs(scratch, exist_ok=True)
    elif plan["unshare"] & confine.CLONE_NEWNS:  # fallback: the host's tree with hiding places
        confine.hide_paths(plan["hide"], plan["keep"], job["limits"]["tmpfs_mb"], strict)
        if new_proc:
            confine.mount_proc()
        scratch = "/tmp/work"
        os.makedirs(scratch, exist_ok=True)
    else:
        scratch = os.path.join(job["job_dir"], "scratch")
    if plan.get("uid") is not None:
        os.chown(scratch, plan["uid"], plan["uid"])
    return scratch


def _redirect_std(job_fd: int) -> None:
    """stdin from /dev/null; stdout/stderr into the job's capped files."""
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
        out = os.open(name, os.O_WRONLY | os.O_APPEND, dir_fd=job_fd)
        os.dup2(out, fd)
        os.close(out)


def _scrub_interpreter(job: dict, scratch: str) -> None:
    """Scrubbed environment, sys.path without the repo or cwd, one thread, guards installed."""
    os.environ.clear()
    os.environ.update(SAFE_ENV, HOME=scratch, TMPDIR=scratch)
    keep = tuple(k.rstrip("/") + "/" for k in job["keep"])
    sys.path[:] = [p for p in sys.path if p and (os.path.abspath(p) + "/").startswith(keep)]
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()]
    sys.path_hooks[:] = [h for h in sys.path_hooks if "editable" not in repr(h).lower()]
    sys.argv = [job["filename"]]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    guards.torch_threads(1)
