"""Warm workers: parallel use from threads, replacement of a dead worker, nothing of ours inside."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from cnngrade.grader.sandbox import Call, pool, run

X = np.arange(6.0)


def test_a_dead_worker_is_replaced_without_failing_the_submission() -> None:
    from cnngrade.grader.sandbox import pool

    pool.configure(1)
    src = "def f(x):\n    return x\n"
    assert run(src, "f", [Call((X,))]).results[0].ok
    worker = next(w for w in pool.shared_pool()._all if isinstance(w, pool.Worker))
    worker.proc.kill()
    worker.proc.wait()
    assert run(src, "f", [Call((X,))]).results[0].ok
    assert worker not in pool.shared_pool()._all
    pool.configure(2)


def test_threads_share_the_pool_and_each_gets_its_own_result() -> None:
    pool.configure(2)
    src = "import numpy as np\ndef f(x, k):\n    return x * k\n"
    with ThreadPoolExecutor(4) as ex:
        reports = list(ex.map(lambda k: run(src, "f", [Call((X, k))]), range(8)))
    for k, report in enumerate(reports):
        assert report.results[0].ok and report.results[0].outputs[0].tolist() == (X * k).tolist()
    assert len(pool.shared_pool()._all) <= 2


def test_worker_imports_nothing_of_ours() -> None:
    src = (
        "import sys\ndef f(x):\n"
        "    ours = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "                  ('reference', 'exercises', 'grader', 'solutions'))\n"
        "    print(ours)\n    return x\n"
    )
    assert run(src, "f", [Call((X,))]).stdout.strip() == "[]"
