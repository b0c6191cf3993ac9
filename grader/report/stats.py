"""Classical test theory per slot: difficulty (mean score fraction) and discrimination.

Discrimination is the *corrected item-total correlation*: the Pearson correlation, over students,
between a student's score on slot ``i`` and the same student's score on the rest of the test::

    x_s = score of student s on slot i            y_s = total_s - x_s   (the rest of the test)

    r_i = Σ_s (x_s - x̄)(y_s - ȳ) / sqrt( Σ_s (x_s - x̄)² · Σ_s (y_s - ȳ)² )

For an all-or-nothing slot (x_s ∈ {0, 1}) this is the point-biserial correlation
``r_pb = (M_1 - M_0) / σ_y · sqrt(p q)`` (``M_1``, ``M_0``: mean rest score of those who got the slot
right / wrong, ``p`` = share right, ``q = 1 - p``, ``σ_y`` the population standard deviation of the
rest score); for partial credit it is its natural extension. The slot is left out of the total
("corrected") so that a slot is not correlated with itself, which inflates ``r`` on short tests.
``r`` is undefined (NaN) when everyone scored the same on the slot or on the rest of the test.
Rules of thumb (Ebel): ``r ≥ 0.4`` discriminates very well, ``0.2–0.4`` acceptably, ``< 0.2`` poorly,
``< 0`` a slot the stronger students get wrong more often (check its key).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["corrected_item_total", "slot_statistics"]


def corrected_item_total(item: Sequence[float], total: Sequence[float]) -> float:
    """The correlation of one slot's scores with the rest of the test (NaN when undefined).

    Shape:
        item, total: ``(students,)``; ``total`` includes the slot itself.

    >>> round(corrected_item_total([1, 1, 0, 0], [4, 3, 2, 0]), 4)  # rest = 3, 2, 2, 0
    0.6882
    >>> corrected_item_total([1, 1, 1], [3, 2, 1])  # everyone got it: undefined
    nan
    """
    x, t = np.asarray(item, dtype=float), np.asarray(total, dtype=float)
    if x.shape != t.shape or x.ndim != 1:
        raise ValueError(
            f"item and total must be 1-D of the same length, got shapes {x.shape} and {t.shape}"
        )
    y = t - x
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    # below this, the "variance" is rounding noise of equal scores (gradebook scores have 4 decimals)
    if sxx < 1e-15 or syy < 1e-15:
        return math.nan
    denominator = math.sqrt(sxx * syy)
    return float(dx @ dy) / denominator


def slot_statistics(gradebook: pd.DataFrame, points: dict[str, float]) -> pd.DataFrame:
    """One row per slot: ``slot``, ``points``, ``difficulty`` (mean fraction), ``discrimination``.

    ``gradebook`` has one column per slot (the scores) and ``total``; ``points`` maps each slot to
    its maximum.

    >>> book = pd.DataFrame({"a.1": [1.0, 0.0, 1.0], "b.1": [2.0, 0.0, 1.0]})
    >>> book["total"] = book.sum(axis=1)
    >>> slot_statistics(book, {"a.1": 1.0, "b.1": 2.0}).round(3).to_dict("records")[1]
    {'slot': 'b.1', 'points': 2.0, 'difficulty': 0.5, 'discrimination': 0.866}
    """
    rows = []
    for slot, most in points.items():
        scores = gradebook[slot].to_numpy(dtype=float)
        n = len(scores)
        rows.append(
            {
                "slot": slot,
                "points": float(most),
                "difficulty": float(scores.mean() / most) if n and most > 0 else math.nan,
                "discrimination": corrected_item_total(scores, gradebook["total"])
                if n > 2
                else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=["slot", "points", "difficulty", "discrimination"])
