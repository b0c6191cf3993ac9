"""Shape tables of classic networks (LeNet, AlexNet, a VGG block) and neuron counts.

A network is a table of layers (plain JSON data); the student is asked for the output shape
``(C, H, W)`` of one row. Shapes are propagated with ``reference.analysis.sizes``; the tests run the
real ``reference.models`` networks and compare every row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import maybe, pick
from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line, shape_text
from cnngrade.reference.analysis.counts import neurons
from cnngrade.reference.analysis.sizes import conv_output_size, pool_output_size

SHAPE = AnswerSpec(kind="shape", partial="per_dimension")
COUNT = AnswerSpec(kind="integer", units=True)
Rule = Callable[[int, int, int, int], int]


def conv(name: str, c_out: int, k: int, s: int = 1, p: int = 0) -> dict[str, Any]:
    return {"name": name, "kind": "conv", "c_out": c_out, "k": k, "s": s, "p": p}


def pool(name: str, k: int, s: int, kind: str = "max") -> dict[str, Any]:
    return {"name": name, "kind": f"{kind}_pool", "k": k, "s": s, "p": 0}


def propagate(
    shape: list[int],
    layers: list[dict[str, Any]],
    conv_rule: Rule = conv_output_size,
    pool_rule: Rule = pool_output_size,
) -> list[list[int]]:
    """The ``(C, H, W)`` after each layer.

    >>> propagate([3, 227, 227], [conv("C1", 96, 11, 4), pool("P1", 3, 2)])
    [[96, 55, 55], [96, 27, 27]]
    """
    shapes = []
    for layer in layers:
        rule = conv_rule if layer["kind"] == "conv" else pool_rule
        c = layer["c_out"] if layer["kind"] == "conv" else shape[0]
        shape = [c] + [rule(n, layer["k"], layer["s"], layer["p"]) for n in shape[1:]]
        shapes.append(shape)
    return shapes


# ---------------------------------------------------------------- the networks


def _lenet(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    padded = difficulty == 1 or bool(rng.integers(2))  # d2l: 28x28 with padding 2; 1998: 32x32
    c1, c2 = (6, 16) if difficulty < 3 else (pick(rng, (4, 6, 8)), pick(rng, (12, 16, 20)))
    layers = [
        conv("C1", c1, 5, 1, 2 if padded else 0),
        pool("S2", 2, 2, "avg"),
        conv("C3", c2, 5),
        pool("S4", 2, 2, "avg"),
    ]
    return {
        "net": "LeNet-5",
        "input": [1, 28 if padded else 32, 28 if padded else 32],
        "layers": layers,
        "ask": int(rng.integers(len(layers))),
    }


def _alexnet(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    size = 227 if difficulty == 1 else 227 + 32 * int(rng.integers(0, 4))
    layers = [
        conv("conv1", 96, 11, 4),
        pool("pool1", 3, 2),
        conv("conv2", 256, 5, 1, 2),
        pool("pool2", 3, 2),
        conv("conv3", 384, 3, 1, 1),
        conv("conv4", 384, 3, 1, 1),
        conv("conv5", 256, 3, 1, 1),
        pool("pool5", 3, 2),
    ]
    return {
        "net": "AlexNet",
        "input": [3, size, size],
        "layers": layers,
        "ask": int(rng.integers(len(layers))),
    }


def _vgg_block(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    convs = pick(rng, (1, 2) if difficulty == 1 else (2, 3, 4))
    c_in, c_out = pick(rng, (3, 64, 128, 256)), pick(rng, (64, 128, 256, 512))
    size = pick(rng, (224, 112, 56, 28, 14)) if difficulty < 3 else int(rng.integers(7, 100))
    layers = [conv(f"conv{i + 1}", c_out, 3, 1, 1) for i in range(convs)] + [pool("pool", 2, 2)]
    return {
        "net": "VGG block",
        "input": [c_in, size, size],
        "layers": layers,
        "ask": len(layers) - 1,
    }


def _table(params: Params, lang: Lang) -> str:
    head = Text(
        "| layer | type | kernel | stride | padding | output channels |",
        "| 层 | 类型 | 核 | 步幅 | 填充 | 输出通道 |",
    )(lang)
    rows = [head, "|---|---|---|---|---|---|"]
    kinds = {
        "conv": Text("conv", "卷积"),
        "max_pool": Text("max pool", "最大池化"),
        "avg_pool": Text("avg pool", "平均池化"),
    }
    for L in params["layers"][: params["ask"] + 1]:
        channels = str(L["c_out"]) if L["kind"] == "conv" else "="
        rows.append(
            f"| {L['name']} | {kinds[L['kind']](lang)} | {L['k']}×{L['k']} | {L['s']} | {L['p']} | {channels} |"
        )
    return "\n".join(rows)


ASK = Text(
    "A network ({net}) receives an input of shape $(C, H, W) = {shape}$; its layers, in order:\n\n{table}\n\nWhat is the output shape $(C, H, W)$ of layer **{name}**?",
    "一个网络（{net}）的输入形状为 $(C, H, W) = {shape}$，各层依次为：\n\n{table}\n\n层 **{name}** 的输出形状 $(C, H, W)$ 是多少？",
)


def _prompt(params: Params, lang: Lang) -> str:
    name = params["layers"][params["ask"]]["name"]
    return ASK.format(
        net=params["net"], shape=shape_text(params["input"]), table=_table(params, lang), name=name
    )(lang)


def _answer(params: Params) -> list[int]:
    return propagate(params["input"], params["layers"])[params["ask"]]


def _solution(params: Params, lang: Lang) -> str:
    rule = Text(
        "Each row: $\\lfloor (n + 2p - k)/s \\rfloor + 1$; convolutions set the channels, pooling keeps them.",
        "逐行计算：$\\lfloor (n + 2p - k)/s \\rfloor + 1$；卷积决定通道数，池化保持通道数。",
    )
    lines, shape = [rule(lang), ""], params["input"]
    for L, out in zip(
        params["layers"][: params["ask"] + 1],
        propagate(params["input"], params["layers"]),
        strict=False,
    ):
        n = shape[1]
        lines.append(
            f"- {L['name']}: $\\lfloor ({n} + 2 \\cdot {L['p']} - {L['k']})/{L['s']} \\rfloor + 1 = {out[1]}$ → {shape_text(out)}"
        )
        shape = out
    return "\n".join(lines) + "\n\n" + answer_line(_answer(params), SHAPE, lang)


def _wrong_rule(conv_rule: Rule, pool_rule: Rule) -> Callable[[Params], Any]:
    def rule(params: Params) -> Any:
        shapes = propagate(params["input"], params["layers"], conv_rule, pool_rule)
        return shapes[params["ask"]] if min(shapes[params["ask"]]) >= 1 else None

    return maybe(rule)


_TABLE_MISCONCEPTIONS = (
    Misconception(
        "no_plus_one",
        Text(
            "Every size needs the +1 of $\\lfloor (n + 2p - k)/s \\rfloor + 1$.",
            "每个尺寸都要加上 $\\lfloor (n + 2p - k)/s \\rfloor + 1$ 中的 +1。",
        ),
        _wrong_rule(
            lambda n, k, s, p: conv_output_size(n, k, s, p) - 1,
            lambda n, k, s, p: pool_output_size(n, k, s, p) - 1,
        ),
    ),
    Misconception(
        "padding_ignored",
        Text(
            "Padded convolutions keep more of the size: include $2p$.",
            "有填充的卷积保留更多尺寸：要计入 $2p$。",
        ),
        _wrong_rule(lambda n, k, s, p: conv_output_size(n, k, s, 0), pool_output_size),
    ),
    Misconception(
        "stride_ignored",
        Text("Strided layers divide the size by their stride.", "带步幅的层会把尺寸除以步幅。"),
        _wrong_rule(
            lambda n, k, s, p: conv_output_size(n, k, 1, p),
            lambda n, k, s, p: pool_output_size(n, k, 1, p),
        ),
    ),
    Misconception(
        "previous_row",
        Text(
            "That is the input of the asked layer; apply the layer itself too.",
            "这是该层的输入；还要再经过这一层。",
        ),
        lambda params: ([params["input"]] + propagate(params["input"], params["layers"]))[
            params["ask"]
        ],
    ),
)

# ---------------------------------------------------------------- neurons


def _gen_neurons(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    if difficulty == 1:  # seed 001: AlexNet C1 is 55 x 55 x 96 = 290,400 neurons
        return {"input": [3, 227, 227], "layer": conv("C1", 96, 11, 4)}
    k = pick(rng, (3, 5, 7))
    s = pick(rng, (1, 2))
    out = int(rng.integers(5, 57))
    size = (out - 1) * s + k
    return {
        "input": [pick(rng, (1, 3, 16, 64)), size, size],
        "layer": conv("conv", pick(rng, (6, 16, 32, 64, 96, 128)), k, s),
    }


def _neurons_answer(params: Params) -> int:
    return neurons(propagate(params["input"], [params["layer"]])[0])


def _neurons_prompt(params: Params, lang: Lang) -> str:
    L, shape = params["layer"], shape_text(params["input"])
    return Text(
        f"A convolution layer with {L['c_out']} kernels of {L['k']}×{L['k']}, stride {L['s']}, no padding, is applied to an input of shape $(C, H, W) = {shape}$. How many neurons (activations) does its output have?",
        f"一个卷积层有 {L['c_out']} 个 {L['k']}×{L['k']} 的卷积核，步幅 {L['s']}，无填充，作用于形状为 $(C, H, W) = {shape}$ 的输入。其输出有多少个神经元（激活值）？",
    )(lang)


def _neurons_solution(params: Params, lang: Lang) -> str:
    c, h, w = propagate(params["input"], [params["layer"]])[0]
    L, n = params["layer"], params["input"][1]
    total = _neurons_answer(params)
    return (
        f"$$H_{{out}} = \\lfloor ({n} - {L['k']})/{L['s']} \\rfloor + 1 = {h}$$\n\n"
        f"$${c} \\times {h} \\times {w} = {total:,}$$".replace(",", "{,}")
        + "\n\n"
        + answer_line(total, COUNT, lang)
    )


_NEURON_MISCONCEPTIONS = (
    Misconception(
        "channels_forgotten",
        Text(
            "Every channel has its own map: multiply by $C_{out}$.",
            "每个通道都有自己的特征图：要乘以 $C_{out}$。",
        ),
        lambda p: neurons(propagate(p["input"], [p["layer"]])[0][1:]),
    ),
    Misconception(
        "input_counted",
        Text("Count the output map, not the input.", "要数输出特征图，而不是输入。"),
        lambda p: neurons(p["input"]),
    ),
    Misconception(
        "no_plus_one",
        Text("The output size needs the +1.", "输出尺寸要加 1。"),
        lambda p: neurons(
            [p["layer"]["c_out"]]
            + [conv_output_size(n, p["layer"]["k"], p["layer"]["s"]) - 1 for n in p["input"][1:]]
        ),
    ),
)


def table_exercise(id_: str, title: Text, generate: Any, topic: str = "architecture") -> Exercise:
    """A shape-table exercise: ``generate`` returns ``{net, input, layers, ask}``."""
    return Exercise(
        id=id_,
        topic=topic,
        title=title,
        generate=generate,
        prompt=_prompt,
        answer=_answer,
        solution=_solution,
        spec=SHAPE,
        misconceptions=_TABLE_MISCONCEPTIONS,
    )


EXERCISES = (
    table_exercise("lenet_shapes", Text("LeNet-5 shape table", "LeNet-5 各层形状"), _lenet),
    table_exercise("alexnet_shapes", Text("AlexNet shape table", "AlexNet 各层形状"), _alexnet),
    table_exercise(
        "vgg_block_shapes", Text("Output of a VGG block", "VGG 块的输出形状"), _vgg_block
    ),
    Exercise(
        id="neuron_count",
        topic="architecture",
        title=Text("Neurons of a feature map", "特征图的神经元数"),
        generate=_gen_neurons,
        prompt=_neurons_prompt,
        answer=_neurons_answer,
        solution=_neurons_solution,
        spec=COUNT,
        misconceptions=_NEURON_MISCONCEPTIONS,
    ),
)
