"""Attacks on the grader and the machine: exits, loops, memory, processes, files, network, floods.

Each wraps a wrong conv2d and must end in a failing result with a clear message; the harness then
checks that no sandbox process survived and that nothing was written outside the sandbox.
"""

from __future__ import annotations

import socket

import pytest

from cnngrade.grader.sandbox import Call, Forbidden, Limits
from security_harness import FAST, ISOLATION, W, X, attack, needs_level, passes

WRITE_EVERYWHERE = (
    "import os\n"
    "def _write_markers(tag):\n"
    "    done = []\n"
    "    for d in ({repo!r}, {cwd!r}, {home!r}, '/tmp', '/var/tmp', '/dev/shm'):\n"
    "        try:\n"
    "            with open(os.path.join(d, f'cnngrade-attack-{{tag}}-{pid}'), 'w') as fh:\n"
    "                fh.write('escaped')\n"
    "            done.append(d)\n"
    "        except OSError:\n"
    "            pass\n"
    "    return done\n"
)


def _writer() -> str:
    import os
    from pathlib import Path

    repo = str(Path(__file__).resolve().parents[2])
    return WRITE_EVERYWHERE.format(
        repo=repo, cwd=os.getcwd(), home=str(Path.home()), pid=os.getpid()
    )


def test_sys_exit_in_the_call() -> None:
    report = attack("import sys\ndef conv2d(x, w):\n    sys.exit(0)\n")
    assert report.results[0].status == "exception"
    assert "called sys.exit(0) at line 3" in report.results[0].message


def test_os_exit_in_the_call() -> None:
    report = attack("import os\ndef conv2d(x, w):\n    os._exit(0)\n")
    assert (
        report.results[0].status == "crashed"
        and "exited with status 0" in report.results[0].message
    )


def test_system_exit_at_import() -> None:
    report = attack("raise SystemExit(0)\ndef conv2d(x, w):\n    return x\n")
    assert report.results[0].status == "exception" and "sys.exit(0)" in report.load_error


def test_keyboard_interrupt_in_the_call() -> None:
    report = attack("def conv2d(x, w):\n    raise KeyboardInterrupt\n")
    assert report.results[0].status == "exception"
    assert report.results[0].message.startswith("raised KeyboardInterrupt at line 2")


def test_infinite_loop_at_import() -> None:
    report = attack("while True:\n    pass\ndef conv2d(x, w):\n    return x\n")
    assert report.results[0].status == "timeout" and "while loading your file" in report.load_error


def test_infinite_loop_in_the_call_ignoring_sigterm() -> None:
    report = attack(
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "def conv2d(x, w):\n    while True:\n        pass\n"
    )
    assert (
        report.results[0].status == "timeout"
        and "timed out after 1.5 s" in report.results[0].message
    )


def test_cpu_limit_catches_busy_threads() -> None:
    report = attack(
        "import threading\ndef spin():\n    while True:\n        pass\n"
        "def conv2d(x, w):\n    for _ in range(2):\n        threading.Thread(target=spin, daemon=True).start()\n"
        "    spin()\n",
        limits=Limits(wall_s_per_call=20.0, wall_s_total=20.0, cpu_s_total=1.0),
    )
    assert report.results[0].status == "timeout"
    assert "used more than 1.0 s of CPU time" in report.results[0].message


def test_memory_growth() -> None:
    report = attack(
        "import numpy as np\nhoard = []\ndef conv2d(x, w):\n    while True:\n"
        "        hoard.append(np.ones(2_000_000))\n",
        limits=Limits(wall_s_per_call=5.0, wall_s_total=8.0, memory_mb=256),
    )
    assert report.results[0].status == "memory" and "ran out of memory" in report.results[0].message


@needs_level(4)
def test_memory_growth_in_a_child_process_hits_the_cgroup_limit() -> None:
    report = attack(
        "import os, numpy as np\ndef conv2d(x, w):\n    pid = os.fork()\n    if pid == 0:\n"
        "        import resource\n        resource.setrlimit(resource.RLIMIT_AS, (-1, -1))\n"
        "        hoard = []\n        while True:\n            hoard.append(np.ones(2_000_000))\n"
        "    os.waitpid(pid, 0)\n    return np.zeros((1, 3, 4, 3))\n",
        limits=Limits(wall_s_per_call=5.0, wall_s_total=8.0, memory_mb=256),
    )
    assert not passes(report)


@needs_level(4)
def test_fork_bomb_is_bounded() -> None:
    report = attack(
        "import os\ndef conv2d(x, w):\n    while True:\n        try:\n            os.fork()\n"
        "        except OSError:\n            pass\n"
    )
    assert report.results[0].status in ("timeout", "crashed") and not passes(report)


def test_many_children_left_running() -> None:
    report = attack(
        "import os, time, numpy as np\ndef conv2d(x, w):\n"
        "    for _ in range(8):\n        if os.fork() == 0:\n            time.sleep(60)\n"
        "            os._exit(0)\n"
        "    return np.zeros((1, 3, 4, 3))\n"
    )
    assert report.results[0].ok and not passes(report)  # and the harness found no sleeper left


@needs_level(2)
def test_double_forked_setsid_daemon_dies_with_the_run() -> None:
    report = attack(
        _writer()
        + (
            "import time, numpy as np\ndef conv2d(x, w):\n    if os.fork() == 0:\n        os.setsid()\n"
            "        if os.fork() == 0:\n            time.sleep(1.0)\n            _write_markers('daemon')\n"
            "            while True:\n                time.sleep(1)\n        os._exit(0)\n"
            "    return np.zeros((1, 3, 4, 3))\n"
        ),
        tag="daemon",
    )
    assert report.results[0].ok and not passes(report)


@needs_level(3)
def test_kill_every_process_reaches_only_the_sandbox() -> None:
    report = attack(
        "import os, signal\ndef conv2d(x, w):\n    os.kill(-1, signal.SIGKILL)\n    return x\n"
    )
    assert report.results[0].status in ("exception", "crashed", "invalid_output") and not passes(
        report
    )


@needs_level(2)
def test_writes_outside_the_sandbox_fail_or_vanish() -> None:
    report = attack(
        _writer()
        + (
            "import numpy as np\ndef conv2d(x, w):\n    print('wrote', _write_markers('files'))\n"
            "    open('scratch.txt', 'w').write('own cwd is fine')\n    return np.zeros((1, 3, 4, 3))\n"
        ),
        tag="files",
    )
    assert report.results[0].ok and not passes(report)


@needs_level(2)
def test_loopback_connection_to_the_parent_fails() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.3)
        port = listener.getsockname()[1]
        report = attack(
            "import socket\ndef conv2d(x, w):\n"
            f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
            "    s.sendall(b'give me the answers')\n    return x\n"
        )
        with pytest.raises(socket.timeout):
            listener.accept()
    assert report.results[0].status == "exception" and "OSError" in report.results[0].message


def test_stdout_flood_is_capped() -> None:
    report = attack(
        "def conv2d(x, w):\n    while True:\n        print('spam' * 1000)\n",
        limits=Limits(wall_s_per_call=3.0, max_stdout_bytes=1000, max_file_bytes=1_000_000),
    )
    assert len(report.stdout) < 1100 and report.stdout.endswith("[... output truncated]")
    assert report.results[0].status == "exception" and "File too large" in report.results[0].message


def test_stderr_flood_with_os_write_is_capped() -> None:
    report = attack(
        "import os\ndef conv2d(x, w):\n    while True:\n        os.write(2, b'e' * 65536)\n",
        limits=Limits(wall_s_per_call=3.0, max_stdout_bytes=500, max_file_bytes=1_000_000),
    )
    assert len(report.stderr) < 600 and not passes(report)


def test_proc_shows_only_the_sandbox() -> None:
    report = attack(
        "import os\ndef conv2d(x, w):\n    pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "    print('pids', len(pids), 'uid', os.getuid())\n    return x\n"
    )
    assert not passes(report)
    count = int(report.stdout.split()[1])
    assert count <= 2 or report.isolation.level < 2


def test_a_later_case_still_runs_after_one_that_hangs() -> None:
    report = attack(
        "import numpy as np\ndef conv2d(x, w):\n    if x.shape[0] == 2:\n        while True:\n"
        "            pass\n    return np.zeros((x.shape[0], 3, 4, 3))\n",
        calls=[Call((X, W)), Call((X.repeat(2, axis=0), W)), Call((X, W))],
    )
    assert [r.status for r in report.results] == ["ok", "timeout", "ok"] and not passes(report)
    assert FAST.wall_s_per_call == 1.5


@needs_level(3)
def test_walking_up_from_the_job_directory_is_denied() -> None:
    """The child holds a descriptor of its job directory; ``..`` from there must lead nowhere."""
    report = attack(
        "import os, numpy as np\ndef conv2d(x, w):\n    tried = []\n"
        "    for fd in os.listdir('/proc/self/fd'):\n"
        "        base = f'/proc/self/fd/{fd}'\n"
        "        if not os.path.isdir(base):\n            continue\n"
        "        for attempt in (lambda: os.listdir(base + '/..'),\n"
        "                        lambda: open(base + '/../escaped', 'w').write('x'),\n"
        "                        lambda: open(base + '/escaped', 'w').write('x')):\n"
        "            try:\n                attempt()\n                tried.append('allowed')\n"
        "            except OSError:\n                tried.append('denied')\n"
        "    print(tried)\n    return np.zeros((1, 3, 4, 3))\n"
    )
    assert "denied" in report.stdout and "allowed" not in report.stdout and not passes(report)


@pytest.mark.skipif(
    "seccomp" not in ISOLATION.mechanisms, reason="no seccomp filter on this machine"
)
def test_seccomp_refuses_namespace_ptrace_and_exec_syscalls_but_not_threads_or_forks() -> None:
    report = attack(
        "import ctypes, os, subprocess, threading, numpy as np\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def conv2d(x, w):\n"
        "    print('unshare', libc.unshare(0x10000000), ctypes.get_errno())\n"
        "    print('ptrace', libc.ptrace(0, 0, None, None), ctypes.get_errno())\n"
        "    t = threading.Thread(target=print, args=('thread ok',))\n    t.start()\n    t.join()\n"
        "    pid = os.fork()\n    if pid == 0:\n        os._exit(7)\n"
        "    print('fork', os.WEXITSTATUS(os.waitpid(pid, 0)[1]))\n"
        "    try:\n        subprocess.run(['echo', 'child ok'], capture_output=True)\n"
        "    except PermissionError:\n        print('exec refused')\n"
        "    return np.zeros((1, 3, 4, 3))\n",
        forbidden=Forbidden(),
    )
    out = report.stdout
    assert "unshare -1 1" in out and "ptrace -1 1" in out  # EPERM
    assert "thread ok" in out and "fork 7" in out and "exec refused" in out
    assert not passes(report)
