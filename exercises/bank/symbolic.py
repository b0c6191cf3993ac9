"""Symbolic questions graded by equivalence, built by calling the reference analytics on sympy symbols.

Grouped-convolution parameters in ``C_in, C_out, k, g`` and the output size in ``n, k, p, s`` (and
``d``); the depthwise-separable cost ratio is in ``symbolic_cost.py``. ``reference.analysis.sizes`` and
``counts`` work on ints and symbols alike, so the answer key is the very formula the numeric exercises
use; the canonical answer is ``str(expr)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from cnngrade.exercises.bank._symbols import mis, spec_of, symbol, symbols_of
from cnngrade.exercises.core import Exercise, Lang, Params, Text
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.counts import conv_params
from cnngrade.reference.analysis.sizes import conv_output_size

# ---------------------------------------------------------------- grouped convolution parameters


def generate_grouped(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: no bias; 2: with bias; 3: a rectangular ``k_h × k_w`` kernel with bias."""
    kernel = ["k_h", "k_w"] if difficulty == 3 else ["k"]
    return dict(bias=difficulty >= 2, kernel=kernel, symbols=["C_in", "C_out", *kernel, "g"])


def _kernel(p: Params, S: dict[str, sympy.Symbol]) -> tuple:
    return tuple(S[name] for name in p["kernel"]) if len(p["kernel"]) == 2 else (S["k"], S["k"])


def grouped_answer(
    p: Params, groups: str | None = "g", bias: bool | None = None, kernel=None
) -> sympy.Expr:
    S = symbols_of(p)
    return conv_params(
        S["C_in"],
        S["C_out"],
        kernel or _kernel(p, S),
        groups=S[groups] if groups else 1,
        bias=p["bias"] if bias is None else bias,
    )


def _one_group(p: Params) -> sympy.Expr:
    """Only one group's weights counted: the product divided by g twice."""
    S = symbols_of(p)
    weights = grouped_answer(p, bias=False) / S["g"]
    return weights + (S["C_out"] if p["bias"] else 0)


_GROUPED_TASK = Text(
    "A 2-D convolution has $C_{{in}}$ input channels, $C_{{out}}$ output channels, a {kernel} kernel and "
    "$g$ groups (`groups=g`; $g$ divides both channel counts){bias}. Give its number of learnable "
    "parameters as an expression in {names}.",
    "一个二维卷积有 $C_{{in}}$ 个输入通道、$C_{{out}}$ 个输出通道、{kernel} 的卷积核，分为 $g$ 组"
    "（`groups=g`，$g$ 整除两个通道数）{bias_zh}。用 {names} 写出它的可学习参数个数。",
)


def prompt_grouped(p: Params, lang: Lang) -> str:
    kernel = "$k_h \\times k_w$" if len(p["kernel"]) == 2 else "$k \\times k$"
    names = ", ".join(f"`{name}`" for name in p["symbols"])
    return _GROUPED_TASK(lang).format(
        kernel=kernel,
        names=names,
        bias=", with bias" if p["bias"] else ", without bias",
        bias_zh="，带偏置" if p["bias"] else "，不带偏置",
    )


_GROUPED_WHY = Text(
    "Each of the $C_{{out}}$ filters sees only its group's $C_{{in}}/g$ input channels, so the weights are "
    "$C_{{out}} \\cdot \\frac{{C_{{in}}}}{{g}} \\cdot {kernel}${bias}: $${latex}$$",
    "每个滤波器（共 $C_{{out}}$ 个）只连接本组的 $C_{{in}}/g$ 个输入通道，权重为 "
    "$C_{{out}} \\cdot \\frac{{C_{{in}}}}{{g}} \\cdot {kernel}${bias_zh}：$${latex}$$",
)


def solution_grouped(p: Params, lang: Lang) -> str:
    kernel = "k_h k_w" if len(p["kernel"]) == 2 else "k^2"
    answer = grouped_answer(p)
    why = _GROUPED_WHY(lang).format(
        kernel=kernel,
        latex=sympy.latex(answer),
        bias=", plus one bias per filter ($C_{out}$)" if p["bias"] else "",
        bias_zh="，再加每个滤波器一个偏置（$C_{out}$）" if p["bias"] else "",
    )
    return "\n\n".join([why, answer_line(str(answer), spec_of(p), lang)])


GROUPED_MISCONCEPTIONS = (
    mis(
        "groups_ignored",
        "With g groups each filter sees only C_in/g channels: divide the weights by g.",
        "分 g 组后每个滤波器只看 C_in/g 个通道：权重要除以 g。",
        lambda p: grouped_answer(p, groups=None),
    ),
    mis(
        "one_group_only",
        "All g groups have weights: C_out filters of C_in/g channels each, not one group's share.",
        "g 个组都有权重：共 C_out 个滤波器，每个连接 C_in/g 个通道，而不是只算一组。",
        _one_group,
    ),
    mis(
        "bias_forgotten",
        "Add one bias per output channel (C_out).",
        "每个输出通道还有一个偏置（C_out）。",
        lambda p: grouped_answer(p, bias=False) if p["bias"] else None,
    ),
    mis(
        "bias_added",
        "This convolution has no bias.",
        "这个卷积没有偏置。",
        lambda p: None if p["bias"] else grouped_answer(p, bias=True),
    ),
    mis(
        "kernel_not_squared",
        "A k × k kernel has k² weights per channel.",
        "k × k 的卷积核每个通道有 k² 个权重。",
        lambda p: None if len(p["kernel"]) == 2 else grouped_answer(p, kernel=(symbol("k"), 1)),
    ),
)


# ---------------------------------------------------------------- output size


def generate_size(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: stride 1 (``n + 2p - k + 1``); 2: stride ``s``; 3: stride and dilation ``d``."""
    names = {1: ["n", "k", "p"], 2: ["n", "k", "p", "s"], 3: ["n", "k", "p", "s", "d"]}[difficulty]
    return dict(symbols=names)


def size_answer(p: Params, stride: bool = True, dilation: bool = True, padding=None) -> sympy.Expr:
    S = symbols_of(p)
    pad = S["p"] if padding is None else padding(S["p"])
    return conv_output_size(
        S["n"],
        S["k"],
        stride=S["s"] if stride and "s" in S else 1,
        padding=pad,
        dilation=S["d"] if dilation and "d" in S else 1,
    )


def _ceil_size(p: Params) -> sympy.Expr | None:
    """⌈⌉ instead of ⌊⌋ (only visible with a stride)."""
    if "s" not in p["symbols"]:
        return None
    floor_part = size_answer(p) - 1
    return sympy.ceiling(floor_part.args[0]) + 1 if isinstance(floor_part, sympy.floor) else None


_SIZE_TASK = Text(
    "A convolution with kernel size $k$, zero padding $p$ on each side{stride}{dilation} is applied to an input "
    "of size $n$ (along one dimension). Give the output size as an expression in {names} (write `floor(x)` "
    "for $\\lfloor x \\rfloor$).",
    "对长度为 $n$ 的输入（沿某一维）做卷积，卷积核大小 $k$，每侧零填充 $p${stride_zh}{dilation_zh}。"
    "用 {names} 写出输出尺寸（$\\lfloor x \\rfloor$ 写作 `floor(x)`）。",
)


def prompt_size(p: Params, lang: Lang) -> str:
    names = ", ".join(f"`{name}`" for name in p["symbols"])
    s, d = "s" in p["symbols"], "d" in p["symbols"]
    return _SIZE_TASK(lang).format(
        names=names,
        stride=", stride $s$" if s else ", stride 1",
        stride_zh="，步幅 $s$" if s else "，步幅 1",
        dilation=", dilation $d$" if d else "",
        dilation_zh="，膨胀率 $d$" if d else "",
    )


_SIZE_WHY = Text(
    "The padded input has $n + 2p$ positions; the kernel spans $d(k-1)+1$ of them; the first window sits at 0 "
    "and each further one $s$ later: $\\lfloor (n + 2p - d(k-1) - 1)/s \\rfloor + 1$, here $${latex}$$",
    "填充后输入有 $n + 2p$ 个位置；卷积核覆盖 $d(k-1)+1$ 个；第一个窗口从 0 开始，之后每隔 $s$ 一个："
    "$\\lfloor (n + 2p - d(k-1) - 1)/s \\rfloor + 1$，这里为 $${latex}$$",
)


def solution_size(p: Params, lang: Lang) -> str:
    answer = size_answer(p)
    return "\n\n".join(
        [
            _SIZE_WHY(lang).format(latex=sympy.latex(answer)),
            answer_line(str(answer), spec_of(p), lang),
        ]
    )


SIZE_MISCONCEPTIONS = (
    mis(
        "plus_one_forgotten",
        "Count the first window too: the size is (number of steps) + 1.",
        "第一个窗口也要算上：输出尺寸是（移动次数）+ 1。",
        lambda p: size_answer(p) - 1,
    ),
    mis(
        "padding_once",
        "Padding p is added on both sides: n + 2p.",
        "填充 p 在两侧都加：n + 2p。",
        lambda p: size_answer(p, padding=lambda q: (q, 0)),
    ),
    mis(
        "stride_ignored",
        "Divide by the stride s: windows start s positions apart.",
        "要除以步幅 s：相邻窗口相隔 s 个位置。",
        lambda p: size_answer(p, stride=False) if "s" in p["symbols"] else None,
    ),
    mis(
        "dilation_ignored",
        "A dilated kernel spans d(k − 1) + 1 positions, not k.",
        "膨胀后的卷积核覆盖 d(k − 1) + 1 个位置，而不是 k。",
        lambda p: size_answer(p, dilation=False) if "d" in p["symbols"] else None,
    ),
    mis(
        "ceil_instead_of_floor",
        "A convolution drops an incomplete last window: round down.",
        "卷积丢弃不完整的最后一个窗口：向下取整。",
        _ceil_size,
    ),
)


EXERCISES = (
    Exercise(
        id="symbolic_grouped_params",
        topic="symbolic",
        title=Text("Grouped convolution parameters, symbolically", "分组卷积参数量（符号）"),
        generate=generate_grouped,
        prompt=prompt_grouped,
        answer=grouped_answer,
        solution=solution_grouped,
        spec=spec_of,
        misconceptions=GROUPED_MISCONCEPTIONS,
    ),
    Exercise(
        id="symbolic_output_size",
        topic="symbolic",
        title=Text("Output size, symbolically", "输出尺寸（符号）"),
        generate=generate_size,
        prompt=prompt_size,
        answer=size_answer,
        solution=solution_size,
        spec=spec_of,
        misconceptions=SIZE_MISCONCEPTIONS,
    ),
)
