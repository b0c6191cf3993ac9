"""Timing helper for the benchmarks: median time of repeated calls after warm-up, GPU-synchronized.

``clock="wall"`` (default) measures elapsed time; ``clock="cpu"`` measures this process's CPU time,
a steadier proxy on a shared, overloaded machine when torch runs single-threaded (``--threads 1``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch


def median_time(
    fn: Callable[[], object],
    device: torch.device,
    repeats: int = 7,
    warmup: int = 2,
    clock: str = "wall",
) -> float:
    """Median seconds per call of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs.

    >>> median_time(lambda: torch.ones(3).sum(), torch.device("cpu"), repeats=3, warmup=1) >= 0
    True
    """

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    if clock not in ("wall", "cpu"):
        raise ValueError(f"clock={clock!r} must be 'wall' or 'cpu'")
    now = time.perf_counter if clock == "wall" else time.process_time
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        start = now()
        fn()
        sync()
        times.append(now() - start)
    return statistics.median(times)


def interleaved_medians(
    first: Callable[[], object],
    second: Callable[[], object],
    device: torch.device,
    repeats: int = 15,
    warmup: int = 2,
    clock: str = "wall",
) -> tuple[float, float]:
    """Median seconds per call of two functions timed in alternation (so machine load hits both alike).

    >>> a, b = interleaved_medians(lambda: torch.ones(3), lambda: torch.zeros(3), torch.device("cpu"), 3, 1)
    >>> a >= 0 and b >= 0
    True
    """
    for _ in range(warmup):
        first(), second()
    firsts, seconds = [], []
    for _ in range(repeats):
        firsts.append(median_time(first, device, repeats=1, warmup=0, clock=clock))
        seconds.append(median_time(second, device, repeats=1, warmup=0, clock=clock))
    return statistics.median(firsts), statistics.median(seconds)
