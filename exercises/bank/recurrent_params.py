"""Parameter counts of LSTM and GRU layers (one or two stacked layers; torch's or the slides' biases).

``G H (I + H + b)`` per layer with ``G`` = 4 gates (LSTM) or 3 (GRU), ``b`` = 2 bias vectors in torch
(``b_ih`` and ``b_hh``) or 1 in the d2l slides; a second stacked layer reads ``H`` inputs. Every value
comes from ``reference.analysis.counts``; the classic slip is counting an LSTM with 3 gates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank._sums import Term, sum_exercise
from cnngrade.exercises.core import Lang, Text
from cnngrade.reference.analysis.counts import gru_params, linear_params, lstm_params, rnn_params

_INPUTS = (1, 2, 8, 10, 16, 28, 32, 64, 100, 128, 256)
_HIDDEN = (2, 4, 8, 16, 20, 32, 64, 100, 128, 256, 512)
_CELLS = {"lstm": (lstm_params, 4, "LSTM"), "gru": (gru_params, 3, "GRU")}
_ARTICLE = {"lstm": "an", "gru": "a"}


def _pick(rng: np.random.Generator, options: tuple[int, ...]) -> int:
    return int(options[int(rng.integers(len(options)))])


def _generate(cell: str):
    def generate(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
        """1: one layer, torch's biases; 2: either bias convention; 3: two stacked layers."""
        convention = "torch" if difficulty == 1 else str(rng.choice(["torch", "d2l"]))
        return dict(
            cell=cell,
            input_size=_pick(rng, _INPUTS),
            hidden_size=_pick(rng, _HIDDEN),
            num_layers=2 if difficulty == 3 else 1,
            convention=convention,
        )

    return generate


def _layer_terms(
    p: dict[str, Any], layer: int, count, gates: int, bias: bool, recurrent: bool
) -> list[Term]:
    """The weights and the biases of one layer as two terms."""
    I = p["input_size"] if layer == 0 else p["hidden_size"]  # noqa: E741 - I, H as in the formula
    H, convention = p["hidden_size"], p["convention"]
    with_bias = count(I, H, bias=True, convention=convention)
    if recurrent:
        weights = count(I, H, bias=False)
        formula = f"{gates} \\times {H} \\times ({I} + {H})"
    else:
        weights = linear_params(I, gates * H, bias=False)
        formula = f"{gates} \\times {H} \\times {I}"
    label = Text(f"layer {layer + 1} weights", f"第 {layer + 1} 层权重")
    terms = [Term(label, formula, weights)]
    if bias:
        vectors = 2 if convention == "torch" else 1
        label = Text(f"layer {layer + 1} biases", f"第 {layer + 1} 层偏置")
        terms.append(
            Term(
                label, f"{vectors} \\times {gates} \\times {H}", with_bias - count(I, H, bias=False)
            )
        )
    return terms


def _terms(
    p: dict[str, Any],
    gates: int | None = None,
    bias: bool = True,
    recurrent: bool = True,
    same_input: bool = False,
    other_convention: bool = False,
) -> list[Term] | None:
    """All layers' terms; the switches build the wrong counts (None when a switch changes nothing)."""
    count, true_gates, _ = _CELLS[p["cell"]]
    if other_convention:
        p = {**p, "convention": "d2l" if p["convention"] == "torch" else "torch"}
    if same_input and p["num_layers"] == 1 or same_input and p["input_size"] == p["hidden_size"]:
        return None
    by_gates = {4: lstm_params, 3: gru_params, 1: rnn_params}
    chosen = by_gates[gates] if gates else count
    terms: list[Term] = []
    for layer in range(p["num_layers"]):
        terms += _layer_terms(
            p, 0 if same_input else layer, chosen, gates or true_gates, bias, recurrent
        )
    return terms


_ASK = {
    "torch": Text(
        "How many learnable parameters does `torch.nn.{name}(input_size={I}, hidden_size={H}, num_layers={L})` "
        "have? (torch keeps two bias vectors per gate, $b_{{ih}}$ and $b_{{hh}}$.)",
        "`torch.nn.{name}(input_size={I}, hidden_size={H}, num_layers={L})` 有多少个可学习参数？"
        "（torch 每个门有两个偏置向量 $b_{{ih}}$ 和 $b_{{hh}}$。）",
    ),
    "d2l": Text(
        "How many learnable parameters does {L} stacked {name} layer(s) with input size {I} and hidden size {H} "
        "have, written as in the course slides (each gate has $W_x$, $W_h$ and one bias $b$)?",
        "按课程幻灯片的写法（每个门有 $W_x$、$W_h$ 和一个偏置 $b$），输入维度 {I}、隐藏单元 {H} 的 {L} 层 {name} "
        "共有多少个可学习参数？",
    ),
}


def _ask(p: dict[str, Any], lang: Lang) -> str:
    name = _CELLS[p["cell"]][2]
    return _ASK[p["convention"]](lang).format(
        name=name, I=p["input_size"], H=p["hidden_size"], L=p["num_layers"]
    )


def _intro(p: dict[str, Any]) -> Text:
    gates = _CELLS[p["cell"]][1]
    return Text(
        f"Each of the {gates} gates has an input matrix ($H \\times I$), a recurrent matrix ($H \\times H$) and "
        "its biases; a stacked layer reads the $H$ outputs of the layer below:",
        f"{gates} 个门各有一个输入矩阵（$H \\times I$）、一个循环矩阵（$H \\times H$）和偏置；"
        "堆叠的上一层以下一层的 $H$ 个输出为输入：",
    )


_COMMON = [
    (
        "bias_convention",
        Text(
            "Check the bias convention: torch has two bias vectors per gate (b_ih and b_hh), the slides one.",
            "注意偏置的约定：torch 每个门有两个偏置向量（b_ih 和 b_hh），幻灯片只有一个。",
        ),
        {"other_convention": True},
    ),
    ("bias_forgotten", Text("Each gate also has biases.", "每个门还有偏置。"), {"bias": False}),
    (
        "recurrent_weights_forgotten",
        Text(
            "Each gate also has a recurrent matrix W_h of H × H.",
            "每个门还有一个 H × H 的循环矩阵 W_h。",
        ),
        {"recurrent": False},
    ),
    (
        "layers_share_input_size",
        Text(
            "A stacked layer's input is the hidden state of the layer below (size H), not the input x.",
            "堆叠层的输入是下一层的隐状态（大小为 H），而不是输入 x。",
        ),
        {"same_input": True},
    ),
]


def _exercise(cell: str, wrong_gates: int, note: str, feedback: Text):
    name = _CELLS[cell][2]
    return sum_exercise(
        f"{cell}_cell_params",
        "parameters",
        Text(f"Parameters of {_ARTICLE[cell]} {name} layer", f"{name} 层的参数量"),
        _generate(cell),
        _ask,
        _intro,
        _terms,
        [
            (note, feedback, {"gates": wrong_gates}),
            (
                "counted_as_rnn",
                Text(
                    f"{_ARTICLE[cell].capitalize()} {name} has one weight set per gate, not a single one as a plain RNN.",
                    f"{name} 的每个门各有一组权重，而不是像普通 RNN 那样只有一组。",
                ),
                {"gates": 1},
            ),
            *_COMMON,
        ],
    )


EXERCISES = (
    _exercise(
        "lstm",
        3,
        "three_gates",
        Text(
            "An LSTM has 4 weight sets: input, forget and output gates plus the candidate memory.",
            "LSTM 有 4 组权重：输入门、遗忘门、输出门，以及候选记忆元。",
        ),
    ),
    _exercise(
        "gru",
        4,
        "four_gates",
        Text(
            "A GRU has 3 weight sets (reset gate, update gate, candidate), not the LSTM's 4.",
            "GRU 有 3 组权重（重置门、更新门、候选隐状态），不是 LSTM 的 4 组。",
        ),
    ),
)
