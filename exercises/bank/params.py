"""Parameter counts of single layers: convolution ± bias, grouped, depthwise separable, FC, BatchNorm.

Every value comes from ``reference.analysis.counts``; channel counts are drawn as multiples of the
group count so grouped layers are valid by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.core import Lang, Params, Text
from cnngrade.reference.analysis.counts import conv_params

_CHANNELS = (1, 3, 8, 16, 32, 48, 64, 96, 128, 192, 256)
WEIGHTS = Text("weights", "权重")
BIASES = Text("biases", "偏置")


def _with(label: Text, part: Text) -> Text:
    return Text(f"{label.en} {part.en}", f"{label.zh}{part.zh}")


def conv_terms(
    label: Text, c_in: int, c_out: int, k: list[int], groups: int = 1, bias: bool = True
) -> list[Term]:
    """Weights (and biases) of one convolution as terms.

    >>> [t.value for t in conv_terms(Text("conv", "卷积"), 3, 96, [11, 11])]
    [34848, 96]
    """
    weights = conv_params(c_in, c_out, tuple(k), groups=groups, bias=False)
    per_group = "1" if groups == c_in > 1 else (f"{c_in}/{groups}" if groups > 1 else f"{c_in}")
    kernel = f"{k[0]}^2" if k[0] == k[1] else f"{k[0]} \\times {k[1]}"
    terms = [Term(_with(label, WEIGHTS), f"{c_out} \\times {per_group} \\times {kernel}", weights)]
    if bias:
        terms.append(
            Term(
                _with(label, BIASES),
                f"{c_out}",
                conv_params(c_in, c_out, tuple(k), groups) - weights,
            )
        )
    return terms


def _kernel(rng: np.random.Generator, difficulty: int) -> list[int]:
    if difficulty < 3:
        return [pick(rng, (1, 3, 5, 7))] * 2
    return [pick(rng, (1, 3, 5, 7)), pick(rng, (1, 3, 5, 7))]


def _code_k(k: list[int]) -> str:
    return f"{k[0]}" if k[0] == k[1] else f"({k[0]}, {k[1]})"


# ---------------------------------------------------------------- plain and grouped convolution


def _gen_conv(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    bias = True if difficulty == 1 else bool(rng.integers(2))
    return {
        "c_in": pick(rng, _CHANNELS),
        "c_out": pick(rng, _CHANNELS[1:]),
        "k": _kernel(rng, difficulty),
        "bias": bias,
    }


def _gen_grouped(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    groups = pick(rng, (2, 4) if difficulty == 1 else (2, 3, 4, 8))
    return {
        "c_in": groups * pick(rng, (4, 8, 16, 32, 48)),
        "c_out": groups * pick(rng, (4, 8, 16, 32, 64)),
        "k": _kernel(rng, difficulty),
        "groups": groups,
        "bias": difficulty < 3 or bool(rng.integers(2)),
    }


def _conv_all(p: Params, bias: bool | None = None, groups: int | None = None) -> list[Term]:
    g = p.get("groups", 1) if groups is None else groups
    return conv_terms(
        Text("conv", "卷积"), p["c_in"], p["c_out"], p["k"], g, p["bias"] if bias is None else bias
    )


def _grouped_twice(p: Params) -> list[Term]:
    terms = _conv_all(p)
    first = terms[0]
    return [
        Term(first.label, first.formula + f" / {p['groups']}", first.value // p["groups"]),
        *terms[1:],
    ]


def _ask_conv(p: Params, lang: Lang) -> str:
    extra = f", groups={p['groups']}" if "groups" in p else ""
    code = f"nn.Conv2d({p['c_in']}, {p['c_out']}, kernel_size={_code_k(p['k'])}{extra}, bias={p['bias']})"
    return Text(
        f"How many trainable parameters does `{code}` have?",
        f"`{code}` 有多少个可训练参数？",
    )(lang)


_CONV_INTRO = Text(
    "Each of the $C_{out}$ filters has $C_{in}/g \\cdot k_h k_w$ weights (and one bias):",
    "$C_{out}$ 个滤波器各有 $C_{in}/g \\cdot k_h k_w$ 个权重（以及一个偏置）：",
)
_BIAS_FORGOTTEN = (
    "bias_forgotten",
    Text(
        "Each filter also has one bias: add $C_{out}$.",
        "每个滤波器还有一个偏置：要加上 $C_{out}$。",
    ),
    {"bias": False},
)
BIAS_WHEN_NONE = (
    "bias_counted_without_bias",
    Text("With bias=False there are no biases to count.", "bias=False 时没有偏置。"),
    {"bias": True},
)

# ---------------------------------------------------------------- depthwise separable


def _gen_separable(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    return {
        "c_in": pick(rng, _CHANNELS[1:]),
        "c_out": pick(rng, _CHANNELS[2:]),
        "k": [pick(rng, (3, 5, 7))] * 2,
        "bias": difficulty > 1 and bool(rng.integers(2)),
    }


def _separable_terms(
    p: Params,
    standard: bool = False,
    depthwise_full: bool = False,
    bias: bool | None = None,
) -> list[Term]:
    b = p["bias"] if bias is None else bias
    if standard:
        return conv_terms(Text("standard conv", "标准卷积"), p["c_in"], p["c_out"], p["k"], 1, b)
    groups = 1 if depthwise_full else p["c_in"]
    depthwise = conv_terms(Text("depthwise", "逐通道卷积"), p["c_in"], p["c_in"], p["k"], groups, b)
    return depthwise + conv_terms(
        Text("pointwise", "逐点卷积"), p["c_in"], p["c_out"], [1, 1], 1, b
    )


def _ask_separable(p: Params, lang: Lang) -> str:
    k = p["k"][0]
    return Text(
        f"A depthwise separable convolution maps {p['c_in']} to {p['c_out']} channels: a {k}×{k} depthwise "
        f"convolution (groups={p['c_in']}) then a 1×1 pointwise convolution, bias={p['bias']}. How many parameters?",
        f"深度可分离卷积把 {p['c_in']} 个通道变为 {p['c_out']} 个：先做 {k}×{k} 逐通道卷积（groups={p['c_in']}），"
        f"再做 1×1 逐点卷积，bias={p['bias']}。共有多少个参数？",
    )(lang)


EXERCISES = (
    sum_exercise(
        "conv_params",
        "parameters",
        Text("Parameters of a convolution", "卷积层的参数量"),
        _gen_conv,
        _ask_conv,
        _CONV_INTRO,
        _conv_all,
        [
            _BIAS_FORGOTTEN,
            BIAS_WHEN_NONE,
        ],
    ),
    sum_exercise(
        "grouped_conv_params",
        "parameters",
        Text("Parameters of a grouped convolution", "分组卷积的参数量"),
        _gen_grouped,
        _ask_conv,
        _CONV_INTRO,
        lambda p, twice=False, **kw: _grouped_twice(p) if twice else _conv_all(p, **kw),
        [
            (
                "groups_ignored",
                Text(
                    "Each filter sees only $C_{in}/g$ channels: divide by the groups.",
                    "每个滤波器只看 $C_{in}/g$ 个通道：要除以组数。",
                ),
                {"groups": 1},
            ),
            (
                "groups_divided_twice",
                Text(
                    "Divide by $g$ once: $C_{out} \\cdot (C_{in}/g) \\cdot k^2$.",
                    "只除一次 $g$：$C_{out} \\cdot (C_{in}/g) \\cdot k^2$。",
                ),
                {"twice": True},
            ),
            _BIAS_FORGOTTEN,
        ],
    ),
    sum_exercise(
        "depthwise_separable_params",
        "parameters",
        Text("Parameters of a depthwise separable convolution", "深度可分离卷积的参数量"),
        _gen_separable,
        _ask_separable,
        Text(
            "Depthwise: one $k \\times k$ filter per input channel; pointwise: a $1 \\times 1$ convolution mixing channels:",
            "逐通道卷积：每个输入通道一个 $k \\times k$ 滤波器；逐点卷积：一个混合通道的 $1 \\times 1$ 卷积：",
        ),
        _separable_terms,
        [
            (
                "counted_as_standard",
                Text(
                    "A depthwise separable convolution is not a standard $k \\times k$ convolution.",
                    "深度可分离卷积不是标准的 $k \\times k$ 卷积。",
                ),
                {"standard": True},
            ),
            (
                "depthwise_counted_as_standard",
                Text(
                    "The depthwise step has one $k \\times k$ filter per channel, not $C_{in}$ full filters.",
                    "逐通道卷积每个通道只有一个 $k \\times k$ 滤波器，而不是 $C_{in}$ 个完整滤波器。",
                ),
                {"depthwise_full": True},
            ),
            (
                "bias_forgotten",
                Text(
                    "Both convolutions have biases here: add $C_{in} + C_{out}$.",
                    "两个卷积都有偏置：要加上 $C_{in} + C_{out}$。",
                ),
                {"bias": False},
            ),
            BIAS_WHEN_NONE,
        ],
    ),
)
