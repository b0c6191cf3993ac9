"""Code exercises on convolution: ``corr2d`` (d2l) and ``conv2d`` (torch.nn.functional's contract)."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.code import _conv_params as cp
from cnngrade.exercises.code import forbidden_apis as fa
from cnngrade.exercises.code._common import (
    arrays,
    down_to,
    draw_seed,
    n64,
    pair,
    shrink_steps,
    t64,
    to,
)
from cnngrade.exercises.code.core import (
    BuggyRule,
    Case,
    CaseGroup,
    CodeExercise,
    Invocation,
    Params,
)
from cnngrade.exercises.core import Text

#: Every convolution and unfold/fold of torch, by name and by operator (see forbidden_apis.py).
CONV_FORBIDDEN = fa.CONVOLUTION_NAMES + fa.UNFOLD_NAMES
CONV_ATEN = fa.CONVOLUTION_OPS + fa.UNFOLD_OPS


def conv_build(p: Params) -> Invocation:
    """The student's inputs for a conv2d case (float32 arrays; stride etc. as int or pair)."""
    c_in, c_out = p["cin"] * p["groups"], p["cout"] * p["groups"]
    shapes = [(p["N"], c_in, p["H"], p["W"]), (c_out, p["cin"], p["kh"], p["kw"]), (c_out,)]
    x, weight, bias = arrays(p["seed"], shapes, ints=p["ints"])
    kwargs = {
        "stride": pair(p["sh"], p["sw"]), "padding": pair(p["ph"], p["pw"]),
        "dilation": pair(p["dh"], p["dw"]), "groups": p["groups"],
    }  # fmt: skip
    return Invocation(args=(x, weight, bias if p["bias"] else None), kwargs=kwargs)


def _conv(inv: Invocation, **changes: Any) -> tuple[np.ndarray, ...]:
    from cnngrade.reference.conv import conv2d

    x, weight, bias = (t64(a) for a in inv.args)
    kwargs = {**inv.kwargs, "bias": bias, **changes}
    return (n64(conv2d(x, weight, **kwargs)),)


def conv_expected(p: Params, inv: Invocation) -> tuple[np.ndarray, ...]:
    """The right output, computed by ``reference.conv.conv2d`` in float64 (in the parent)."""
    return _conv(inv)


def _one_sided(p: Params, inv: Invocation, end: bool = False) -> tuple[np.ndarray, ...] | None:
    """All 2p padding rows/cols on the top/left (or, ``end``, the bottom/right: x copied into the
    top-left corner of a zero buffer)."""
    if p["ph"] == 0 and p["pw"] == 0:
        return None
    rows, cols = (0, 2 * p["ph"]), (0, 2 * p["pw"])
    return _conv(inv, padding=(rows, cols) if end else (rows[::-1], cols[::-1]))


def _stride_rows_only(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
    return _conv(inv, stride=(p["sh"], 1)) if p["sw"] > 1 else None


def _first_channel_only(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
    if p["cin"] == 1 or p["groups"] != 1:
        return None
    x, weight, bias = inv.args
    return _conv(Invocation(args=(x[:, :1], weight[:, :1], bias), kwargs=inv.kwargs))


CONV_BUGS = (
    BuggyRule(
        "flipped_kernel",
        Text(
            "Your values match a true convolution (kernel flipped): conv2d is a cross-correlation, "
            "do not flip the kernel.",
            "你的结果与翻转卷积核后的真卷积一致：conv2d 是互相关，不要翻转卷积核。",
        ),
        lambda p, inv: _conv(inv, flip=True),
    ),
    BuggyRule(
        "missing_bias",
        Text(
            "Your values are off by exactly the bias: add bias[c] to output channel c.",
            "你的结果恰好差一个偏置：请给输出通道 c 加上 bias[c]。",
        ),
        lambda p, inv: _conv(inv, bias=None) if p["bias"] else None,
    ),  # fmt: skip
    BuggyRule(
        "one_sided_padding",
        Text(
            "Your values match padding 2p on the top/left only: pad p on both sides.",
            "你的结果与只在上/左侧填充 2p 一致：应在两侧各填充 p。",
        ),
        _one_sided,
    ),  # fmt: skip
    BuggyRule(
        "one_sided_padding_end",
        Text(
            "Your values match padding 2p on the bottom/right only (x copied into the top-left "
            "corner of the padded buffer): put x at offset (p, p), padding p on both sides.",
            "你的结果与只在下/右侧填充 2p 一致（x 被复制到填充缓冲区的左上角）：应把 x 放在偏移 (p, p) 处，"
            "两侧各填充 p。",
        ),
        lambda p, inv: _one_sided(p, inv, end=True),
    ),
    BuggyRule(
        "stride_rows_only",
        Text(
            "Your values match a stride applied to rows only: step the columns by stride too.",
            "你的结果与只在行方向使用步幅一致：列方向也要按步幅移动。",
        ),
        _stride_rows_only,
    ),  # fmt: skip
    BuggyRule(
        "channels_not_summed",
        Text(
            "Your values use only the first input channel: sum the products over all input channels.",
            "你的结果只用了第一个输入通道：应对所有输入通道的乘积求和。",
        ),
        _first_channel_only,
    ),  # fmt: skip
)

_SIGNATURE = "conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)"

CONV2D = CodeExercise(
    id="conv2d",
    topic="convolution",
    title=Text("2-D convolution from scratch", "从零实现二维卷积"),
    statement=Text(
        f"Write `{_SIGNATURE}` in NumPy with the contract of torch.nn.functional.conv2d: x "
        "(N, C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out,) or None; stride, "
        "padding (zeros, both sides) and dilation are an int or an (H, W) pair. Return "
        "(N, C_out, H_out, W_out) with H_out = floor((H + 2p - d(kH - 1) - 1) / s) + 1. It is a "
        "cross-correlation (no kernel flip). Do not modify the inputs; conv/unfold library calls are "
        "forbidden.",
        f"用 NumPy 实现 `{_SIGNATURE}`，接口与 torch.nn.functional.conv2d 相同：x 形状 (N, C_in, H, W)，"
        "weight 形状 (C_out, C_in/groups, kH, kW)，bias 形状 (C_out,) 或 None；stride、padding（两侧补零）"
        "和 dilation 为整数或 (H, W) 二元组。返回 (N, C_out, H_out, W_out)，"
        "H_out = floor((H + 2p - d(kH - 1) - 1) / s) + 1。这是互相关（不翻转卷积核）。不得修改输入；"
        "禁止调用库中的卷积/unfold。",
    ),
    entry="conv2d",
    kind="function",
    backend="numpy",
    groups=(
        CaseGroup("basic", 2.0, Text("no padding, stride 1", "无填充、步幅 1")),
        CaseGroup("padding", 1.0, Text("zero padding", "零填充")),
        CaseGroup("stride", 1.0, Text("stride > 1", "步幅大于 1")),
        CaseGroup("dilation", 1.0, Text("dilation", "空洞（膨胀）")),
        CaseGroup("groups", 1.0, Text("groups", "分组卷积")),
        CaseGroup("mixed", 2.0, Text("everything at once, larger", "综合、较大尺寸")),
    ),
    cases=cp.standard_cases,
    build=conv_build,
    expected=conv_expected,
    shrink=cp.shrink,
    arg_names=("x", "weight", "bias"),
    forbidden_names=CONV_FORBIDDEN,
    forbidden_aten_ops=CONV_ATEN,
    buggy_rules=CONV_BUGS,
    features=cp.features,
)


def _corr_cases(rng: np.random.Generator) -> list[Case]:
    sizes = [(3, 3, 2, 2), (1, 1, 1, 1), (5, 7, 2, 3), (6, 4, 3, 1), (4, 4, 4, 4), (12, 9, 3, 5)]
    out = []
    for i, (h, w, kh, kw) in enumerate(sizes):
        group = "basic" if i < 3 else "shapes"
        out.append(
            Case(group, {"H": h, "W": w, "kh": kh, "kw": kw, "ints": False, "seed": draw_seed(rng)})
        )
    return out


def _corr_build(p: Params) -> Invocation:
    X, K = arrays(p["seed"], [(p["H"], p["W"]), (p["kh"], p["kw"])], ints=p["ints"])
    return Invocation(args=(X, K))


def _corr_expected(p: Params, inv: Invocation) -> tuple[np.ndarray, ...]:
    from cnngrade.reference.conv import corr2d

    return (n64(corr2d(*(t64(a) for a in inv.args))),)


def _corr_shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    steps = [
        ("kh", down_to(1)),
        ("kw", down_to(1)),
        ("H", down_to(1)),
        ("W", down_to(1)),
        ("ints", to(True)),
    ]
    return shrink_steps(p, steps, lambda q: q["H"] >= q["kh"] and q["W"] >= q["kw"])


CORR2D = CodeExercise(
    id="corr2d",
    topic="convolution",
    title=Text("Cross-correlation of one channel (d2l corr2d)", "单通道互相关（d2l 的 corr2d）"),
    statement=Text(
        "Write `corr2d(X, K)`: X (h, w) and K (kh, kw) NumPy arrays; return Y of shape "
        "(h - kh + 1, w - kw + 1) with Y[i, j] = sum over a, b of X[i + a, j + b] * K[a, b].",
        "实现 `corr2d(X, K)`：X 形状 (h, w)，K 形状 (kh, kw)；返回形状 (h - kh + 1, w - kw + 1) 的 Y，"
        "Y[i, j] = Σ_{a,b} X[i + a, j + b] · K[a, b]。",
    ),
    entry="corr2d",
    kind="function",
    backend="numpy",
    groups=(
        CaseGroup("basic", 1.0, Text("small squares", "小方阵")),
        CaseGroup("shapes", 1.0, Text("H ≠ W, non-square kernels", "H ≠ W、非方形卷积核")),
    ),
    cases=_corr_cases,
    build=_corr_build,
    expected=_corr_expected,
    shrink=_corr_shrink,
    arg_names=("X", "K"),
    features=lambda p: ("non_square",) if p["H"] != p["W"] or p["kh"] != p["kw"] else (),
    forbidden_names=CONV_FORBIDDEN + ("numpy.convolve", "numpy.correlate"),
    forbidden_aten_ops=CONV_ATEN,
    buggy_rules=(
        BuggyRule(
            "flipped_kernel",
            CONV_BUGS[0].feedback,
            lambda p, inv: _corr_expected(
                p, Invocation(args=(inv.args[0], inv.args[1][::-1, ::-1]))
            ),
        ),
    ),
)

EXERCISES = (CORR2D, CONV2D)
