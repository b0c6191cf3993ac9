"""Time ``cnngrade check`` end to end per submission: sandbox run, comparison, hints, shrinking.

Usage: ``.venv/bin/python -m benchmarks.bench_check [--repeats 3]``. Grades every instructor solution
(correct, no failing case to shrink) and every wrong one (with shrinking) and the demo's example
submissions, reports the median seconds per submission by kind, and writes
``benchmarks/results/check.json``. The first check (worker start-up) is timed separately.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import time

from cnngrade.grader.code import check

ROOT = pathlib.Path(__file__).parents[1]
RESULTS = pathlib.Path(__file__).parent / "results" / "check.json"


def _time(exercise: str, path: pathlib.Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        check(exercise, path, seed=0)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    check("corr2d", ROOT / "solutions" / "corr2d" / "correct.py")
    first = time.perf_counter() - start
    rows = []
    for folder in sorted(p for p in (ROOT / "solutions").iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.py")):
            kind = "correct" if path.stem == "correct" else "wrong (shrinking)"
            rows.append({"exercise": folder.name, "file": path.name, "kind": kind,
                         "seconds": _time(folder.name, path, args.repeats)})  # fmt: skip
    for path in sorted((ROOT / "examples" / "code").glob("conv2d_*")):
        rows.append({"exercise": "conv2d", "file": path.name, "kind": "example",
                     "seconds": _time("conv2d", path, 1)})  # fmt: skip
    summary = {
        kind: statistics.median(r["seconds"] for r in rows if r["kind"] == kind)
        for kind in ("correct", "wrong (shrinking)", "example")
    }
    print(f"first check (worker start-up included): {first:.2f} s")
    for kind, seconds in summary.items():
        print(f"median per submission, {kind:18s}: {seconds:.3f} s")
    for r in rows:
        print(f"  {r['exercise']:28s} {r['file']:34s} {r['seconds']:.3f} s")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"first_check_s": first, "median_s": summary, "rows": rows}, indent=1)
    )


if __name__ == "__main__":
    main()
