"""Multiply-accumulates: standard vs depthwise separable vs spatially separable convolution.

Difficulty 1 reproduces seed 000's worked examples: 128 filters of 3×3×3 over 5×5 positions cost
86,400 MACs as a standard convolution and 675 + 9,600 = 10,275 as depthwise separable; a 3×3 Sobel
kernel on a 5×5 image costs 81 multiplications, its column-then-row factorization 45 + 27 = 72.
Every count comes from ``reference.analysis.counts``; output sizes from ``sizes.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.core import Lang, Params, Text
from cnngrade.reference.analysis.counts import conv_macs, spatially_separable_macs
from cnngrade.reference.analysis.sizes import conv_output_size


def _out(p: Params) -> int:
    return conv_output_size(p["size"], p["k"], p.get("stride", 1), p.get("padding", 0))


def _conv_term(label: Text, c_in: int, c_out: int, k: int, out: int, groups: int = 1) -> Term:
    per = "1" if groups == c_in > 1 else f"{c_in}"
    formula = f"{c_out} \\times {out}^2 \\times {per} \\times {k}^2"
    return Term(label, formula, conv_macs(c_in, c_out, (k, k), (out, out), groups=groups))


# ---------------------------------------------------------------- standard convolution


def _gen_conv(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    k = pick(rng, (1, 3, 5))
    stride = 1 if difficulty == 1 else pick(rng, (1, 2))
    padding = 0 if difficulty == 1 else (k - 1) // 2
    out = pick(rng, (4, 5, 7, 8, 14, 28))
    size = (out - 1) * stride + k - 2 * padding
    return {
        "c_in": pick(rng, (1, 3, 16, 32, 64)),
        "c_out": pick(rng, (8, 16, 32, 64, 128)),
        "size": size,
        "k": k,
        "stride": stride,
        "padding": padding,
    }


def _conv_terms(p: Params, positions: str = "output", channels_in: bool = True) -> list[Term]:
    out = _out(p) if positions == "output" else p["size"]
    c_in = p["c_in"] if channels_in else 1
    return [_conv_term(Text("MACs", "乘加次数"), c_in, p["c_out"], p["k"], out)]


def _ask_conv(p: Params, lang: Lang) -> str:
    c_in, c_out, n, k, s, pad = (
        p[key] for key in ("c_in", "c_out", "size", "k", "stride", "padding")
    )
    return Text(
        f"`nn.Conv2d({c_in}, {c_out}, kernel_size={k}, stride={s}, padding={pad})` is applied to one {c_in}×{n}×{n} "
        "input. How many multiply-accumulate operations (MACs) does it perform? (Ignore the bias.)",
        f"`nn.Conv2d({c_in}, {c_out}, kernel_size={k}, stride={s}, padding={pad})` 作用于一个 {c_in}×{n}×{n} 的输入。"
        "它一共做多少次乘加运算（MAC）？（不计偏置。）",
    )(lang)


def _conv_intro(p: Params) -> Text:
    n, k, s, pad, out = p["size"], p["k"], p.get("stride", 1), p.get("padding", 0), _out(p)
    size = f"$\\lfloor ({n} + 2 \\cdot {pad} - {k})/{s} \\rfloor + 1 = {out}$"
    return Text(
        f"Output size {size}; each of the $C_{{out}} \\cdot {out}^2$ outputs costs $C_{{in}} k^2$ MACs:",
        f"输出尺寸 {size}；$C_{{out}} \\cdot {out}^2$ 个输出各需 $C_{{in}} k^2$ 次乘加：",
    )


# ---------------------------------------------------------------- depthwise separable


def _gen_separable(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:  # seed 000: 7x7x3 input, 3x3 kernels, 128 outputs -> 5x5 positions
        return {"c_in": 3, "c_out": 128, "size": 7, "k": 3}
    k = pick(rng, (3, 5))
    out = pick(rng, (5, 7, 8, 14, 16, 28))
    return {
        "c_in": pick(rng, (3, 8, 16, 32, 64)),
        "c_out": pick(rng, (16, 32, 64, 128, 256)),
        "size": out + k - 1,
        "k": k,
    }


def _separable_terms(
    p: Params, standard: bool = False, pointwise: bool = True, depthwise_full: bool = False
) -> list[Term]:
    c_in, c_out, k, out = p["c_in"], p["c_out"], p["k"], _out(p)
    if standard:
        return [_conv_term(Text("standard conv", "标准卷积"), c_in, c_out, k, out)]
    groups = 1 if depthwise_full else c_in
    terms = [_conv_term(Text("depthwise", "逐通道卷积"), c_in, c_in, k, out, groups)]
    if pointwise:
        terms.append(_conv_term(Text("pointwise", "逐点卷积"), c_in, c_out, 1, out))
    return terms


def _ask_separable(p: Params, lang: Lang) -> str:
    c_in, c_out, n, k = p["c_in"], p["c_out"], p["size"], p["k"]
    return Text(
        f"A {n}×{n}×{c_in} input is turned into {c_out} channels by a depthwise separable convolution: a {k}×{k} "
        "depthwise convolution (no padding, stride 1) then a 1×1 pointwise convolution. How many multiplications?",
        f"一个 {n}×{n}×{c_in} 的输入经深度可分离卷积变为 {c_out} 个通道：先做 {k}×{k} 逐通道卷积（无填充，步幅 1），"
        "再做 1×1 逐点卷积。一共多少次乘法？",
    )(lang)


def _separable_intro(p: Params) -> Text:
    head = _conv_intro(p)
    return Text(
        head.en.split(";")[0]
        + "; depthwise: $C_{in} k^2$ per position; pointwise: $C_{out} C_{in}$ per position:",
        head.zh.split("；")[0]
        + "；逐通道卷积：每个位置 $C_{in} k^2$ 次；逐点卷积：每个位置 $C_{out} C_{in}$ 次：",
    )


# ---------------------------------------------------------------- spatially separable


def _gen_spatial(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:  # seed 000: Sobel 3x3 on a 5x5 image
        return {"size": 5, "k": 3}
    k = pick(rng, (3, 5, 7))
    return {"size": k + int(rng.integers(2, 30)), "k": k}


def _spatial_terms(p: Params, full: bool = False, both_on_output: bool = False) -> list[Term]:
    n, k = p["size"], p["k"]
    out = conv_output_size(n, k)
    if full:
        return [
            Term(
                Text("full k×k kernel", "完整 k×k 卷积核"),
                f"{out}^2 \\times {k}^2",
                conv_macs(1, 1, (k, k), (out, out)),
            )
        ]
    if both_on_output:
        return [
            Term(
                Text("both passes", "两次卷积"),
                f"{out}^2 \\times ({k} + {k})",
                2 * conv_macs(1, 1, (k, 1), (out, out)),
            )
        ]
    column = spatially_separable_macs((n, n), (k, k)) - conv_macs(1, 1, (1, k), (out, out))
    return [
        Term(
            Text(f"column pass ({k}×1): {out}×{n} outputs", f"列卷积（{k}×1）：{out}×{n} 个输出"),
            f"{out} \\times {n} \\times {k}",
            column,
        ),
        Term(
            Text(f"row pass (1×{k}): {out}×{out} outputs", f"行卷积（1×{k}）：{out}×{out} 个输出"),
            f"{out} \\times {out} \\times {k}",
            conv_macs(1, 1, (1, k), (out, out)),
        ),
    ]


def _ask_spatial(p: Params, lang: Lang) -> str:
    n, k = p["size"], p["k"]
    return Text(
        f"A rank-1 {k}×{k} kernel (like Sobel) is applied to a single-channel {n}×{n} image (no padding, stride 1) as a "
        f"{k}×1 column kernel followed by a 1×{k} row kernel. How many multiplications does that take?",
        f"一个秩为 1 的 {k}×{k} 卷积核（如 Sobel）作用于单通道 {n}×{n} 图像（无填充，步幅 1），拆成先 {k}×1 列卷积、"
        f"再 1×{k} 行卷积。一共需要多少次乘法？",
    )(lang)


_SPATIAL_INTRO = Text(
    "The column pass shrinks only the height; the row pass then shrinks the width:",
    "列卷积只缩小高度；之后行卷积再缩小宽度：",
)

EXERCISES = (
    sum_exercise(
        "conv_macs",
        "macs",
        Text("Multiply-accumulates of a convolution", "卷积的乘加次数"),
        _gen_conv,
        _ask_conv,
        _conv_intro,
        _conv_terms,
        [
            (
                "input_positions_used",
                Text(
                    "Count output positions, not input positions.",
                    "应按输出位置计数，而不是输入位置。",
                ),
                {"positions": "input"},
            ),
            (
                "input_channels_forgotten",
                Text(
                    "Each output sums over all $C_{in}$ input channels.",
                    "每个输出要对全部 $C_{in}$ 个输入通道求和。",
                ),
                {"channels_in": False},
            ),
        ],
    ),
    sum_exercise(
        "depthwise_separable_macs",
        "macs",
        Text("Cost of a depthwise separable convolution", "深度可分离卷积的计算量"),
        _gen_separable,
        _ask_separable,
        _separable_intro,
        _separable_terms,
        [
            (
                "counted_as_standard",
                Text(
                    "That is the cost of a standard convolution; the separable one is much cheaper.",
                    "这是标准卷积的计算量；深度可分离卷积要少得多。",
                ),
                {"standard": True},
            ),
            (
                "pointwise_forgotten",
                Text(
                    "Add the 1×1 pointwise convolution that mixes the channels.",
                    "还要加上混合通道的 1×1 逐点卷积。",
                ),
                {"pointwise": False},
            ),
            (
                "depthwise_counted_as_standard",
                Text(
                    "Each depthwise filter sees one channel only.", "每个逐通道滤波器只看一个通道。"
                ),
                {"depthwise_full": True},
            ),
        ],
    ),
    sum_exercise(
        "spatially_separable_macs",
        "macs",
        Text("Cost of a spatially separable convolution", "空间可分离卷积的计算量"),
        _gen_spatial,
        _ask_spatial,
        _SPATIAL_INTRO,
        _spatial_terms,
        [
            (
                "counted_as_full",
                Text("That is the cost of the full k×k kernel.", "这是完整 k×k 卷积核的计算量。"),
                {"full": True},
            ),
            (
                "both_passes_on_output",
                Text(
                    "The column pass runs before the width shrinks: it makes $H_{out} \\times W_{in}$ outputs.",
                    "列卷积在宽度缩小之前进行：它产生 $H_{out} \\times W_{in}$ 个输出。",
                ),
                {"both_on_output": True},
            ),
        ],
    ),
)
