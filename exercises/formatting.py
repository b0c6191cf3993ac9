"""Shared writers for prompts and worked solutions: numbers, shapes, matrices, sums of products.

Every exercise family formats its numbers through these helpers so that a matrix looks the same in
every prompt and every answer key. Prompts and solutions are Markdown with LaTeX math (``$...$``);
a matrix is a LaTeX ``bmatrix`` (:func:`bmatrix`) or a Markdown table (:func:`markdown_table`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "as_int_matrix",
    "as_matrix",
    "bmatrix",
    "display_matrix",
    "fmt_factor",
    "fmt_number",
    "fmt_shape",
    "markdown_table",
    "sum_of_products",
]


def fmt_number(value: Any, digits: int = 4) -> str:
    """A number as students write it: ints exactly, floats rounded to ``digits`` decimals.

    Trailing zeros are dropped and ``-0`` becomes ``0``.

    >>> fmt_number(3), fmt_number(-2.50), fmt_number(0.123456), fmt_number(-0.00001)
    ('3', '-2.5', '0.1235', '0')
    """
    if isinstance(value, bool):
        raise ValueError(f"value must be a number, got the bool {value!r}")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    rounded = round(float(value), digits)
    if rounded == int(rounded) and abs(rounded) < 2**53:
        return str(int(rounded))
    return f"{rounded:.{digits}f}".rstrip("0").rstrip(".")


def fmt_factor(value: Any, digits: int = 4) -> str:
    """A number as a factor inside a product: negative numbers in parentheses.

    >>> fmt_factor(-3), fmt_factor(2)
    ('(-3)', '2')
    """
    text = fmt_number(value, digits)
    return f"({text})" if text.startswith("-") else text


def fmt_shape(shape: Sequence[int], sep: str = " × ") -> str:
    """A shape as the slides write it.

    >>> fmt_shape((6, 28, 28))
    '6 × 28 × 28'
    >>> fmt_shape((1, 6), sep=", ")
    '1, 6'
    """
    return sep.join(str(int(n)) for n in shape)


def _rows(matrix: Any) -> list[list[Any]]:
    """A 2-D nested list from a list, NumPy array or tensor; ValueError if it is not 2-D."""
    array = np.asarray(matrix.tolist() if hasattr(matrix, "tolist") else matrix, dtype=object)
    if array.ndim != 2:
        raise ValueError(
            f"matrix must be 2-D, got {array.ndim} dimension(s); pass one channel at a time"
        )
    return array.tolist()


def bmatrix(matrix: Any, digits: int = 4) -> str:
    r"""A 2-D matrix as a LaTeX ``bmatrix`` (without the surrounding ``$``).

    Shape:
        matrix: ``(rows, cols)``; nested lists, NumPy array or tensor.

    >>> bmatrix([[1, -2], [3, 4]])
    '\\begin{bmatrix} 1 & -2 \\\\ 3 & 4 \\end{bmatrix}'
    """
    body = r" \\ ".join(" & ".join(fmt_number(v, digits) for v in row) for row in _rows(matrix))
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def display_matrix(name: str, matrix: Any, digits: int = 4) -> str:
    r"""A named matrix as display math: ``$$name = \begin{bmatrix}...\end{bmatrix}$$``.

    >>> display_matrix("K", [[0, 1]])
    '$$K = \\begin{bmatrix} 0 & 1 \\end{bmatrix}$$'
    """
    return f"$${name} = {bmatrix(matrix, digits)}$$"


def markdown_table(matrix: Any, digits: int = 4) -> str:
    """A 2-D matrix as a Markdown table with row and column indices.

    >>> print(markdown_table([[1, 2], [3, -4]]))
    |   | 0 | 1 |
    |---|---|---|
    | **0** | 1 | 2 |
    | **1** | 3 | -4 |
    """
    rows = _rows(matrix)
    width = len(rows[0]) if rows else 0
    lines = [
        "|   | " + " | ".join(str(j) for j in range(width)) + " |",
        "|---|" + "---|" * width,
    ]
    for i, row in enumerate(rows):
        lines.append(f"| **{i}** | " + " | ".join(fmt_number(v, digits) for v in row) + " |")
    return "\n".join(lines)


def sum_of_products(
    weights: Sequence[Any], values: Sequence[Any], bias: Any = None, digits: int = 4
) -> str:
    r"""The LaTeX sum ``w_1 \cdot x_1 + w_2 \cdot x_2 + ... [+ b]`` of one output element.

    Args:
        weights: kernel entries, in window order.
        values: the input entries they multiply, same length.
        bias: optional bias added at the end.

    >>> sum_of_products([1, 0, -1], [3, 5, 8])
    '1 \\cdot 3 + 0 \\cdot 5 + (-1) \\cdot 8'
    >>> sum_of_products([2], [-1], bias=-3)
    '2 \\cdot (-1) + (-3)'
    """
    if len(weights) != len(values):
        raise ValueError(
            f"weights and values must have the same length, got {len(weights)} and {len(values)}"
        )
    terms = [
        rf"{fmt_factor(w, digits)} \cdot {fmt_factor(x, digits)}"
        for w, x in zip(weights, values, strict=True)
    ]
    if bias is not None:
        terms.append(fmt_factor(bias, digits))
    return " + ".join(terms) if terms else "0"


def as_matrix(values: Any, digits: int | None = None) -> list[Any]:
    """A tensor or array as nested lists of floats (rounded to ``digits`` if given).

    >>> as_matrix([[0.5, 1.0]])
    [[0.5, 1.0]]
    """
    array = np.asarray(values.tolist() if hasattr(values, "tolist") else values, dtype=np.float64)
    if digits is not None:
        array = np.round(array, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return array.tolist()


def as_int_matrix(values: Any) -> list[Any]:
    """A tensor or array of integral numbers as nested lists of Python ints.

    Raises ValueError when an entry is not (within 1e-9) an integer: hand-computed answers must be.

    >>> as_int_matrix([[1.0, -2.0], [3.0, 4.0]])
    [[1, -2], [3, 4]]
    """
    array = np.asarray(values.tolist() if hasattr(values, "tolist") else values, dtype=np.float64)
    rounded = np.rint(array)
    if not np.all(np.abs(array - rounded) <= 1e-9):
        raise ValueError(
            "values must be integers to be given as an int matrix; got non-integral entries"
        )
    return rounded.astype(np.int64).tolist()
