"""Code exercises: transposed convolution (torch's argument order) and depthwise-separable conv."""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.code import _conv_params as cp
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
from cnngrade.exercises.code.conv import CONV_ATEN, CONV_FORBIDDEN
from cnngrade.exercises.code.core import (
    BuggyRule,
    Case,
    CaseGroup,
    CodeExercise,
    Invocation,
    Params,
)
from cnngrade.exercises.core import Text
from cnngrade.reference.analysis.sizes import conv_transpose_output_size


def _out(p: Params) -> tuple[int, int]:
    """Output (H, W) from the one home of the formula (-1 where it would not be positive)."""
    sizes = []
    for n, k, s, pad, op, d in (
        ("H", "kh", "sh", "ph", "oph", "dh"),
        ("W", "kw", "sw", "pw", "opw", "dw"),
    ):
        try:
            sizes.append(conv_transpose_output_size(p[n], p[k], p[s], p[pad], p[op], p[d]))
        except ValueError:  # not a valid configuration (e.g. a non-positive size)
            sizes.append(-1)
    return sizes[0], sizes[1]


def _valid_t(p: dict[str, Any]) -> bool:
    """torch's rules: output_padding < stride or < dilation; a positive output size."""
    for op, s, d, pad, k in (("oph", "sh", "dh", "ph", "kh"), ("opw", "sw", "dw", "pw", "kw")):
        if p[op] >= max(p[s], p[d]) or p[pad] > p[d] * (p[k] - 1):
            return False
    return min(_out(p)) >= 1 and min(p["N"], p["cin"], p["cout"], p["groups"], p["H"], p["W"]) >= 1


def _t_case(rng: np.random.Generator, group: str, **fixed: Any) -> Case:
    p = {**cp.BASE, "oph": 0, "opw": 0, "N": int(rng.integers(1, 4)), "cin": int(rng.integers(1, 4)),
         "cout": int(rng.integers(1, 4)), "H": int(rng.integers(2, 6)), "W": int(rng.integers(2, 6)), **fixed}  # fmt: skip
    p["seed"] = draw_seed(rng)
    return Case(group, p)


def _t_cases(rng: np.random.Generator) -> list[Case]:
    r = rng
    return [
        _t_case(r, "basic", N=1, cin=1, cout=1, H=2, W=2, kh=2, kw=2, bias=False),  # d2l's example
        _t_case(r, "basic", H=3, W=5, kh=2, kw=3),
        _t_case(r, "basic", N=1, cin=1, cout=1, H=1, W=1, kh=1, kw=1),  # tiny
        _t_case(r, "stride", sh=2, sw=2, kh=2, kw=2),  # exact 2x upsampling
        _t_case(r, "stride", sh=2, sw=3, kh=3, kw=2, ph=1, pw=0),
        _t_case(r, "output_padding", sh=2, sw=2, kh=3, kw=3, ph=1, pw=1, oph=1, opw=1),
        _t_case(r, "output_padding", sh=3, sw=2, kh=3, kw=4, ph=1, pw=1, oph=2, opw=1),
        _t_case(r, "dilation", dh=2, dw=2, kh=3, kw=2, ph=1),
        _t_case(r, "groups", groups=2, cin=2, cout=1, sh=2, sw=1, kh=3, kw=3),
        _t_case(
            r, "mixed", N=2, cin=4, cout=3, H=6, W=5, kh=3, kw=4, sh=2, sw=2, ph=1, pw=1, opw=1
        ),
    ]


def _t_shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    steps = [
        ("groups", to(1)), ("oph", down_to(0)), ("opw", down_to(0)), ("dh", to(1)), ("dw", to(1)),
        ("sh", down_to(1)), ("sw", down_to(1)), ("ph", down_to(0)), ("pw", down_to(0)), ("N", down_to(1)),
        ("cin", down_to(1)), ("cout", down_to(1)), ("bias", to(False)), ("kh", down_to(1)),
        ("kw", down_to(1)), ("H", down_to(1)), ("W", down_to(1)), ("ints", to(True)),
    ]  # fmt: skip
    return shrink_steps(p, steps, _valid_t)


def _t_features(p: Params) -> tuple[str, ...]:
    return cp.features(p) + (("output_padding",) if p["oph"] + p["opw"] else ())


def _t_build(p: Params) -> Invocation:
    c_in, c_out = p["cin"] * p["groups"], p["cout"] * p["groups"]
    shapes = [(p["N"], c_in, p["H"], p["W"]), (c_in, p["cout"], p["kh"], p["kw"]), (c_out,)]
    x, weight, bias = arrays(p["seed"], shapes, ints=p["ints"])
    kwargs = {
        "stride": pair(p["sh"], p["sw"]), "padding": pair(p["ph"], p["pw"]),
        "output_padding": pair(p["oph"], p["opw"]), "groups": p["groups"], "dilation": pair(p["dh"], p["dw"]),
    }  # fmt: skip
    return Invocation(args=(x, weight, bias if p["bias"] else None), kwargs=kwargs)


def _t_ref(inv: Invocation, **changes: Any) -> tuple[np.ndarray, ...]:
    from cnngrade.reference.conv_transpose import conv_transpose2d

    x, weight, bias = (t64(a) for a in inv.args)
    if changes.pop("flip", False):
        weight = weight.flip(-1, -2)
    return (n64(conv_transpose2d(x, weight, **{**inv.kwargs, "bias": bias, **changes})),)


def _forward_conv(p: Params, inv: Invocation) -> tuple[np.ndarray, ...] | None:
    """An ordinary strided convolution with the kernel's channel axes swapped (groups 1)."""
    from cnngrade.reference.conv import conv2d

    if p["groups"] != 1:
        return None
    x, weight, bias = (t64(a) for a in inv.args)
    kw = {k: inv.kwargs[k] for k in ("stride", "padding", "dilation")}
    try:
        return (n64(conv2d(x, weight.transpose(0, 1), bias, **kw)),)
    except ValueError:  # the kernel does not fit: no output to compare
        return None


CONV_TRANSPOSE2D = CodeExercise(
    id="conv_transpose2d",
    topic="convolution",
    title=Text("Transposed convolution from scratch", "从零实现转置卷积"),
    statement=Text(
        "Write `conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, "
        "dilation=1)` in NumPy with torch.nn.functional.conv_transpose2d's contract (note: groups before "
        "dilation): x (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW); every input x[n, c, i, j] adds "
        "x * weight[c] into the output at (i*s, j*s) (taps d apart); then crop padding from each side; "
        "output_padding adds rows/cols at the bottom/right. H_out = (H-1)s - 2p + d(kH-1) + op + 1. "
        "Library convolution and unfold/fold calls are forbidden.",
        "用 NumPy 实现 `conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0, "
        "groups=1, dilation=1)`，接口与 torch.nn.functional.conv_transpose2d 相同（注意 groups 在 dilation "
        "之前）：x 形状 (N, C_in, H, W)，weight 形状 (C_in, C_out/groups, kH, kW)；每个输入 x[n, c, i, j] 把 "
        "x * weight[c] 加到输出 (i*s, j*s) 处（核各点相隔 d）；再从每侧裁掉 padding；output_padding 在下/右侧"
        "增加行列。H_out = (H-1)s - 2p + d(kH-1) + op + 1。禁止调用库中的卷积和 unfold/fold。",
    ),
    entry="conv_transpose2d",
    kind="function",
    backend="numpy",
    groups=(
        CaseGroup("basic", 2.0, Text("stride 1, no padding", "步幅 1、无填充")),
        CaseGroup("stride", 1.0, Text("stride > 1, padding", "步幅大于 1、填充")),
        CaseGroup("output_padding", 1.0, Text("output_padding", "output_padding")),
        CaseGroup("dilation", 1.0, Text("dilation", "空洞")),
        CaseGroup("groups", 1.0, Text("groups", "分组")),
        CaseGroup("mixed", 1.0, Text("everything at once", "综合")),
    ),
    cases=_t_cases,
    build=_t_build,
    expected=lambda p, inv: _t_ref(inv),
    shrink=_t_shrink,
    arg_names=("x", "weight", "bias"),
    forbidden_names=CONV_FORBIDDEN + ("torch.nn.ConvTranspose2d",),
    forbidden_aten_ops=CONV_ATEN,
    buggy_rules=(
        BuggyRule(
            "no_output_padding",
            Text(
                "Your output lacks the output_padding rows/cols: add them at the bottom/right.",
                "你的输出缺少 output_padding 的行列：应在下/右侧补上。",
            ),
            lambda p, inv: _t_ref(inv, output_padding=0) if p["oph"] + p["opw"] else None,
        ),
        BuggyRule(
            "flipped_kernel",
            Text(
                "Your values match the kernel flipped: scatter weight[c] as is, unflipped.",
                "你的结果与翻转卷积核一致：应直接按原样散布 weight[c]，不要翻转。",
            ),
            lambda p, inv: _t_ref(inv, flip=True),
        ),
        BuggyRule(
            "padding_not_cropped",
            Text(
                "Your output is not cropped: padding removes p rows/cols from each side of the output.",
                "你的输出没有裁剪：padding 表示从输出每侧去掉 p 行/列。",
            ),
            lambda p, inv: _t_ref(inv, padding=0) if p["ph"] + p["pw"] else None,
        ),
        BuggyRule(
            "missing_bias",
            Text(
                "Your values are off by exactly the bias: add bias[c] to output channel c.",
                "你的结果恰好差一个偏置：请给输出通道 c 加上 bias[c]。",
            ),
            lambda p, inv: _t_ref(inv, bias=None) if p["bias"] else None,
        ),
        BuggyRule(
            "forward_convolution",
            Text(
                "Your output is an ordinary convolution of x: a transposed convolution scatters every "
                "input value times the kernel into a LARGER output, "
                "H_out = (H-1)s - 2p + d(kH-1) + op + 1.",
                "你的输出是对 x 的普通卷积：转置卷积把每个输入值乘以卷积核散布到更大的输出中，"
                "H_out = (H-1)s - 2p + d(kH-1) + op + 1。",
            ),
            _forward_conv,
        ),
    ),  # fmt: skip
    features=_t_features,
)


def _sep_build(p: Params) -> Invocation:
    c, m, c_out = p["cin"], p["mult"], p["cout"]
    shapes = [
        (p["N"], c, p["H"], p["W"]),
        (c * m, 1, p["kh"], p["kw"]),
        (c_out, c * m, 1, 1),
        (c * m,),
        (c_out,),
    ]
    x, dw, pw, db, pb = arrays(p["seed"], shapes, ints=p["ints"])
    kwargs = {"stride": pair(p["sh"], p["sw"]), "padding": pair(p["ph"], p["pw"])}
    return Invocation(
        args=(x, dw, pw, db if p["bias"] else None, pb if p["bias"] else None), kwargs=kwargs
    )


def _sep_ref(inv: Invocation, summed: bool = False, **changes: Any) -> tuple[np.ndarray, ...]:
    from cnngrade.reference.conv import conv2d
    from cnngrade.reference.separable import depthwise_separable_conv2d

    x, dw, pw, db, pb = (t64(a) for a in inv.args)
    args = {"depthwise_bias": db, "pointwise_bias": pb, **inv.kwargs, **changes}
    if summed:  # every depthwise filter sees the sum over all input channels (a plain conv)
        y = conv2d(
            x,
            dw.expand(-1, x.shape[1], -1, -1),
            db,
            stride=inv.kwargs["stride"],
            padding=inv.kwargs["padding"],
        )
        return (n64(conv2d(y, pw, pb)),)
    return (n64(depthwise_separable_conv2d(x, dw, pw, **args)),)


def _sep_cases(rng: np.random.Generator) -> list[Case]:
    out = []
    for c in cp.standard_cases(rng, groups=False, dilation=False):
        out.append(Case(c.group, {**c.params, "mult": 1}))
    out.append(
        Case("mixed", {**cp.case(rng, "mixed", cin=3, cout=4, ph=1, pw=1).params, "mult": 2})
    )
    return out


def _sep_shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    return cp.shrink(p) + ([{**p, "mult": 1}] if p["mult"] > 1 else [])


DEPTHWISE_SEPARABLE = CodeExercise(
    id="depthwise_separable_conv2d",
    topic="convolution",
    title=Text("Depthwise-separable convolution", "深度可分离卷积"),
    statement=Text(
        "Write `depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, depthwise_bias=None, "
        "pointwise_bias=None, stride=1, padding=0)` in NumPy: a depthwise conv (depthwise_weight "
        "(C_in*m, 1, kH, kW): output channel j convolves input channel j // m alone; stride and padding "
        "apply here), then a 1x1 pointwise conv (pointwise_weight (C_out, C_in*m, 1, 1)); biases are "
        "(C_in*m,) and (C_out,) or None. Library convolution and unfold/fold calls are forbidden.",
        "用 NumPy 实现 `depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, depthwise_bias=None, "
        "pointwise_bias=None, stride=1, padding=0)`：先做逐通道卷积（depthwise_weight 形状 (C_in*m, 1, kH, kW)："
        "输出通道 j 只与输入通道 j // m 卷积；stride 和 padding 作用于此），再做 1x1 逐点卷积（pointwise_weight "
        "形状 (C_out, C_in*m, 1, 1)）；偏置形状为 (C_in*m,) 与 (C_out,)，或 None。"
        "禁止调用库中的卷积和 unfold/fold。",
    ),
    entry="depthwise_separable_conv2d",
    kind="function",
    backend="numpy",
    groups=CONV_TRANSPOSE2D.groups[:1]
    + (
        CaseGroup("padding", 1.0, Text("zero padding", "零填充")),
        CaseGroup("stride", 1.0, Text("stride > 1", "步幅大于 1")),
        CaseGroup("mixed", 2.0, Text("everything at once, depth multiplier", "综合、深度乘数")),
    ),  # fmt: skip
    cases=_sep_cases,
    build=_sep_build,
    expected=lambda p, inv: _sep_ref(inv),
    shrink=_sep_shrink,
    arg_names=("x", "depthwise_weight", "pointwise_weight", "depthwise_bias", "pointwise_bias"),
    forbidden_names=CONV_FORBIDDEN,
    forbidden_aten_ops=CONV_ATEN,
    buggy_rules=(
        BuggyRule(
            "depthwise_sums_channels",
            Text(
                "Your depthwise step sums over input channels: each channel is convolved alone.",
                "你的逐通道卷积对输入通道求了和：每个通道应单独卷积。",
            ),
            lambda p, inv: _sep_ref(inv, summed=True) if p["cin"] > 1 else None,
        ),
        BuggyRule(
            "missing_depthwise_bias",
            Text(
                "Your values ignore depthwise_bias: add it after the depthwise step.",
                "你的结果忽略了 depthwise_bias：应在逐通道卷积后加上它。",
            ),
            lambda p, inv: _sep_ref(inv, depthwise_bias=None) if p["bias"] else None,
        ),
    ),  # fmt: skip
    features=lambda p: cp.features(p) + (("multiplier",) if p["mult"] > 1 else ()),
)

EXERCISES = (CONV_TRANSPOSE2D, DEPTHWISE_SEPARABLE)
