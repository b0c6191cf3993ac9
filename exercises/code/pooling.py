"""Code exercises on pooling: max_pool2d (padding never wins), its backward, avg_pool2d."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.code import _pool_params as pp
from cnngrade.exercises.code import forbidden_apis as fa
from cnngrade.exercises.code._common import arrays, n64, t64
from cnngrade.exercises.code.core import BuggyRule, CaseGroup, CodeExercise, Invocation, Params
from cnngrade.exercises.core import Text

#: Pooling, and what pools in disguise: avg_pool2d is a depthwise conv2d with a constant kernel, or
#: unfold and a mean (see forbidden_apis.py).
POOL_FORBIDDEN = fa.POOLING_NAMES + fa.CONVOLUTION_NAMES + fa.UNFOLD_NAMES
POOL_ATEN = fa.POOLING_OPS + fa.CONVOLUTION_OPS + fa.UNFOLD_OPS

GROUPS = (
    CaseGroup(
        "basic", 2.0, Text("square windows, default stride, overlap", "方形窗口、默认步幅、重叠")
    ),
    CaseGroup(
        "shapes", 1.0, Text("H ≠ W, non-square windows, floor sizes", "H ≠ W、非方形窗口、向下取整")
    ),
    CaseGroup("padding", 1.0, Text("padding", "填充")),
    CaseGroup("mixed", 1.0, Text("everything at once, larger", "综合、较大尺寸")),
)


def _x(p: Params) -> np.ndarray:
    return arrays(p["seed"], [(p["N"], p["C"], p["H"], p["W"])], ints=p["ints"])[0]


def _pool_build(p: Params) -> Invocation:
    return Invocation(
        args=(_x(p), (p["kh"], p["kw"]) if p["kh"] != p["kw"] else p["kh"]), kwargs=pp.kwargs(p)
    )


def _ref(name: str, inv: Invocation, **changes: Any) -> tuple[np.ndarray, ...]:
    import cnngrade.reference.pooling as P

    kwargs = {**inv.kwargs, **changes}
    return (n64(getattr(P, name)(t64(inv.args[0]), inv.args[1], **kwargs)),)


def _zero_padded_max(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
    if p["ph"] + p["pw"] == 0:
        return None
    x = np.pad(inv.args[0], ((0, 0), (0, 0), (p["ph"],) * 2, (p["pw"],) * 2))
    return _ref("max_pool2d", Invocation(args=(x, inv.args[1]), kwargs=inv.kwargs), padding=0)


def _one_sided(name: str, end: bool, value: float):
    """The rule "all 2p padding on the top/left (or, ``end``, the bottom/right)" for pooling
    ``name``, padding with ``value`` (-inf for max, 0 for avg, whose divisor stays kH*kW)."""

    def outputs(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
        if p["ph"] + p["pw"] == 0:
            return None
        rows, cols = (0, 2 * p["ph"]), (0, 2 * p["pw"])
        pads = ((0, 0), (0, 0), rows if end else rows[::-1], cols if end else cols[::-1])
        x = np.pad(inv.args[0].astype(np.float64), pads, constant_values=value)
        return _ref(name, Invocation(args=(x, inv.args[1]), kwargs=inv.kwargs), padding=0)

    return outputs


def _one_sided_rules(name: str, value: float) -> tuple[BuggyRule, ...]:
    return (
        BuggyRule("one_sided_padding", Text(
            "Your values match padding 2p on the top/left only: pad p on both sides.",
            "你的结果与只在上/左侧填充 2p 一致：应在两侧各填充 p。"), _one_sided(name, False, value)),
        BuggyRule("one_sided_padding_end", Text(
            "Your values match padding 2p on the bottom/right only (x copied into the top-left "
            "corner of the padded buffer): put x at offset (p, p), padding p on both sides.",
            "你的结果与只在下/右侧填充 2p 一致（x 被复制到填充缓冲区的左上角）：应把 x 放在偏移 (p, p) 处，"
            "两侧各填充 p。"), _one_sided(name, True, value)),
    )  # fmt: skip


STRIDE_DEFAULT = Text(
    "Your values match stride 1: when stride is None it defaults to kernel_size.",
    "你的结果与步幅 1 一致：stride 为 None 时默认等于 kernel_size。",
)


def _statement(name: str, extra_en: str, extra_zh: str) -> Text:
    sig = f"{name}(x, kernel_size, stride=None, padding=0)"
    return Text(
        f"Write `{sig}` in NumPy with the contract of torch.nn.functional.{name}: x (N, C, H, W); "
        "kernel_size, stride and padding are an int or an (H, W) pair; stride None means kernel_size; "
        f"H_out = floor((H + 2p - kH) / s) + 1. {extra_en} Do not modify the input; library "
        "pooling, convolution and unfold/fold calls are forbidden.",
        f"用 NumPy 实现 `{sig}`，接口与 torch.nn.functional.{name} 相同：x 形状 (N, C, H, W)；kernel_size、"
        "stride、padding 为整数或 (H, W) 二元组；stride 为 None 时等于 kernel_size；"
        f"H_out = floor((H + 2p - kH) / s) + 1。{extra_zh}不得修改输入；禁止调用库中的池化、卷积和 "
        "unfold/fold。",
    )


MAX_POOL2D = CodeExercise(
    id="max_pool2d",
    topic="pooling",
    title=Text("Max pooling from scratch", "从零实现最大池化"),
    statement=_statement(
        "max_pool2d", "Padding is -inf: it never wins.", "填充值为 -inf：永远不会被选为最大值。"
    ),
    entry="max_pool2d",
    kind="function",
    backend="numpy",
    groups=GROUPS,
    cases=pp.standard_cases,
    build=_pool_build,
    expected=lambda p, inv: _ref("max_pool2d", inv),
    shrink=pp.shrink,
    arg_names=("x", "kernel_size"),
    forbidden_names=POOL_FORBIDDEN,
    forbidden_aten_ops=POOL_ATEN,
    buggy_rules=(
        BuggyRule(
            "zero_padding_max",
            Text(
                "Your values match zero padding: max pooling pads with -inf, so padding never wins.",
                "你的结果与补零一致：最大池化用 -inf 填充，填充值永远不会胜出。",
            ),
            _zero_padded_max,
        ),  # fmt: skip
        BuggyRule(
            "stride_default_one",
            STRIDE_DEFAULT,
            lambda p, inv: _ref("max_pool2d", inv, stride=1) if p["default_stride"] else None,
        ),  # fmt: skip
    )
    + _one_sided_rules("max_pool2d", -np.inf),
    features=pp.features,
)

AVG_POOL2D = CodeExercise(
    id="avg_pool2d",
    topic="pooling",
    title=Text("Average pooling from scratch", "从零实现平均池化"),
    statement=_statement(
        "avg_pool2d",
        "Padding is zeros and counts in the divisor (count_include_pad=True): divide by kH*kW.",
        "用 0 填充且计入除数（count_include_pad=True）：除以 kH*kW。",
    ),
    entry="avg_pool2d",
    kind="function",
    backend="numpy",
    groups=GROUPS,
    cases=pp.standard_cases,
    build=_pool_build,
    expected=lambda p, inv: _ref("avg_pool2d", inv),
    shrink=pp.shrink,
    arg_names=("x", "kernel_size"),
    forbidden_names=POOL_FORBIDDEN,
    forbidden_aten_ops=POOL_ATEN,
    buggy_rules=(
        BuggyRule(
            "divisor_excludes_padding",
            Text(
                "Your values divide by the number of real (unpadded) elements: with count_include_pad=True "
                "the divisor is always kH*kW.",
                "你的结果除以的是真实（非填充）元素个数：count_include_pad=True 时除数总是 kH*kW。",
            ),
            lambda p, inv: (
                _ref("avg_pool2d", inv, count_include_pad=False) if p["ph"] + p["pw"] else None
            ),
        ),  # fmt: skip
        BuggyRule(
            "stride_default_one",
            STRIDE_DEFAULT,
            lambda p, inv: _ref("avg_pool2d", inv, stride=1) if p["default_stride"] else None,
        ),  # fmt: skip
    )
    + _one_sided_rules("avg_pool2d", 0.0),
    features=pp.features,
)
EXERCISES = (MAX_POOL2D, AVG_POOL2D)
