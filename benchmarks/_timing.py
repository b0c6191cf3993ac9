"""Timing helper for the benchmarks: median wall time of repeated calls after warm-up, GPU-synchronized."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch


def median_time(
    fn: Callable[[], object], device: torch.device, repeats: int = 7, warmup: int = 2
) -> float:
    """Median seconds per call of ``fn()`` over ``repeats`` runs after ``warmup`` untimed runs.

    >>> median_time(lambda: torch.ones(3).sum(), torch.device("cpu"), repeats=3, warmup=1) >= 0
    True
    """

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(
    first: Callable[[], object],
    second: Callable[[], object],
    device: torch.device,
    repeats: int = 15,
    warmup: int = 2,
) -> tuple[float, float]:
    """Median seconds per call of two functions timed in alternation (so machine load hits both alike).

    >>> a, b = interleaved_medians(lambda: torch.ones(3), lambda: torch.zeros(3), torch.device("cpu"), 3, 1)
    >>> a >= 0 and b >= 0
    True
    """
    pairs = [
        (
            median_time(first, device, repeats=1, warmup=warmup if i == 0 else 0),
            median_time(second, device, repeats=1, warmup=warmup if i == 0 else 0),
        )
        for i in range(repeats)
    ]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
