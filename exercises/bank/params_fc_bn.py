"""Parameter counts of a fully connected layer (plain or on a flattened feature map) and of BatchNorm.

Values from ``reference.analysis.counts`` (``linear_params``, ``batch_norm_params``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.bank.params import BIAS_WHEN_NONE, BIASES, WEIGHTS
from cnngrade.exercises.core import Lang, Params, Text
from cnngrade.reference.analysis.counts import batch_norm_params, linear_params

# ---------------------------------------------------------------- fully connected and BatchNorm


def _gen_fc(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    side = 1 if difficulty == 1 else pick(rng, (2, 3, 4, 5, 6, 7))
    return {
        "c": pick(rng, (16, 32, 64, 120, 256, 400, 512)),
        "side": side,
        "out": pick(rng, (10, 84, 100, 120, 256, 1000)),
        "bias": difficulty < 3 or bool(rng.integers(2)),
    }


def _fc_terms(p: Params, bias: bool | None = None, channels: bool = True) -> list[Term]:
    c = p["c"] if channels else 1
    inputs = c * p["side"] ** 2
    weights = linear_params(inputs, p["out"], bias=False)
    flat = f"({c} \\times {p['side']}^2)" if p["side"] > 1 else f"{c}"
    terms = [Term(WEIGHTS, f"{flat} \\times {p['out']}", weights)]
    if p["bias"] if bias is None else bias:
        terms.append(Term(BIASES, f"{p['out']}", linear_params(inputs, p["out"]) - weights))
    return terms


def _ask_fc(p: Params, lang: Lang) -> str:
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
        "c": pick(rng, (6, 16, 32, 64, 96, 128, 256, 512)),
        "side": pick(rng, (7, 14, 28, 56)),
    }


def _bn_terms(p: Params, running: bool = False, per_position: bool = False) -> list[Term]:
    c = p["c"] * (p["side"] ** 2 if per_position else 1)
    gamma_beta = batch_norm_params(c)
    terms = [Term(Text("scale γ and shift β", "缩放 γ 与平移 β"), f"2 \\times {c}", gamma_beta)]
    if running:
        terms.append(
            Term(Text("running mean and variance", "滑动均值与方差"), f"2 \\times {c}", gamma_beta)
        )
    return terms


def _ask_bn(p: Params, lang: Lang) -> str:
    c, s = p["c"], p["side"]
    return Text(
        f"`nn.BatchNorm2d({c})` normalizes a feature map of shape $({c}, {s}, {s})$. How many **trainable** parameters does it have?",
        f"`nn.BatchNorm2d({c})` 对形状为 $({c}, {s}, {s})$ 的特征图做归一化。它有多少个**可训练**参数？",
    )(lang)


EXERCISES = (
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
            BIAS_WHEN_NONE,
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
