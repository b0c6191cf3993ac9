"""A class run mixing attackers and victims on ONE warm worker (``grade --jobs 1``, one sandbox).

Victims keep full marks; every attacker gets a failing verdict with a clear message; the CLI exits
0 (no grader fault); afterwards no sandbox process is alive, nothing was written outside the output
folder, and the run left nothing in /dev/shm.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from cnngrade.grader.gradebook import read_gradebook
from security_harness import FIND_FDS, ISOLATION, live_processes, marker_paths

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = """id: hardening
language: en
exercises:
  - {id: conv2d, points: 8}
  - {id: avg_pool2d, points: 5}
"""
CONV = (ROOT / "solutions" / "conv2d" / "correct.py").read_text(encoding="utf-8")
POOL = (ROOT / "solutions" / "avg_pool2d" / "correct.py").read_text(encoding="utf-8")
SIG = "def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):\n"


def _writer(tag: str) -> str:
    targets = [str(p) for p in marker_paths(tag)]
    return (
        "import os\n"
        f"for _p in {targets!r}:\n"
        "    try:\n        open(_p, 'w').write('escaped')\n    except OSError:\n        pass\n"
    )


ATTACKERS = {
    # the forbidden op in a thread, through a computed name
    "a_thread": "import threading, torch\n"
    + SIG
    + "    out = []\n    f = getattr(torch.nn.functional, 'con' + 'v2d')\n"
    "    def work():\n        out.append(f(torch.from_numpy(x), torch.from_numpy(weight), None if bias is None "
    "else torch.from_numpy(bias), stride, padding, dilation, groups).numpy())\n"
    "    t = threading.Thread(target=work)\n    t.start()\n    t.join()\n    return out[0]\n",
    # a memory hog left behind, and a 100,000-deep JSON line on the message pipe
    "a_deep_json": FIND_FDS
    + SIG
    + "    if os.fork() == 0:\n        os.setsid()\n        hog = np.ones(1600 * 2**20 // 8)\n"
    "        time.sleep(120)\n        os._exit(0)\n"
    "    time.sleep(1.0)\n    os.write(_pipe(), DEEP)\n"
    "    time.sleep(30)\n",
    # an .npy header claiming 2**60 elements and a forged 'done ok'
    "a_npy": FIND_FDS
    + SIG
    + "    h = \"{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }\"\n"
    "    h = h.encode() + b' ' * (-(len(h) + 11) % 64) + b'\\n'\n"
    "    for name in os.listdir(_job()):\n        if name.startswith('out_'):\n"
    "            with open(_job() + '/' + name, 'wb') as fh:\n"
    "                fh.write(b'\\x93NUMPY\\x01\\x00' + len(h).to_bytes(2, 'little') + h)\n"
    "    for i in range(20):\n"
    '        os.write(_pipe(), (\'{"ev": "done", "i": %d, "status": "ok"}\\n\' % i).encode())\n'
    "    os._exit(0)\n",
    # source too deeply nested for the parser's recursion
    "a_nested": SIG + "    return x" + ".a" * 1000 + "\n",
    # a forged sandbox set-up error, and files written everywhere
    "a_setup": _writer("classrun")
    + FIND_FDS
    + 'os.write(_pipe(), b\'{"ev": "setup_error", "message": "boom"}\\n\')\nos._exit(0)\n'
    + SIG
    + "    return x\n",
}
POOL_ATTACK = (
    "import torch\ndef avg_pool2d(x, kernel_size, stride=None, padding=0):\n"
    "    t = torch.from_numpy(x)\n    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]\n"
    "    c = t.shape[1]\n    f = getattr(torch.nn.functional, 'con' + 'v2d')\n"
    "    return f(t, torch.full((c, 1, k, k), 1.0 / (k * k), dtype=t.dtype), stride=stride or k,\n"
    "             padding=padding, groups=c).numpy()\n"
)
#: A correct student who needs 512 MB at import: it would not fit beside the attacker's 1.6 GB hog
#: (the class run's budget is 2048 MB per worker).
HUNGRY = (
    "import numpy as np\nBALLAST = np.ones(512 * 2**20 // 8)\nassert BALLAST.sum() > 0\n" + CONV
)

DRIVER = """
import json, sys
from typer.testing import CliRunner
from cnngrade.grader.sandbox import configure, pool
configure(1)
from cnngrade.grader.cli.main import app
result = CliRunner().invoke(app, sys.argv[1:])
uids = [w.uid for w in pool.shared_pool()._all if isinstance(w, pool.Worker)]
pids = [w.proc.pid for w in pool.shared_pool()._all if isinstance(w, pool.Worker)]
print(json.dumps({"exit": result.exit_code, "uids": uids, "pids": pids, "output": result.output[-3000:]}))
"""


@pytest.mark.skipif(
    ISOLATION.level < 4, reason="needs isolation level 4 (memory cgroup per worker)"
)
def test_attackers_and_victims_on_one_worker(tmp_path) -> None:
    subs, out = tmp_path / "subs", tmp_path / "out"
    students = {
        "v1": {"conv2d.py": CONV, "avg_pool2d.py": POOL},
        **{
            name: {"conv2d.py": src, "avg_pool2d.py": POOL_ATTACK}
            for name, src in ATTACKERS.items()
        },
        "v2": {"conv2d.py": HUNGRY, "avg_pool2d.py": POOL},  # graded right after the attackers
    }
    for student, files in students.items():
        (subs / student).mkdir(parents=True)
        (subs / student / "answers.yaml").write_text(yaml.safe_dump({}), encoding="utf-8")
        for name, text in files.items():
            (subs / student / name).write_text(text, encoding="utf-8")
    (tmp_path / "assignment.yaml").write_text(MANIFEST, encoding="utf-8")
    shm_before = set(os.listdir("/dev/shm"))
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, "grade", str(subs), "--assignment",
         str(tmp_path / "assignment.yaml"), "--out", str(out), "--jobs", "1"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["exit"] == 0, info["output"]
    assert len(info["uids"]) == 1, "the class ran on more than one warm worker"

    book = read_gradebook(out / "gradebook.csv").set_index("student_id")
    conv_col = next(c for c in book.columns if c.startswith("conv2d"))
    pool_col = next(c for c in book.columns if c.startswith("avg_pool2d"))
    for victim in ("v1", "v2"):
        feedback = (out / "feedback" / f"{victim}.md").read_text(encoding="utf-8")
        assert book.loc[victim, conv_col] == 8 and book.loc[victim, pool_col] == 5, feedback
    for attacker in ATTACKERS:
        assert book.loc[attacker, conv_col] == 0 and book.loc[attacker, pool_col] == 0, attacker
        feedback = (out / "feedback" / f"{attacker}.md").read_text(encoding="utf-8")
        assert "forbids" in feedback  # the pooling attack, at least
    expected = {
        "a_thread": "torch.nn.functional.conv2d",
        "a_deep_json": "unreadable message",
        "a_npy": "could not be read",
        "a_nested": "too deeply nested to analyse",
        "a_setup": "fake sandbox message",
    }
    for attacker, text in expected.items():
        feedback = (out / "feedback" / f"{attacker}.md").read_text(encoding="utf-8")
        plain = feedback.replace("\\", "")  # Markdown escapes
        assert text in plain, (attacker, feedback[:2000])

    deadline = time.monotonic() + 5
    while live_processes(set(info["uids"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_processes(set(info["uids"])) == [], "a sandbox process outlived the class run"
    written = [str(m) for m in marker_paths("classrun") if m.exists()]
    for m in marker_paths("classrun"):
        m.unlink(missing_ok=True)
    assert written == [], f"an attacker wrote outside the sandbox: {written}"
    outside = sorted(p.name for p in tmp_path.iterdir())  # .cnngrade: the course key's folder
    assert outside == [".cnngrade", "assignment.yaml", "out", "subs"], outside
    left = [n for n in set(os.listdir("/dev/shm")) - shm_before if n.startswith("cnngrade-")]
    ours = [n for n in left if n.split("-")[1] in {str(proc_pid) for proc_pid in info["pids"]}]
    assert ours == [] and not any(n.startswith("cnngrade-attack") for n in left), left


def test_a_killed_grader_leaves_no_job_root_behind(tmp_path) -> None:
    """A grader killed with SIGKILL cannot clean up; the next one sweeps what it left."""
    from cnngrade.grader.sandbox import jobdir

    code = (
        "import os, time\nfrom cnngrade.grader.sandbox import jobdir\n"
        "print(jobdir.jobs_dir(), flush=True)\ntime.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    root = proc.stdout.readline().strip()
    assert os.path.isdir(root)
    proc.kill()
    proc.wait()
    assert os.path.isdir(root)  # SIGKILL: no atexit
    assert root in jobdir.sweep_stale(os.path.dirname(root))
    assert not os.path.exists(root)


def test_multiprocessing_workers_remove_their_job_roots(tmp_path) -> None:
    """Pool workers leave through os._exit (no atexit); their job roots must go all the same."""
    code = (
        "import os\nfrom concurrent.futures import ProcessPoolExecutor\n"
        "from cnngrade.grader.sandbox import jobdir\n"
        "def make(_):\n    return jobdir.jobs_dir()\n"
        "if __name__ == '__main__':\n"
        "    with ProcessPoolExecutor(2) as pool:\n        roots = list(pool.map(make, range(4)))\n"
        "    print('\\n'.join(sorted(set(roots))))\n"
    )
    script = tmp_path / "pool.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    roots = proc.stdout.split()
    assert proc.returncode == 0 and roots, proc.stderr
    assert [r for r in roots if os.path.exists(r)] == []
