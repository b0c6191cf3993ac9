"""Formatting helpers: numbers, shapes, matrices and sums of products as prompts and solutions show them."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnngrade.exercises.formatting import (
    as_int_matrix,
    as_matrix,
    bmatrix,
    display_matrix,
    fmt_factor,
    fmt_number,
    fmt_shape,
    markdown_table,
    sum_of_products,
)


@pytest.mark.parametrize(
    "value, text",
    [
        (3, "3"),
        (-7, "-7"),
        (np.int64(12), "12"),
        (2.0, "2"),
        (-2.5, "-2.5"),
        (0.123456, "0.1235"),
        (-0.00001, "0"),
        (1e-5, "0"),
        (1234567.0, "1234567"),
        (0.1 + 0.2, "0.3"),
    ],
)
def test_fmt_number(value, text):
    assert fmt_number(value) == text


def test_fmt_number_rejects_bool():
    with pytest.raises(ValueError, match="bool"):
        fmt_number(True)


def test_factor_and_shape():
    assert fmt_factor(-0.5) == "(-0.5)" and fmt_factor(0) == "0"
    assert fmt_shape([1, 6, 28, 28]) == "1 × 6 × 28 × 28"


def test_bmatrix_accepts_lists_arrays_tensors():
    expected = r"\begin{bmatrix} 1 & 2 \\ 3 & 4.5 \end{bmatrix}"
    for matrix in (
        [[1, 2], [3, 4.5]],
        np.array([[1, 2], [3, 4.5]]),
        torch.tensor([[1.0, 2.0], [3.0, 4.5]]),
    ):
        assert bmatrix(matrix) == expected
    assert display_matrix("Y", [[0]]) == r"$$Y = \begin{bmatrix} 0 \end{bmatrix}$$"


@pytest.mark.parametrize("bad", [[1, 2, 3], [[[1]]]])
def test_bmatrix_needs_two_dimensions(bad):
    with pytest.raises(ValueError, match="2-D"):
        bmatrix(bad)


def test_markdown_table_has_one_line_per_row():
    lines = markdown_table([[1, -2, 3], [4, 5, 6]]).splitlines()
    assert len(lines) == 4 and lines[1] == "|---|---|---|---|"
    assert lines[3] == "| **1** | 4 | 5 | 6 |"


def test_sum_of_products_checks_lengths():
    with pytest.raises(ValueError, match="same length"):
        sum_of_products([1, 2], [3])
    assert sum_of_products([], []) == "0"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-9, 9), st.integers(-9, 9)), min_size=1, max_size=9),
    st.integers(-5, 5),
)
def test_sum_of_products_evaluates_to_the_sum(pairs, bias):
    """The written sum, read back as math, equals the sum it describes."""
    weights, values = [w for w, _ in pairs], [x for _, x in pairs]
    text = sum_of_products(weights, values, bias=bias).replace(r"\cdot", "*")
    assert sympy.parse_expr(text) == sum(w * x for w, x in pairs) + bias


def test_int_matrix_conversion():
    assert as_int_matrix(torch.tensor([[1.0, -2.0]])) == [[1, -2]]
    assert all(isinstance(v, int) for v in as_int_matrix(np.array([[3.0]]))[0])
    with pytest.raises(ValueError, match="integers"):
        as_int_matrix([[0.5]])


def test_matrix_conversion_rounds_and_clears_negative_zero():
    assert as_matrix([[-0.00001, 0.123456]], digits=3) == [[0.0, 0.123]]
    assert str(as_matrix([[-0.0]], digits=2)[0][0]) == "0.0"
