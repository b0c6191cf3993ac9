"""Discrimination = corrected item-total correlation, checked by hand, against numpy and scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.grader.report.stats import corrected_item_total, slot_statistics


def test_hand_computation() -> None:
    # item x = 1 1 0 0, totals 4 3 2 0, so the rest y = 3 2 2 0
    # x - x̄ = .5 .5 -.5 -.5; y - ȳ = 1.25 .25 .25 -1.75; Σ dx·dy = 1.5; Σ dx² = 1; Σ dy² = 4.75
    assert corrected_item_total([1, 1, 0, 0], [4, 3, 2, 0]) == pytest.approx(1.5 / math.sqrt(4.75))


def test_point_biserial_formula_for_all_or_nothing_slots() -> None:
    # r_pb = (M1 - M0) / σ_y · sqrt(p q) on the rest score
    x = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    rest = np.array([7.0, 3.0, 6.5, 4.0, 2.0, 5.0, 8.0, 1.0])
    p = x.mean()
    expected = (rest[x == 1].mean() - rest[x == 0].mean()) / rest.std() * math.sqrt(p * (1 - p))
    assert corrected_item_total(x, rest + x) == pytest.approx(expected)
    import scipy.stats as scipy_stats  # a test dependency (pyproject: test extra)

    assert corrected_item_total(x, rest + x) == pytest.approx(
        scipy_stats.pointbiserialr(x, rest)[0]
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 20)), min_size=3, max_size=40).filter(
        lambda rows: len({r[0] for r in rows}) > 1 and len({r[1] for r in rows}) > 1
    )
)
def test_equals_numpy_pearson_of_item_and_rest(rows) -> None:
    item = np.array([r[0] for r in rows], dtype=float) / 2  # partial credit in halves
    rest = np.array([r[1] for r in rows], dtype=float)
    assert corrected_item_total(item, item + rest) == pytest.approx(
        np.corrcoef(item, rest)[0, 1], abs=1e-9
    )


def test_undefined_when_nobody_differs() -> None:
    assert math.isnan(corrected_item_total([1, 1, 1], [3, 2, 1]))  # everyone got the slot
    assert math.isnan(corrected_item_total([1, 0, 1], [2, 1, 2]))  # the rest is constant
    with pytest.raises(ValueError, match="same length"):
        corrected_item_total([1, 0], [1, 0, 1])


def test_slot_statistics_uses_the_rest_of_the_test() -> None:
    book = pd.DataFrame({"a.1": [2.0, 1.0, 0.0, 2.0], "b.1": [1.0, 1.0, 0.0, 0.0]})
    book["total"] = book.sum(axis=1)
    frame = slot_statistics(book, {"a.1": 2.0, "b.1": 1.0}).set_index("slot")
    assert frame.loc["a.1", "difficulty"] == pytest.approx(5 / 8)
    assert frame.loc["b.1", "difficulty"] == pytest.approx(0.5)
    assert frame.loc["a.1", "discrimination"] == pytest.approx(
        np.corrcoef(book["a.1"], book["b.1"])[0, 1]
    )
    # not the uncorrected correlation with the total (which includes the slot itself)
    assert frame.loc["a.1", "discrimination"] != pytest.approx(
        np.corrcoef(book["a.1"], book["total"])[0, 1]
    )
