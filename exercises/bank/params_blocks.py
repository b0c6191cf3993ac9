"""Parameter counts of blocks and a small network: Inception, residual block, dense block, LeNet-style.

The blocks are the course's (``reference.models``): Inception convolutions have biases; the residual
block's convolutions have none but are followed by BatchNorm; a dense layer is BN → ReLU → 3×3 conv
without bias. Each count is a sum of ``reference.analysis.counts`` terms; the tests compare it with
the ``numel`` of the real ``reference.models`` block.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.bank.params import conv_terms
from cnngrade.exercises.core import Lang, Params, Text
from cnngrade.reference.analysis.counts import batch_norm_params


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
        "c_in": pick(rng, (128, 192, 256, 480, 512)),
        "c1": pick(rng, (32, 64, 128, 192)),
        "c2": [pick(rng, (64, 96, 128)), pick(rng, (128, 192, 208, 256))],
        "c3": [pick(rng, (16, 24, 32)), pick(rng, (32, 48, 64))],
        "c4": pick(rng, (32, 64, 128)),
        "bias": difficulty == 3,
    }


def _inception_terms(
    p: Params, reduce: bool = True, pool_proj: bool = True, bias: bool | None = None
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


def _ask_inception(p: Params, lang: Lang) -> str:
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
    c_in = pick(rng, (16, 32, 64, 128, 256))
    if difficulty == 1:
        return {"c_in": c_in, "c_out": c_in, "use_1x1conv": False, "stride": 1}
    return {"c_in": c_in, "c_out": 2 * c_in, "use_1x1conv": True, "stride": 2}


def _residual_terms(
    p: Params, bn: bool = True, shortcut: bool = True, conv_bias: bool = False
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


def _ask_residual(p: Params, lang: Lang) -> str:
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
        "num_convs": pick(rng, (2, 3) if difficulty == 1 else (3, 4, 5, 6)),
        "c_in": pick(rng, (3, 16, 32, 64)),
        "growth": pick(rng, (8, 10, 12, 16, 32)),
    }


def _dense_terms(p: Params, concat: bool = True, bn: bool = True) -> list[Term]:
    terms = []
    for i in range(p["num_convs"]):
        c = p["c_in"] + i * p["growth"] if concat else (p["c_in"] if i == 0 else p["growth"])
        terms += [_bn(f"layer {i + 1} BN", f"第 {i + 1} 层 BN", c)] if bn else []
        terms += conv_terms(
            Text(f"layer {i + 1} conv", f"第 {i + 1} 层卷积"), c, p["growth"], [3, 3], bias=False
        )
    return terms


def _ask_dense(p: Params, lang: Lang) -> str:
    n, c, g = p["num_convs"], p["c_in"], p["growth"]
    return Text(
        f"A dense block has {n} layers, each BN → ReLU → 3×3 conv (no bias) producing $g = {g}$ channels, and each "
        f"layer reads the concatenation of the block input ({c} channels) and all earlier outputs. How many parameters?",
        f"一个稠密块有 {n} 层，每层为 BN → ReLU → 3×3 卷积（无偏置），输出 $g = {g}$ 个通道；每层的输入是块输入"
        f"（{c} 个通道）与之前所有层输出的拼接。共有多少个参数？",
    )(lang)


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
)
