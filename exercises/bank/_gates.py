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

from exercises.core import Params
from exercises.formatting import fmt_number, sum_of_products

Array = np.ndarray


def sigmoid(x: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-x))


def blocks(p: Params, gates: int) -> dict[str, list[Array]]:
    """The per-gate blocks of the stacked weights: ``w_ih``, ``w_hh``, ``b_ih``, ``b_hh`` lists."""
    return {name: np.split(np.asarray(p[name], dtype=float), gates) for name in ("w_ih", "w_hh", "b_ih", "b_hh")}


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
    I, F, O = gate(pre["i"]), gate(pre["f"]), gate(pre["o"])
    G = candidate(pre["g"])
    if swap_input_forget:
        I, F = F, I
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
    """A vector as ``(a, b)`` (one number without parentheses) with 4 decimals at most."""
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
