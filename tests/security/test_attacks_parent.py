"""Attacks on the reader: what the child writes (pipe messages, .npy files) and what the student's
source is (nesting) must never raise in the grader, and a run's leftovers must never reach the next.

Each hostile run ends as the student's failing case with a clear message; the harness then checks
that no process survived. Tests that grade an attacker and then a victim use ONE warm worker, so
the victim would feel anything the attacker left behind.
"""

from __future__ import annotations

import os

import pytest

from cnngrade.grader.sandbox import Call, Forbidden, Limits, configure, static_scan
from cnngrade.grader.sandbox import pool as sandbox_pool
from security_harness import (
    EXPECTED,
    FAST,
    FIND_FDS,
    ISOLATION,
    W,
    X,
    attack,
    needs_level,
    passes,
)

CORRECT = (
    "import numpy as np\n"
    "def conv2d(x, w):\n"
    "    n, c, h, wd = x.shape\n    o, _, kh, kw = w.shape\n"
    "    out = np.zeros((n, o, h - kh + 1, wd - kw + 1))\n"
    "    for i in range(out.shape[2]):\n        for j in range(out.shape[3]):\n"
    "            out[:, :, i, j] = np.einsum('nchw,ochw->no', x[:, :, i:i + kh, j:j + kw], w)\n"
    "    return out\n"
)
#: A correct conv2d that first needs most of the memory budget (FAST: 384 MB).
HUNGRY = CORRECT.replace(
    "    n, c, h, wd = x.shape\n",
    "    ballast = np.ones(200 * 2**20 // 8)\n    assert ballast.sum() > 0\n"
    "    n, c, h, wd = x.shape\n",
)


@pytest.fixture
def one_worker():
    """Every run of the test on the same warm worker; the default pool afterwards."""
    configure(1)
    yield
    configure(os.cpu_count() or 1)


def _worker_pid() -> int:
    workers = [w for w in sandbox_pool.shared_pool()._all if isinstance(w, sandbox_pool.Worker)]
    assert len(workers) == 1
    return workers[0].proc.pid


@pytest.mark.parametrize(
    "body",
    [
        # during the call
        "def conv2d(x, w):\n    os.write(_pipe(), DEEP)\n    time.sleep(5)\n",
        # at import time
        "os.write(_pipe(), DEEP)\ntime.sleep(5)\ndef conv2d(x, w):\n    return x\n",
        # a daemon thread after the call returned, while the child winds down
        "import threading\n"
        "def conv2d(x, w):\n"
        "    threading.Thread(target=lambda: os.write(_pipe(), DEEP), daemon=True).start()\n"
        "    time.sleep(0.5)\n    return np.zeros((1, 3, 4, 3))\n",
        # a gc callback, an atexit handler and a __del__ (the last two never run: os._exit)
        "import gc, atexit\n"
        "gc.callbacks.append(lambda *a: os.write(_pipe(), DEEP))\n"
        "atexit.register(lambda: os.write(_pipe(), DEEP))\n"
        "class Bomb:\n    def __del__(self):\n        os.write(_pipe(), DEEP)\n"
        "KEEP = Bomb()\n"
        "def conv2d(x, w):\n    gc.collect()\n    return np.zeros((1, 3, 4, 3))\n",
    ],
    ids=["in-call", "at-import", "daemon-thread", "gc-callback"],
)
def test_a_deeply_nested_message_stops_the_run_not_the_grader(body: str) -> None:
    report = attack(FIND_FDS + body)
    r = report.results[0]
    assert r.status == "crashed" and "unreadable message" in r.message, r
    assert not passes(report)


@needs_level(4)
def test_an_attacker_then_a_memory_hungry_victim_on_the_same_worker(one_worker) -> None:
    """The attacker leaves a process holding most of the memory budget and breaks the reader."""
    attacker = FIND_FDS + (
        "def conv2d(x, w):\n"
        "    if os.fork() == 0:\n        os.setsid()\n"
        "        hog = np.ones(250 * 2**20 // 8)\n        time.sleep(60)\n        os._exit(0)\n"
        "    time.sleep(1.0)\n"  # let the hog fill the cgroup
        "    os.write(_pipe(), DEEP)\n    time.sleep(5)\n"
    )
    report = attack(attacker)
    worker = _worker_pid()
    assert report.results[0].status == "crashed" and not passes(report)
    victim = attack(HUNGRY, calls=[Call((X, W))] * 3)
    assert _worker_pid() == worker, "the victim ran on the attacker's worker"
    assert [r.status for r in victim.results] == ["ok"] * 3, victim.results
    assert passes(victim)


def test_the_victim_needs_the_whole_budget() -> None:
    """Control: the hungry victim does not fit beside a 250 MB hog (so the test above can fail)."""
    crowded = HUNGRY.replace("    ballast", "    hog = np.ones(250 * 2**20 // 8)\n    ballast", 1)
    report = attack(crowded)
    assert report.results[0].status in ("memory", "crashed") and not passes(report)


def _forge_done(npy_header: str, data: bytes = b"\0" * 64) -> str:
    """Source that writes ``npy_header`` as its output file, forges 'done ok', and leaves."""
    return FIND_FDS + (
        "def conv2d(x, w):\n"
        f"    header = {npy_header!r}.encode('latin1')\n"
        "    header += b' ' * (-(len(header) + 11) % 64) + b'\\n'\n"
        "    with open(_job() + '/out_0_0.npy', 'wb') as fh:\n"
        "        fh.write(b'\\x93NUMPY\\x01\\x00' + len(header).to_bytes(2, 'little') + header)\n"
        f"        fh.write({data!r})\n"
        '    os.write(_pipe(), b\'{"ev": "done", "i": 0, "status": "ok"}\\n\')\n'
        "    os._exit(0)\n"
    )


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }", "over the limit"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2**60,), }", "header is not valid"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (1024, 1024), }", "file holds 64"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 3000 + ")" * 3000 + ", }",
         "header is not valid"),
        ("{'descr': '|O', 'fortran_order': False, 'shape': (8,), }", "plain numeric array"),
        ("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (8,), }", "plain numeric array"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (-8,), }", "invalid shape"),
    ],
    ids=["2**60-elements", "expression", "more-than-the-file", "nested", "object", "record", "negative"],
)  # fmt: skip
def test_a_hostile_npy_header_is_the_students_invalid_output(header: str, says: str) -> None:
    report = attack(_forge_done(header))
    r = report.results[0]
    assert r.status == "invalid_output" and says in r.message, r
    assert r.message.startswith("the output could not be read: ")


def test_forged_setup_error_and_garbage_fields_are_the_students_crash() -> None:
    """A 'setup_error' after the student's code started is forged: a crash, not a grader fault."""
    report = attack(
        FIND_FDS + 'os.write(_pipe(), b\'{"ev": "setup_error", "message": "ha"}\\n\')\n'
        "os._exit(0)\ndef conv2d(x, w):\n    return x\n"
    )
    assert report.results[0].status == "crashed" and "fake sandbox message" in report.load_error
    report = attack(
        FIND_FDS + "def conv2d(x, w):\n"
        '    os.write(_pipe(), b\'{"ev": "load_error"}\\n\')\n'
        '    os.write(_pipe(), b\'{"ev": "done", "i": 0, "status": {"a": [1]}, \'\n'
        '             b\'"layers": [{"parameters": "many", "input_shape": 7}], "mutated": 5, \'\n'
        '             b\'"seconds": "soon", "message": [[[1]]]}\\n\')\n'
        "    os._exit(0)\n",
        calls=[Call((X, W)), Call((X, W))],
    )
    assert report.results[0].status in ("crashed", "invalid_output"), report.results[0]
    assert not passes(report)


NESTED_SOURCES = {
    "attributes": "def conv2d(x, w):\n    return x" + ".a" * 1000 + "\n",
    "calls": "def conv2d(x, w):\n    return f" + "()" * 1000 + "\n",
    "not": "def conv2d(x, w):\n    return " + "not " * 5000 + "x\n",
    "lambdas": "def conv2d(x, w):\n    return " + "lambda: " * 2000 + "x\n",
    "operators": "def conv2d(x, w):\n    return x" + " + x" * 100000 + "\n",
    "brackets": "def conv2d(x, w):\n    return " + "[" * 5000 + "]" * 5000 + "\n",
    "huge-literal": "def conv2d(x, w):\n    return " + "9" * 200000 + "\n",
}


@pytest.mark.parametrize("name", sorted(NESTED_SOURCES))
def test_source_too_nested_to_analyse_is_a_finding_never_a_grader_error(name: str) -> None:
    source = NESTED_SOURCES[name]
    found = static_scan(source, Forbidden(names=("torch.nn.functional.conv2d",)))
    assert all("too deeply nested to analyse" in f for f in found), found
    report = attack(source)
    r = report.results[0]
    assert not r.ok and not passes(report)
    assert report.load_error or found  # the child could not load it, or the scan refused it


def test_code_grader_turns_a_too_nested_file_into_a_failing_verdict(tmp_path) -> None:
    from cnngrade.grader.code.grade import check

    path = tmp_path / "conv2d.py"
    path.write_text(NESTED_SOURCES["attributes"], encoding="utf-8")
    report = check("conv2d", path, shrink_failures=False)
    assert report.score == 0.0
    assert "too deeply nested to analyse" in report.cases[0].message.en


def test_a_fake_done_for_every_call_still_needs_outputs() -> None:
    report = attack(
        FIND_FDS + "def conv2d(x, w):\n"
        "    for i in range(3):\n"
        '        os.write(_pipe(), (\'{"ev": "done", "i": %d, "status": "ok"}\\n\' % i).encode())\n'
        "    os._exit(0)\n",
        calls=[Call((X, W))] * 3,
    )
    assert [r.status for r in report.results] == ["invalid_output"] * 3
    assert all("no output was written" in r.message for r in report.results)


def test_expected_values_unchanged() -> None:
    assert EXPECTED.shape == (1, 3, 4, 3) and FAST.memory_mb == 384 and ISOLATION.level >= 1
    assert Limits().max_output_bytes == 64 * 2**20


def test_an_endless_line_on_the_pipe_stops_the_run_promptly() -> None:
    report = attack(
        FIND_FDS + "def conv2d(x, w):\n    fd = _pipe()\n    chunk = b'x' * 65536\n"
        "    while True:\n        os.write(fd, chunk)\n",
        limits=Limits(wall_s_per_call=20.0, wall_s_total=25.0, memory_mb=384),
    )
    r = report.results[0]
    # stopped by the reader: the 20 s deadline would have made it a "timeout"
    assert r.status == "crashed" and "unreadable message" in r.message, r
