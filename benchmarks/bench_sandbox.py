"""Grade a class of conv2d submissions through the warm-worker sandbox vs a fresh interpreter each.

Usage: ``.venv/bin/python -m benchmarks.bench_sandbox [--submissions 300] [--cases 10] [--baseline 10]
[--forbid conv2d]``.

Each submission is a correct from-scratch NumPy conv2d run on ``--cases`` cases. The sandbox side
sends all submissions through ``grader.sandbox.run`` from as many threads as the pool has workers.
Submissions are graded under the forbidden APIs of the ``--forbid`` exercise (default ``conv2d``, as
a class run does; ``none`` for none), so the child's guard is part of what is timed.
The baseline runs ``--baseline`` of them as ``python -c`` processes that import torch and numpy and do
the same work (what a fresh sandbox binary per submission pays), and is extrapolated per submission.
Overhead = sandbox wall time per submission (throughput with all workers, and latency one at a time)
minus the student's own compute (timed in-process).
Prints a table and writes ``benchmarks/results/sandbox.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from cnngrade.grader.sandbox import Call, Forbidden, pool, probe_isolation, run

RESULTS = pathlib.Path(__file__).parent / "results" / "sandbox.json"
#: ``nbgrader autograde`` per terminating one-exercise notebook on this kind of machine (issue 6).
NBGRADER_S_PER_SUBMISSION = 2.3

SUBMISSION = """
import numpy as np

def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.tensordot(window, weight, axes=([1, 2, 3], [1, 2, 3]))
    if bias is not None:
        out += bias[None, :, None, None]
    return out
"""


def make_cases(rng: np.random.Generator, count: int) -> list[Call]:
    """``count`` small conv2d cases (batch, channels, sizes, stride, padding drawn from ``rng``)."""
    calls = []
    for _ in range(count):
        n, c, f = (int(v) for v in rng.integers(1, 4, size=3))
        h, w = (int(v) for v in rng.integers(5, 12, size=2))
        k = int(rng.integers(1, 4))
        x, weight, bias = (
            rng.standard_normal((n, c, h, w)),
            rng.standard_normal((f, c, k, k)),
            rng.standard_normal(f),
        )
        calls.append(
            Call(
                (x, weight, bias),
                {"stride": int(rng.integers(1, 3)), "padding": int(rng.integers(0, 2))},
            )
        )
    return calls


def student_compute_s(cases: list[list[Call]]) -> float:
    """Seconds per submission of the student's own work, run in this process."""
    namespace: dict = {}
    exec(compile(SUBMISSION, "submission.py", "exec"), namespace)
    start = time.perf_counter()
    for calls in cases:
        for call in calls:
            namespace["conv2d"](*call.args, **call.kwargs)
    return (time.perf_counter() - start) / len(cases)


def forbidden_of(exercise_id: str) -> Forbidden:
    """The forbidden APIs of a code exercise (``none``: nothing forbidden)."""
    if exercise_id == "none":
        return Forbidden()
    from cnngrade.exercises.code import get

    ex = get(exercise_id)
    return Forbidden(ex.forbidden_names, ex.forbidden_modules, ex.forbidden_aten_ops)


FORBIDDEN = Forbidden()


def sandbox_s(cases: list[list[Call]], workers: int) -> tuple[float, int]:
    """Wall seconds per submission through the sandbox, and the number of passing cases."""

    def grade(calls: list[Call]) -> int:
        return sum(r.ok for r in run(SUBMISSION, "conv2d", calls, forbidden=FORBIDDEN).results)

    with ThreadPoolExecutor(workers) as ex:  # start the warm workers before the clock runs
        list(ex.map(grade, cases[:workers]))
        start = time.perf_counter()
        ok = sum(ex.map(grade, cases))
    return (time.perf_counter() - start) / len(cases), ok


def sequential_latency(cases: list[list[Call]], sample: int) -> tuple[float, dict[str, float]]:
    """Seconds per submission graded one at a time, and the mean of each ``RunReport.timings`` phase."""
    totals: dict[str, float] = {}
    start = time.perf_counter()
    for calls in cases[:sample]:
        for phase, seconds in run(SUBMISSION, "conv2d", calls, forbidden=FORBIDDEN).timings.items():
            totals[phase] = totals.get(phase, 0.0) + seconds
    latency = (time.perf_counter() - start) / sample
    return latency, {k: round(v / sample, 5) for k, v in totals.items()}


def fresh_interpreter_s(cases: list[list[Call]], sample: int) -> float:
    """Seconds per submission when each gets a new ``python`` that imports torch (sequential)."""
    script = (
        "import sys, json, numpy as np, torch\n"
        "ns = {}\nexec(compile(sys.stdin.read(), 'submission.py', 'exec'), ns)\n"
        "rng = np.random.default_rng(int(sys.argv[1]))\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    n, c, f = rng.integers(1, 4, size=3); h, w = rng.integers(5, 12, size=2); k = rng.integers(1, 4)\n"
        "    ns['conv2d'](rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, k, k)),\n"
        "                 rng.standard_normal(f), stride=int(rng.integers(1, 3)), padding=int(rng.integers(0, 2)))\n"
    )
    start = time.perf_counter()
    for seed in range(sample):
        subprocess.run(
            [sys.executable, "-c", script, str(seed), str(len(cases[0]))],
            input=SUBMISSION.encode(),
            check=True,
            capture_output=True,
        )
    return (time.perf_counter() - start) / sample


def main(argv: list[str] | None = None) -> dict:
    """Run the comparison, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--baseline", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--forbid", default="conv2d", help="exercise whose forbidden APIs apply")
    args = parser.parse_args(argv)
    global FORBIDDEN
    FORBIDDEN = forbidden_of(args.forbid)
    rng = np.random.default_rng(6)
    cases = [make_cases(rng, args.cases) for _ in range(args.submissions)]
    pool.configure(args.workers)
    compute = student_compute_s(cases)
    sandbox, passed = sandbox_s(cases, args.workers)
    latency, phases = sequential_latency(cases, min(30, len(cases)))
    baseline = fresh_interpreter_s(cases, args.baseline)
    load = os.getloadavg()[0]
    result = {
        "submissions": args.submissions,
        "cases_per_submission": args.cases,
        "workers": args.workers,
        "isolation": probe_isolation().name,
        "forbidden_apis_of": args.forbid,
        "cases_passed": passed,
        "student_compute_s_per_submission": round(compute, 5),
        "sandbox_s_per_submission": round(sandbox, 5),
        "sandbox_overhead_s_per_submission": round(sandbox - compute, 5),
        "fresh_interpreter_s_per_submission": round(baseline, 4),
        "baseline_sample": args.baseline,
        "sequential_latency_s_per_submission": round(latency, 5),
        "sequential_overhead_s_per_submission": round(latency - compute, 5),
        "sequential_phases_s": phases,
        "speedup_vs_fresh_interpreter": round(baseline / sandbox, 1),
        "speedup_vs_nbgrader_2_3s": round(NBGRADER_S_PER_SUBMISSION / sandbox, 1),
        "load_average_1min": round(load, 2),
        "cpu_count": os.cpu_count(),
    }
    print(f"{'what':42s} {'seconds/submission':>18s}")
    for key in (
        "student_compute_s_per_submission",
        "sandbox_s_per_submission",
        "sandbox_overhead_s_per_submission",
        "sequential_latency_s_per_submission",
        "sequential_overhead_s_per_submission",
        "fresh_interpreter_s_per_submission",
    ):
        print(f"{key:42s} {result[key]:18.4f}")
    print("phases of one sequential run (s):", phases)
    print(
        f"speed-up vs fresh interpreter: {result['speedup_vs_fresh_interpreter']}x; "
        f"vs nbgrader (2.3 s): {result['speedup_vs_nbgrader_2_3s']}x; "
        f"cases passed {passed}/{args.submissions * args.cases}; load {load:.1f} on {os.cpu_count()} cores"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
