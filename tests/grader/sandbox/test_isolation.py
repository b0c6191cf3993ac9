"""The isolation probe, the required level, and the fallback chain actually running."""

from __future__ import annotations

import ast
import os

import numpy as np
import pytest

from cnngrade.grader.sandbox import Call, IsolationError, Limits, isolation, probe_isolation, run
from cnngrade.grader.sandbox.runtime import confine

X = np.zeros(2)
ISO = probe_isolation()
#: what the child's /tmp may hold: its scratch folder, and the way to an interpreter kept under /tmp
TMP_VIEW = {"work"} | {p.split("/")[2] for p in confine.keep_dirs() if p.startswith("/tmp/")}
SPY = (
    "import os, sys\n"
    "def f(x):\n"
    "    print(os.getuid(), os.getgid(), os.getcwd(), sorted(os.environ), flush=True)\n"
    "    print([p for p in sys.path], flush=True)\n"
    "    return x\n"
)


def test_probe_is_consistent_and_cached() -> None:
    assert probe_isolation() is ISO
    assert ISO.name == isolation.LEVEL_NAMES[ISO.level]
    assert {"fork", "rlimits", "import-guard"} <= set(ISO.mechanisms)
    if ISO.level < 4:
        assert ISO.missing, "a level below full must say what is missing"


def test_require_level_refuses_a_weaker_machine(monkeypatch) -> None:
    from cnngrade.grader.sandbox.api import Isolation

    weak = Isolation(1, "process", ("fork",), ("namespaces (no user namespaces)",))
    monkeypatch.setattr(isolation, "probe_isolation", lambda: weak)
    with pytest.raises(
        IsolationError, match=r"level 1 \(process\) is below the required 3.*no user namespaces"
    ):
        run("def f(x):\n    return x\n", "f", [Call((X,))], require_level=3)


def test_require_level_met_runs() -> None:
    report = run("def f(x):\n    return x\n", "f", [Call((X,))], require_level=ISO.level)
    assert report.results[0].ok and report.isolation.level == ISO.level


def test_child_sees_scrubbed_environment_and_path() -> None:
    report = run(SPY, "f", [Call((X,))])
    first, second = report.stdout.splitlines()
    uid, gid, cwd, env = first.split(" ", 3)
    assert "PATH" in env and "CNNGRADE" not in env and "PYTEST" not in env
    assert str(isolation.REPO_ROOT) not in cwd
    path = second.strip("[]").replace("'", "").split(", ")
    assert path and all(
        not p.startswith(str(isolation.REPO_ROOT) + "/") or "/.venv/" in p for p in path
    )
    assert "" not in path
    if "unprivileged-uid" in ISO.mechanisms:
        assert int(uid) >= 100_000 and int(gid) == int(uid)


@pytest.mark.skipif("mount-namespace" not in ISO.mechanisms, reason="needs a mount namespace")
def test_repo_home_and_tmp_are_empty_in_the_child() -> None:
    src = (
        "import os\ndef f(x):\n"
        f"    repo = {str(isolation.REPO_ROOT)!r}\n"
        "    print(os.listdir(repo) if os.path.isdir(repo) else [], os.listdir('/tmp'), flush=True)\n"
        "    return x\n"
    )
    report = run(src, "f", [Call((X,))])
    repo_view, tmp_view = report.stdout.strip().split("] [")
    assert "reference" not in repo_view and "grader" not in repo_view
    assert set(ast.literal_eval("[" + tmp_view)) == TMP_VIEW


def test_fallback_plan_without_namespaces_uid_or_cgroups_still_grades(monkeypatch) -> None:
    """The level-1 path (what a machine without root or user namespaces gets) runs and confines."""
    monkeypatch.setattr(
        isolation,
        "base_plan",
        lambda: {"unshare": 0, "userns": False, "uid_drop": False, "cgroup": False},
    )
    src = (
        "import os, numpy as np\ndef f(x, loop=False):\n    while loop:\n        pass\n"
        "    return np.asarray(os.getcwd().endswith('scratch'), dtype=float)\n"
    )
    report = run(src, "f", [Call((X,)), Call((X, True))], limits=Limits(wall_s_per_call=1.0))
    assert report.results[0].ok and float(report.results[0].outputs[0]) == 1.0
    assert report.results[1].status == "timeout"


@pytest.mark.skipif(os.geteuid() != 0 or ISO.level < 4, reason="needs root and cgroup v1 (level 4)")
def test_cgroups_are_empty_after_a_run_and_removed_with_the_worker() -> None:
    from cnngrade.grader.sandbox import pool

    pool.configure(1)
    run("import os\ndef f(x):\n    os.fork()\n    return x\n", "f", [Call((X,))])
    worker = next(w for w in pool.shared_pool()._all if isinstance(w, pool.Worker))
    dirs = [f"/sys/fs/cgroup/{c}/cnngrade/{worker.proc.pid}-w0" for c in ("memory", "pids")]
    for path in dirs:
        with open(f"{path}/cgroup.procs") as fh:
            assert fh.read().strip() == ""
    pool.configure(2)  # closes the old pool: its worker removes its cgroups on the way out
    assert not any(os.path.exists(p) for p in dirs)


def test_hidden_paths_never_cover_system_directories() -> None:
    hidden = isolation.hidden_paths(("/", "/usr", "/etc"))
    assert not {"/", "/usr", "/etc"} & set(hidden)
    assert os.path.realpath("/tmp") in hidden


@pytest.mark.skipif("mount-namespace" not in ISO.mechanisms, reason="needs namespaces")
@pytest.mark.parametrize("minimal_root", [False, True], ids=["covered-folders", "minimal-root"])
def test_user_namespace_keeper_path_confines_like_a_non_root_machine(
    monkeypatch, minimal_root: bool
) -> None:
    """The level-2 path a non-root machine takes (keeper + user namespace), exercised here as root,
    with the minimal root and with its fallback (covering known folders)."""
    if minimal_root and "minimal-root" not in ISO.mechanisms:
        pytest.skip("this machine refuses the minimal root")
    plan = {
        "unshare": isolation.NAMESPACE_FLAGS,
        "userns": True,
        "minimal_root": minimal_root,
        "uid_drop": False,
        "cgroup": False,
    }
    monkeypatch.setattr(isolation, "base_plan", lambda: plan)
    src = (
        "import os, time, numpy as np\ndef f(x, loop=False):\n    while loop:\n        pass\n"
        "    if os.fork() == 0:\n        os.setsid()\n        time.sleep(60)\n"
        f"    seen = os.path.exists({str(isolation.REPO_ROOT / 'reference')!r})\n"
        "    return np.array([os.getpid(), float(seen), len(os.listdir('/tmp'))])\n"
    )
    report = run(src, "f", [Call((X,)), Call((X, True))], limits=Limits(wall_s_per_call=1.5))
    assert report.results[0].ok
    assert report.results[0].outputs[0].tolist() == [1.0, 0.0, float(len(TMP_VIEW))]
    assert report.results[1].status == "timeout"
    assert _children_of_workers() == []


def _children_of_workers() -> list[str]:
    """Processes whose parent is a warm worker: between runs there must be none (it is a subreaper)."""
    from cnngrade.grader.sandbox import pool

    workers = {str(w.proc.pid) for w in pool.shared_pool()._all if isinstance(w, pool.Worker)}
    found = []
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] in workers and fields[0] != "Z":
            found.append(pid)
    return found


def test_a_probe_reports_why_not_as_text() -> None:
    """A mechanism the machine refuses is named with the reason (never a crash at start-up)."""
    assert isolation._in_fork(lambda: "") == ""
    assert isolation._in_fork(lambda: "refused here") == "refused here"
    assert isolation._in_fork(lambda: str(1 // 0)).startswith("ZeroDivisionError")
