"""Output shapes of one convolution layer, plain and dilated.

Parameters are drawn valid by construction (see :mod:`exercises.bank._shapes`); every answer comes
from ``reference.analysis.sizes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import (
    ASK,
    OUT_CHANNELS,
    SHAPE,
    arg,
    layer_params,
    maybe,
    per_dim,
    pick,
    shape_exercise,
)
from cnngrade.exercises.core import Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line, shape_text
from cnngrade.reference.analysis.sizes import conv_output_size, effective_kernel_size

# ---------------------------------------------------------------- convolution (incl. dilated)


def _gen_conv(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    params = layer_params(rng, difficulty, (1, 3, 5, 7) if difficulty > 1 else (3, 5))
    return {**params, "out_channels": pick(rng, OUT_CHANNELS)}


def _gen_dilated(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    params = layer_params(rng, difficulty, (3, 5) if difficulty > 1 else (3,), (2, 3, 4))
    return {**params, "out_channels": pick(rng, OUT_CHANNELS)}


def _conv_answer(params: Params) -> list[int]:
    return per_dim(params, conv_output_size)


def _conv_code(params: Params) -> str:
    args = [
        str(params["input"][1]),
        str(params["out_channels"]),
        arg("kernel_size", params["kernel"]),
    ]
    defaults = {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1]}
    args += [
        arg(name, params[name]) for name, default in defaults.items() if params[name] != default
    ]
    return f"nn.Conv2d({', '.join(args)})"


def _conv_prompt(params: Params, lang: Lang) -> str:
    return ASK.format(shape=shape_text(params["input"]), code=_conv_code(params))(lang)


def _conv_dim_line(name: str, n: int, k: int, s: int, p: int, d: int) -> str:
    span = f"{d} \\cdot ({k} - 1) - 1" if d > 1 else f"{k}"
    out = conv_output_size(n, k, s, p, d)
    return f"$${name}_{{out}} = \\left\\lfloor \\frac{{{n} + 2 \\cdot {p} - {span}}}{{{s}}} \\right\\rfloor + 1 = {out}$$"


_CONV_RULE = Text(
    "Each spatial size follows $\\lfloor (n + 2p - d(k - 1) - 1)/s \\rfloor + 1$; the channel count becomes $C_{{out}} = {c}$ and the batch stays {b}.",
    "每个空间维度按 $\\lfloor (n + 2p - d(k - 1) - 1)/s \\rfloor + 1$ 计算；通道数变为 $C_{{out}} = {c}$，批大小 {b} 不变。",
)


def _conv_solution(params: Params, lang: Lang) -> str:
    n, k, s, p, d = (params[key] for key in ("input", "kernel", "stride", "padding", "dilation"))
    lines = [_CONV_RULE.format(c=params["out_channels"], b=n[0])(lang)]
    lines += [_conv_dim_line(name, n[2 + i], k[i], s[i], p[i], d[i]) for i, name in enumerate("HW")]
    lines.append(answer_line(_conv_answer(params), SHAPE, lang))
    return "\n\n".join(lines)


def _conv_wrong(rule: Callable[[int, int, int, int, int], int]) -> Callable[[Params], Any]:
    return maybe(lambda params: per_dim(params, rule))


_CONV_MISCONCEPTIONS = (
    Misconception(
        "no_plus_one",
        Text(
            "You forgot the +1: the first window position counts as an output too.",
            "漏掉了 +1：第一个窗口位置本身也产生一个输出。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, s, p, d) - 1),
    ),
    Misconception(
        "padding_once",
        Text(
            "Padding is added on both sides: use $n + 2p$, not $n + p$.",
            "填充加在两侧：应为 $n + 2p$，而不是 $n + p$。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, s, (p, 0), d)),
    ),
    Misconception(
        "stride_ignored",
        Text(
            "Divide by the stride: the window jumps $s$ positions at a time.",
            "要除以步幅：窗口每次移动 $s$ 个位置。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, 1, p, d)),
    ),
    Misconception(
        "ceil_instead_of_floor",
        Text(
            "Round down: a window that does not fit entirely is not computed.",
            "应向下取整：放不下的最后一个窗口不计算。",
        ),
        _conv_wrong(lambda n, k, s, p, d: -((effective_kernel_size(k, d) - n - 2 * p) // s) + 1),
    ),
    Misconception(
        "channels_unchanged",
        Text(
            "The output has one channel per filter: $C_{out}$, not $C_{in}$.",
            "输出通道数等于卷积核个数 $C_{out}$，而不是 $C_{in}$。",
        ),
        lambda params: [params["input"][0], params["input"][1], *_conv_answer(params)[2:]],
    ),
    Misconception(
        "dilation_ignored",
        Text(
            "A dilated kernel spans $d(k - 1) + 1$ inputs, not $k$.",
            "空洞卷积核覆盖 $d(k - 1) + 1$ 个输入，而不是 $k$ 个。",
        ),
        _conv_wrong(lambda n, k, s, p, d: conv_output_size(n, k, s, p, 1)),
    ),
)


EXERCISES = (
    shape_exercise(
        "conv_output_shape",
        "Output shape of a convolution",
        "卷积层的输出形状",
        _gen_conv,
        _conv_prompt,
        _conv_answer,
        _conv_solution,
        _CONV_MISCONCEPTIONS[:5],
    ),
    shape_exercise(
        "dilated_output_shape",
        "Output shape of a dilated convolution",
        "空洞卷积的输出形状",
        _gen_dilated,
        _conv_prompt,
        _conv_answer,
        _conv_solution,
        _CONV_MISCONCEPTIONS,
    ),
)
