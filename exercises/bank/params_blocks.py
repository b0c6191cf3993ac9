"""Parameter counts of blocks and a small network: Inception, residual block, dense block, LeNet-style.

The blocks are the course's (``reference.models``): Inception convolutions have biases; the residual
block's convolutions have none but are followed by BatchNorm; a dense layer is BN → ReLU → 3×3 conv
without bias. Each count is a sum of ``reference.analysis.counts`` terms; the tests compare it with
the ``numel`` of the real ``reference.models`` block.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from exercises.bank._sums import Term, sum_exercise
from exercises.bank.params import conv_terms
from exercises.core import Lang, Text
from reference.analysis.counts import batch_norm_params, linear_params
from reference.analysis.sizes import conv_output_size, pool_output_size


def _pick(rng: np.random.Generator, options: tuple[int, ...]) -> int:
    return int(options[int(rng.integers(len(options)))])


def _bn(label: str, zh: str, channels: int) -> Term:
    return Term(
        Text(f"{label} (γ, β)", f"{zh}（γ, β）"),
        f"2 \\times {channels}",
        batch_norm_params(channels),
    )


# ---------------------------------------------------------------- Inception module


def _gen_inception(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:  # GoogLeNet Table 1, inception (3a)
        return {"c_in": 192, "c1": 64, "c2": [96, 128], "c3": [16, 32], "c4": 32, "bias": False}
    return {
        "c_in": _pick(rng, (128, 192, 256, 480, 512)),
        "c1": _pick(rng, (32, 64, 128, 192)),
        "c2": [_pick(rng, (64, 96, 128)), _pick(rng, (128, 192, 208, 256))],
        "c3": [_pick(rng, (16, 24, 32)), _pick(rng, (32, 48, 64))],
        "c4": _pick(rng, (32, 64, 128)),
        "bias": difficulty == 3,
    }


def _inception_terms(
    p: dict[str, Any], reduce: bool = True, pool_proj: bool = True, bias: bool | None = None
) -> list[Term]:
    b = p["bias"] if bias is None else bias
    c_in, (r2, c2), (r3, c3) = p["c_in"], p["c2"], p["c3"]
    terms = conv_terms(Text("path 1 (1×1)", "路径1（1×1）"), c_in, p["c1"], [1, 1], bias=b)
    if reduce:
        terms += conv_terms(
            Text("path 2 (1×1 reduce)", "路径2（1×1 降维）"), c_in, r2, [1, 1], bias=b
        )
    terms += conv_terms(
        Text("path 2 (3×3)", "路径2（3×3）"), r2 if reduce else c_in, c2, [3, 3], bias=b
    )
    if reduce:
        terms += conv_terms(
            Text("path 3 (1×1 reduce)", "路径3（1×1 降维）"), c_in, r3, [1, 1], bias=b
        )
    terms += conv_terms(
        Text("path 3 (5×5)", "路径3（5×5）"), r3 if reduce else c_in, c3, [5, 5], bias=b
    )
    if pool_proj:
        terms += conv_terms(
            Text("path 4 (pool, 1×1)", "路径4（池化后 1×1）"), c_in, p["c4"], [1, 1], bias=b
        )
    return terms


def _ask_inception(p: dict[str, Any], lang: Lang) -> str:
    (r2, c2), (r3, c3), bias = p["c2"], p["c3"], p["bias"]
    return Text(
        f"An Inception module takes {p['c_in']} channels. Path 1: 1×1 conv to {p['c1']}; path 2: 1×1 conv to "
        f"{r2}, then 3×3 conv to {c2}; path 3: 1×1 conv to {r3}, then 5×5 conv to {c3}; path 4: 3×3 max pool, "
        f"then 1×1 conv to {p['c4']}. Convolutions bias={bias}. How many parameters does the module have?",
        f"一个 Inception 模块输入 {p['c_in']} 个通道。路径1：1×1 卷积到 {p['c1']}；路径2：1×1 卷积到 {r2}，"
        f"再 3×3 卷积到 {c2}；路径3：1×1 卷积到 {r3}，再 5×5 卷积到 {c3}；路径4：3×3 最大池化，再 1×1 卷积到 "
        f"{p['c4']}。卷积 bias={bias}。该模块共有多少个参数？",
    )(lang)


# ---------------------------------------------------------------- residual block


def _gen_residual(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    c_in = _pick(rng, (16, 32, 64, 128, 256))
    if difficulty == 1:
        return {"c_in": c_in, "c_out": c_in, "use_1x1conv": False, "stride": 1}
    return {"c_in": c_in, "c_out": 2 * c_in, "use_1x1conv": True, "stride": 2}


def _residual_terms(
    p: dict[str, Any], bn: bool = True, shortcut: bool = True, conv_bias: bool = False
) -> list[Term]:
    c_in, c_out = p["c_in"], p["c_out"]
    terms = conv_terms(Text("conv1 3×3", "卷积1 3×3"), c_in, c_out, [3, 3], bias=conv_bias)
    terms += [_bn("BN1", "BN1", c_out)] if bn else []
    terms += conv_terms(Text("conv2 3×3", "卷积2 3×3"), c_out, c_out, [3, 3], bias=conv_bias)
    terms += [_bn("BN2", "BN2", c_out)] if bn else []
    if p["use_1x1conv"] and shortcut:
        terms += conv_terms(Text("shortcut 1×1", "捷径 1×1"), c_in, c_out, [1, 1], bias=conv_bias)
        terms += [_bn("shortcut BN", "捷径 BN", c_out)] if bn else []
    return terms


def _ask_residual(p: dict[str, Any], lang: Lang) -> str:
    c_in, c_out, s = p["c_in"], p["c_out"], p["stride"]
    short = Text("the shortcut is the identity", "捷径为恒等映射")
    if p["use_1x1conv"]:
        short = Text(
            f"the shortcut is a 1×1 conv (stride {s}, no bias) + BN",
            f"捷径为 1×1 卷积（步幅 {s}，无偏置）+ BN",
        )
    return Text(
        f"A residual block maps {c_in} to {c_out} channels: 3×3 conv (stride {s}) → BN → ReLU → 3×3 conv → BN, "
        f"added to the shortcut; convolutions have no bias, {short.en}. How many trainable parameters?",
        f"一个残差块把 {c_in} 个通道变为 {c_out} 个：3×3 卷积（步幅 {s}）→ BN → ReLU → 3×3 卷积 → BN，再与捷径相加；"
        f"卷积无偏置，{short.zh}。共有多少个可训练参数？",
    )(lang)


# ---------------------------------------------------------------- dense block


def _gen_dense(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    return {
        "num_convs": _pick(rng, (2, 3) if difficulty == 1 else (3, 4, 5, 6)),
        "c_in": _pick(rng, (3, 16, 32, 64)),
        "growth": _pick(rng, (8, 10, 12, 16, 32)),
    }


def _dense_terms(p: dict[str, Any], concat: bool = True, bn: bool = True) -> list[Term]:
    terms = []
    for i in range(p["num_convs"]):
        c = p["c_in"] + i * p["growth"] if concat else (p["c_in"] if i == 0 else p["growth"])
        terms += [_bn(f"layer {i + 1} BN", f"第 {i + 1} 层 BN", c)] if bn else []
        terms += conv_terms(
            Text(f"layer {i + 1} conv", f"第 {i + 1} 层卷积"), c, p["growth"], [3, 3], bias=False
        )
    return terms


def _ask_dense(p: dict[str, Any], lang: Lang) -> str:
    n, c, g = p["num_convs"], p["c_in"], p["growth"]
    return Text(
        f"A dense block has {n} layers, each BN → ReLU → 3×3 conv (no bias) producing $g = {g}$ channels, and each "
        f"layer reads the concatenation of the block input ({c} channels) and all earlier outputs. How many parameters?",
        f"一个稠密块有 {n} 层，每层为 BN → ReLU → 3×3 卷积（无偏置），输出 $g = {g}$ 个通道；每层的输入是块输入"
        f"（{c} 个通道）与之前所有层输出的拼接。共有多少个参数？",
    )(lang)


# ---------------------------------------------------------------- a small whole network (LeNet style)


def _gen_lenet(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:
        return {"c1": 6, "c2": 16, "h1": 120, "h2": 84, "classes": 10}
    return {
        "c1": _pick(rng, (4, 6, 8, 12)),
        "c2": _pick(rng, (10, 16, 20, 32)),
        "h1": _pick(rng, (64, 100, 120, 128)),
        "h2": _pick(rng, (32, 50, 84)),
        "classes": 10,
    }


def _flat_side(last_pool: bool = True) -> int:
    side = pool_output_size(conv_output_size(28, 5, padding=2), 2)
    side = conv_output_size(side, 5)
    return pool_output_size(side, 2) if last_pool else side


def _fc(label: Text, n_in: int, n_out: int, bias: bool, flat: str | None = None) -> Term:
    head = flat or f"{n_in}"
    formula = f"{head} \\times {n_out}" + (f" + {n_out}" if bias else "")
    return Term(label, formula, linear_params(n_in, n_out, bias=bias))


def _lenet_terms(p: dict[str, Any], bias: bool = True, last_pool: bool = True) -> list[Term]:
    side = _flat_side(last_pool)
    terms = conv_terms(Text("conv1", "卷积1"), 1, p["c1"], [5, 5], bias=bias)
    terms += conv_terms(Text("conv2", "卷积2"), p["c1"], p["c2"], [5, 5], bias=bias)
    flat = f"({p['c2']} \\times {side}^2)"
    terms.append(_fc(Text("FC1", "全连接1"), p["c2"] * side * side, p["h1"], bias, flat))
    terms.append(_fc(Text("FC2", "全连接2"), p["h1"], p["h2"], bias))
    terms.append(_fc(Text("FC3", "全连接3"), p["h2"], p["classes"], bias))
    return terms


def _ask_lenet(p: dict[str, Any], lang: Lang) -> str:
    c1, c2, h1, h2, k = p["c1"], p["c2"], p["h1"], p["h2"], p["classes"]
    return Text(
        f"A LeNet-style network on 1×28×28 images: conv 5×5 (padding 2) to {c1} channels → 2×2 avg pool (stride 2) "
        f"→ conv 5×5 to {c2} → 2×2 avg pool → flatten → FC {h1} → FC {h2} → FC {k}; every conv and FC layer has a "
        "bias; activations and pooling have no parameters. How many parameters in total?",
        f"一个 LeNet 风格的网络，输入 1×28×28：5×5 卷积（填充 2）到 {c1} 通道 → 2×2 平均池化（步幅 2）→ 5×5 卷积到 "
        f"{c2} → 2×2 平均池化 → 展平 → 全连接 {h1} → 全连接 {h2} → 全连接 {k}；每个卷积和全连接层都有偏置，"
        "激活与池化没有参数。总参数量是多少？",
    )(lang)


_BIAS = (
    "bias_forgotten",
    Text(
        "Every layer here has biases: one per output channel/unit.",
        "这里每层都有偏置：每个输出通道/单元一个。",
    ),
    {"bias": False},
)

EXERCISES = (
    sum_exercise(
        "inception_params",
        "parameters",
        Text("Parameters of an Inception module", "Inception 模块的参数量"),
        _gen_inception,
        _ask_inception,
        Text(
            "Add the convolutions of the four paths (pooling has no parameters):",
            "把四条路径上的卷积参数相加（池化没有参数）：",
        ),
        _inception_terms,
        [
            (
                "reduce_forgotten",
                Text(
                    "Paths 2 and 3 first reduce the channels with 1×1 convolutions.",
                    "路径2和3先用 1×1 卷积降维。",
                ),
                {"reduce": False},
            ),
            (
                "pool_projection_forgotten",
                Text(
                    "Path 4 has a 1×1 convolution after the pooling.",
                    "路径4在池化之后还有一个 1×1 卷积。",
                ),
                {"pool_proj": False},
            ),
            (
                "bias_forgotten",
                Text("The convolutions have biases here.", "这里的卷积有偏置。"),
                {"bias": False},
            ),
            (
                "bias_counted_without_bias",
                Text("With bias=False there are no biases to count.", "bias=False 时没有偏置。"),
                {"bias": True},
            ),
        ],
    ),
    sum_exercise(
        "residual_block_params",
        "parameters",
        Text("Parameters of a residual block", "残差块的参数量"),
        _gen_residual,
        _ask_residual,
        Text(
            "Two 3×3 convolutions with their BatchNorms, plus the 1×1 projection if the shortcut has one:",
            "两个 3×3 卷积及其批归一化，若捷径有 1×1 投影则再加上它：",
        ),
        _residual_terms,
        [
            (
                "bn_forgotten",
                Text(
                    "Each BatchNorm has 2C trainable parameters (γ, β).",
                    "每个批归一化有 2C 个可训练参数（γ, β）。",
                ),
                {"bn": False},
            ),
            (
                "shortcut_forgotten",
                Text(
                    "The 1×1 projection on the shortcut has weights too.",
                    "捷径上的 1×1 投影也有权重。",
                ),
                {"shortcut": False},
            ),
            (
                "conv_bias_counted",
                Text(
                    "The convolutions before BatchNorm have no bias.",
                    "批归一化之前的卷积没有偏置。",
                ),
                {"conv_bias": True},
            ),
        ],
    ),
    sum_exercise(
        "dense_block_params",
        "parameters",
        Text("Parameters of a dense block", "稠密块的参数量"),
        _gen_dense,
        _ask_dense,
        Text(
            "Layer $i$ (from 0) reads $C_{in} + i g$ channels: its BN has $2(C_{in} + i g)$ parameters, its conv $g (C_{in} + i g) \\cdot 9$:",
            "第 $i$ 层（从 0 开始）读入 $C_{in} + i g$ 个通道：BN 有 $2(C_{in} + i g)$ 个参数，卷积有 $g (C_{in} + i g) \\cdot 9$ 个：",
        ),
        _dense_terms,
        [
            (
                "concatenation_ignored",
                Text(
                    "Each layer reads ALL earlier outputs concatenated, so its input grows by $g$ per layer.",
                    "每层读入之前所有输出的拼接，输入通道每层增加 $g$。",
                ),
                {"concat": False},
            ),
            (
                "bn_forgotten",
                Text(
                    "Each BatchNorm has 2C trainable parameters.",
                    "每个批归一化有 2C 个可训练参数。",
                ),
                {"bn": False},
            ),
        ],
    ),
    sum_exercise(
        "small_network_params",
        "parameters",
        Text("Parameters of a small network", "小型网络的参数量"),
        _gen_lenet,
        _ask_lenet,
        Text(
            "28 → conv (pad 2) 28 → pool 14 → conv 10 → pool 5, so the flattened vector has $C_2 \\cdot 5^2$ values. Per layer:",
            "28 → 卷积（填充 2）28 → 池化 14 → 卷积 10 → 池化 5，展平后有 $C_2 \\cdot 5^2$ 个值。逐层计算：",
        ),
        _lenet_terms,
        [
            _BIAS,
            (
                "last_pool_forgotten",
                Text(
                    "The second pooling halves 10×10 to 5×5 before flattening.",
                    "展平前第二次池化把 10×10 变为 5×5。",
                ),
                {"last_pool": False},
            ),
        ],
    ),
)
