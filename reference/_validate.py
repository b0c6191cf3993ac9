"""Argument normalization and validation shared by every public reference function.

Arguments are normalized to tuples once, at the boundary (as torch does), and every violation raises
a ``ValueError`` naming the parameter, the value and the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def ntuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """Normalize an int or a length-``n`` sequence of ints to an ``n``-tuple.

    >>> ntuple(3, 2, "stride")
    (3, 3)
    >>> ntuple((1, 2), 2, "stride")
    (1, 2)
    """
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value!r}")
    if isinstance(value, int) or (hasattr(value, "is_integer") and not isinstance(value, float)):
        return (value,) * n  # type: ignore[return-value]
    try:
        items = tuple(value)
    except TypeError:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value!r}") from None
    if len(items) != n:
        raise ValueError(f"{name} must have {n} values (one per spatial dimension), got {value!r}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int):
            raise ValueError(f"{name} must contain ints, got {value!r}")
    return items


def check_positive(values: tuple[int, ...], name: str) -> None:
    """Raise unless every value is >= 1.

    >>> check_positive((1, 2), "stride")
    >>> check_positive((0, 1), "stride")
    Traceback (most recent call last):
    ...
    ValueError: stride must be >= 1 in every dimension, got (0, 1)
    """
    if any(v < 1 for v in values):
        raise ValueError(f"{name} must be >= 1 in every dimension, got {values}")


def check_non_negative(values: tuple[int, ...], name: str) -> None:
    """Raise unless every value is >= 0."""
    if any(v < 0 for v in values):
        raise ValueError(f"{name} must be >= 0 in every dimension, got {values}")


def is_symbolic(value: Any) -> bool:
    """True for sympy expressions (anything that is not a plain Python/NumPy number)."""
    return hasattr(value, "free_symbols")
