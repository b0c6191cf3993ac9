"""Receptive fields of stacks: plain convolutions, dilated convolutions (seed 000: 3, 7, 15), pooling.

The answer is ``reference.analysis.receptive.receptive_field`` of the stack; the worked solution
walks the recurrence ``r_l = r_{l-1} + (k_eff - 1) j_{l-1}``, ``j_l = j_{l-1} s`` layer by layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line
from cnngrade.reference.analysis.receptive import LayerSpec, receptive_field
from cnngrade.reference.analysis.sizes import effective_kernel_size

INTEGER = AnswerSpec(kind="integer", side=True)  # a side length: 5x5 reads as 5
_NAMES = {"conv": Text("conv", "卷积"), "pool": Text("max pool", "最大池化")}


def _layer(kind: str, k: int, s: int = 1, d: int = 1) -> dict[str, Any]:
    return {"kind": kind, "k": k, "s": s, "d": d}


def _specs(layers: list[dict[str, Any]]) -> list[LayerSpec]:
    return [LayerSpec(L["kind"], L["k"], stride=L["s"], dilation=L["d"]) for L in layers]


def _answer(params: Params) -> int:
    return receptive_field(_specs(params["layers"]))[-1].receptive_field


# ---------------------------------------------------------------- generators


def _gen_stack(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    count = int(rng.integers(2, 4 if difficulty == 1 else 6))
    if difficulty == 1:
        return {"layers": [_layer("conv", 3)] * count}
    kernels, strides = (1, 3, 5, 7), (1, 1, 2) if difficulty == 2 else (1, 2, 2, 3)
    return {
        "layers": [_layer("conv", pick(rng, kernels), pick(rng, strides)) for _ in range(count)]
    }


def _gen_dilated(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:  # seed 000: rates 1, 2, 4 give receptive fields 3, 7, 15
        rates = [1, 2, 4][: int(rng.integers(2, 4))]
    else:
        rates = [pick(rng, (1, 2, 3, 4, 8)) for _ in range(int(rng.integers(2, 5)))]
    k = 3 if difficulty < 3 else pick(rng, (3, 5))
    return {"layers": [_layer("conv", k, 1, d) for d in rates]}


def _gen_pooling(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    blocks = int(rng.integers(2, 4))
    layers = []
    for _ in range(blocks):
        convs = 1 if difficulty == 1 else int(rng.integers(1, 3))
        layers += [_layer("conv", pick(rng, (3, 5)) if difficulty > 1 else 3) for _ in range(convs)]
        window = 2 if difficulty < 3 else pick(rng, (2, 3))
        layers.append(_layer("pool", window, 2))
    return {"layers": layers}


# ---------------------------------------------------------------- text


def _describe(layer: dict[str, Any], lang: Lang) -> str:
    k, s, d = layer["k"], layer["s"], layer["d"]
    text = f"{_NAMES[layer['kind']](lang)} {k}×{k}"
    extra = [f"stride {s}" if lang == "en" else f"步幅 {s}"] if s != 1 else []
    extra += [f"dilation {d}" if lang == "en" else f"空洞率 {d}"] if d != 1 else []
    sep = ", " if lang == "en" else "，"
    return text + (
        f" ({sep.join(extra)})"
        if lang == "en" and extra
        else f"（{sep.join(extra)}）"
        if extra
        else ""
    )


_ASK = Text(
    "A stack of layers, applied in this order: {layers}. No layer has padding. What is the receptive field (in "
    "input pixels, along one side) of one unit of the last layer?",
    "按顺序堆叠以下各层：{layers}。各层均无填充。最后一层一个单元的感受野（沿一边，以输入像素计）是多少？",
)


def _prompt(params: Params, lang: Lang) -> str:
    sep = " → "
    return _ASK.format(layers=sep.join(_describe(L, lang) for L in params["layers"]))(lang)


_RULE = Text(
    "Start from $r_0 = 1$, $j_0 = 1$; each layer adds $(k_{eff} - 1) j$ with $k_{eff} = d(k - 1) + 1$ and multiplies the jump by its stride:",
    "从 $r_0 = 1$、$j_0 = 1$ 开始；每层加上 $(k_{eff} - 1) j$（其中 $k_{eff} = d(k - 1) + 1$），并把跳跃乘以步幅：",
)


def _solution(params: Params, lang: Lang) -> str:
    lines, r, j = [_RULE(lang), ""], 1, 1
    infos = receptive_field(_specs(params["layers"]))
    for i, (layer, info) in enumerate(zip(params["layers"], infos, strict=True), 1):
        span = effective_kernel_size(layer["k"], layer["d"])
        lines.append(
            f"- {_describe(layer, lang)}: $r_{i} = {r} + ({span} - 1) \\cdot {j} = {info.receptive_field}$, "
            f"$j_{i} = {j} \\cdot {layer['s']} = {info.jump}$"
        )
        r, j = info.receptive_field, info.jump
    return "\n".join(lines) + "\n\n" + answer_line(_answer(params), INTEGER, lang)


# ---------------------------------------------------------------- wrong rules


def _with_layers(params: Params, layers: list[dict[str, Any]]) -> int | None:
    return receptive_field(_specs(layers))[-1].receptive_field if layers else None


def _kernels_added(params: Params) -> int:
    return sum(effective_kernel_size(L["k"], L["d"]) for L in params["layers"])


_MISCONCEPTIONS = (
    Misconception(
        "kernels_added",
        Text(
            "Stacked kernels overlap: add $k - 1$ per layer (times the jump), not $k$.",
            "堆叠的卷积核相互重叠：每层加 $k - 1$（乘以跳跃），而不是 $k$。",
        ),
        _kernels_added,
    ),
    Misconception(
        "jump_ignored",
        Text(
            "After a stride-$s$ layer, one step covers $s$ input pixels: multiply $(k - 1)$ by the jump.",
            "经过步幅为 $s$ 的层后，每一步跨越 $s$ 个输入像素：$(k - 1)$ 要乘以跳跃。",
        ),
        lambda params: _with_layers(params, [{**L, "s": 1} for L in params["layers"]]),
    ),
    Misconception(
        "dilation_ignored",
        Text(
            "A dilated kernel spans $d(k - 1) + 1$ pixels.",
            "空洞卷积核跨越 $d(k - 1) + 1$ 个像素。",
        ),
        lambda params: _with_layers(params, [{**L, "d": 1} for L in params["layers"]]),
    ),
    Misconception(
        "pooling_ignored",
        Text(
            "Pooling windows enlarge the receptive field too, and their stride multiplies the jump.",
            "池化窗口也会扩大感受野，其步幅也会乘进跳跃。",
        ),
        lambda params: _with_layers(params, [L for L in params["layers"] if L["kind"] != "pool"]),
    ),
    Misconception(
        "last_layer_only",
        Text(
            "The receptive field accumulates over all layers, not just the last kernel.",
            "感受野要累积所有层，而不只是最后一个卷积核。",
        ),
        lambda params: effective_kernel_size(params["layers"][-1]["k"], params["layers"][-1]["d"]),
    ),
)


def _exercise(id_: str, title: Text, generate: Any, notes: tuple[str, ...]) -> Exercise:
    return Exercise(
        id=id_,
        topic="receptive_field",
        title=title,
        generate=generate,
        prompt=_prompt,
        answer=_answer,
        solution=_solution,
        spec=INTEGER,
        misconceptions=tuple(m for m in _MISCONCEPTIONS if m.note in notes),
    )


EXERCISES = (
    _exercise(
        "receptive_field_stack",
        Text("Receptive field of a convolution stack", "卷积堆叠的感受野"),
        _gen_stack,
        ("kernels_added", "jump_ignored", "last_layer_only"),
    ),
    _exercise(
        "receptive_field_dilated",
        Text("Receptive field of dilated convolutions", "空洞卷积的感受野"),
        _gen_dilated,
        ("kernels_added", "dilation_ignored", "last_layer_only"),
    ),
    _exercise(
        "receptive_field_pooling",
        Text("Receptive field with pooling", "含池化层的感受野"),
        _gen_pooling,
        ("kernels_added", "jump_ignored", "pooling_ignored", "last_layer_only"),
    ),
)
