"""Hints read from the values of failing cases: an integer dtype, too little precision, the last two
dims swapped, mismatches confined to the padded border.

Each test looks at one case and answers ``True`` (the pattern explains this case), ``False`` (the
pattern applies to this case but does not explain it) or ``None`` (it does not apply: e.g. the
border test on a case without padding). :func:`claim` keeps a pattern only when it explains at least
half of the open failing cases it applies to (:func:`grader.code.hints.half_or_more`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from cnngrade.exercises.core import Text
from cnngrade.grader.code.hints import Hint, half_or_more
from cnngrade.grader.code.judge import CaseOutcome

#: Relative error below which a float16 output is "right up to its precision" (float16 keeps ~3 digits).
_F16_CLOSE = 2e-2
#: Relative error below which any output agrees to about 3 significant digits: a precision problem.
_CLOSE = 2e-3

Test = Callable[[CaseOutcome], "bool | None"]


def _pairs(o: CaseOutcome) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for a, e in zip(o.actual, o.expected, strict=False):
        yield np.asarray(a), np.asarray(e, dtype=np.float64)


def _relative_error(a: np.ndarray, e: np.ndarray) -> float:
    """max |a - e| relative to the output's scale (inf when not comparable)."""
    if a.shape != e.shape or a.dtype.kind not in "fiu" or not e.size:
        return math.inf
    a64 = a.astype(np.float64)
    if not np.isfinite(a64).all():
        return math.inf
    return float(np.max(np.abs(a64 - e))) / max(1.0, float(np.max(np.abs(e))))


def integer_output(o: CaseOutcome) -> bool | None:
    """An integer output where the expected values are not whole: truncated by ``dtype=int``."""
    if o.status not in ("wrong", "shape") or not o.actual:
        return None
    return any(
        a.dtype.kind in "iub" and e.size and not np.allclose(e, np.round(e)) for a, e in _pairs(o)
    )


def low_precision(o: CaseOutcome) -> bool | None:
    """Every output is within float16-like error of the expected one (and one is not within tolerance)."""
    if o.status != "wrong" or not o.actual:
        return None
    for a, e in _pairs(o):
        limit = _F16_CLOSE if a.dtype == np.float16 else _CLOSE
        if _relative_error(a, e) > limit:
            return False
    return True


def transposed(o: CaseOutcome) -> bool | None:
    """The output is the expected one with its last two dims swapped.

    Applies to outputs whose expected (H_out, W_out) differ (the swap shows in the shape) or whose
    square value is not symmetric (the swap shows in the values); a symmetric square output can
    never tell a swap apart.
    """
    if o.status not in ("wrong", "shape") or not o.actual:
        return None
    verdict = None
    for a, e in _pairs(o):
        a = a.astype(np.float64) if a.dtype.kind in "fiub" else a
        if e.ndim < 2 or (a.shape == e.shape and np.allclose(a, e, rtol=1e-4, atol=1e-4)):
            continue
        swapped = np.swapaxes(e, -1, -2)
        if e.shape[-1] != e.shape[-2]:
            hit = a.shape == swapped.shape
        elif np.allclose(swapped, e, rtol=1e-4, atol=1e-4):
            continue  # symmetric: a swap changes nothing
        else:
            hit = a.shape == e.shape and np.allclose(a, swapped, rtol=1e-4, atol=1e-4)
        verdict = bool(hit) if verdict is None else verdict and hit
    return verdict


def border_only(o: CaseOutcome) -> bool | None:
    """Right shape, and every wrong value lies within the border the padding reaches.

    Applies only to value mismatches of cases with padding > 0.
    """
    p = o.params
    if o.status != "wrong" or not o.actual or p.get("ph", 0) + p.get("pw", 0) == 0:
        return None
    r = max(
        1,
        math.ceil(p.get("ph", 0) / max(1, p.get("sh", 1))),
        math.ceil(p.get("pw", 0) / max(1, p.get("sw", 1))),
    )
    seen = False
    for a, e in _pairs(o):
        if a.shape != e.shape or e.ndim < 2:
            continue
        bad = ~np.isclose(
            a.astype(np.float64), e, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(e).max()))
        )
        bad = bad.reshape(-1, *e.shape[-2:]).any(axis=0)
        h, w = bad.shape
        if not bad.any():
            continue
        if h <= 2 * r or w <= 2 * r or bad[r : h - r, r : w - r].any():
            return False  # no interior to tell the border from, or a wrong interior value
        seen = True
    return seen


def claim(test: Test, outcomes: Sequence[CaseOutcome], open_: set[int]) -> set[int]:
    """The open failing cases ``test`` explains, if they are at least half of those it applies to."""
    return half_or_more({i: test(outcomes[i]) for i in sorted(open_)})


def _dtype(outcomes: Sequence[CaseOutcome], cases: set[int], kinds: str) -> str:
    for i in sorted(cases):
        for a in outcomes[i].actual:
            if np.asarray(a).dtype.kind in kinds:
                return str(np.asarray(a).dtype)
    return ""


def integer_hint(dtype: str) -> Hint:
    return Hint("integer_output", Text(
        f"Your output has an integer dtype ({dtype}), so its values were truncated: "
        "allocate it as floats (np.zeros(shape) or dtype=x.dtype), not dtype=int.",
        f"你的输出是整数类型（{dtype}），数值被截断了：请用浮点数组（np.zeros(shape) 或 "
        "dtype=x.dtype），不要用 dtype=int。"))  # fmt: skip


def precision_hint(dtype: str) -> Hint:
    if dtype == "float16":
        return Hint("low_precision", Text(
            "Your output is float16, which keeps about 3 significant digits: every value is close "
            "but not within the tolerance (relative 1e-4). Compute in float32 or float64.",
            "你的输出是 float16，只有约 3 位有效数字：每个值都接近但达不到容差（相对 1e-4）。"
            "请用 float32 或 float64 计算。"))  # fmt: skip
    return Hint("low_precision", Text(
        "Your values agree with the expected ones to about 3 significant digits in every failing "
        "case, short of the tolerance (relative 1e-4): compute in float32 or float64 and do not "
        "round or cast to float16 on the way.",
        "在每个出错用例中，你的数值与期望值只在约 3 位有效数字上一致，达不到容差（相对 1e-4）："
        "请用 float32 或 float64 计算，中途不要取整或转成 float16。"))  # fmt: skip


TRANSPOSED = Hint("transposed", Text(
    "Your output is the expected one with the last two dims swapped: keep (H, W) order.",
    "你的输出是期望结果交换最后两维后的样子：保持 (H, W) 顺序。"))  # fmt: skip
PADDING_BORDER = Hint("padding_border", Text(
    "Right shape, wrong values only at the border the padding reaches: check your padding "
    "(zeros, p on each side).",
    "形状正确，只有填充所及的边缘处数值错误：检查你的填充（补零，两侧各 p）。"))  # fmt: skip


def value_hints(outcomes: Sequence[CaseOutcome], open_: set[int]) -> list[tuple[Hint, set[int]]]:
    """The value patterns that explain open failing cases, each with the cases it explains.

    Order matters: a case explained by too little precision is not also a border problem.
    """
    found = []
    remaining = set(open_)
    for test, make in (
        (low_precision, lambda cases: precision_hint(_dtype(outcomes, cases, "f"))),
        (integer_output, lambda cases: integer_hint(_dtype(outcomes, cases, "iub"))),
        (transposed, lambda cases: TRANSPOSED),
        (border_only, lambda cases: PADDING_BORDER),
    ):
        cases = claim(test, outcomes, remaining)
        if cases:
            found.append((make(cases), cases))
            remaining -= cases
    return found
