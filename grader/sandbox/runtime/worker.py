"""The warm worker: imports numpy and torch once, then forks one sandbox per submission.

Protocol with the grader: one JSON request line in, one JSON response line out, on descriptors the
sandbox never sees. The worker enforces wall-clock limits by reading the child's message pipe with
deadlines and kills the whole tree (PID namespace and cgroup) at the end of every run.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import time

import numpy  # noqa: F401 - imported once here so every fork starts warm
import torch  # noqa: F401

from . import confine, jail, kernels, outcome
from .watch import MAX_MESSAGE_BYTES, Watch


class Cgroups:
    """This worker's memory and pids cgroups, created once and reused by every run."""

    def __init__(self) -> None:
        self.paths: dict | None = None
        self.generation = 0

    def for_job(self, limits: dict) -> tuple[dict, int]:
        """The cgroups with this job's limits, and the OOM-kill count before the run."""
        memory, pids = limits["memory_mb"] * 1024 * 1024, limits["max_processes"] + 2
        try:
            self.paths = confine.cgroup_create(f"{os.getpid()}-w{self.generation}", memory, pids)
        except OSError:  # e.g. EBUSY lowering the limit under charged cache: start a fresh cgroup
            self.close()
            self.generation += 1
            self.paths = confine.cgroup_create(f"{os.getpid()}-w{self.generation}", memory, pids)
        return self.paths, confine.oom_count(self.paths)

    def close(self) -> None:
        if self.paths:
            confine.cgroup_sweep(self.paths, _reap_all)
            confine.cgroup_remove(self.paths)


CGROUPS = Cgroups()
#: The worker's own PID namespace, restored after each unshare(CLONE_NEWPID) + fork.
PID_NS_FD: int | None = None


def _fork_direct(job: dict, plan: dict, cgroups: dict | None) -> Watch:
    """As root: the child is forked straight into a new PID namespace (one fork per run)."""
    msg_r, msg_w = os.pipe()
    confine.unshare(confine.CLONE_NEWPID)
    try:
        pid = os.fork()
    finally:
        if os.getpid() != 1:  # the worker (not the child) takes its own namespace back
            confine.setns(PID_NS_FD, confine.CLONE_NEWPID)
    if pid == 0:
        os.close(msg_r)
        jail.direct(job, plan, msg_w, cgroups)
    os.close(msg_w)
    return Watch(msg_r, child_pid=pid)


def _fork_keeper(job: dict, plan: dict, cgroups: dict | None) -> Watch:
    """Without root (user namespaces) or without namespaces: a keeper forks and watches the child."""
    msg_r, msg_w = os.pipe()
    ctl_r, ctl_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(msg_r)
        os.close(ctl_r)
        jail.keeper(job, plan, msg_w, ctl_w, cgroups)
    os.close(msg_w)
    os.close(ctl_w)
    return Watch(msg_r, ctl_r=ctl_r, keeper=pid)


def _reap_all(reaped: set[int] | None = None) -> None:
    """Collect every exited child (the worker is a subreaper: orphans of the sandbox land here)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if reaped is not None:
            reaped.add(pid)


def _gone(pid: int, reaped: set[int]) -> bool:
    if pid in reaped:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _reap_until_gone(pids: list[int], seconds: float = 5.0) -> bool:
    """Reap without blocking until ``pids`` are gone.

    Never a blocking ``waitpid``: a dying PID-namespace init waits for its orphans, which a subreaper
    worker must reap first — blocking on the init would deadlock.
    """
    reaped: set[int] = set()
    deadline = time.monotonic() + seconds
    while True:
        _reap_all(reaped)
        if all(_gone(pid, reaped) for pid in pids):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.0005)


def finish(watch: Watch, cgroups: dict | None, oom_before: int) -> dict:
    """Kill everything the run left (PID namespace, cgroup, process group) and reap it all."""
    oom = bool(cgroups) and confine.oom_count(cgroups) > oom_before
    for pid, kill in (
        (watch.child_pid, os.kill),
        (watch.child_pid, os.killpg),
        (watch.keeper, os.kill),
    ):
        if pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(pid, signal.SIGKILL)
    watch.drain()
    swept = confine.cgroup_sweep(cgroups, _reap_all) if cgroups else None
    targets = [p for p in (watch.keeper, None if watch.reaped else watch.child_pid) if p]
    gone = _reap_until_gone(targets)
    watch.close()
    return {"oom": oom, "swept": (swept if swept is not None else True) and gone}


def spawn(job: dict, plan: dict) -> tuple[Watch, dict | None, int]:
    """Start the sandbox for calls ``job["start"]:``."""
    cgroups, oom_before = CGROUPS.for_job(job["limits"]) if plan.get("cgroup") else (None, 0)
    direct = bool(plan["unshare"] & confine.CLONE_NEWPID) and not plan.get("userns")
    watch = (_fork_direct if direct else _fork_keeper)(job, plan, cgroups)
    return watch, cgroups, oom_before


def watch_run(job: dict, plan: dict, deadline_total: float) -> dict:
    """One sandbox run: returns its events, exit status and, on timeout, where it stopped.

    Whatever happens while the child is read, its whole tree is killed and reaped (``finish``)
    before this returns or raises: the next submission on this worker gets the full budget.
    """
    t0 = time.monotonic()
    watch, cgroups, oom_before = spawn(job, plan)
    per_call = job["limits"]["wall_s_per_call"]
    deadline = min(time.monotonic() + per_call, deadline_total)
    timed_out = flood = False
    seen = 0
    try:
        while watch.status is None:
            now = time.monotonic()
            if now >= deadline:
                timed_out = True
                break
            watch.pump(min(deadline - now, 0.5))
            if watch.received > MAX_MESSAGE_BYTES * 4 or watch.garbled:
                flood = True
                break
            if watch.progress != seen:  # the child loaded or moved to the next call: a fresh budget
                seen = watch.progress
                deadline = min(time.monotonic() + per_call, deadline_total)
    except Exception:  # noqa: BLE001 - whatever the child sent, it is stopped, never the worker
        flood = True
    t1 = time.monotonic()
    extra = finish(watch, cgroups, oom_before)
    loaded = next(
        (e["t"] for e in watch.events if e["ev"] == "loaded" and isinstance(e.get("t"), float)), t1
    )
    extra["phases"] = {
        "setup_s": loaded - t0,
        "calls_s": t1 - loaded,
        "teardown_s": time.monotonic() - t1,
    }
    return {
        "events": watch.events,
        "status": watch.status,
        "timed_out": timed_out,
        "flood": flood,
        "garbled": watch.garbled > 0,
        "setup_error": watch.setup_error,
        "cpu_s": watch.cpu_s,
        **extra,
    }


def handle(request: dict) -> dict:
    """Run a whole submission, restarting after a call that timed out or crashed."""
    job, plan = request["job"], request["plan"]
    job["keep"] = plan["keep"] = confine.keep_dirs()
    patterns = tuple(job["forbidden"]["aten_ops"])
    job["guard_plans"] = (
        (kernels.kernel_plan(patterns), kernels.python_impl_plan(patterns)) if patterns else None
    )
    deadline_total = time.monotonic() + job["limits"]["wall_s_total"]
    runs, start = [], 0
    while start < len(job["calls"]):
        job["start"] = start
        run = watch_run(job, plan, deadline_total)
        runs.append(run)
        start = outcome.next_start(run, start, len(job["calls"]), deadline_total)
        if start is None:
            break
    return outcome.response(runs, job, deadline_total)


def warm_up() -> None:
    """Pay torch's lazy imports (≈800 modules behind the first dispatch/function mode) once, here."""
    from . import guards, probe

    x = torch.ones(1, 1, 4, 4)
    layer = torch.nn.Sequential(
        torch.nn.Conv2d(1, 1, 3), torch.nn.MaxPool2d(2), torch.nn.BatchNorm2d(1)
    )
    with guards.refusing_uses(), probe.RecordFunctional(), torch.no_grad():
        layer.eval()(x).as_subclass(torch.Tensor)
    kernels.kernel_plan(("never_an_op",))  # the dispatcher's operator names, listed once
    with torch._C.DisableTorchFunctionSubclass():
        torch.Tensor.numpy(torch.Tensor.detach(x))


def main() -> None:
    """Serve requests until stdin closes. The protocol uses private dups of stdin/stdout."""
    global PID_NS_FD
    PID_NS_FD = os.open("/proc/self/ns/pid", os.O_RDONLY)
    confine.become_subreaper()
    if os.geteuid() == 0:
        confine.cgroup_remove_stale()
    warm_up()
    torch.set_num_threads(1)
    gc.collect()
    gc.freeze()  # forked children then never walk (and copy-on-write) the worker's objects
    proto_in, proto_out = os.dup(0), os.dup(1)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)
    reader = os.fdopen(proto_in, "rb")
    os.write(proto_out, b'{"ready": true}\n')
    for line in reader:
        try:
            response = handle(json.loads(line))
        except Exception as exc:  # a worker bug must not hang the grader: report it
            response = {"worker_error": f"{type(exc).__name__}: {exc}"}
        data = (json.dumps(response) + "\n").encode()
        while data:
            data = data[os.write(proto_out, data) :]
    CGROUPS.close()


if __name__ == "__main__":
    main()
