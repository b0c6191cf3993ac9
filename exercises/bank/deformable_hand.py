"""Deformable convolution by hand: one bilinearly sampled tap (seed 002).

A 1×1 deformable convolution with weight 1 outputs the input sampled at ``(i + Δy, j + Δx)``; the
student interpolates the four neighbours. The answer is ``reference.deformable.deform_conv2d``.
Offsets keep the sampling point inside the map, so no zero border is involved.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import fmt_number, markdown_table
from cnngrade.exercises.render import answer_line
from cnngrade.reference.deformable import deform_conv2d

NUMBER = AnswerSpec(kind="number", rtol=1e-3, atol=1e-3)
_STEPS = {1: (-0.5, 0.5), 2: (-1.5, -0.5, 0.5, 1.5), 3: (-1.25, -0.75, -0.25, 0.25, 0.75, 1.25)}


def _gen(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    X = rng.integers(0, 10, size=(5, 5))
    steps = _STEPS[difficulty]
    dy = float(steps[int(rng.integers(len(steps)))])
    dx = 0.0 if difficulty == 1 else float(steps[int(rng.integers(len(steps)))])
    if difficulty == 1 and rng.integers(2):
        dy, dx = dx, dy
    return {"X": X.tolist(), "i": 2, "j": 2, "dy": dy, "dx": dx}


def _sample(p: Params, dy: float, dx: float) -> float:
    X = torch.tensor(p["X"], dtype=torch.float64)[None, None]
    offset = torch.tensor([dy, dx], dtype=torch.float64).reshape(1, 2, 1, 1).expand(1, 2, 5, 5)
    out = deform_conv2d(X, offset, torch.ones(1, 1, 1, 1, dtype=torch.float64))
    return float(out[0, 0, p["i"], p["j"]])


def _answer(p: Params) -> float:
    return _sample(p, p["dy"], p["dx"])


def _prompt(p: Params, lang: Lang) -> str:
    i, j, dy, dx = p["i"], p["j"], p["dy"], p["dx"]
    table = markdown_table(p["X"])
    return Text(
        f"A 1×1 deformable convolution with weight 1 (no bias) is applied to $X$ (rows and columns numbered from 0). "
        f"At output position ({i}, {j}) the learned offset is $(\\Delta y, \\Delta x) = ({dy}, {dx})$ and the input is "
        f"sampled bilinearly. What is the output at ({i}, {j})?\n\n{table}",
        f"对 $X$（行列从 0 开始编号）做权重为 1、无偏置的 1×1 可变形卷积。输出位置 ({i}, {j}) 学到的偏移为 "
        f"$(\\Delta y, \\Delta x) = ({dy}, {dx})$，输入用双线性插值采样。({i}, {j}) 处的输出是多少？\n\n{table}",
    )(lang)


def _solution(p: Params, lang: Lang) -> str:
    y, x = p["i"] + p["dy"], p["j"] + p["dx"]
    y0, x0 = math.floor(y), math.floor(x)
    wy, wx = y - y0, x - x0
    X = p["X"]
    terms = [
        (1 - wy) * (1 - wx),
        (1 - wy) * wx,
        wy * (1 - wx),
        wy * wx,
    ]
    cells = [
        X[y0][x0],
        X[y0][x0 + 1] if wx else 0,
        X[y0 + 1][x0] if wy else 0,
        X[y0 + 1][x0 + 1] if wy and wx else 0,
    ]
    products = " + ".join(
        f"{fmt_number(w)} \\cdot {c}" for w, c in zip(terms, cells, strict=True) if w
    )
    lines = [
        Text(
            f"Sample at $({fmt_number(y)}, {fmt_number(x)})$: the neighbours are rows {y0}–{y0 + 1} and columns {x0}–{x0 + 1}, "
            f"with fractions $(f_y, f_x) = ({fmt_number(wy)}, {fmt_number(wx)})$; each neighbour is weighted by "
            "$(1 - f_y \\text{ or } f_y)(1 - f_x \\text{ or } f_x)$:",
            f"在 $({fmt_number(y)}, {fmt_number(x)})$ 处采样：相邻的是第 {y0}–{y0 + 1} 行、第 {x0}–{x0 + 1} 列，"
            f"小数部分 $(f_y, f_x) = ({fmt_number(wy)}, {fmt_number(wx)})$；每个邻点的权重为 "
            "$(1 - f_y \\text{ 或 } f_y)(1 - f_x \\text{ 或 } f_x)$：",
        )(lang),
        f"$${products} = {fmt_number(_answer(p))}$$",
        answer_line(_answer(p), NUMBER, lang),
    ]
    return "\n\n".join(lines)


def _nearest(p: Params) -> float:
    y, x = math.floor(p["i"] + p["dy"] + 0.5), math.floor(p["j"] + p["dx"] + 0.5)
    return float(p["X"][y][x])


_MISCONCEPTIONS = (
    Misconception(
        "offset_ignored",
        Text(
            "The offset moves the sampling point away from the regular grid position.",
            "偏移会把采样点从规则网格位置移开。",
        ),
        lambda p: float(p["X"][p["i"]][p["j"]]),
    ),
    Misconception(
        "axes_swapped",
        Text(
            "$\\Delta y$ moves along the rows (down), $\\Delta x$ along the columns (right).",
            "$\\Delta y$ 沿行方向（向下），$\\Delta x$ 沿列方向（向右）。",
        ),
        lambda p: _sample(p, p["dx"], p["dy"]),
    ),
    Misconception(
        "nearest_neighbour",
        Text(
            "Deformable convolution interpolates bilinearly; it does not round to the nearest pixel.",
            "可变形卷积使用双线性插值，而不是取最近的像素。",
        ),
        _nearest,
    ),
)

EXERCISES = (
    Exercise(
        id="deformable_sample",
        topic="deformable convolution",
        title=Text("A deformable convolution tap by hand", "手算可变形卷积的一个采样点"),
        generate=_gen,
        prompt=_prompt,
        answer=_answer,
        solution=_solution,
        spec=NUMBER,
        misconceptions=_MISCONCEPTIONS,
    ),
)
