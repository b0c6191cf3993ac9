"""The attack harness: run a hostile submission, then prove nothing survived and nothing leaked.

Every attack wraps a *wrong* conv2d (the expected output exists only here, in the parent). After each
run the harness checks: the grader got a report (no crash), no process of the sandbox's uid is left,
the submission's cgroups are gone, and no marker file appeared outside the sandbox.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from cnngrade.grader.sandbox import Call, Forbidden, Limits, RunReport, probe_isolation, run
from cnngrade.grader.sandbox import pool as sandbox_pool

#: a right corr2d (d2l's loop), the victim of the class-run attacks
CORRECT_CORR2D = (
    "import numpy as np\n\n"
    "def corr2d(X, K):\n"
    "    h, w = K.shape\n"
    "    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))\n"
    "    for i in range(Y.shape[0]):\n"
    "        for j in range(Y.shape[1]):\n"
    "            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()\n"
    "    return Y\n"
)
#: Finds the message pipe (the child's only pipe) and the job directory (its only directory fd).
FIND_FDS = (
    "import os, time, numpy as np\n"
    "def _pipe():\n"
    "    for fd in os.listdir('/proc/self/fd'):\n"
    "        try:\n            if os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'):\n"
    "                return int(fd)\n"
    "        except OSError:\n            pass\n"
    "def _job():\n"
    "    for fd in os.listdir('/proc/self/fd'):\n"
    "        if os.path.isdir(f'/proc/self/fd/{fd}') and os.path.exists(f'/proc/self/fd/{fd}/inputs.bin'):\n"
    "            return f'/proc/self/fd/{fd}'\n"
    "DEEP = b'[' * 100000 + b']' * 100000 + b'\\n'\n"
)
RNG = np.random.default_rng(20240601)
X = RNG.standard_normal((1, 2, 6, 5))
W = RNG.standard_normal((3, 2, 3, 3))
EXPECTED = torch.nn.functional.conv2d(torch.from_numpy(X), torch.from_numpy(W)).numpy()
CONV = Forbidden(
    names=("torch.nn.functional.conv2d", "torch.nn.Conv2d"),
    modules=("scipy.signal",),
    aten_ops=("convolution", "conv2d"),
)
FAST = Limits(wall_s_per_call=1.5, wall_s_total=6.0, memory_mb=384, max_processes=16)
ISOLATION = probe_isolation()


def needs_level(level: int):
    """Skip (saying why) when this machine's isolation is below ``level``."""
    return pytest.mark.skipif(
        ISOLATION.level < level,
        reason=f"needs isolation level {level}; this machine has {ISOLATION.level} "
        f"({ISOLATION.name}), missing: {'; '.join(ISOLATION.missing) or 'nothing'}",
    )


def marker_paths(tag: str) -> list[Path]:
    """Places an attack tries to write to: the repo, cwd, $HOME, /tmp, /var/tmp, /dev/shm."""
    repo = Path(__file__).resolve().parents[2]
    dirs = [repo, Path.cwd(), Path.home(), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")]
    return [d / f"cnngrade-attack-{tag}-{os.getpid()}" for d in dirs]


def _sandbox_uids() -> set[int]:
    workers = [w for w in sandbox_pool.shared_pool()._all if isinstance(w, sandbox_pool.Worker)]
    return {w.uid for w in workers}


def live_processes(uids: set[int]) -> list[str]:
    """Live processes (not zombies) owned by a sandbox uid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields.get("Uid", "-1").split()[0])
        if uid in uids and not fields.get("State", "").strip().startswith("Z"):
            found.append(f"{entry} {fields.get('Name', '').strip()}")
    return found


def _children_of_workers() -> list[str]:
    """Live processes whose parent is a warm worker (a subreaper: orphans of the sandbox land there)."""
    workers = {
        str(w.proc.pid)
        for w in sandbox_pool.shared_pool()._all
        if isinstance(w, sandbox_pool.Worker)
    }
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] in workers and fields[0] != "Z":
            found.append(pid)
    return found


def _cgroups_busy(worker_pids: set[int]) -> list[str]:
    """Processes still inside a worker's cgroups (they must be empty between runs)."""
    busy = []
    for controller in ("memory", "pids"):
        for pid in worker_pids:
            for procs in Path(f"/sys/fs/cgroup/{controller}/cnngrade").glob(
                f"{pid}-w*/cgroup.procs"
            ):
                if not procs.read_text().strip():
                    continue
                busy.append(f"{procs}: {procs.read_text().split()}")
    return busy


def attack(
    source: str,
    *,
    calls=None,
    limits: Limits = FAST,
    forbidden: Forbidden = CONV,
    tag: str = "x",
    **kwargs,
) -> RunReport:
    """Run a hostile ``conv2d`` and check the aftermath; returns the report for verdict checks."""
    markers = marker_paths(tag)
    report = run(
        source, "conv2d", calls or [Call((X, W))], limits=limits, forbidden=forbidden, **kwargs
    )
    uids = _sandbox_uids()
    deadline = time.monotonic() + 3.0
    while live_processes(uids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live_processes(uids) == [], "a sandbox process survived the run"
    assert _children_of_workers() == [], "an orphan of the sandbox survived the run"
    if ISOLATION.level >= 4:
        workers = {
            w.proc.pid
            for w in sandbox_pool.shared_pool()._all
            if isinstance(w, sandbox_pool.Worker)
        }
        assert _cgroups_busy(workers) == []
    written = [str(m) for m in markers if m.exists()]
    for m in markers:
        m.unlink(missing_ok=True)
    assert written == [], f"the submission wrote outside its sandbox: {written}"
    return report


def passes(report: RunReport) -> bool:
    """What a grader must never conclude for these wrong submissions: every case right."""
    return all(
        r.ok
        and len(r.outputs) == 1
        and r.outputs[0].shape == EXPECTED.shape
        and np.allclose(r.outputs[0], EXPECTED, rtol=1e-5, atol=1e-6)
        for r in report.results
    )
