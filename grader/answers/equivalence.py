"""Is a parsed answer equal to the expected one, and how much partial credit does it earn?

- integer, shape, int_matrix, choice: exact (integer matrices hold whole numbers, which float64
  represents exactly up to 2**53, so element equality is integer equality);
- number, matrix: ``|a - e| <= atol + rtol |e|`` with the spec's tolerances (never float ``==``;
  a spec without tolerance gets ``rtol = 1e-9``, i.e. equal up to rounding);
- symbolic: both sides are evaluated exactly at random points drawn from the symbols' domains
  (floor/ceil expressions rarely simplify); one differing point proves inequality, and agreement at
  half the points or more is equality. Only when too few points are defined does
  ``expand``/``simplify(a - b) == 0`` decide (it is slow on large formulas, so it comes last).

Partial credit (``AnswerSpec.partial``): ``per_dimension`` — a shape of the right length earns the
fraction of right dimensions; ``per_element`` — a matrix of the right shape earns one half plus one
half times the fraction of right elements. Everything else is all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from cnngrade.exercises.core import AnswerSpec
from cnngrade.grader.answers.symbolic import parse_symbolic, symbols_for
from cnngrade.grader.answers.text import FormatError

__all__ = ["Match", "canonical", "match"]

_PROBES = 24
_DEFAULT_RTOL = 1e-9


@dataclass(frozen=True)
class Match:
    """How a parsed answer compares with an expected value.

    ``fraction`` is the credit in [0, 1]; ``detail`` (JSON) says which parts are right.
    """

    equal: bool
    fraction: float
    detail: dict[str, Any] = field(default_factory=dict)


def canonical(value: Any, spec: AnswerSpec) -> Any:
    """A key value from a Problem (JSON form) converted to the parsed form of ``spec.kind``.

    >>> canonical([1, 6, 28, 28], AnswerSpec("shape"))
    (1, 6, 28, 28)
    """
    kind = spec.kind
    if kind in ("integer", "choice"):
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "shape":
        return tuple(int(v) for v in value)
    if kind in ("matrix", "int_matrix"):
        return np.asarray(value, dtype=np.float64)
    if kind == "symbolic":
        if isinstance(value, sympy.Expr):
            return value
        try:
            return parse_symbolic(str(value), spec.symbols)
        except FormatError as err:  # a bank bug, not a student's format problem
            raise ValueError(
                f"key {str(value)[:80]!r} is not a formula in {spec.symbols}: {err}"
            ) from None
    raise ValueError(f"spec.kind must be one of the answer kinds, got {kind!r}")


def _close(a: float, e: float, spec: AnswerSpec) -> bool:
    rtol = spec.rtol if (spec.rtol or spec.atol) else _DEFAULT_RTOL
    return abs(a - e) <= spec.atol + rtol * abs(e)


def _shape(got: tuple, want: tuple, spec: AnswerSpec) -> Match:
    if len(got) != len(want):
        return Match(False, 0.0, {"ndim": len(got), "expected_ndim": len(want)})
    right = [g == w for g, w in zip(got, want, strict=False)]
    fraction = sum(right) / len(right) if spec.partial == "per_dimension" else float(all(right))
    return Match(all(right), 1.0 if all(right) else fraction, {"dims_right": right})


def _matrix(got: np.ndarray, want: np.ndarray, spec: AnswerSpec) -> Match:
    vector = want.ndim == 1 or min(want.shape) == 1
    if got.shape != want.shape and got.size == want.size and vector and got.squeeze().ndim <= 1:
        got = got.reshape(want.shape)  # a row typed as "1 2 3" for a vector answer
    if got.shape != want.shape:
        return Match(False, 0.0, {"shape": list(got.shape)})
    if spec.kind == "int_matrix":
        right = got == want
    else:
        rtol = spec.rtol if (spec.rtol or spec.atol) else _DEFAULT_RTOL
        right = np.isclose(got, want, rtol=rtol, atol=spec.atol)
    wrong = np.argwhere(~right)
    detail: dict[str, Any] = {"wrong": len(wrong), "total": int(want.size)}
    if len(wrong):
        detail["first_wrong"] = [int(i) for i in wrong[0]]
    if not len(wrong):
        return Match(True, 1.0, detail)
    fraction = 0.5 + 0.5 * float(right.mean()) if spec.partial == "per_element" else 0.0
    return Match(False, fraction, detail)


@lru_cache(maxsize=4096)
def _simplifies_to_zero(difference: sympy.Expr) -> bool:
    return sympy.expand(difference) == 0 or sympy.simplify(difference) == 0


def _draw(domain: str, rng: np.random.Generator) -> Fraction:
    """A probe value, as an exact Fraction: ``floor(-k/s + n/s)`` must not see float rounding."""
    if domain == "positive_integer":
        return Fraction(int(rng.integers(1, 17)))
    if domain == "nonnegative_integer":
        return Fraction(int(rng.integers(0, 17)))
    return Fraction(int(rng.integers(1, 400)), int(rng.integers(1, 40)))


@lru_cache(maxsize=4096)
def _compiled(expr: sympy.Expr, symbols: tuple[tuple[str, str], ...]) -> Callable[..., Any]:
    """``expr`` as a Python function of the spec's symbols, evaluated on exact Fractions.

    ``lambdify`` prints code from the expression tree; the tree was built only from whitelisted
    tokens (:mod:`grader.answers.symbolic`), so the printed code holds nothing but symbol names,
    numbers, arithmetic and floor/ceil/sqrt/min/max.
    """
    syms = symbols_for(symbols)
    return sympy.lambdify([syms[name] for name, _ in symbols], expr, modules="math")


def _value(fn: Callable[..., Any], point: list[Fraction]) -> complex | None:
    try:
        value = complex(fn(*point))
    except (ArithmeticError, ValueError, TypeError):  # 1/0, sqrt(-1), overflow: undefined here
        return None
    return value if np.isfinite(value) else None


def _probe(got: sympy.Expr, want: sympy.Expr, spec: AnswerSpec, rng: np.random.Generator) -> dict:
    """Evaluate both sides at random domain points: counts of agreeing and differing points."""
    symbols = tuple(spec.symbols)
    f_got, f_want = _compiled(got, symbols), _compiled(want, symbols)
    agree, differ, counterexample = 0, 0, None
    for _ in range(_PROBES):
        point = [_draw(domain, rng) for _, domain in symbols]
        g, w = _value(f_got, point), _value(f_want, point)
        if w is None:
            continue
        if g is not None and abs(g - w) <= 1e-9 * (1 + abs(w)):
            agree += 1
        else:
            differ += 1
            counterexample = counterexample or {
                name: str(v) for (name, _), v in zip(symbols, point, strict=False)
            }
    return {"agree": agree, "differ": differ, "counterexample": counterexample}


def _symbolic(
    got: sympy.Expr, want: sympy.Expr, spec: AnswerSpec, rng: np.random.Generator
) -> Match:
    extra = got.free_symbols - want.free_symbols
    probes = _probe(got, want, spec, rng)
    if probes["differ"]:
        return Match(False, 0.0, {**probes, "extra_symbols": sorted(map(str, extra))})
    if probes["agree"] >= _PROBES // 2:
        return Match(True, 1.0, {**probes, "proved": None})
    proved = _simplifies_to_zero(got - want)
    return Match(proved, float(proved), {**probes, "proved": proved})


def match(got: Any, want: Any, spec: AnswerSpec, rng: np.random.Generator | None = None) -> Match:
    """Compare a parsed answer with a canonical expected value of the same kind.

    Args:
        got: from :func:`grader.answers.parse.parse_answer`.
        want: from :func:`canonical`.
        rng: draws the probe points of symbolic answers (seed it from the problem's seed).

    >>> match((1, 6, 28, 27), (1, 6, 28, 28), AnswerSpec("shape", partial="per_dimension")).fraction
    0.75
    """
    kind = spec.kind
    if kind in ("integer", "choice"):
        return Match(got == want, float(got == want))
    if kind == "number":
        ok = _close(float(Fraction(got)), float(want), spec)
        return Match(ok, float(ok))
    if kind == "shape":
        return _shape(tuple(got), tuple(want), spec)
    if kind in ("matrix", "int_matrix"):
        return _matrix(np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64), spec)
    if kind == "symbolic":
        return _symbolic(got, want, spec, rng if rng is not None else np.random.default_rng(0))
    raise ValueError(f"spec.kind must be one of the answer kinds, got {kind!r}")
