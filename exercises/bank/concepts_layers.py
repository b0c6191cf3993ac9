"""Concept questions about layers: pooling has no parameters and keeps the channels, and what a 1×1
convolution does.

Every option is a candidate value; the reference layer (run on zeros for shapes, its parameters counted)
decides which one is right. The shared helpers live in ``concepts.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.bank.concepts import (
    Role,
    concept,
    index_of_value,
    pointing_at,
    shuffled_roles,
)
from cnngrade.exercises.core import Lang, Misconception, Params, Text
from cnngrade.reference.analysis.counts import conv_params

# ---------------------------------------------------------------- pooling: no parameters, same channels

POOL_ROLES = ("right", "weights_per_window", "weights_per_channel", "channels_merged")


def generate_pooling(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    k = int(rng.choice([2, 3]))
    return dict(
        op=str(rng.choice(["max", "avg"])),
        kernel=k,
        channels=int(rng.choice([3, 6, 16, 32, 64])),
        size=int(rng.choice([8, 14, 28, 32])),
        roles=shuffled_roles(rng, POOL_ROLES),
    )


def _pool_candidates(p: Params) -> dict[Role, tuple[int, int]]:
    k2, c = p["kernel"] ** 2, p["channels"]
    return {
        "right": (0, c),
        "weights_per_window": (k2, c),
        "weights_per_channel": (c * k2, c),
        "channels_merged": (0, 1),
    }


def pooling_answer(p: Params) -> int:
    """The option equal to (parameters, output channels) of the reference pooling layer."""
    from cnngrade.reference import nn

    layer = (nn.MaxPool2d if p["op"] == "max" else nn.AvgPool2d)(p["kernel"], stride=p["kernel"])
    out = layer(torch.zeros(1, p["channels"], p["size"], p["size"]))
    truth = (sum(t.numel() for t in layer.parameters()), int(out.shape[1]))
    return index_of_value(p, _pool_candidates(p), truth)


def pooling_texts(p: Params) -> list[Text]:
    values = _pool_candidates(p)
    return [
        Text(
            f"{values[r][0]} parameters, {values[r][1]} output channel(s)",
            f"{values[r][0]} 个参数，{values[r][1]} 个输出通道",
        )
        for r in p["roles"]
    ]


_POOL_TASK = Text(
    "A {k} × {k} {op} pooling layer with stride {k} is applied to a {c} × {n} × {n} feature map. How many learnable "
    "parameters does it have, and how many channels does its output have?",
    "对 {c} × {n} × {n} 的特征图做 {k} × {k}、步幅 {k} 的{op_zh}池化。该层有多少个可学习参数？输出有几个通道？",
)


def pooling_prompt(p: Params, lang: Lang) -> str:
    op, op_zh = ("max", "最大") if p["op"] == "max" else ("average", "平均")
    return _POOL_TASK(lang).format(k=p["kernel"], op=op, op_zh=op_zh, c=p["channels"], n=p["size"])


_POOL_WHY = Text(
    "Pooling applies a fixed rule (max or mean) to each window of each channel separately: nothing is learned "
    "(0 parameters) and the channels are not mixed ({c} in, {c} out); only the height and width shrink.",
    "池化对每个通道的每个窗口分别应用固定规则（取最大或取平均）：没有要学习的参数（0 个），也不混合通道"
    "（输入 {c} 个通道，输出 {c} 个），只缩小高和宽。",
)

POOL_MISCONCEPTIONS = (
    Misconception(
        "pooling_has_weights",
        Text(
            "A pooling window has no weights: max/mean is a fixed rule.",
            "池化窗口没有权重：取最大/平均是固定规则。",
        ),
        pointing_at("weights_per_window"),
    ),
    Misconception(
        "pooling_weights_per_channel",
        Text("Pooling learns nothing in any channel.", "池化在任何通道上都不学习参数。"),
        pointing_at("weights_per_channel"),
    ),
    Misconception(
        "pooling_merges_channels",
        Text(
            "Pooling works on each channel separately and keeps the channel count.",
            "池化逐通道进行，通道数不变。",
        ),
        pointing_at("channels_merged"),
    ),
)


# ---------------------------------------------------------------- what a 1×1 convolution does

ONE_ROLES = ("mixes_channels", "identity", "per_channel_scale", "spatial_mix")


def generate_1x1(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    c_in, c_out = (int(v) for v in rng.choice([16, 32, 64, 128, 192, 256], size=2, replace=False))
    return dict(
        c_in=c_in,
        c_out=c_out,
        size=int(rng.choice([7, 14, 28])),
        roles=shuffled_roles(rng, ONE_ROLES),
    )


def _one_candidates(p: Params) -> dict[Role, tuple[tuple[int, ...], int]]:
    ci, co, n = p["c_in"], p["c_out"], p["size"]
    return {
        "mixes_channels": ((co, n, n), ci * co + co),
        "identity": ((ci, n, n), 0),
        "per_channel_scale": ((ci, n, n), 2 * ci),
        "spatial_mix": ((co, n - 2, n - 2), 9 * ci * co + co),
    }


def one_answer(p: Params) -> int:
    """The option equal to (output shape, parameters) of the reference 1×1 convolution."""
    from cnngrade.reference.conv import conv2d

    out = conv2d(
        torch.zeros(1, p["c_in"], p["size"], p["size"]), torch.zeros(p["c_out"], p["c_in"], 1, 1)
    )
    truth = (tuple(int(v) for v in out.shape[1:]), conv_params(p["c_in"], p["c_out"], (1, 1)))
    return index_of_value(p, _one_candidates(p), truth)


def one_texts(p: Params) -> list[Text]:
    values = _one_candidates(p)
    en = {
        "mixes_channels": "mixes the channels at each pixel (a per-pixel fully connected layer)",
        "identity": "copies its input (a 1 × 1 window sees one value, nothing to combine)",
        "per_channel_scale": "scales and shifts each channel separately",
        "spatial_mix": "mixes each pixel with its 3 × 3 neighbourhood",
    }
    zh = {
        "mixes_channels": "在每个像素位置混合各通道（逐像素的全连接层）",
        "identity": "原样复制输入（1 × 1 窗口只看到一个值，无从组合）",
        "per_channel_scale": "对每个通道分别缩放和平移",
        "spatial_mix": "把每个像素与其 3 × 3 邻域混合",
    }
    out = []
    for r in p["roles"]:
        shape, params = values[r]
        dims = " × ".join(map(str, shape))
        out.append(
            Text(
                f"It {en[r]}: output {dims}, {params} parameters",
                f"它{zh[r]}：输出 {dims}，{params} 个参数",
            )
        )
    return out


_ONE_TASK = Text(
    "A 1 × 1 convolution (`nn.Conv2d({ci}, {co}, kernel_size=1)`, with bias) is applied to a {ci} × {n} × {n} input. "
    "What does it do, and what are its output shape and parameter count?",
    "对 {ci} × {n} × {n} 的输入做 1 × 1 卷积（`nn.Conv2d({ci}, {co}, kernel_size=1)`，带偏置）。它做了什么？输出形状和参数量是多少？",
)
_ONE_WHY = Text(
    "At every pixel the {co} outputs are weighted sums of the {ci} input channels: a fully connected layer applied "
    "per pixel, so $H \\times W$ stays {n} × {n}, and there are ${ci} \\cdot {co} + {co}$ parameters. It changes the "
    "channel count cheaply (NiN, GoogLeNet's bottlenecks).",
    "在每个像素上，{co} 个输出都是 {ci} 个输入通道的加权和：相当于逐像素的全连接层，所以高宽保持 {n} × {n}，参数量为 "
    "${ci} \\cdot {co} + {co}$。它能以很小的代价改变通道数（NiN、GoogLeNet 的瓶颈层）。",
)

ONE_MISCONCEPTIONS = (
    Misconception(
        "one_by_one_is_identity",
        Text(
            "A 1 × 1 kernel still combines all input channels at each pixel.",
            "1 × 1 卷积核仍然在每个像素上组合所有输入通道。",
        ),
        pointing_at("identity"),
    ),
    Misconception(
        "one_by_one_per_channel",
        Text(
            "That is a depthwise (per-channel) operation; a 1 × 1 convolution mixes channels.",
            "那是逐通道（深度）操作；1 × 1 卷积混合的是通道。",
        ),
        pointing_at("per_channel_scale"),
    ),
    Misconception(
        "one_by_one_mixes_space",
        Text("A 1 × 1 window never looks at neighbouring pixels.", "1 × 1 窗口从不看相邻像素。"),
        pointing_at("spatial_mix"),
    ),
)


def one_prompt(p: Params, lang: Lang) -> str:
    return _ONE_TASK(lang).format(ci=p["c_in"], co=p["c_out"], n=p["size"])


def one_why(p: Params, lang: Lang) -> str:
    return _ONE_WHY(lang).format(ci=p["c_in"], co=p["c_out"], n=p["size"])


EXERCISES = (
    concept(
        "concept_pooling",
        Text("Pooling: parameters and channels", "池化：参数与通道"),
        generate_pooling,
        pooling_prompt,
        pooling_answer,
        pooling_texts,
        lambda p, lang: _POOL_WHY(lang).format(c=p["channels"]),
        POOL_MISCONCEPTIONS,
    ),
    concept(
        "concept_1x1_conv",
        Text("What a 1×1 convolution does", "1×1 卷积的作用"),
        generate_1x1,
        one_prompt,
        one_answer,
        one_texts,
        one_why,
        ONE_MISCONCEPTIONS,
    ),
)
