"""The depthwise-separable cost ratio ``1/C_out + 1/k²``, symbolically, from the reference counts.

MACs or parameters of a depthwise ``k × k`` plus pointwise ``1 × 1`` pair over those of a standard
``k × k`` convolution, computed by ``reference.analysis.counts`` on sympy symbols and simplified (once,
cached); the savings factor is its inverse.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import sympy

from cnngrade.exercises.bank._symbols import mis, spec_of, symbols_of
from cnngrade.exercises.core import Exercise, Lang, Params, Text
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.counts import (
    conv_macs,
    conv_params,
    depthwise_separable_macs,
    depthwise_separable_params,
)


def generate_ratio(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: MACs ratio (depthwise separable / standard); 2: parameter ratio without biases; 3: the savings
    factor (standard / depthwise separable)."""
    return dict(
        quantity={1: "macs", 2: "params", 3: "savings"}[difficulty], symbols=["C_in", "C_out", "k"]
    )


def _costs(p: Params) -> tuple[sympy.Expr, sympy.Expr]:
    """(depthwise separable, standard) MACs or parameters from the reference counts, for an n × n output."""
    S, n = symbols_of(p), sympy.Symbol("n", integer=True, positive=True)
    c_in, c_out, k = S["C_in"], S["C_out"], (S["k"], S["k"])
    if p["quantity"] == "params":
        return depthwise_separable_params(c_in, c_out, k, bias=False), conv_params(
            c_in, c_out, k, bias=False
        )
    return depthwise_separable_macs(c_in, c_out, k, (n, n)), conv_macs(c_in, c_out, k, (n, n))


def ratio_answer(p: Params) -> sympy.Expr:
    return _ratio(p["quantity"])


@cache
def _ratio(quantity: str) -> sympy.Expr:
    """The simplified ratio for one quantity (cached: simplify is slow and the result never changes)."""
    separable, standard = _costs({"quantity": quantity, "symbols": ["C_in", "C_out", "k"]})
    ratio = standard / separable if quantity == "savings" else separable / standard
    return sympy.simplify(ratio) if quantity == "savings" else sympy.expand(sympy.simplify(ratio))


_RATIO_TASK = {
    "macs": Text(
        "A $k \\times k$ convolution maps $C_{in}$ to $C_{out}$ channels (stride 1, same output size). Replace it by "
        "a depthwise $k \\times k$ convolution followed by a pointwise $1 \\times 1$ one. Give the ratio "
        "(multiply-accumulates of the depthwise separable pair) / (those of the standard convolution) in `C_in`, `C_out`, `k`.",
        "一个 $k \\times k$ 卷积把 $C_{in}$ 个通道映射为 $C_{out}$ 个（步幅 1，输出尺寸相同）。把它换成深度卷积"
        "（$k \\times k$）加逐点卷积（$1 \\times 1$）。用 `C_in`、`C_out`、`k` 写出（深度可分离卷积的乘加次数）/（标准卷积的乘加次数）。",
    ),
    "params": Text(
        "A $k \\times k$ convolution maps $C_{in}$ to $C_{out}$ channels without bias. Replace it by a depthwise "
        "$k \\times k$ convolution and a pointwise $1 \\times 1$ one (no biases). Give the ratio (parameters of the "
        "pair) / (parameters of the standard convolution) in `C_in`, `C_out`, `k`.",
        "一个不带偏置的 $k \\times k$ 卷积把 $C_{in}$ 个通道映射为 $C_{out}$ 个。把它换成深度卷积（$k \\times k$）"
        "加逐点卷积（$1 \\times 1$，均无偏置）。用 `C_in`、`C_out`、`k` 写出（两者参数量）/（标准卷积参数量）。",
    ),
    "savings": Text(
        "By what factor does a depthwise separable convolution (depthwise $k \\times k$, then pointwise "
        "$1 \\times 1$) reduce the multiply-accumulates of a standard $k \\times k$ convolution from $C_{in}$ to "
        "$C_{out}$ channels (same output size)? Give (standard) / (depthwise separable) in `C_in`, `C_out`, `k`.",
        "深度可分离卷积（先 $k \\times k$ 深度卷积，再 $1 \\times 1$ 逐点卷积）把 $C_{in}$ → $C_{out}$ 的标准 "
        "$k \\times k$ 卷积的乘加次数减少为几分之一？用 `C_in`、`C_out`、`k` 写出（标准）/（深度可分离）。",
    ),
}


def prompt_ratio(p: Params, lang: Lang) -> str:
    return _RATIO_TASK[p["quantity"]](lang)


_RATIO_WHY = Text(
    "Per output position: depthwise $C_{{in}} k^2$, pointwise $C_{{in}} C_{{out}}$, standard $C_{{in}} C_{{out}} k^2$. "
    "So the depthwise separable pair costs $\\frac{{C_{{in}} k^2 + C_{{in}} C_{{out}}}}{{C_{{in}} C_{{out}} k^2}} = "
    "\\frac{{1}}{{C_{{out}}}} + \\frac{{1}}{{k^2}}$ of the standard convolution; the asked quantity is $${latex}$$",
    "每个输出位置：深度卷积 $C_{{in}} k^2$，逐点卷积 $C_{{in}} C_{{out}}$，标准卷积 $C_{{in}} C_{{out}} k^2$。"
    "所以深度可分离卷积的代价是标准卷积的 $\\frac{{C_{{in}} k^2 + C_{{in}} C_{{out}}}}{{C_{{in}} C_{{out}} k^2}} = "
    "\\frac{{1}}{{C_{{out}}}} + \\frac{{1}}{{k^2}}$；所求为 $${latex}$$",
)


def solution_ratio(p: Params, lang: Lang) -> str:
    answer = ratio_answer(p)
    return "\n\n".join(
        [
            _RATIO_WHY(lang).format(latex=sympy.latex(answer)),
            answer_line(str(answer), spec_of(p), lang),
        ]
    )


def _ratio_rule(build):
    def rule(p: Params) -> sympy.Expr:
        S = symbols_of(p)
        ratio = build(S["C_in"], S["C_out"], S["k"])
        return 1 / ratio if p["quantity"] == "savings" else ratio

    return rule


RATIO_MISCONCEPTIONS = (
    mis(
        "inverted",
        "You inverted the ratio: check which cost is on top.",
        "你把比值倒过来了：注意哪个代价在分子上。",
        lambda p: 1 / ratio_answer(p),
    ),
    mis(
        "depthwise_forgotten",
        "The depthwise step costs C_in k² per position too: the ratio has a 1/C_out term.",
        "深度卷积每个位置也有 C_in k² 的代价：比值中有 1/C_out 项。",
        _ratio_rule(lambda ci, co, k: 1 / k**2),
    ),
    mis(
        "pointwise_forgotten",
        "The pointwise step costs C_in C_out per position too: the ratio has a 1/k² term.",
        "逐点卷积每个位置也有 C_in C_out 的代价：比值中有 1/k² 项。",
        _ratio_rule(lambda ci, co, k: 1 / co),
    ),
    mis(
        "c_in_for_c_out",
        "The pointwise cost over the standard cost is 1/k²; the depthwise one over it is 1/C_out, not 1/C_in.",
        "逐点卷积与标准卷积之比为 1/k²；深度卷积与之比为 1/C_out，而不是 1/C_in。",
        _ratio_rule(lambda ci, co, k: 1 / ci + 1 / k**2),
    ),
)

EXERCISES = (
    Exercise(
        id="symbolic_dws_cost_ratio",
        topic="symbolic",
        title=Text("Depthwise separable cost ratio, symbolically", "深度可分离卷积代价比（符号）"),
        generate=generate_ratio,
        prompt=prompt_ratio,
        answer=ratio_answer,
        solution=solution_ratio,
        spec=spec_of,
        misconceptions=RATIO_MISCONCEPTIONS,
    ),
)
