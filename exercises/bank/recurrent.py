"""One LSTM step with small numbers (an answer with a tolerance).

The answer is ``reference.recurrent.lstm_cell``; the gate arithmetic shown in worked solutions and the
wrong rules come from ``_gates``. Difficulty 3 shows the weights stacked in torch's layout (gate order
i, f, g, o), where reading them in the equations' order I, F, O, C̃ is a classic slip.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from cnngrade.exercises.bank import _gates as g
from cnngrade.exercises.core import Exercise, Lang, Params, Text
from cnngrade.exercises.formatting import as_matrix, display_matrix, fmt_factor, fmt_number
from cnngrade.exercises.render import answer_line


def lstm_answer(p: Params) -> list[list[float]]:
    """``[H, C]`` after one ``lstm_cell`` step (rows: the new hidden state, the new memory cell).

    With zero weights every gate is σ(0) = 0.5 and the candidate tanh(0) = 0:

    >>> zero = dict(w_ih=[[0.0]] * 4, w_hh=[[0.0]] * 4, b_ih=[0.0] * 4, b_hh=[0.0] * 4)
    >>> [[round(v, 4) for v in row] for row in lstm_answer(dict(zero, x=[1.0], h=[0.0], c=[1.0]))]
    [[0.2311], [0.5]]
    """
    from cnngrade.reference.recurrent import lstm_cell

    x, h, c, w_ih, w_hh, b_ih, b_hh = g.tensors(p, "x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh")
    H, C = lstm_cell(x[None], h[None], c[None], w_ih, w_hh, b_ih, b_hh)
    return as_matrix(torch.cat([H, C]))


def generate_lstm(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Per-gate weights at difficulties 1-2; stacked torch-layout weights (order i, f, g, o) at 3."""
    inputs, hidden = g.sizes(difficulty)
    p = g.draw(rng, 4, inputs, hidden)
    p["c"] = rng.choice(
        [-2.0, -1.5, 1.5, 2.0], size=hidden
    ).tolist()  # |C| > 1: tanh(C) is far from C
    p["layout"] = "stacked" if difficulty == 3 else "gates"
    if difficulty == 3:  # torch keeps a second bias vector; the stacked layout shows it
        p["b_hh"] = rng.choice(g.WEIGHTS, size=4 * hidden).tolist()
    return p


_LSTM_EQ = Text(
    "One step of an LSTM cell (`torch.nn.LSTMCell`, column vectors, σ the logistic sigmoid): "
    "$I = \\sigma(W_{xi} x + W_{hi} h + b_i)$, $F = \\sigma(W_{xf} x + W_{hf} h + b_f)$, "
    "$G = \\tanh(W_{xg} x + W_{hg} h + b_g)$ (the candidate memory $\\tilde C$), "
    "$O = \\sigma(W_{xo} x + W_{ho} h + b_o)$, $C = F \\odot C_{prev} + I \\odot G$, $H = O \\odot \\tanh(C)$.",
    "LSTM 单元的一步（`torch.nn.LSTMCell`，列向量，σ 为 sigmoid）："
    "$I = \\sigma(W_{xi} x + W_{hi} h + b_i)$，$F = \\sigma(W_{xf} x + W_{hf} h + b_f)$，"
    "$G = \\tanh(W_{xg} x + W_{hg} h + b_g)$（候选记忆元 $\\tilde C$），"
    "$O = \\sigma(W_{xo} x + W_{ho} h + b_o)$，$C = F \\odot C_{prev} + I \\odot G$，$H = O \\odot \\tanh(C)$。",
)


_STACKED = Text(
    "The weights are stacked as torch stores them: the rows of $W_{{ih}}$, $W_{{hh}}$, $b_{{ih}}$, $b_{{hh}}$ "
    "hold the gates in the order i, f, g, o ({h} row(s) each), and each gate's bias is $b_{{ih}} + b_{{hh}}$.",
    "权重按 torch 的方式堆叠：$W_{{ih}}$、$W_{{hh}}$、$b_{{ih}}$、$b_{{hh}}$ 的行依次是门 i、f、g、o"
    "（每个门 {h} 行），每个门的偏置为 $b_{{ih}} + b_{{hh}}$。",
)


_GIVE_LSTM = Text(
    "Give a 2 × {h} matrix, to 3 decimals: the new $H$ in the first row, the new $C$ in the second.",
    "请给出 2 × {h} 的矩阵（保留 3 位小数）：第一行为新的 $H$，第二行为新的 $C$。",
)


def _stacked_weights(p: Params) -> list[str]:
    column = lambda v: [[x] for x in v]  # noqa: E731 - a bias as a column
    return [
        display_matrix("W_{ih}", p["w_ih"]),
        display_matrix("W_{hh}", p["w_hh"]),
        display_matrix("b_{ih}", column(p["b_ih"])),
        display_matrix("b_{hh}", column(p["b_hh"])),
    ]


def prompt_lstm(p: Params, lang: Lang) -> str:
    hidden = len(p["h"])
    parts = [_LSTM_EQ(lang), g.state_line(p, lang)]
    if p["layout"] == "stacked":
        parts += [_STACKED(lang).format(h=hidden), *_stacked_weights(p)]
    else:
        parts += g.gate_weights(p, 4, "ifgo")
    parts.append(_GIVE_LSTM(lang).format(h=hidden))
    return "\n\n".join(parts)


def solution_lstm(p: Params, lang: Lang) -> str:
    """Worked solution: each gate as its sum of products, then C and H, unit by unit."""
    step, hidden = g.lstm_numpy(p), len(p["h"])
    lines = []
    for k, (name, label, fn) in enumerate(
        zip("ifgo", "IFGO", (r"\sigma", r"\sigma", r"\tanh", r"\sigma"), strict=True)
    ):
        for j, total in enumerate(g.gate_sums(p, 4, k)):
            pre, value = step["pre"][name][j], step[label][j]
            lines.append(
                f"- ${g.unit(label, j, hidden)} = {fn}({total}) = {fn}({fmt_number(pre)}) = {fmt_number(value)}$"
            )
    c = np.asarray(p["c"], dtype=float)
    for j in range(hidden):
        F, I, G, O, C = (step[key][j] for key in "FIGOC")  # noqa: E741 - the equations' names
        lines.append(
            f"- ${g.unit('C', j, hidden)} = F C_{{prev}} + I G = {fmt_number(F)} \\cdot {fmt_factor(c[j])} + "
            f"{fmt_number(I)} \\cdot {fmt_factor(G)} = {fmt_number(C)}$"
        )
        lines.append(
            f"- ${g.unit('H', j, hidden)} = O \\tanh(C) = {fmt_number(O)} \\cdot \\tanh({fmt_number(C)}) = "
            f"{fmt_number(step['H'][j])}$"
        )
    lines.append(answer_line(lstm_answer(p), g.SPEC, lang))
    return "\n".join(lines)


def _lstm_rule(**switches):
    def rule(p: Params) -> list[list[float]]:
        step = g.lstm_numpy(p, **switches)
        return g.rows(step["H"], step["C"])

    return rule


LSTM_MISCONCEPTIONS = (
    g.mis(
        "candidate_sigmoid",
        "The candidate memory G uses tanh, not the sigmoid.",
        "候选记忆元 G 用 tanh，而不是 sigmoid。",
        _lstm_rule(candidate=g.sigmoid),
    ),
    g.mis(
        "output_without_tanh",
        "The hidden state is H = O ⊙ tanh(C), not O ⊙ C.",
        "隐状态是 H = O ⊙ tanh(C)，不是 O ⊙ C。",
        _lstm_rule(output_tanh=False),
    ),
    g.mis(
        "input_forget_swapped",
        "The forget gate scales the old memory and the input gate the candidate: C = F ⊙ C_prev + I ⊙ G.",
        "遗忘门作用于旧记忆元，输入门作用于候选记忆元：C = F ⊙ C_prev + I ⊙ G。",
        _lstm_rule(swap_input_forget=True),
    ),
    g.mis(
        "previous_state_ignored",
        "Every gate also reads the previous hidden state h through W_h.",
        "每个门还要通过 W_h 读入上一时间步的隐状态 h。",
        _lstm_rule(use_state=False),
    ),
    g.mis(
        "gates_with_tanh",
        "The gates I, F, O use the sigmoid (values in (0, 1)); only the candidate uses tanh.",
        "门 I、F、O 用 sigmoid（取值在 (0, 1)）；只有候选记忆元用 tanh。",
        _lstm_rule(gate=np.tanh),
    ),
    g.mis(
        "gate_order_ifog",
        "torch stacks the gates as i, f, g, o: the third block is the candidate, the fourth the output gate.",
        "torch 按 i、f、g、o 的顺序堆叠各门：第三块是候选记忆元，第四块是输出门。",
        lambda p: _lstm_rule(order="ifog")(p) if p["layout"] == "stacked" else None,
    ),
)


EXERCISES = (
    Exercise(
        id="lstm_step",
        topic="recurrent cells",
        title=Text("One LSTM step by hand", "手算 LSTM 的一步"),
        generate=generate_lstm,
        prompt=prompt_lstm,
        answer=lstm_answer,
        solution=solution_lstm,
        spec=g.SPEC,
        misconceptions=LSTM_MISCONCEPTIONS,
    ),
)
