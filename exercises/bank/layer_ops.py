"""Small layer operations from seed 002: max-pooling backward ("switches"), channel shuffle, dropout.

Answers come from ``reference.pooling_backward``, ``reference.separable.channel_shuffle`` and
``reference.layers.dropout``. Input values of the pooling exercise are distinct, so every window has
exactly one maximum; upstream gradients are multiples of 4 so the "spread evenly" wrong rule stays
an integer matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.bank._shapes import pick
from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import as_int_matrix, display_matrix, markdown_table
from cnngrade.exercises.render import answer_line
from cnngrade.reference.layers import dropout
from cnngrade.reference.pooling_backward import avg_pool2d_backward, max_pool2d_backward
from cnngrade.reference.separable import channel_shuffle

INT_MATRIX = AnswerSpec(kind="int_matrix", partial="per_element")
INTEGER = AnswerSpec(kind="integer")
NUMBER = AnswerSpec(kind="number", rtol=1e-3, atol=1e-6)

# ---------------------------------------------------------------- max pooling backward


def _gen_backward(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    stride = 1 if difficulty == 3 else 2
    out = 2 if difficulty < 3 else int(rng.integers(2, 4))
    size = (out - 1) * stride + 2
    X = rng.permutation(size * size * 2)[: size * size].reshape(size, size)
    dY = 4 * rng.integers(1, 6, size=(out, out))
    return {"X": X.tolist(), "dY": dY.tolist(), "stride": stride}


def _tensors(p: Params) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.tensor(p["X"], dtype=torch.float64)[None, None]
    return X, torch.tensor(p["dY"], dtype=torch.float64)[None, None]


def _backward_answer(p: Params) -> list[list[int]]:
    X, dY = _tensors(p)
    return as_int_matrix(max_pool2d_backward(dY, X, 2, p["stride"])[0, 0])


def _spread(p: Params, scale: int) -> list[list[int]]:
    X, dY = _tensors(p)
    return as_int_matrix(scale * avg_pool2d_backward(dY, X, 2, p["stride"])[0, 0])


def _corner_rule(p: Params) -> list[list[int]]:
    """Every gradient routed to the top-left cell of its window."""
    size, s = len(p["X"]), p["stride"]
    grad = np.zeros((size, size), dtype=np.int64)
    for i, row in enumerate(p["dY"]):
        for j, g in enumerate(row):
            grad[i * s, j * s] += g
    return grad.tolist()


def _backward_prompt(p: Params, lang: Lang) -> str:
    s = p["stride"]
    return Text(
        f"2×2 max pooling with stride {s} maps $X$ to $Y$. Given the upstream gradient $\\partial L / \\partial Y$, "
        f"compute $\\partial L / \\partial X$.\n\n$X$:\n\n{markdown_table(p['X'])}\n\n$\\partial L / \\partial Y$:\n\n"
        f"{markdown_table(p['dY'])}",
        f"步幅为 {s} 的 2×2 最大池化把 $X$ 变为 $Y$。已知上游梯度 $\\partial L / \\partial Y$，求 $\\partial L / \\partial X$。"
        f"\n\n$X$：\n\n{markdown_table(p['X'])}\n\n$\\partial L / \\partial Y$：\n\n{markdown_table(p['dY'])}",
    )(lang)


def _backward_solution(p: Params, lang: Lang) -> str:
    X, s = np.array(p["X"]), p["stride"]
    lines = [
        Text(
            "Each window sends its gradient only to the position of its maximum (the switch); overlapping windows add up:",
            "每个窗口只把梯度传给其最大值所在位置（开关）；重叠窗口的梯度相加：",
        )(lang),
        "",
    ]
    for i, row in enumerate(p["dY"]):
        for j, g in enumerate(row):
            window = X[i * s : i * s + 2, j * s : j * s + 2]
            r, c = np.unravel_index(int(window.argmax()), window.shape)
            lines.append(
                f"- $Y_{{{i},{j}}} = {window.max()}$ → $X_{{{i * s + r},{j * s + c}}}$ += {g}"
            )
    answer = _backward_answer(p)
    return (
        "\n".join(lines)
        + "\n\n"
        + display_matrix("\\partial L / \\partial X", answer)
        + "\n\n"
        + answer_line(answer, INT_MATRIX, lang)
    )


_BACKWARD_MISCONCEPTIONS = (
    Misconception(
        "spread_evenly",
        Text(
            "That is average pooling's backward pass; max pooling routes the gradient to the maximum only.",
            "这是平均池化的反向传播；最大池化只把梯度传给最大值。",
        ),
        lambda p: _spread(p, 1),
    ),
    Misconception(
        "copied_to_window",
        Text(
            "Only the maximum received the value in the forward pass, so only it gets the gradient.",
            "前向时只有最大值被选中，所以只有它得到梯度。",
        ),
        lambda p: _spread(p, 4),
    ),
    Misconception(
        "routed_to_corner",
        Text(
            "Route each gradient to the position of the window's maximum, not to a fixed corner.",
            "梯度要传给窗口最大值所在的位置，而不是固定的角。",
        ),
        _corner_rule,
    ),
)

# ---------------------------------------------------------------- channel shuffle


def _gen_shuffle(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    groups = pick(rng, (2, 3) if difficulty == 1 else (2, 3, 4))
    per_group = pick(rng, (2, 3) if difficulty == 1 else (2, 3, 4, 5, 6))
    return {
        "groups": groups,
        "per_group": per_group,
        "position": int(rng.integers(groups * per_group)),
    }


def _order(p: Params) -> list[int]:
    channels = p["groups"] * p["per_group"]
    x = torch.arange(channels, dtype=torch.float64).reshape(1, channels, 1, 1)
    return [int(v) for v in channel_shuffle(x, p["groups"]).flatten().tolist()]


def _shuffle_answer(p: Params) -> int:
    return _order(p)[p["position"]]


def _shuffle_prompt(p: Params, lang: Lang) -> str:
    g, c, j = p["groups"], p["per_group"], p["position"]
    return Text(
        f"A ShuffleNet channel shuffle with $g = {g}$ groups acts on {g * c} channels numbered 0 to {g * c - 1} (group $k$ holds "
        f"channels ${c}k$ to ${c}k + {c - 1}$). Which input channel ends up at output position {j} (counting from 0)?",
        f"ShuffleNet 的通道重排（$g = {g}$ 组）作用于编号 0 到 {g * c - 1} 的 {g * c} 个通道（第 $k$ 组为通道 ${c}k$ 到 "
        f"${c}k + {c - 1}$）。输出的第 {j} 个位置（从 0 开始）上是哪个输入通道？",
    )(lang)


def _shuffle_solution(p: Params, lang: Lang) -> str:
    g, c = p["groups"], p["per_group"]
    order = ", ".join(map(str, _order(p)))
    return "\n\n".join(
        [
            Text(
                f"Reshape to ({g}, {c}), transpose to ({c}, {g}), flatten: the output takes one channel from each group in turn.",
                f"先变形为 ({g}, {c})，转置为 ({c}, {g})，再展平：输出依次从每组各取一个通道。",
            )(lang),
            Text(f"Output order: {order}.", f"输出顺序：{order}。")(lang),
            answer_line(_shuffle_answer(p), INTEGER, lang),
        ]
    )


_SHUFFLE_MISCONCEPTIONS = (
    Misconception(
        "inverse_permutation",
        Text(
            "You gave where channel j goes; the question asks which channel arrives at position j.",
            "你给出的是通道 j 去往的位置；题目问的是到达位置 j 的通道。",
        ),
        lambda p: _order(p).index(p["position"]),
    ),
    Misconception(
        "no_shuffle",
        Text(
            "The shuffle interleaves the groups; channels do not stay in place.",
            "通道重排会交错各组，通道不会留在原位。",
        ),
        lambda p: p["position"],
    ),
)

# ---------------------------------------------------------------- inverted dropout


def _gen_dropout(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    return {
        "p": float(pick(rng, (10, 20, 25, 50, 75)) / 100),
        "x": int(rng.integers(1, 13)),
        "training": difficulty < 3 or bool(rng.integers(2)),
    }


def _dropout_answer(p: Params) -> float:
    x = torch.full((64,), float(p["x"]), dtype=torch.float64)
    out = dropout(x, p["p"], training=p["training"], rng=np.random.default_rng(0))
    return float(out.max())  # a kept element (64 cells: some survive for any p <= 0.75)


def _dropout_prompt(p: Params, lang: Lang) -> str:
    mode = Text("At test time (eval mode)", "测试时（eval 模式）")
    if p["training"]:
        mode = Text(
            "During training, for a unit that is kept (not dropped)",
            "训练时，对一个被保留（未被丢弃）的单元",
        )
    return Text(
        f"An inverted-dropout layer (as in PyTorch) has drop probability $p = {p['p']}$. {mode.en}, what does "
        f"the activation $x = {p['x']}$ become?",
        f"一个反向缩放的 dropout 层（与 PyTorch 相同）丢弃概率为 $p = {p['p']}$。{mode.zh}，激活值 $x = {p['x']}$ 变为多少？",
    )(lang)


def _dropout_solution(p: Params, lang: Lang) -> str:
    value = _dropout_answer(p)
    if p["training"]:
        step = f"$$\\frac{{x}}{{1 - p}} = \\frac{{{p['x']}}}{{1 - {p['p']}}} = {value:.6g}$$"
        intro = Text(
            "Kept values are scaled by $1/(1 - p)$ so the expectation stays $x$:",
            "保留的值乘以 $1/(1 - p)$，使期望仍为 $x$：",
        )
    else:
        step = f"$$x = {p['x']}$$"
        intro = Text(
            "At test time dropout is the identity (the scaling already happened in training):",
            "测试时 dropout 是恒等映射（缩放已在训练时完成）：",
        )
    return "\n\n".join([intro(lang), step, answer_line(value, NUMBER, lang)])


_DROPOUT_MISCONCEPTIONS = (
    Misconception(
        "times_keep_probability",
        Text(
            "Inverted dropout divides by $1 - p$ in training; it does not multiply.",
            "反向缩放 dropout 在训练时除以 $1 - p$，而不是乘。",
        ),
        lambda p: p["x"] * (1 - p["p"]),
    ),
    Misconception(
        "divided_by_p",
        Text(
            "Divide by the keep probability $1 - p$, not by $p$.",
            "应除以保留概率 $1 - p$，而不是 $p$。",
        ),
        lambda p: p["x"] / p["p"] if p["training"] else None,
    ),
    Misconception(
        "no_scaling",
        Text(
            "Kept activations are scaled by $1/(1 - p)$ during training.",
            "训练时保留的激活值要乘以 $1/(1 - p)$。",
        ),
        lambda p: float(p["x"]) if p["training"] else None,
    ),
    Misconception(
        "scaled_at_test_time",
        Text("At test time inverted dropout does nothing.", "测试时反向缩放 dropout 不做任何事。"),
        lambda p: None if p["training"] else p["x"] / (1 - p["p"]),
    ),
)

EXERCISES = (
    Exercise(
        id="max_pool_backward_hand",
        topic="pooling backward",
        title=Text("Max pooling backward by hand", "手算最大池化的反向传播"),
        generate=_gen_backward,
        prompt=_backward_prompt,
        answer=_backward_answer,
        solution=_backward_solution,
        spec=INT_MATRIX,
        misconceptions=_BACKWARD_MISCONCEPTIONS,
    ),
    Exercise(
        id="channel_shuffle_position",
        topic="channel shuffle",
        title=Text("Channel shuffle", "通道重排"),
        generate=_gen_shuffle,
        prompt=_shuffle_prompt,
        answer=_shuffle_answer,
        solution=_shuffle_solution,
        spec=INTEGER,
        misconceptions=_SHUFFLE_MISCONCEPTIONS,
    ),
    Exercise(
        id="dropout_scale",
        topic="dropout",
        title=Text("Inverted dropout", "反向缩放的 dropout"),
        generate=_gen_dropout,
        prompt=_dropout_prompt,
        answer=_dropout_answer,
        solution=_dropout_solution,
        spec=NUMBER,
        misconceptions=_DROPOUT_MISCONCEPTIONS,
    ),
)
