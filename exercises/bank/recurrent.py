"""One LSTM step and one GRU step with small numbers (answers with a tolerance).

The answer is ``reference.recurrent.lstm_cell`` / ``gru_cell``; the gate arithmetic shown in worked
solutions and the wrong rules come from ``_gates``. The GRU prompt states its convention: torch's
(reset after the recurrent product, ``torch.nn.GRUCell``) or d2l's (reset before it, as the slides).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from exercises.bank import _gates as g
from exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from exercises.formatting import as_matrix, bmatrix, display_matrix, fmt_factor, fmt_number
from exercises.render import answer_line

SPEC = AnswerSpec(kind="matrix", atol=0.01, partial="per_element")
WEIGHTS = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
STATES = np.array([-1.0, -0.5, 0.5, 1.0])


def _tensors(p: Params, *names: str) -> list[torch.Tensor]:
    return [torch.tensor(p[n], dtype=torch.float64) for n in names]


def lstm_answer(p: Params) -> list[list[float]]:
    """``[H, C]`` after one ``lstm_cell`` step (rows: the new hidden state, the new memory cell)."""
    from reference.recurrent import lstm_cell

    x, h, c, w_ih, w_hh, b_ih, b_hh = _tensors(p, "x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh")
    H, C = lstm_cell(x[None], h[None], c[None], w_ih, w_hh, b_ih, b_hh)
    return as_matrix(torch.cat([H, C]))


def gru_answer(p: Params) -> list[list[float]]:
    """``[H]`` after one ``gru_cell`` step in the variant's convention."""
    from reference.recurrent import gru_cell

    x, h, w_ih, w_hh, b_ih, b_hh = _tensors(p, "x", "h", "w_ih", "w_hh", "b_ih", "b_hh")
    return as_matrix(gru_cell(x[None], h[None], w_ih, w_hh, b_ih, b_hh, convention=p["convention"]))


def _draw(rng: np.random.Generator, gates: int, inputs: int, hidden: int) -> dict[str, Any]:
    """Weights on a half-integer grid, states in ±{0.5, 1}; recurrent biases zero (one bias per gate)."""
    return dict(
        x=rng.choice([-1.0, 1.0, 2.0], size=inputs).tolist(),
        h=rng.choice(STATES, size=hidden).tolist(),
        w_ih=rng.choice(WEIGHTS, size=(gates * hidden, inputs)).tolist(),
        w_hh=rng.choice(WEIGHTS, size=(gates * hidden, hidden)).tolist(),
        b_ih=rng.choice(WEIGHTS, size=gates * hidden).tolist(),
        b_hh=[0.0] * (gates * hidden),
    )


def _sizes(difficulty: int) -> tuple[int, int]:
    """``(input_size, hidden_size)``: 1 and 1, then 2 and 1, then 2 and 2."""
    return {1: (1, 1), 2: (2, 1), 3: (2, 2)}[difficulty]


def generate_lstm(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """Per-gate weights at difficulties 1-2; stacked torch-layout weights (order i, f, g, o) at 3."""
    inputs, hidden = _sizes(difficulty)
    p = _draw(rng, 4, inputs, hidden)
    p["c"] = rng.choice([-2.0, -1.5, 1.5, 2.0], size=hidden).tolist()  # |C| > 1: tanh(C) is far from C
    p["layout"] = "stacked" if difficulty == 3 else "gates"
    if difficulty == 3:  # torch keeps a second bias vector; the stacked layout shows it
        p["b_hh"] = rng.choice(WEIGHTS, size=4 * hidden).tolist()
    return p


def generate_gru(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """d2l's convention at difficulty 1; either convention later, torch's with a recurrent bias b_hn.

    An update-gate pre-activation of exactly 0 (Z = 0.5 hides the update-gate mistake) is moved by 0.5.
    """
    inputs, hidden = _sizes(difficulty)
    p = _draw(rng, 3, inputs, hidden)
    p["convention"] = "d2l" if difficulty == 1 else str(rng.choice(["torch", "d2l"]))
    if p["convention"] == "torch":
        p["b_hh"][2 * hidden :] = rng.choice([-1.0, -0.5, 0.5, 1.0], size=hidden).tolist()
    pre_z = g.pre_activation(p, 3, 1)
    for j in np.flatnonzero(pre_z == 0):
        p["b_ih"][hidden + j] += 0.5
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
_STATE = Text(
    "Input $x = {x}$, previous hidden state $h = {h}${c}.", "输入 $x = {x}$，上一时间步隐状态 $h = {h}${c}。"
)
_CELL = Text(", previous memory cell $C_{{prev}} = {c}$", "，上一时间步记忆元 $C_{{prev}} = {c}$")
_GIVE_LSTM = Text(
    "Give a 2 × {h} matrix, to 3 decimals: the new $H$ in the first row, the new $C$ in the second.",
    "请给出 2 × {h} 的矩阵（保留 3 位小数）：第一行为新的 $H$，第二行为新的 $C$。",
)
_GIVE_GRU = Text(
    "Give the new hidden state $H$ as a 1 × {h} matrix, to 3 decimals.",
    "请以 1 × {h} 矩阵给出新的隐状态 $H$（保留 3 位小数）。",
)


def _state_line(p: Params, lang: Lang) -> str:
    cell = _CELL(lang).format(c=g.vec(p["c"])) if "c" in p else ""
    return _STATE(lang).format(x=g.vec(p["x"]), h=g.vec(p["h"]), c=cell)


def _gate_weights(p: Params, gates: int, names: str) -> list[str]:
    """Per-gate weight matrices ``W_x·``, ``W_h·`` and the gate bias, one display line per gate."""
    w = g.blocks(p, gates)
    lines = []
    for k, name in enumerate(names):
        bias = w["b_ih"][k] + w["b_hh"][k]
        lines.append(
            f"$$W_{{x{name}}} = {bmatrix(w['w_ih'][k])}, \\quad W_{{h{name}}} = {bmatrix(w['w_hh'][k])}, "
            f"\\quad b_{{{name}}} = {g.vec(bias)}$$"
        )
    return lines


def _stacked_weights(p: Params) -> list[str]:
    column = lambda v: [[x] for x in v]  # noqa: E731 - a bias as a column
    return [
        display_matrix("W_{ih}", p["w_ih"]), display_matrix("W_{hh}", p["w_hh"]),
        display_matrix("b_{ih}", column(p["b_ih"])), display_matrix("b_{hh}", column(p["b_hh"])),
    ]


def prompt_lstm(p: Params, lang: Lang) -> str:
    hidden = len(p["h"])
    parts = [_LSTM_EQ(lang), _state_line(p, lang)]
    if p["layout"] == "stacked":
        parts += [_STACKED(lang).format(h=hidden), *_stacked_weights(p)]
    else:
        parts += _gate_weights(p, 4, "ifgo")
    parts.append(_GIVE_LSTM(lang).format(h=hidden))
    return "\n\n".join(parts)


def _unit(label: str, j: int, hidden: int) -> str:
    return label if hidden == 1 else f"{label}_{{{j}}}"


def solution_lstm(p: Params, lang: Lang) -> str:
    """Worked solution: each gate as its sum of products, then C and H, unit by unit."""
    step, hidden = g.lstm_numpy(p), len(p["h"])
    lines = []
    for k, (name, label, fn) in enumerate(zip("ifgo", "IFGO", (r"\sigma", r"\sigma", r"\tanh", r"\sigma"))):
        for j, total in enumerate(g.gate_sums(p, 4, k)):
            pre, value = step["pre"][name][j], step[label][j]
            lines.append(f"- ${_unit(label, j, hidden)} = {fn}({total}) = {fn}({fmt_number(pre)}) = {fmt_number(value)}$")
    c = np.asarray(p["c"], dtype=float)
    for j in range(hidden):
        F, I, G, O, C = (step[key][j] for key in "FIGOC")
        lines.append(
            f"- ${_unit('C', j, hidden)} = F C_{{prev}} + I G = {fmt_number(F)} \\cdot {fmt_factor(c[j])} + "
            f"{fmt_number(I)} \\cdot {fmt_factor(G)} = {fmt_number(C)}$"
        )
        lines.append(
            f"- ${_unit('H', j, hidden)} = O \\tanh(C) = {fmt_number(O)} \\cdot \\tanh({fmt_number(C)}) = "
            f"{fmt_number(step['H'][j])}$"
        )
    lines.append(answer_line(lstm_answer(p), SPEC, lang))
    return "\n".join(lines)


_GRU_EQ = {
    "torch": Text(
        "One step of a GRU cell in torch's convention (`torch.nn.GRUCell`: the reset gate scales the "
        "recurrent product and its bias): $R = \\sigma(W_{xr} x + W_{hr} h + b_r)$, "
        "$Z = \\sigma(W_{xz} x + W_{hz} h + b_z)$, $N = \\tanh(W_{xn} x + b_{xn} + R \\odot (W_{hn} h + b_{hn}))$, "
        "$H = Z \\odot h + (1 - Z) \\odot N$.",
        "GRU 单元的一步，采用 torch 的约定（`torch.nn.GRUCell`：重置门作用于循环乘积及其偏置）："
        "$R = \\sigma(W_{xr} x + W_{hr} h + b_r)$，$Z = \\sigma(W_{xz} x + W_{hz} h + b_z)$，"
        "$N = \\tanh(W_{xn} x + b_{xn} + R \\odot (W_{hn} h + b_{hn}))$，$H = Z \\odot h + (1 - Z) \\odot N$。",
    ),
    "d2l": Text(
        "One step of a GRU cell in the course's (d2l's) convention (the reset gate scales $h$ before the "
        "recurrent weights): $R = \\sigma(W_{xr} x + W_{hr} h + b_r)$, $Z = \\sigma(W_{xz} x + W_{hz} h + b_z)$, "
        "$\\tilde H = \\tanh(W_{xn} x + W_{hn} (R \\odot h) + b_n)$, $H = Z \\odot h + (1 - Z) \\odot \\tilde H$.",
        "GRU 单元的一步，采用课程（d2l）的约定（重置门先作用于 $h$，再乘循环权重）："
        "$R = \\sigma(W_{xr} x + W_{hr} h + b_r)$，$Z = \\sigma(W_{xz} x + W_{hz} h + b_z)$，"
        "$\\tilde H = \\tanh(W_{xn} x + W_{hn} (R \\odot h) + b_n)$，$H = Z \\odot h + (1 - Z) \\odot \\tilde H$。",
    ),
}


def prompt_gru(p: Params, lang: Lang) -> str:
    w = g.blocks(p, 3)
    lines = [_GRU_EQ[p["convention"]](lang), _state_line(p, lang), *_gate_weights({**p}, 3, "rz")[:2]]
    n_weights = f"$$W_{{xn}} = {bmatrix(w['w_ih'][2])}, \\quad W_{{hn}} = {bmatrix(w['w_hh'][2])}"
    if p["convention"] == "torch":
        n_weights += f", \\quad b_{{xn}} = {g.vec(w['b_ih'][2])}, \\quad b_{{hn}} = {g.vec(w['b_hh'][2])}$$"
    else:
        n_weights += f", \\quad b_{{n}} = {g.vec(w['b_ih'][2] + w['b_hh'][2])}$$"
    lines += [n_weights, _GIVE_GRU(lang).format(h=len(p["h"]))]
    return "\n\n".join(lines)


def solution_gru(p: Params, lang: Lang) -> str:
    """Worked solution: R and Z as sums of products, the candidate in the stated convention, then H."""
    step, hidden = g.gru_numpy(p), len(p["h"])
    lines = []
    for k, label in enumerate("RZ"):
        for j, total in enumerate(g.gate_sums(p, 3, k)):
            pre = g.pre_activation(p, 3, k)[j]
            lines.append(f"- ${_unit(label, j, hidden)} = \\sigma({total}) = \\sigma({fmt_number(pre)}) = {fmt_number(step[label][j])}$")
    w, h = g.blocks(p, 3), np.asarray(p["h"], dtype=float)
    x_part = w["w_ih"][2] @ np.asarray(p["x"], dtype=float) + w["b_ih"][2]
    if p["convention"] == "torch":
        h_part = w["w_hh"][2] @ h + w["b_hh"][2]
        rule = f"W_{{xn}} x + b_{{xn}} + R \\odot (W_{{hn}} h + b_{{hn}}) = {g.vec(x_part)} + {g.vec(step['R'])} \\odot {g.vec(h_part)}"
    else:
        rule = f"W_{{xn}} x + b_n + W_{{hn}} (R \\odot h) = {g.vec(x_part)} + W_{{hn}} {g.vec(step['R'] * h)}"
    lines.append(f"- ${rule} = {g.vec(step['pre_n'])}$, $N = \\tanh({g.vec(step['pre_n'])}) = {g.vec(step['N'])}$")
    lines.append(
        f"- $H = Z \\odot h + (1 - Z) \\odot N = {g.vec(step['Z'])} \\odot {g.vec(h)} + "
        f"{g.vec(1 - step['Z'])} \\odot {g.vec(step['N'])} = {g.vec(step['H'])}$"
    )
    lines.append(answer_line(gru_answer(p), SPEC, lang))
    return "\n".join(lines)


def _rows(*vectors) -> list[list[float]]:
    return [np.asarray(v, dtype=float).tolist() for v in vectors]


def _lstm_rule(**switches):
    def rule(p: Params) -> list[list[float]]:
        step = g.lstm_numpy(p, **switches)
        return _rows(step["H"], step["C"])

    return rule


def _gru_rule(**switches):
    def rule(p: Params) -> list[list[float]]:
        return _rows(g.gru_numpy(p, **switches)["H"])

    return rule


def _mis(note: str, en: str, zh: str, rule) -> Misconception:
    return Misconception(note, Text(en, zh), rule)


LSTM_MISCONCEPTIONS = (
    _mis("candidate_sigmoid", "The candidate memory G uses tanh, not the sigmoid.", "候选记忆元 G 用 tanh，而不是 sigmoid。",
         _lstm_rule(candidate=g.sigmoid)),
    _mis("output_without_tanh", "The hidden state is H = O ⊙ tanh(C), not O ⊙ C.", "隐状态是 H = O ⊙ tanh(C)，不是 O ⊙ C。",
         _lstm_rule(output_tanh=False)),
    _mis("input_forget_swapped", "The forget gate scales the old memory and the input gate the candidate: C = F ⊙ C_prev + I ⊙ G.",
         "遗忘门作用于旧记忆元，输入门作用于候选记忆元：C = F ⊙ C_prev + I ⊙ G。", _lstm_rule(swap_input_forget=True)),
    _mis("previous_state_ignored", "Every gate also reads the previous hidden state h through W_h.",
         "每个门还要通过 W_h 读入上一时间步的隐状态 h。", _lstm_rule(use_state=False)),
    _mis("gates_with_tanh", "The gates I, F, O use the sigmoid (values in (0, 1)); only the candidate uses tanh.",
         "门 I、F、O 用 sigmoid（取值在 (0, 1)）；只有候选记忆元用 tanh。", _lstm_rule(gate=np.tanh)),
    _mis("gate_order_ifog", "torch stacks the gates as i, f, g, o: the third block is the candidate, the fourth the output gate.",
         "torch 按 i、f、g、o 的顺序堆叠各门：第三块是候选记忆元，第四块是输出门。",
         lambda p: _lstm_rule(order="ifog")(p) if p["layout"] == "stacked" else None),
)


def _other_convention(p: Params) -> list[list[float]] | None:
    """Not applicable with one hidden unit and no recurrent candidate bias: both conventions coincide."""
    if len(p["h"]) == 1 and not any(p["b_hh"][2:]):
        return None
    other = "d2l" if p["convention"] == "torch" else "torch"
    return _gru_rule(convention=other)(p)


GRU_MISCONCEPTIONS = (
    _mis("other_convention", "You applied the reset gate in the other convention; this exercise states where R acts.",
         "你按另一种约定使用了重置门；本题已写明 R 作用的位置。", _other_convention),
    _mis("update_gate_swapped", "H = Z ⊙ h + (1 − Z) ⊙ N: Z keeps the old state (torch and d2l agree).",
         "H = Z ⊙ h + (1 − Z) ⊙ N：Z 保留旧状态（torch 与 d2l 一致）。", _gru_rule(swap_update=True)),
    _mis("reset_ignored", "The candidate uses the reset gate R to scale the recurrent part.",
         "候选隐状态要用重置门 R 缩放循环部分。", _gru_rule(use_reset=False)),
    _mis("candidate_sigmoid", "The candidate state uses tanh, not the sigmoid.", "候选隐状态用 tanh，而不是 sigmoid。",
         _gru_rule(candidate=g.sigmoid)),
)

EXERCISES = (
    Exercise(
        id="lstm_step", topic="recurrent cells", title=Text("One LSTM step by hand", "手算 LSTM 的一步"),
        generate=generate_lstm, prompt=prompt_lstm, answer=lstm_answer, solution=solution_lstm, spec=SPEC,
        misconceptions=LSTM_MISCONCEPTIONS,
    ),
    Exercise(
        id="gru_step", topic="recurrent cells", title=Text("One GRU step by hand", "手算 GRU 的一步"),
        generate=generate_gru, prompt=prompt_gru, answer=gru_answer, solution=solution_gru, spec=SPEC,
        misconceptions=GRU_MISCONCEPTIONS,
    ),
)
