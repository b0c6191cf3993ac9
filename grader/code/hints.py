"""Hints: recognize the known bug behind a failure pattern, as STACK's "buggy rules" do.

Three sources, in order: the exercise's buggy rules (the student's output equals what a specific bug
produces, in most of the failing cases the rule applies to), shape/value patterns (an integer dtype;
transposed dims; mismatches only at the border), and a pattern across cases ("fails only when
stride > 1"). Exceptions with a telling message get theirs from :mod:`grader.code.error_hints`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cnngrade.exercises.code.core import CodeExercise, Invocation
from cnngrade.exercises.core import Text
from cnngrade.grader.code.judge import CaseOutcome, compare_outputs


@dataclass(frozen=True)
class Hint:
    """A recognized bug: ``note`` for analytics, ``text`` for the student."""

    note: str
    text: Text


FEATURE_HINTS: dict[str, Text] = {
    "batch": Text("with more than one batch item", "批大小大于 1 时"),
    "channels": Text("with more than one input channel: sum over input channels",
                     "输入通道多于 1 时：应对输入通道求和"),
    "overlap": Text("when windows overlap (stride < kernel): accumulate gradients with +=",
                    "窗口重叠（步幅小于核）时：梯度要用 += 累加"),
    "ties": Text("when a window has tied maxima: route the gradient to the first maximum only",
                 "窗口内有并列最大值时：梯度只传给第一个最大值"),
    "stride": Text("with stride > 1: check how you step the window and the output size",
                   "步幅大于 1 时：检查窗口移动与输出尺寸"),
    "padding": Text("with padding: check your padding", "有填充时：检查你的填充"),
    "dilation": Text("with dilation > 1: the kernel taps are d apart", "空洞大于 1 时：卷积核各点相隔 d"),
    "groups": Text("with groups > 1: each group sees only its own channels",
                   "分组数大于 1 时：每组只看自己的通道"),
    "non_square": Text("with non-square inputs or kernels: you may have swapped H and W",
                       "输入或卷积核非方形时：可能把 H 和 W 弄反了"),
    "bias": Text("with a bias: add bias[c] to output channel c", "有偏置时：给输出通道 c 加上 bias[c]"),
    "output_padding": Text("with output_padding: extra rows/cols at the bottom/right",
                           "有 output_padding 时：在下/右侧多出行列"),
    "multiplier": Text(
        "with a depth multiplier m > 1: output channel j reads input channel j // m",
        "深度乘数 m 大于 1 时：输出通道 j 读取输入通道 j // m",
    ),
    "default_stride": Text("when stride is left out: it then equals kernel_size",
                           "省略 stride 时：它等于 kernel_size"),
    "floor": Text("when (H + 2p - k) is not a multiple of the stride: the output size rounds down",
                  "当 (H + 2p - k) 不是步幅的倍数时：输出尺寸向下取整"),
}  # fmt: skip


def _rule_verdicts(
    exercise: CodeExercise, outcome: CaseOutcome, inv: Invocation
) -> dict[str, bool]:
    """For each buggy rule that applies to this failing case: does the student's output equal it?"""
    if outcome.status not in ("wrong", "shape") or not outcome.actual:
        return {}
    verdicts = {}
    for rule in exercise.buggy_rules:
        buggy = rule.outputs(outcome.params, inv)
        if buggy is None or len(buggy) != len(outcome.actual):
            continue
        same_shapes = all(
            np.shape(a) == np.shape(b) for a, b in zip(outcome.actual, buggy, strict=True)
        )
        verdicts[rule.note] = same_shapes and compare_outputs(exercise, outcome.actual, buggy)[0].ok
    return verdicts


def consistent_rule_hints(
    exercise: CodeExercise, failing: Sequence[CaseOutcome], invs: Sequence[Invocation]
) -> tuple[list[Hint], list[bool]]:
    """Buggy rules that explain at least half of the failing cases they apply to, and for each
    failing case whether one of them explains it.

    A rule matching one small case only (where two bugs give the same numbers, e.g. a 1x1 hidden
    state) but not the larger ones is not the student's bug; a rule matching most cases is, even
    when a second bug spoils the rest.
    """
    verdicts = [_rule_verdicts(exercise, o, inv) for o, inv in zip(failing, invs, strict=True)]
    kept = []
    for rule in exercise.buggy_rules:
        seen = [v[rule.note] for v in verdicts if rule.note in v]
        if any(seen) and 2 * sum(seen) >= len(seen):
            kept.append(rule)
    explained = [any(v.get(r.note) for r in kept) for v in verdicts]
    return [Hint(r.note, r.feedback) for r in kept], explained


def _integer_output(outcome: CaseOutcome) -> Hint | None:
    for a, e in zip(outcome.actual, outcome.expected, strict=False):
        a, e = np.asarray(a), np.asarray(e, dtype=np.float64)
        if a.dtype.kind in "iub" and e.size and not np.allclose(e, np.round(e)):
            return Hint("integer_output", Text(
                f"Your output has an integer dtype ({a.dtype}), so its values were truncated: "
                "allocate it as floats (np.zeros(shape) or dtype=x.dtype), not dtype=int.",
                f"你的输出是整数类型（{a.dtype}），数值被截断了：请用浮点数组（np.zeros(shape) 或 "
                "dtype=x.dtype），不要用 dtype=int。"))  # fmt: skip
    return None


def _transposed(outcome: CaseOutcome) -> Hint | None:
    for a, e in zip(outcome.actual, outcome.expected, strict=False):
        a, e = np.asarray(a, dtype=np.float64), np.asarray(e, dtype=np.float64)
        if e.ndim < 2 or (a.shape == e.shape and np.allclose(a, e, rtol=1e-4, atol=1e-4)):
            continue
        swapped = np.swapaxes(e, -1, -2)
        if e.shape[-1] != e.shape[-2]:
            hit = a.shape == swapped.shape
        else:
            hit = a.shape == e.shape and np.allclose(a, swapped, rtol=1e-4, atol=1e-4)
        if hit:
            return Hint("transposed", Text(
                "Your output is the expected one with the last two dims swapped: keep (H, W) order.",
                "你的输出是期望结果交换最后两维后的样子：保持 (H, W) 顺序。"))  # fmt: skip
    return None


def _border_only(outcome: CaseOutcome) -> Hint | None:
    p = outcome.params
    if outcome.status != "wrong" or p.get("ph", 0) + p.get("pw", 0) == 0:
        return None
    for a, e in zip(outcome.actual, outcome.expected, strict=False):
        a, e = np.asarray(a, dtype=np.float64), np.asarray(e, dtype=np.float64)
        if a.shape != e.shape or e.ndim < 2:
            continue
        bad = ~np.isclose(a, e, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(e).max())))
        bad = bad.reshape(-1, *e.shape[-2:]).any(axis=0)
        r = max(
            1,
            math.ceil(p.get("ph", 0) / p.get("sh", 1)),
            math.ceil(p.get("pw", 0) / p.get("sw", 1)),
        )
        h, w = bad.shape
        if not bad.any() or h <= 2 * r or w <= 2 * r:
            continue
        if not bad[r : h - r, r : w - r].any():
            return Hint("padding_border", Text(
                "Right shape, wrong values only at the border: check your padding.",
                "形状正确，只有边缘的值错了：检查你的填充。"))  # fmt: skip
    return None


def pattern_hints(outcome: CaseOutcome) -> list[Hint]:
    """The first shape/value pattern of one failing case: an integer dtype, transposed dims, else
    border-only mismatches."""
    for find in (_integer_output, _transposed, _border_only):
        found = find(outcome)
        if found is not None:
            return [found]
    return []


def feature_hint(exercise: CodeExercise, outcomes: Sequence[CaseOutcome], features) -> Hint | None:
    """ "Fails only when F": every failing case has feature F and every case without F passes."""
    failing = [o for o in outcomes if not o.passed]
    if not failing or len(failing) == len(outcomes) or features is None:
        return None
    sets = [set(features(o.params)) for o in outcomes]
    best = None
    for name in FEATURE_HINTS:
        having = [i for i, s in enumerate(sets) if name in s]
        explains = all(name in sets[i] for i, o in enumerate(outcomes) if not o.passed)
        if explains and (best is None or len(having) < best[1]):
            best = (name, len(having))
    if best is None:
        return None
    text = FEATURE_HINTS[best[0]]
    return Hint(
        f"fails_with_{best[0]}",
        Text(f"Your code fails only {text.en}.", f"你的代码只在这种情况下出错（{text.zh}）。"),
    )
