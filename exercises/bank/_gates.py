"""The arithmetic of one LSTM/GRU step written out for students, and the buggy variants of it.

Weights are kept in torch's layout (``w_ih`` ``(G·H, I)``, ``w_hh`` ``(G·H, H)``, ``b_ih``, ``b_hh``
``(G·H,)``, gate blocks in torch's order: LSTM ``i, f, g, o``; GRU ``r, z, n``). The correct answer
always comes from ``reference.recurrent``; this module computes the intermediate gate values a worked
solution shows and the answers of the wrong rules (NumPy, float64).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import bmatrix, fmt_number, sum_of_products

Array = np.ndarray

SPEC = AnswerSpec(kind="matrix", atol=0.01, partial="per_element")

WEIGHTS = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])

STATES = np.array([-1.0, -0.5, 0.5, 1.0])


def sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


def blocks(p: Params, gates: int) -> dict[str, Array]:
    """The per-gate blocks of the stacked weights: ``blocks(p, G)["w_ih"][k]`` is gate ``k``'s block.

    >>> blocks(dict(w_ih=[[1.0], [2.0]], w_hh=[[0.0], [0.0]], b_ih=[0.0, 0.5], b_hh=[0.0, 0.0]), 2)["b_ih"][1]
    array([0.5])
    """
    return {
        name: np.asarray(p[name], dtype=float).reshape(gates, -1, *np.shape(p[name])[1:])
        for name in ("w_ih", "w_hh", "b_ih", "b_hh")
    }


def pre_activation(p: Params, gates: int, index: int, h: Array | None = None) -> Array:
    """``W_i· x + b_i· + W_h· h + b_h·`` for gate block ``index`` (``h`` defaults to the state)."""
    w = blocks(p, gates)
    x = np.asarray(p["x"], dtype=float)
    h = np.asarray(p["h"], dtype=float) if h is None else h
    return w["w_ih"][index] @ x + w["b_ih"][index] + w["w_hh"][index] @ h + w["b_hh"][index]


def lstm_numpy(
    p: Params,
    order: str = "ifgo",
    candidate: Callable[[Array], Array] = np.tanh,
    gate: Callable[[Array], Array] = sigmoid,
    use_state: bool = True,
    output_tanh: bool = True,
    swap_input_forget: bool = False,
) -> dict[str, Array]:
    """One LSTM step with switches for the classic mistakes; returns every intermediate value."""
    h = np.asarray(p["h"], dtype=float) if use_state else np.zeros(len(p["h"]))
    pre = {name: pre_activation(p, 4, order.index(name), h) for name in "ifgo"}
    I, F, O = gate(pre["i"]), gate(pre["f"]), gate(pre["o"])  # noqa: E741 - the equations' names
    G = candidate(pre["g"])
    if swap_input_forget:
        I, F = F, I  # noqa: E741
    C = F * np.asarray(p["c"], dtype=float) + I * G
    H = O * (np.tanh(C) if output_tanh else C)
    return dict(pre=pre, I=I, F=F, G=G, O=O, C=C, H=H)


def gru_numpy(
    p: Params,
    convention: str | None = None,
    use_reset: bool = True,
    candidate: Callable[[Array], Array] = np.tanh,
    swap_update: bool = False,
) -> dict[str, Array]:
    """One GRU step (``convention`` torch or d2l, default the variant's) with switches for mistakes."""
    convention = convention or p["convention"]
    w = blocks(p, 3)
    x, h = np.asarray(p["x"], dtype=float), np.asarray(p["h"], dtype=float)
    R = sigmoid(pre_activation(p, 3, 0)) if use_reset else np.ones(len(h))
    Z = sigmoid(pre_activation(p, 3, 1))
    if convention == "torch":
        pre_n = w["w_ih"][2] @ x + w["b_ih"][2] + R * (w["w_hh"][2] @ h + w["b_hh"][2])
    else:
        pre_n = w["w_ih"][2] @ x + w["b_ih"][2] + w["w_hh"][2] @ (R * h) + w["b_hh"][2]
    N = candidate(pre_n)
    H = (1 - Z) * h + Z * N if swap_update else Z * h + (1 - Z) * N
    return dict(R=R, Z=Z, pre_n=pre_n, N=N, H=H)


def vec(values: Any) -> str:
    """A vector as ``(a, b)`` (one number without parentheses) with 4 decimals at most.

    >>> vec([0.5, -1.0]), vec([0.123456])
    ('(0.5, -1)', '0.1235')
    """
    items = [fmt_number(v) for v in np.atleast_1d(np.asarray(values, dtype=float))]
    return items[0] if len(items) == 1 else "(" + ", ".join(items) + ")"


def gate_sums(p: Params, gates: int, index: int, h: Array | None = None) -> list[str]:
    """Each unit's pre-activation of gate ``index`` as a sum of products, in LaTeX."""
    w = blocks(p, gates)
    x = np.asarray(p["x"], dtype=float)
    h = np.asarray(p["h"], dtype=float) if h is None else h
    rows = []
    for j in range(len(h)):
        weights = list(w["w_ih"][index][j]) + list(w["w_hh"][index][j])
        bias = w["b_ih"][index][j] + w["b_hh"][index][j]
        rows.append(sum_of_products(weights, list(x) + list(h), bias=bias))
    return rows


# ---------------------------------------------------------------- variants and prompts


def tensors(p: Params, *names: str) -> list[torch.Tensor]:
    return [torch.tensor(p[n], dtype=torch.float64) for n in names]


def draw(rng: np.random.Generator, gates: int, inputs: int, hidden: int) -> dict[str, Any]:
    """Weights on a half-integer grid, states in ±{0.5, 1}; recurrent biases zero (one bias per gate)."""
    return dict(
        x=rng.choice([-1.0, 1.0, 2.0], size=inputs).tolist(),
        h=rng.choice(STATES, size=hidden).tolist(),
        w_ih=rng.choice(WEIGHTS, size=(gates * hidden, inputs)).tolist(),
        w_hh=rng.choice(WEIGHTS, size=(gates * hidden, hidden)).tolist(),
        b_ih=rng.choice(WEIGHTS, size=gates * hidden).tolist(),
        b_hh=[0.0] * (gates * hidden),
    )


def sizes(difficulty: int) -> tuple[int, int]:
    """``(input_size, hidden_size)``: 1 and 1, then 2 and 1, then 2 and 2."""
    return {1: (1, 1), 2: (2, 1), 3: (2, 2)}[difficulty]


_STATE = Text(
    "Input $x = {x}$, previous hidden state $h = {h}${c}.",
    "输入 $x = {x}$，上一时间步隐状态 $h = {h}${c}。",
)


_CELL = Text(", previous memory cell $C_{{prev}} = {c}$", "，上一时间步记忆元 $C_{{prev}} = {c}$")


def state_line(p: Params, lang: Lang) -> str:
    cell = _CELL(lang).format(c=vec(p["c"])) if "c" in p else ""
    return _STATE(lang).format(x=vec(p["x"]), h=vec(p["h"]), c=cell)


def gate_weights(p: Params, gates: int, names: str) -> list[str]:
    """Per-gate weight matrices ``W_x·``, ``W_h·`` and the gate bias, one display line per gate."""
    w = blocks(p, gates)
    lines = []
    for k, name in enumerate(names):
        bias = w["b_ih"][k] + w["b_hh"][k]
        lines.append(
            f"$$W_{{x{name}}} = {bmatrix(w['w_ih'][k])}, \\quad W_{{h{name}}} = {bmatrix(w['w_hh'][k])}, "
            f"\\quad b_{{{name}}} = {vec(bias)}$$"
        )
    return lines


def unit(label: str, j: int, hidden: int) -> str:
    return label if hidden == 1 else f"{label}_{{{j}}}"


def rows(*vectors) -> list[list[float]]:
    return [np.asarray(v, dtype=float).tolist() for v in vectors]


def mis(note: str, en: str, zh: str, rule) -> Misconception:
    return Misconception(note, Text(en, zh), rule)
