"""One GRU step with small numbers, in the convention the prompt states.

torch's convention (``torch.nn.GRUCell``: the reset gate scales the recurrent product and its bias) or the
course's d2l one (reset applied to ``h`` before the recurrent weights); the answer is
``reference.recurrent.gru_cell``, the worked arithmetic and the wrong rules come from ``_gates``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnngrade.exercises.bank import _gates as g
from cnngrade.exercises.core import Exercise, Lang, Params, Text
from cnngrade.exercises.formatting import as_matrix, bmatrix, fmt_number
from cnngrade.exercises.render import answer_line


def gru_answer(p: Params) -> list[list[float]]:
    """``[H]`` after one ``gru_cell`` step in the variant's convention.

    >>> zero = dict(w_ih=[[0.0]] * 3, w_hh=[[0.0]] * 3, b_ih=[0.0] * 3, b_hh=[0.0] * 3)
    >>> gru_answer(dict(zero, x=[1.0], h=[1.0], convention="d2l"))
    [[0.5]]
    """
    from cnngrade.reference.recurrent import gru_cell

    x, h, w_ih, w_hh, b_ih, b_hh = g.tensors(p, "x", "h", "w_ih", "w_hh", "b_ih", "b_hh")
    return as_matrix(gru_cell(x[None], h[None], w_ih, w_hh, b_ih, b_hh, convention=p["convention"]))


def generate_gru(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    """d2l's convention at difficulty 1; either convention later, torch's with a recurrent bias b_hn.

    An update-gate pre-activation of exactly 0 (Z = 0.5 hides the update-gate mistake) is moved by 0.5.
    """
    inputs, hidden = g.sizes(difficulty)
    p = g.draw(rng, 3, inputs, hidden)
    p["convention"] = "d2l" if difficulty == 1 else str(rng.choice(["torch", "d2l"]))
    if p["convention"] == "torch":
        p["b_hh"][2 * hidden :] = rng.choice([-1.0, -0.5, 0.5, 1.0], size=hidden).tolist()
    pre_z = g.pre_activation(p, 3, 1)
    for j in np.flatnonzero(pre_z == 0):
        p["b_ih"][hidden + j] += 0.5
    return p


_GIVE_GRU = Text(
    "Give the new hidden state $H$ as a 1 × {h} matrix, to 3 decimals.",
    "请以 1 × {h} 矩阵给出新的隐状态 $H$（保留 3 位小数）。",
)


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
    lines = [
        _GRU_EQ[p["convention"]](lang),
        g.state_line(p, lang),
        *g.gate_weights({**p}, 3, "rz")[:2],
    ]
    n_weights = f"$$W_{{xn}} = {bmatrix(w['w_ih'][2])}, \\quad W_{{hn}} = {bmatrix(w['w_hh'][2])}"
    if p["convention"] == "torch":
        n_weights += (
            f", \\quad b_{{xn}} = {g.vec(w['b_ih'][2])}, \\quad b_{{hn}} = {g.vec(w['b_hh'][2])}$$"
        )
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
            lines.append(
                f"- ${g.unit(label, j, hidden)} = \\sigma({total}) = \\sigma({fmt_number(pre)}) = {fmt_number(step[label][j])}$"
            )
    w, h = g.blocks(p, 3), np.asarray(p["h"], dtype=float)
    x_part = w["w_ih"][2] @ np.asarray(p["x"], dtype=float) + w["b_ih"][2]
    if p["convention"] == "torch":
        h_part = w["w_hh"][2] @ h + w["b_hh"][2]
        rule = f"W_{{xn}} x + b_{{xn}} + R \\odot (W_{{hn}} h + b_{{hn}}) = {g.vec(x_part)} + {g.vec(step['R'])} \\odot {g.vec(h_part)}"
    else:
        rule = f"W_{{xn}} x + b_n + W_{{hn}} (R \\odot h) = {g.vec(x_part)} + W_{{hn}} {g.vec(step['R'] * h)}"
    lines.append(
        f"- ${rule} = {g.vec(step['pre_n'])}$, $N = \\tanh({g.vec(step['pre_n'])}) = {g.vec(step['N'])}$"
    )
    lines.append(
        f"- $H = Z \\odot h + (1 - Z) \\odot N = {g.vec(step['Z'])} \\odot {g.vec(h)} + "
        f"{g.vec(1 - step['Z'])} \\odot {g.vec(step['N'])} = {g.vec(step['H'])}$"
    )
    lines.append(answer_line(gru_answer(p), g.SPEC, lang))
    return "\n".join(lines)


def _gru_rule(**switches):
    def rule(p: Params) -> list[list[float]]:
        return g.rows(g.gru_numpy(p, **switches)["H"])

    return rule


def _other_convention(p: Params) -> list[list[float]] | None:
    """Not applicable with one hidden unit and no recurrent candidate bias: both conventions coincide."""
    if len(p["h"]) == 1 and not any(p["b_hh"][2:]):
        return None
    other = "d2l" if p["convention"] == "torch" else "torch"
    return _gru_rule(convention=other)(p)


GRU_MISCONCEPTIONS = (
    g.mis(
        "other_convention",
        "You applied the reset gate in the other convention; this exercise states where R acts.",
        "你按另一种约定使用了重置门；本题已写明 R 作用的位置。",
        _other_convention,
    ),
    g.mis(
        "update_gate_swapped",
        "H = Z ⊙ h + (1 − Z) ⊙ N: Z keeps the old state (torch and d2l agree).",
        "H = Z ⊙ h + (1 − Z) ⊙ N：Z 保留旧状态（torch 与 d2l 一致）。",
        _gru_rule(swap_update=True),
    ),
    g.mis(
        "reset_ignored",
        "The candidate uses the reset gate R to scale the recurrent part.",
        "候选隐状态要用重置门 R 缩放循环部分。",
        _gru_rule(use_reset=False),
    ),
    g.mis(
        "candidate_sigmoid",
        "The candidate state uses tanh, not the sigmoid.",
        "候选隐状态用 tanh，而不是 sigmoid。",
        _gru_rule(candidate=g.sigmoid),
    ),
)


EXERCISES = (
    Exercise(
        id="gru_step",
        topic="recurrent cells",
        title=Text("One GRU step by hand", "手算 GRU 的一步"),
        generate=generate_gru,
        prompt=prompt_gru,
        answer=gru_answer,
        solution=solution_gru,
        spec=g.SPEC,
        misconceptions=GRU_MISCONCEPTIONS,
    ),
)
