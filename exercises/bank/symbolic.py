"""Symbolic questions graded by equivalence, built by calling the reference analytics on sympy symbols.

Grouped-convolution parameters in ``C_in, C_out, k, g``; the output size in ``n, k, p, s`` (and ``d``);
the depthwise-separable cost ratio ``1/C_out + 1/k²``. ``reference.analysis.sizes`` and ``counts`` work
on ints and symbols alike, so the answer key is the very formula the numeric exercises use; the
canonical answer is ``str(expr)``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import sympy

from exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from exercises.render import answer_line
from reference.analysis.counts import conv_macs, conv_params, depthwise_separable_macs, depthwise_separable_params
from reference.analysis.sizes import conv_output_size

#: Symbol name → (sympy assumptions, AnswerSpec domain).
DOMAINS = {
    "C_in": "positive_integer", "C_out": "positive_integer", "k": "positive_integer", "k_h": "positive_integer",
    "k_w": "positive_integer", "g": "positive_integer", "n": "positive_integer", "s": "positive_integer",
    "d": "positive_integer", "p": "nonnegative_integer",
}


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol of a name, with the assumptions of its domain."""
    if DOMAINS[name] == "nonnegative_integer":
        return sympy.Symbol(name, integer=True, nonnegative=True)
    return sympy.Symbol(name, integer=True, positive=True)


def spec_for(names: list[str]) -> AnswerSpec:
    return AnswerSpec(kind="symbolic", symbols=tuple((name, DOMAINS[name]) for name in names))


def _spec(p: Params) -> AnswerSpec:
    return spec_for(p["symbols"])


def _S(p: Params) -> dict[str, sympy.Symbol]:
    return {name: symbol(name) for name in p["symbols"]}


# ---------------------------------------------------------------- grouped convolution parameters


def generate_grouped(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: no bias; 2: with bias; 3: a rectangular ``k_h × k_w`` kernel with bias."""
    kernel = ["k_h", "k_w"] if difficulty == 3 else ["k"]
    return dict(bias=difficulty >= 2, kernel=kernel, symbols=["C_in", "C_out", *kernel, "g"])


def _kernel(p: Params, S: dict[str, sympy.Symbol]) -> tuple:
    return tuple(S[name] for name in p["kernel"]) if len(p["kernel"]) == 2 else (S["k"], S["k"])


def grouped_answer(p: Params, groups: str | None = "g", bias: bool | None = None, kernel=None) -> sympy.Expr:
    S = _S(p)
    return conv_params(
        S["C_in"], S["C_out"], kernel or _kernel(p, S), groups=S[groups] if groups else 1,
        bias=p["bias"] if bias is None else bias,
    )


def _one_group(p: Params) -> sympy.Expr:
    """Only one group's weights counted: the product divided by g twice."""
    S = _S(p)
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
        kernel=kernel, names=names,
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
        kernel=kernel, latex=sympy.latex(answer),
        bias=", plus one bias per filter ($C_{out}$)" if p["bias"] else "",
        bias_zh="，再加每个滤波器一个偏置（$C_{out}$）" if p["bias"] else "",
    )
    return "\n\n".join([why, answer_line(str(answer), _spec(p), lang)])


def _mis(note: str, en: str, zh: str, rule) -> Misconception:
    return Misconception(note, Text(en, zh), rule)


GROUPED_MISCONCEPTIONS = (
    _mis("groups_ignored", "With g groups each filter sees only C_in/g channels: divide the weights by g.",
         "分 g 组后每个滤波器只看 C_in/g 个通道：权重要除以 g。", lambda p: grouped_answer(p, groups=None)),
    _mis("one_group_only", "All g groups have weights: C_out filters of C_in/g channels each, not one group's share.",
         "g 个组都有权重：共 C_out 个滤波器，每个连接 C_in/g 个通道，而不是只算一组。", _one_group),
    _mis("bias_forgotten", "Add one bias per output channel (C_out).", "每个输出通道还有一个偏置（C_out）。",
         lambda p: grouped_answer(p, bias=False) if p["bias"] else None),
    _mis("bias_added", "This convolution has no bias.", "这个卷积没有偏置。",
         lambda p: None if p["bias"] else grouped_answer(p, bias=True)),
    _mis("kernel_not_squared", "A k × k kernel has k² weights per channel.", "k × k 的卷积核每个通道有 k² 个权重。",
         lambda p: None if len(p["kernel"]) == 2 else grouped_answer(p, kernel=(symbol("k"), 1))),
)


# ---------------------------------------------------------------- output size


def generate_size(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: stride 1 (``n + 2p - k + 1``); 2: stride ``s``; 3: stride and dilation ``d``."""
    names = {1: ["n", "k", "p"], 2: ["n", "k", "p", "s"], 3: ["n", "k", "p", "s", "d"]}[difficulty]
    return dict(symbols=names)


def size_answer(p: Params, stride: bool = True, dilation: bool = True, padding=None) -> sympy.Expr:
    S = _S(p)
    pad = S["p"] if padding is None else padding(S["p"])
    return conv_output_size(
        S["n"], S["k"], stride=S["s"] if stride and "s" in S else 1, padding=pad,
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
        names=names, stride=", stride $s$" if s else ", stride 1", stride_zh="，步幅 $s$" if s else "，步幅 1",
        dilation=", dilation $d$" if d else "", dilation_zh="，膨胀率 $d$" if d else "",
    )


_SIZE_WHY = Text(
    "The padded input has $n + 2p$ positions; the kernel spans $d(k-1)+1$ of them; the first window sits at 0 "
    "and each further one $s$ later: $\\lfloor (n + 2p - d(k-1) - 1)/s \\rfloor + 1$, here $${latex}$$",
    "填充后输入有 $n + 2p$ 个位置；卷积核覆盖 $d(k-1)+1$ 个；第一个窗口从 0 开始，之后每隔 $s$ 一个："
    "$\\lfloor (n + 2p - d(k-1) - 1)/s \\rfloor + 1$，这里为 $${latex}$$",
)


def solution_size(p: Params, lang: Lang) -> str:
    answer = size_answer(p)
    return "\n\n".join([_SIZE_WHY(lang).format(latex=sympy.latex(answer)), answer_line(str(answer), _spec(p), lang)])


SIZE_MISCONCEPTIONS = (
    _mis("plus_one_forgotten", "Count the first window too: the size is (number of steps) + 1.",
         "第一个窗口也要算上：输出尺寸是（移动次数）+ 1。", lambda p: size_answer(p) - 1),
    _mis("padding_once", "Padding p is added on both sides: n + 2p.", "填充 p 在两侧都加：n + 2p。",
         lambda p: size_answer(p, padding=lambda q: (q, 0))),
    _mis("stride_ignored", "Divide by the stride s: windows start s positions apart.", "要除以步幅 s：相邻窗口相隔 s 个位置。",
         lambda p: size_answer(p, stride=False) if "s" in p["symbols"] else None),
    _mis("dilation_ignored", "A dilated kernel spans d(k − 1) + 1 positions, not k.", "膨胀后的卷积核覆盖 d(k − 1) + 1 个位置，而不是 k。",
         lambda p: size_answer(p, dilation=False) if "d" in p["symbols"] else None),
    _mis("ceil_instead_of_floor", "A convolution drops an incomplete last window: round down.", "卷积丢弃不完整的最后一个窗口：向下取整。",
         _ceil_size),
)


# ---------------------------------------------------------------- depthwise-separable cost ratio


def generate_ratio(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """1: MACs ratio (depthwise separable / standard); 2: parameter ratio without biases; 3: the savings
    factor (standard / depthwise separable)."""
    return dict(quantity={1: "macs", 2: "params", 3: "savings"}[difficulty], symbols=["C_in", "C_out", "k"])


def _costs(p: Params) -> tuple[sympy.Expr, sympy.Expr]:
    """(depthwise separable, standard) MACs or parameters from the reference counts, for an n × n output."""
    S, n = _S(p), sympy.Symbol("n", integer=True, positive=True)
    c_in, c_out, k = S["C_in"], S["C_out"], (S["k"], S["k"])
    if p["quantity"] == "params":
        return depthwise_separable_params(c_in, c_out, k, bias=False), conv_params(c_in, c_out, k, bias=False)
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
    return "\n\n".join([_RATIO_WHY(lang).format(latex=sympy.latex(answer)), answer_line(str(answer), _spec(p), lang)])


def _ratio_rule(build):
    def rule(p: Params) -> sympy.Expr:
        S = _S(p)
        ratio = build(S["C_in"], S["C_out"], S["k"])
        return 1 / ratio if p["quantity"] == "savings" else ratio

    return rule


RATIO_MISCONCEPTIONS = (
    _mis("inverted", "You inverted the ratio: check which cost is on top.", "你把比值倒过来了：注意哪个代价在分子上。",
         lambda p: 1 / ratio_answer(p)),
    _mis("depthwise_forgotten", "The depthwise step costs C_in k² per position too: the ratio has a 1/C_out term.",
         "深度卷积每个位置也有 C_in k² 的代价：比值中有 1/C_out 项。", _ratio_rule(lambda ci, co, k: 1 / k**2)),
    _mis("pointwise_forgotten", "The pointwise step costs C_in C_out per position too: the ratio has a 1/k² term.",
         "逐点卷积每个位置也有 C_in C_out 的代价：比值中有 1/k² 项。", _ratio_rule(lambda ci, co, k: 1 / co)),
    _mis("c_in_for_c_out", "The pointwise cost over the standard cost is 1/k²; the depthwise one over it is 1/C_out, not 1/C_in.",
         "逐点卷积与标准卷积之比为 1/k²；深度卷积与之比为 1/C_out，而不是 1/C_in。",
         _ratio_rule(lambda ci, co, k: 1 / ci + 1 / k**2)),
)

EXERCISES = (
    Exercise(
        id="symbolic_grouped_params", topic="symbolic", title=Text("Grouped convolution parameters, symbolically", "分组卷积参数量（符号）"),
        generate=generate_grouped, prompt=prompt_grouped, answer=grouped_answer, solution=solution_grouped,
        spec=_spec, misconceptions=GROUPED_MISCONCEPTIONS,
    ),
    Exercise(
        id="symbolic_output_size", topic="symbolic", title=Text("Output size, symbolically", "输出尺寸（符号）"),
        generate=generate_size, prompt=prompt_size, answer=size_answer, solution=solution_size,
        spec=_spec, misconceptions=SIZE_MISCONCEPTIONS,
    ),
    Exercise(
        id="symbolic_dws_cost_ratio", topic="symbolic",
        title=Text("Depthwise separable cost ratio, symbolically", "深度可分离卷积代价比（符号）"),
        generate=generate_ratio, prompt=prompt_ratio, answer=ratio_answer, solution=solution_ratio,
        spec=_spec, misconceptions=RATIO_MISCONCEPTIONS,
    ),
)
