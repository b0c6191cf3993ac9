"""Parameter counts of single layers: convolution ± bias, grouped, depthwise separable, FC, BatchNorm.

Every value comes from ``reference.analysis.counts``; channel counts are drawn as multiples of the
group count so grouped layers are valid by construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exercises.bank._sums import Term, sum_exercise
from exercises.core import Lang, Text
from reference.analysis.counts import batch_norm_params, conv_params, linear_params

_CHANNELS = (1, 3, 8, 16, 32, 48, 64, 96, 128, 192, 256)
_WEIGHTS = Text("weights", "权重")
_BIASES = Text("biases", "偏置")


def _pick(rng: np.random.Generator, options: tuple[int, ...]) -> int:
    return int(options[int(rng.integers(len(options)))])


def _with(label: Text, part: Text) -> Text:
    return Text(f"{label.en} {part.en}", f"{label.zh}{part.zh}")


def conv_terms(
    label: Text, c_in: int, c_out: int, k: list[int], groups: int = 1, bias: bool = True
) -> list[Term]:
    """Weights (and biases) of one convolution as terms."""
    weights = conv_params(c_in, c_out, tuple(k), groups=groups, bias=False)
    per_group = "1" if groups == c_in > 1 else (f"{c_in}/{groups}" if groups > 1 else f"{c_in}")
    kernel = f"{k[0]}^2" if k[0] == k[1] else f"{k[0]} \\times {k[1]}"
    terms = [Term(_with(label, _WEIGHTS), f"{c_out} \\times {per_group} \\times {kernel}", weights)]
    if bias:
        terms.append(
            Term(
                _with(label, _BIASES),
                f"{c_out}",
                conv_params(c_in, c_out, tuple(k), groups) - weights,
            )
        )
    return terms


def _kernel(rng: np.random.Generator, difficulty: int) -> list[int]:
    if difficulty < 3:
        return [_pick(rng, (1, 3, 5, 7))] * 2
    return [_pick(rng, (1, 3, 5, 7)), _pick(rng, (1, 3, 5, 7))]


def _code_k(k: list[int]) -> str:
    return f"{k[0]}" if k[0] == k[1] else f"({k[0]}, {k[1]})"


# ---------------------------------------------------------------- plain and grouped convolution


def _gen_conv(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    bias = True if difficulty == 1 else bool(rng.integers(2))
    return {
        "c_in": _pick(rng, _CHANNELS),
        "c_out": _pick(rng, _CHANNELS[1:]),
        "k": _kernel(rng, difficulty),
        "bias": bias,
    }


def _gen_grouped(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    groups = _pick(rng, (2, 4) if difficulty == 1 else (2, 3, 4, 8))
    return {
        "c_in": groups * _pick(rng, (4, 8, 16, 32, 48)),
        "c_out": groups * _pick(rng, (4, 8, 16, 32, 64)),
        "k": _kernel(rng, difficulty),
        "groups": groups,
        "bias": difficulty < 3 or bool(rng.integers(2)),
    }


def _conv_all(p: dict[str, Any], bias: bool | None = None, groups: int | None = None) -> list[Term]:
    g = p.get("groups", 1) if groups is None else groups
    return conv_terms(
        Text("conv", "卷积"), p["c_in"], p["c_out"], p["k"], g, p["bias"] if bias is None else bias
    )


def _grouped_twice(p: dict[str, Any]) -> list[Term]:
    terms = _conv_all(p)
    first = terms[0]
    return [
        Term(first.label, first.formula + f" / {p['groups']}", first.value // p["groups"]),
        *terms[1:],
    ]


def _ask_conv(p: dict[str, Any], lang: Lang) -> str:
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
_BIAS_WHEN_NONE = (
    "bias_counted_without_bias",
    Text("With bias=False there are no biases to count.", "bias=False 时没有偏置。"),
    {"bias": True},
)

# ---------------------------------------------------------------- depthwise separable


def _gen_separable(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    return {
        "c_in": _pick(rng, _CHANNELS[1:]),
        "c_out": _pick(rng, _CHANNELS[2:]),
        "k": [_pick(rng, (3, 5, 7))] * 2,
        "bias": difficulty > 1 and bool(rng.integers(2)),
    }


def _separable_terms(
    p: dict[str, Any],
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


def _ask_separable(p: dict[str, Any], lang: Lang) -> str:
    k = p["k"][0]
    return Text(
        f"A depthwise separable convolution maps {p['c_in']} to {p['c_out']} channels: a {k}×{k} depthwise "
        f"convolution (groups={p['c_in']}) then a 1×1 pointwise convolution, bias={p['bias']}. How many parameters?",
        f"深度可分离卷积把 {p['c_in']} 个通道变为 {p['c_out']} 个：先做 {k}×{k} 逐通道卷积（groups={p['c_in']}），"
        f"再做 1×1 逐点卷积，bias={p['bias']}。共有多少个参数？",
    )(lang)


# ---------------------------------------------------------------- fully connected and BatchNorm


def _gen_fc(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    side = 1 if difficulty == 1 else _pick(rng, (2, 3, 4, 5, 6, 7))
    return {
        "c": _pick(rng, (16, 32, 64, 120, 256, 400, 512)),
        "side": side,
        "out": _pick(rng, (10, 84, 100, 120, 256, 1000)),
        "bias": difficulty < 3 or bool(rng.integers(2)),
    }


def _fc_terms(p: dict[str, Any], bias: bool | None = None, channels: bool = True) -> list[Term]:
    c = p["c"] if channels else 1
    inputs = c * p["side"] ** 2
    weights = linear_params(inputs, p["out"], bias=False)
    flat = f"({c} \\times {p['side']}^2)" if p["side"] > 1 else f"{c}"
    terms = [Term(_WEIGHTS, f"{flat} \\times {p['out']}", weights)]
    if p["bias"] if bias is None else bias:
        terms.append(Term(_BIASES, f"{p['out']}", linear_params(inputs, p["out"]) - weights))
    return terms


def _ask_fc(p: dict[str, Any], lang: Lang) -> str:
    c, side, out, bias = p["c"], p["side"], p["out"], p["bias"]
    if side == 1:
        return Text(
            f"How many parameters does `nn.Linear({c}, {out}, bias={bias})` have?",
            f"`nn.Linear({c}, {out}, bias={bias})` 有多少个参数？",
        )(lang)
    return Text(
        f"A feature map of shape $(C, H, W) = ({c}, {side}, {side})$ is flattened and fed to a fully connected layer with {out} outputs (bias={bias}). How many parameters does that layer have?",
        f"形状为 $(C, H, W) = ({c}, {side}, {side})$ 的特征图展平后送入有 {out} 个输出的全连接层（bias={bias}）。这一层有多少个参数？",
    )(lang)


def _gen_bn(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    return {
        "c": _pick(rng, (6, 16, 32, 64, 96, 128, 256, 512)),
        "side": _pick(rng, (7, 14, 28, 56)),
    }


def _bn_terms(p: dict[str, Any], running: bool = False, per_position: bool = False) -> list[Term]:
    c = p["c"] * (p["side"] ** 2 if per_position else 1)
    gamma_beta = batch_norm_params(c)
    terms = [Term(Text("scale γ and shift β", "缩放 γ 与平移 β"), f"2 \\times {c}", gamma_beta)]
    if running:
        terms.append(
            Term(Text("running mean and variance", "滑动均值与方差"), f"2 \\times {c}", gamma_beta)
        )
    return terms


def _ask_bn(p: dict[str, Any], lang: Lang) -> str:
    c, s = p["c"], p["side"]
    return Text(
        f"`nn.BatchNorm2d({c})` normalizes a feature map of shape $({c}, {s}, {s})$. How many **trainable** parameters does it have?",
        f"`nn.BatchNorm2d({c})` 对形状为 $({c}, {s}, {s})$ 的特征图做归一化。它有多少个**可训练**参数？",
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
            _BIAS_WHEN_NONE,
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
            _BIAS_WHEN_NONE,
        ],
    ),
    sum_exercise(
        "fc_params",
        "parameters",
        Text("Parameters of a fully connected layer", "全连接层的参数量"),
        _gen_fc,
        _ask_fc,
        Text(
            "A fully connected layer has (inputs × outputs) weights plus one bias per output:",
            "全连接层有（输入数 × 输出数）个权重，外加每个输出一个偏置：",
        ),
        _fc_terms,
        [
            (
                "bias_forgotten",
                Text("Add one bias per output.", "每个输出还有一个偏置。"),
                {"bias": False},
            ),
            _BIAS_WHEN_NONE,
            (
                "channels_forgotten",
                Text(
                    "The flattened input has $C \\cdot H \\cdot W$ values, not $H \\cdot W$.",
                    "展平后的输入有 $C \\cdot H \\cdot W$ 个值，而不是 $H \\cdot W$。",
                ),
                {"channels": False},
            ),
        ],
    ),
    sum_exercise(
        "bn_params",
        "parameters",
        Text("Parameters of BatchNorm", "批归一化的参数量"),
        _gen_bn,
        _ask_bn,
        Text(
            "BatchNorm learns one scale γ and one shift β per channel; running statistics are buffers, not parameters:",
            "批归一化为每个通道学习一个缩放 γ 和一个平移 β；滑动统计量是缓冲区，不是参数：",
        ),
        _bn_terms,
        [
            (
                "running_stats_counted",
                Text(
                    "Running mean and variance are not trained.", "滑动均值和方差不是训练得到的。"
                ),
                {"running": True},
            ),
            (
                "per_position",
                Text(
                    "γ and β are shared over all positions of a channel.",
                    "γ 和 β 在同一通道的所有位置共享。",
                ),
                {"per_position": True},
            ),
        ],
    ),
)
