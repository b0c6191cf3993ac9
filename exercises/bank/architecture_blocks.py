"""Output shapes of multi-branch blocks: an Inception module, DenseNet growth (+ transition block).

Channel arithmetic: Inception concatenates its four paths (spatial size kept); a dense block adds
``g`` channels per layer; a transition block is a 1×1 convolution to ``out_channels`` followed by
2×2 average pooling with stride 2 (``reference.models.transition_block``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line, shape_text
from cnngrade.reference.analysis.sizes import conv_output_size, pool_output_size

SHAPE = AnswerSpec(kind="shape", partial="per_dimension")


# ---------------------------------------------------------------- Inception


def _gen_inception(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:  # GoogLeNet inception (3a) on 28x28
        return {"c_in": 192, "size": 28, "c1": 64, "c2": [96, 128], "c3": [16, 32], "c4": 32}
    return {
        "c_in": pick(rng, (192, 256, 480, 512, 832)),
        "size": pick(rng, (7, 14, 28)),
        "c1": pick(rng, (64, 112, 128, 160, 192, 256)),
        "c2": [pick(rng, (96, 112, 128, 144, 160)), pick(rng, (192, 208, 224, 256, 288, 320))],
        "c3": [pick(rng, (16, 24, 32, 48)), pick(rng, (32, 48, 64, 96, 128))],
        "c4": pick(rng, (32, 64, 128)),
    }


def _size_kept(p: Params) -> list[int]:
    """Every path keeps H×W: 1×1 (pad 0), 3×3 (pad 1), 5×5 (pad 2), 3×3 pool (stride 1, pad 1)."""
    n = p["size"]
    sizes = {
        conv_output_size(n, 1),
        conv_output_size(n, 3, padding=1),
        conv_output_size(n, 5, padding=2),
    }
    sizes.add(pool_output_size(n, 3, stride=1, padding=1))
    (kept,) = sizes
    return [kept, kept]


def _inception_answer(p: Params) -> list[int]:
    return [p["c1"] + p["c2"][1] + p["c3"][1] + p["c4"], *_size_kept(p)]


def _inception_prompt(p: Params, lang: Lang) -> str:
    (r2, c2), (r3, c3) = p["c2"], p["c3"]
    shape = shape_text([p["c_in"], p["size"], p["size"]])
    return Text(
        f"An Inception module receives an input of shape $(C, H, W) = {shape}$. Path 1: 1×1 conv, {p['c1']} channels; "
        f"path 2: 1×1 conv to {r2}, then 3×3 conv (padding 1) to {c2}; path 3: 1×1 conv to {r3}, then 5×5 conv "
        f"(padding 2) to {c3}; path 4: 3×3 max pool (stride 1, padding 1), then 1×1 conv to {p['c4']}. The paths "
        "are concatenated on channels. What is the output shape $(C, H, W)$?",
        f"Inception 模块的输入形状为 $(C, H, W) = {shape}$。路径1：1×1 卷积，{p['c1']} 个通道；路径2：1×1 卷积到 {r2}，"
        f"再 3×3 卷积（填充 1）到 {c2}；路径3：1×1 卷积到 {r3}，再 5×5 卷积（填充 2）到 {c3}；路径4：3×3 最大池化"
        f"（步幅 1，填充 1），再 1×1 卷积到 {p['c4']}。各路径在通道维拼接。输出形状 $(C, H, W)$ 是多少？",
    )(lang)


def _inception_solution(p: Params, lang: Lang) -> str:
    c, h, w = _inception_answer(p)
    intro = Text(
        "Every path keeps the spatial size; concatenation adds the output channels of the four paths:",
        "每条路径都保持空间尺寸；拼接把四条路径的输出通道数相加：",
    )
    sum_line = (
        f"$$C = {p['c1']} + {p['c2'][1]} + {p['c3'][1]} + {p['c4']} = {c}, \\quad H = W = {h}$$"
    )
    return "\n\n".join([intro(lang), sum_line, answer_line([c, h, w], SHAPE, lang)])


_INCEPTION_MISCONCEPTIONS = (
    Misconception(
        "reducers_counted",
        Text(
            "The 1×1 reductions feed the 3×3 and 5×5 convolutions; they are not outputs.",
            "1×1 降维卷积的输出送入 3×3 和 5×5 卷积，不是模块输出。",
        ),
        lambda p: [_inception_answer(p)[0] + p["c2"][0] + p["c3"][0], *_size_kept(p)],
    ),
    Misconception(
        "pool_path_keeps_input_channels",
        Text(
            "Path 4's 1×1 convolution sets its channels after the pooling.",
            "路径4的 1×1 卷积在池化之后决定其通道数。",
        ),
        lambda p: [_inception_answer(p)[0] - p["c4"] + p["c_in"], *_size_kept(p)],
    ),
    Misconception(
        "paths_added",
        Text(
            "Inception concatenates its paths; it does not add them.",
            "Inception 是拼接各路径，而不是相加。",
        ),
        lambda p: [max(p["c1"], p["c2"][1], p["c3"][1], p["c4"]), *_size_kept(p)],
    ),
)

# ---------------------------------------------------------------- DenseNet growth


def _gen_dense(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    return {
        "c_in": pick(rng, (3, 16, 32, 64)),
        "num_convs": pick(rng, (2, 4) if difficulty == 1 else (3, 4, 6, 12)),
        "growth": pick(rng, (10, 12, 16, 32)),
        "size": pick(rng, (8, 16, 28, 32, 56)),
        "transition": difficulty == 3,
    }


def _dense_answer(p: Params, concat: bool = True, transition: bool = True) -> list[int]:
    c = p["c_in"] + p["num_convs"] * p["growth"] if concat else p["growth"]
    n = p["size"]
    if p["transition"] and transition:
        c, n = c // 2, pool_output_size(conv_output_size(n, 1), 2)
    return [c, n, n]


def _dense_prompt(p: Params, lang: Lang) -> str:
    shape = shape_text([p["c_in"], p["size"], p["size"]])
    trans = Text("", "")
    if p["transition"]:
        trans = Text(
            " It is followed by a transition block: a 1×1 convolution that halves the channels (rounding down), then 2×2 average pooling with stride 2.",
            "之后接一个过渡层：1×1 卷积把通道数减半（向下取整），再做步幅为 2 的 2×2 平均池化。",
        )
    return Text(
        f"A dense block with {p['num_convs']} convolution layers and growth rate $g = {p['growth']}$ (every layer keeps H×W) receives an input of shape $(C, H, W) = {shape}$.{trans.en} What is the output shape $(C, H, W)$?",
        f"一个稠密块有 {p['num_convs']} 个卷积层，增长率 $g = {p['growth']}$（每层保持 H×W），输入形状为 $(C, H, W) = {shape}$。{trans.zh}输出形状 $(C, H, W)$ 是多少？",
    )(lang)


def _dense_solution(p: Params, lang: Lang) -> str:
    c = p["c_in"] + p["num_convs"] * p["growth"]
    lines = [
        Text(
            "Each layer concatenates $g$ new channels onto its input:",
            "每层在输入上拼接 $g$ 个新通道：",
        )(lang),
        f"$$C = {p['c_in']} + {p['num_convs']} \\times {p['growth']} = {c}$$",
    ]
    if p["transition"]:
        c2, n2, _ = _dense_answer(p)
        lines.append(
            Text("Transition block:", "过渡层：")(lang)
            + f" $C = \\lfloor {c}/2 \\rfloor = {c2}$, $H = W = \\lfloor {p['size']}/2 \\rfloor = {n2}$"
        )
    lines.append(answer_line(_dense_answer(p), SHAPE, lang))
    return "\n\n".join(lines)


_DENSE_MISCONCEPTIONS = (
    Misconception(
        "concatenation_ignored",
        Text(
            "A dense block concatenates: the channels grow by $g$ per layer.",
            "稠密块是拼接：每层通道数增加 $g$。",
        ),
        lambda p: _dense_answer(p, concat=False),
    ),
    Misconception(
        "transition_ignored",
        Text(
            "The transition block halves both the channels and the spatial size.",
            "过渡层把通道数和空间尺寸都减半。",
        ),
        lambda p: _dense_answer(p, transition=False) if p["transition"] else None,
    ),
    Misconception(
        "growth_counted_once",
        Text(
            "Every layer adds $g$ channels, not just the block.",
            "每一层都增加 $g$ 个通道，而不是整个块只加一次。",
        ),
        lambda p: _dense_answer({**p, "num_convs": 1}),
    ),
)

EXERCISES = (
    Exercise(
        id="inception_shapes",
        topic="architecture",
        title=Text("Output of an Inception module", "Inception 模块的输出形状"),
        generate=_gen_inception,
        prompt=_inception_prompt,
        answer=_inception_answer,
        solution=_inception_solution,
        spec=SHAPE,
        misconceptions=_INCEPTION_MISCONCEPTIONS,
    ),
    Exercise(
        id="densenet_growth",
        topic="architecture",
        title=Text("DenseNet channel growth", "DenseNet 的通道增长"),
        generate=_gen_dense,
        prompt=_dense_prompt,
        answer=_dense_answer,
        solution=_dense_solution,
        spec=SHAPE,
        misconceptions=_DENSE_MISCONCEPTIONS,
    ),
)
