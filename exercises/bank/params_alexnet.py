"""Parameters of one layer of the original two-GPU AlexNet (seed 001: 60,965,224 in all with biases).

C2, C4 and C5 are grouped (2 groups: each GPU's filters see only that GPU's half of the channels);
FC6 reads the flattened 256 × 6 × 6 map, whose size comes from ``reference.analysis.sizes``.
Counts from ``reference.analysis.counts``; the tests compare with ``reference.models.alexnet_2gpu``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.bank.params import conv_terms
from cnngrade.exercises.core import Lang, Params, Text
from cnngrade.reference.analysis.counts import linear_params
from cnngrade.reference.analysis.sizes import conv_output_size, pool_output_size

# name, kind, in, out, kernel, groups  (the paper's Figure 2 / the slides' table)
LAYERS = (
    ("C1", "conv", 3, 96, 11, 1),
    ("C2", "conv", 96, 256, 5, 2),
    ("C3", "conv", 256, 384, 3, 1),
    ("C4", "conv", 384, 384, 3, 2),
    ("C5", "conv", 384, 256, 3, 2),
    ("FC6", "fc", 256, 4096, 0, 1),
    ("FC7", "fc", 4096, 4096, 0, 1),
    ("FC8", "fc", 4096, 1000, 0, 1),
)


def _side(last_pool: bool = True) -> int:
    """227 → 55 → 27 → 27 → 13 → 13 → 13 → 13 → 6: the side of the map FC6 flattens."""
    side = pool_output_size(conv_output_size(227, 11, 4), 3, 2)
    side = pool_output_size(conv_output_size(side, 5, padding=2), 3, 2)
    for _ in range(3):
        side = conv_output_size(side, 3, padding=1)
    return pool_output_size(side, 3, 2) if last_pool else side


def _gen(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    levels = {1: (0, 2, 5, 6, 7), 2: (1, 3, 4, 5), 3: (1, 3, 4, 5)}[difficulty]
    return {
        "layer": int(levels[int(rng.integers(len(levels)))]),
        "bias": difficulty < 3 or bool(rng.integers(2)),
    }


def _terms(
    p: Params, groups: bool = True, bias: bool | None = None, last_pool: bool = True
) -> list[Term]:
    name, kind, c_in, c_out, k, g = LAYERS[p["layer"]]
    b = p["bias"] if bias is None else bias
    label = Text(name, name)
    if kind == "conv":
        return conv_terms(label, c_in, c_out, [k, k], g if groups else 1, b)
    side = _side(last_pool) if p["layer"] == 5 else 1
    n_in = c_in * side * side
    head = f"(256 \\times {side}^2)" if p["layer"] == 5 else f"{n_in}"
    formula = f"{head} \\times {c_out}" + (f" + {c_out}" if b else "")
    return [Term(label, formula, linear_params(n_in, c_out, bias=b))]


def _ask(p: Params, lang: Lang) -> str:
    name, kind, c_in, c_out, k, g = LAYERS[p["layer"]]
    kinds = {"conv": Text("conv", "卷积"), "fc": Text("FC", "全连接")}
    table = "\n".join(
        f"| {n} | {kinds[kd](lang)} | {ci} → {co} | {f'{kk}×{kk}' if kk else '–'} | {gg} |"
        for n, kd, ci, co, kk, gg in LAYERS
    )
    head = Text(
        "| layer | type | channels / units | kernel | groups |",
        "| 层 | 类型 | 通道 / 单元 | 卷积核 | 分组 |",
    )(lang)
    return Text(
        f"The two-GPU AlexNet on a 3×227×227 image (227 → 55 → 27 → 13 → 6 after C1, pool, C2, pool, C5 + pool):\n\n"
        f"{head}\n|---|---|---|---|---|\n{table}\n\nHow many parameters does layer **{name}** have (bias={p['bias']})?",
        f"双 GPU 版 AlexNet，输入 3×227×227（经 C1、池化、C2、池化、C5 + 池化后为 227 → 55 → 27 → 13 → 6）：\n\n"
        f"{head}\n|---|---|---|---|---|\n{table}\n\n层 **{name}** 有多少个参数（bias={p['bias']}）？",
    )(lang)


_INTRO = Text(
    "A grouped convolution's filters see $C_{in}/g$ channels; FC6 flattens the 256 × 6 × 6 map:",
    "分组卷积的每个滤波器只看 $C_{in}/g$ 个通道；FC6 把 256 × 6 × 6 的特征图展平：",
)

EXERCISES = (
    sum_exercise(
        "alexnet_layer_params",
        "parameters",
        Text("Parameters of an AlexNet layer", "AlexNet 某层的参数量"),
        _gen,
        _ask,
        _INTRO,
        _terms,
        [
            (
                "groups_ignored",
                Text(
                    "C2, C4 and C5 are split across two GPUs: each filter sees half the channels.",
                    "C2、C4、C5 分在两块 GPU 上：每个滤波器只看一半通道。",
                ),
                {"groups": False},
            ),
            (
                "bias_forgotten",
                Text("Each filter / unit also has a bias.", "每个滤波器/单元还有一个偏置。"),
                {"bias": False},
            ),
            (
                "bias_counted_without_bias",
                Text("With bias=False there are no biases to count.", "bias=False 时没有偏置。"),
                {"bias": True},
            ),
            (
                "last_pool_forgotten",
                Text(
                    "FC6 reads the map after the last 3×3 pooling: 6 × 6, not 13 × 13.",
                    "FC6 读入最后一次 3×3 池化之后的 6 × 6 特征图，而不是 13 × 13。",
                ),
                {"last_pool": False},
            ),
        ],
    ),
)
