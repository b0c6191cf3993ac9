"""Helpers shared by the code-exercise families: data from a seed, torch round trips, shrinking."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.seeding import rng_for


def pair(a: int, b: int) -> int | tuple[int, int]:
    """An int when both sides agree (as students usually pass it), else the ``(H, W)`` pair.

    >>> pair(2, 2), pair(1, 2)
    (2, (1, 2))
    """
    return a if a == b else (a, b)


def arrays(seed: int, shapes: Sequence[tuple[int, ...]], ints: bool = False) -> list[np.ndarray]:
    """float32 arrays drawn from ``seed``: standard normal, or small integers in [-3, 3] if ``ints``.

    Small integers make a shrunk counterexample easy to redo by hand.

    >>> [a.shape for a in arrays(0, [(2, 3), (4,)])]
    [(2, 3), (4,)]
    >>> set(np.unique(arrays(1, [(50,)], ints=True)[0])) <= set(range(-3, 4))
    True
    """
    rng = rng_for(seed)
    if ints:
        return [rng.integers(-3, 4, size=s).astype(np.float32) for s in shapes]
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def t64(x: np.ndarray | None) -> torch.Tensor | None:
    """A float64 torch copy of a NumPy input (expected outputs are computed in float64)."""
    return None if x is None else torch.from_numpy(np.asarray(x, dtype=np.float64).copy())


def n64(t: torch.Tensor) -> np.ndarray:
    """The float64 NumPy value of a reference output."""
    return t.detach().cpu().to(torch.float64).numpy()


def draw_seed(rng: np.random.Generator) -> int:
    """A data seed for one case (so the case can be rebuilt from its params alone)."""
    return int(rng.integers(0, 2**31 - 1))


Step = tuple[str, Callable[[Any], Iterable[Any]]]


def shrink_steps(
    params: dict[str, Any], steps: Sequence[Step], valid: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Simpler variants of ``params``, one change each, in priority order, all ``valid``.

    ``steps`` pairs a key with a function giving its simpler values (most aggressive first).

    >>> shrink_steps({"N": 4, "H": 5}, [("N", lambda n: [1, n // 2])], lambda p: True)
    [{'N': 1, 'H': 5}, {'N': 2, 'H': 5}]
    """
    out: list[dict[str, Any]] = []
    for key, simpler in steps:
        for value in simpler(params[key]):
            if value == params[key]:
                continue
            candidate = {**params, key: value}
            if valid(candidate) and candidate not in out:
                out.append(candidate)
    return out


def down_to(minimum: int) -> Callable[[int], list[int]]:
    """Simpler values of a size: the minimum, then half-way, then one less.

    >>> down_to(1)(8)
    [1, 4, 7]
    """

    def simpler(n: int) -> list[int]:
        values = [minimum, max(minimum, n // 2), n - 1]
        return [v for v in dict.fromkeys(values) if minimum <= v < n]

    return simpler


def to(value: Any) -> Callable[[Any], list[Any]]:
    """The single simpler value ``value`` (e.g. stride 1, padding 0, ``ints`` True)."""
    return lambda _current: [value]
