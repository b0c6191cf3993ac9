"""Code exercises on recurrent cells: ``lstm_cell`` (gates i, f, g, o) and ``gru_cell`` (torch's equations)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.code import forbidden_apis as fa
from cnngrade.exercises.code._common import arrays, down_to, draw_seed, n64, shrink_steps, t64, to
from cnngrade.exercises.code.core import (
    BuggyRule,
    Case,
    CaseGroup,
    CodeExercise,
    Invocation,
    Params,
)
from cnngrade.exercises.core import Text

RNN_FORBIDDEN = fa.RECURRENT_NAMES
RNN_ATEN = fa.RECURRENT_OPS


def _cases(rng: np.random.Generator) -> list[Case]:
    sizes = [("basic", 1, 1, 1), ("basic", 1, 3, 2), ("basic", 3, 4, 5), ("shapes", 2, 7, 3), ("shapes", 4, 2, 6),
             ("larger", 8, 16, 32)]  # fmt: skip
    return [
        Case(g, {"N": n, "D": d, "Hd": h, "ints": False, "seed": draw_seed(rng)})
        for g, n, d, h in sizes
    ]


def _shrink(p: dict[str, Any]) -> list[dict[str, Any]]:
    steps = [("N", down_to(1)), ("D", down_to(1)), ("Hd", down_to(1)), ("ints", to(True))]
    return shrink_steps(p, steps, lambda q: True)


def _features(p: Params) -> tuple[str, ...]:
    return ("batch",) if p["N"] > 1 else ()


def _build(p: Params, gates: int, with_c: bool) -> Invocation:
    n, d, h = p["N"], p["D"], p["Hd"]
    shapes = (
        [(n, d), (n, h)]
        + ([(n, h)] if with_c else [])
        + [(gates * h, d), (gates * h, h), (gates * h,), (gates * h,)]
    )
    values = arrays(p["seed"], shapes, ints=p["ints"])
    values = [v * np.float32(0.5) for v in values]  # keep the gates away from saturation
    return Invocation(args=tuple(values), outputs=2 if with_c else 1)


def _reorder(
    tensors: list[torch.Tensor], chunks: int, student: str, torch_order: str
) -> list[torch.Tensor]:
    """Weights as torch would need them to compute what a student reading gates in ``student`` order gets."""
    out = []
    for t in tensors:
        parts = t.chunk(chunks, dim=0)
        out.append(torch.cat([parts[student.index(name)] for name in torch_order], dim=0))
    return out


def _lstm(
    inv: Invocation, order: str = "ifgo", g_act=torch.tanh, out_act=torch.tanh, drop_b_hh=False,
    old_cell_in_h=False,
):  # fmt: skip
    x, h, c, w_ih, w_hh, b_ih, b_hh = (t64(a) for a in inv.args)
    w_ih, w_hh, b_ih, b_hh = _reorder([w_ih, w_hh, b_ih, b_hh], 4, order, "ifgo")
    if drop_b_hh:
        b_hh = torch.zeros_like(b_hh)
    i, f, g, o = (x @ w_ih.T + b_ih + h @ w_hh.T + b_hh).chunk(4, dim=1)
    C = torch.sigmoid(f) * c + torch.sigmoid(i) * g_act(g)
    return n64(torch.sigmoid(o) * out_act(c if old_cell_in_h else C)), n64(C)


def _lstm_expected(p: Params, inv: Invocation) -> tuple[np.ndarray, ...]:
    from cnngrade.reference.recurrent import lstm_cell

    h, c = lstm_cell(*(t64(a) for a in inv.args))
    return n64(h), n64(c)


def _order_rules(gates: str, compute) -> tuple[BuggyRule, ...]:
    rules = []
    for perm in itertools.permutations(gates):
        order = "".join(perm)
        if order == gates:
            continue
        shown = ", ".join(order)
        rules.append(BuggyRule(
            f"gate_order_{order}",
            Text(f"Your values match the gate order ({shown}): torch stacks the gates as ({', '.join(gates)}).",
                 f"你的结果与门的顺序 ({shown}) 一致：torch 的堆叠顺序是 ({', '.join(gates)})。"),
            lambda p, inv, order=order: compute(inv, order),
        ))  # fmt: skip
    return tuple(rules)


LSTM_CELL = CodeExercise(
    id="lstm_cell",
    topic="recurrent",
    title=Text("One LSTM step", "LSTM 单步"),
    statement=Text(
        "Write `lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh)` in NumPy returning (h_next, c_next), torch's "
        "LSTMCell: gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, split in 4 chunks in the order i, f, g, o; "
        "I, F, O = sigmoid(i, f, o), G = tanh(g); c_next = F*c + I*G; h_next = O*tanh(c_next). Shapes: x "
        "(N, D), h and c (N, H), w_ih (4H, D), w_hh (4H, H), biases (4H,). Library LSTM/GRU/RNN "
        "cells and layers are forbidden.",
        "用 NumPy 实现 `lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh)`，返回 (h_next, c_next)，与 torch 的 LSTMCell "
        "相同：gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh，按 i, f, g, o 顺序切成 4 块；I, F, O = sigmoid(i, f, o)，"
        "G = tanh(g)；c_next = F*c + I*G；h_next = O*tanh(c_next)。形状：x (N, D)，h 与 c (N, H)，w_ih (4H, D)，"
        "w_hh (4H, H)，偏置 (4H,)。禁止调用库中的 LSTM/GRU/RNN 单元与层。",
    ),
    entry="lstm_cell",
    kind="function",
    backend="numpy",
    groups=(
        CaseGroup("basic", 2.0, Text("small sizes", "小尺寸")),
        CaseGroup("shapes", 1.0, Text("D ≠ H", "D ≠ H")),
        CaseGroup("larger", 1.0, Text("larger", "较大尺寸")),
    ),
    cases=_cases,
    build=lambda p: _build(p, 4, True),
    expected=_lstm_expected,
    shrink=_shrink,
    arg_names=("x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh"),
    output_names=("h_next", "c_next"),
    forbidden_names=RNN_FORBIDDEN,
    forbidden_aten_ops=RNN_ATEN,
    buggy_rules=_order_rules("ifgo", lambda inv, order: _lstm(inv, order))
    + (
        BuggyRule(
            "candidate_sigmoid",
            Text(
                "Your values use sigmoid for the candidate G: G = tanh(g).",
                "你的候选记忆 G 用了 sigmoid：应为 G = tanh(g)。",
            ),
            lambda p, inv: _lstm(inv, g_act=torch.sigmoid),
        ),
        BuggyRule(
            "no_tanh_on_cell",
            Text(
                "Your h_next is O * c_next: it is O * tanh(c_next).",
                "你的 h_next 是 O * c_next：应为 O * tanh(c_next)。",
            ),
            lambda p, inv: _lstm(inv, out_act=lambda t: t),
        ),
        BuggyRule(
            "missing_b_hh",
            Text(
                "Your values ignore b_hh: both biases are added.",
                "你的结果忽略了 b_hh：两个偏置都要加。",
            ),
            lambda p, inv: _lstm(inv, drop_b_hh=True),
        ),
        BuggyRule(
            "h_uses_old_cell",
            Text(
                "Your h_next uses the old cell state c: it is O * tanh(c_next), the NEW cell state.",
                "你的 h_next 用了旧的记忆 c：应为 O * tanh(c_next)，即新的记忆。",
            ),
            lambda p, inv: _lstm(inv, old_cell_in_h=True),
        ),
    ),  # fmt: skip
    features=_features,
)


def _gru(
    inv: Invocation, order: str = "rzn", flip_z: bool = False, n_act=torch.tanh,
    b_hn_outside: bool = False,
) -> tuple[np.ndarray, ...]:  # fmt: skip
    x, h, w_ih, w_hh, b_ih, b_hh = (t64(a) for a in inv.args)
    w_ih, w_hh, b_ih, b_hh = _reorder([w_ih, w_hh, b_ih, b_hh], 3, order, "rzn")
    xr, xz, xn = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    hr, hz, hn = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    R, Z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    b_hn = b_hh.chunk(3)[2]
    N = n_act(xn + R * (hn - b_hn) + b_hn) if b_hn_outside else n_act(xn + R * hn)
    return (n64((1 - Z) * h + Z * N if flip_z else Z * h + (1 - Z) * N),)


def _gru_expected(p: Params, inv: Invocation, convention: str = "torch") -> tuple[np.ndarray, ...]:
    from cnngrade.reference.recurrent import gru_cell

    return (n64(gru_cell(*(t64(a) for a in inv.args), convention=convention)),)


GRU_CELL = CodeExercise(
    id="gru_cell",
    topic="recurrent",
    title=Text("One GRU step (torch's equations)", "GRU 单步（torch 的公式）"),
    statement=Text(
        "Write `gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)` in NumPy returning h_next, torch's GRUCell: split "
        "x @ w_ih.T + b_ih into (x_r, x_z, x_n) and h @ w_hh.T + b_hh into (h_r, h_z, h_n) (order r, z, n); "
        "R = sigmoid(x_r + h_r), Z = sigmoid(x_z + h_z), N = tanh(x_n + R * h_n); h_next = (1 - Z) * N + Z * h. "
        "Shapes: x (N, D), h (N, H), w_ih (3H, D), w_hh (3H, H), biases (3H,). Library "
        "LSTM/GRU/RNN cells and layers are forbidden.",
        "用 NumPy 实现 `gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)`，返回 h_next，与 torch 的 GRUCell 相同：把 "
        "x @ w_ih.T + b_ih 切成 (x_r, x_z, x_n)，h @ w_hh.T + b_hh 切成 (h_r, h_z, h_n)（顺序 r, z, n）；"
        "R = sigmoid(x_r + h_r)，Z = sigmoid(x_z + h_z)，N = tanh(x_n + R * h_n)；h_next = (1 - Z) * N + Z * h。"
        "形状：x (N, D)，h (N, H)，w_ih (3H, D)，w_hh (3H, H)，偏置 (3H,)。"
        "禁止调用库中的 LSTM/GRU/RNN 单元与层。",
    ),
    entry="gru_cell",
    kind="function",
    backend="numpy",
    groups=LSTM_CELL.groups,
    cases=_cases,
    build=lambda p: _build(p, 3, False),
    expected=_gru_expected,
    shrink=_shrink,
    arg_names=("x", "h", "w_ih", "w_hh", "b_ih", "b_hh"),
    output_names=("h_next",),
    forbidden_names=RNN_FORBIDDEN,
    forbidden_aten_ops=RNN_ATEN,
    buggy_rules=_order_rules("rzn", lambda inv, order: _gru(inv, order))
    + (
        BuggyRule(
            "reset_before_matmul",
            Text(
                "Your values apply R to h before the matrix product (d2l's slides): torch computes "
                "N = tanh(x_n + R * (h @ W_hn.T + b_hn)).",
                "你在矩阵乘法之前把 R 作用于 h（d2l 课件的写法）：torch 计算 N = tanh(x_n + R * (h @ W_hn.T + b_hn))。",
            ),
            lambda p, inv: _gru_expected(p, inv, "d2l"),
        ),
        BuggyRule(
            "update_gate_flipped",
            Text(
                "Your values swap Z and 1 - Z: h_next = (1 - Z) * N + Z * h.",
                "你把 Z 与 1 - Z 弄反了：h_next = (1 - Z) * N + Z * h。",
            ),
            lambda p, inv: _gru(inv, flip_z=True),
        ),
        BuggyRule(
            "candidate_sigmoid",
            Text(
                "Your candidate N uses sigmoid: N = tanh(...).",
                "你的候选状态 N 用了 sigmoid：应为 tanh(...)。",
            ),
            lambda p, inv: _gru(inv, n_act=torch.sigmoid),
        ),
        BuggyRule(
            "b_hn_outside_reset",
            Text(
                "Your values add b_hn outside the reset gate: torch computes "
                "N = tanh(x_n + R * (h @ W_hn.T + b_hn)), so keep b_ih and b_hh separate.",
                "你把 b_hn 加在了重置门之外：torch 计算 N = tanh(x_n + R * (h @ W_hn.T + b_hn))，"
                "因此 b_ih 与 b_hh 不能合并。",
            ),
            lambda p, inv: _gru(inv, b_hn_outside=True),
        ),
    ),  # fmt: skip
    features=_features,
)

EXERCISES = (LSTM_CELL, GRU_CELL)
