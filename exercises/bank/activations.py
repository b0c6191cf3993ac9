"""Activation functions by hand (seed 002): ReLU6, leaky ReLU, h-sigmoid and h-swish on small inputs.

The inputs are integers in [-8, 8] drawn so that every branch of the function shows up (below, inside
and above the clipping range); values come from ``reference.activations``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from cnngrade.exercises.core import AnswerSpec, Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.formatting import as_matrix, bmatrix
from cnngrade.exercises.render import answer_line
from cnngrade.reference import activations as A

MATRIX = AnswerSpec(kind="matrix", rtol=1e-3, atol=2e-3, partial="per_element")
_FORMULAS = {
    "relu6": r"\min(\max(x, 0), 6)",
    "leaky_relu": r"\begin{cases} x & x > 0 \\ a x & x \le 0 \end{cases}",
    "hard_sigmoid": r"\frac{\min(\max(x + 3, 0), 6)}{6}",
    "hard_swish": r"x \cdot \frac{\min(\max(x + 3, 0), 6)}{6}",
}
_NAMES = {
    "relu6": "ReLU6",
    "leaky_relu": "leaky ReLU",
    "hard_sigmoid": "h-sigmoid",
    "hard_swish": "h-swish",
}


def _gen(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    names = ("relu6", "leaky_relu") if difficulty == 1 else tuple(_FORMULAS)
    name = names[int(rng.integers(len(names)))]
    low, mid, high = rng.integers(-8, -3), rng.integers(-2, 3), rng.integers(4, 9)  # every branch
    x = [int(v) for v in rng.permutation([low, mid, high, rng.integers(-8, 9)])]
    return {"name": name, "x": x, "slope": float(rng.choice([0.1, 0.2, 0.01]))}


def _apply(
    p: Params, fn: Callable[[torch.Tensor], torch.Tensor] | None = None
) -> list[list[float]]:
    x = torch.tensor([p["x"]], dtype=torch.float64)
    if fn is None:
        fn = (
            (lambda t: A.leaky_relu(t, p["slope"]))
            if p["name"] == "leaky_relu"
            else getattr(A, p["name"])
        )
    return as_matrix(fn(x), digits=6)


def _answer(p: Params) -> list[list[float]]:
    return _apply(p)


def _prompt(p: Params, lang: Lang) -> str:
    name, x = _NAMES[p["name"]], ", ".join(map(str, p["x"]))
    slope = (
        Text(f" with negative slope $a = {p['slope']}$", f"（负半轴斜率 $a = {p['slope']}$）")
        if p["name"] == "leaky_relu"
        else Text("", "")
    )
    return Text(
        f"Apply {name}{slope.en} element-wise to the row vector $x = [{x}]$. Give the result as a 1×4 row (3 decimals are enough).",
        f"对行向量 $x = [{x}]$ 逐元素应用 {name}{slope.zh}。以 1×4 行向量作答（保留 3 位小数即可）。",
    )(lang)


def _solution(p: Params, lang: Lang) -> str:
    formula = _FORMULAS[p["name"]].replace("a x", f"{p['slope']} x")
    result = _answer(p)
    lines = [Text("Element-wise:", "逐元素计算：")(lang), f"$$f(x) = {formula}$$"]
    lines += [f"- $f({x}) = {v:.4g}$" for x, v in zip(p["x"], result[0], strict=True)]
    return (
        "\n".join(lines[:2])
        + "\n\n"
        + "\n".join(lines[2:])
        + f"\n\n$${bmatrix(result)}$$\n\n"
        + answer_line(result, MATRIX, lang)
    )


def _only(name: str, fn: Callable[[Params], Any]) -> Callable[[Params], Any]:
    return lambda p: fn(p) if p["name"] == name else None


_MISCONCEPTIONS = (
    Misconception(
        "upper_clip_forgotten",
        Text("ReLU6 also caps the output at 6.", "ReLU6 还会把输出截断在 6。"),
        _only("relu6", lambda p: _apply(p, A.relu)),
    ),
    Misconception(
        "slope_ignored",
        Text(
            "Leaky ReLU keeps $a x$ for negative inputs instead of 0.",
            "leaky ReLU 对负输入输出 $a x$，而不是 0。",
        ),
        _only("leaky_relu", lambda p: _apply(p, A.relu)),
    ),
    Misconception(
        "slope_on_wrong_side",
        Text(
            "The slope $a$ applies to negative inputs; positive ones pass unchanged.",
            "斜率 $a$ 作用于负输入；正输入原样通过。",
        ),
        _only("leaky_relu", lambda p: _apply(p, lambda t: torch.where(t > 0, p["slope"] * t, t))),
    ),
    Misconception(
        "clipping_forgotten",
        Text(
            "h-sigmoid clips $x + 3$ to $[0, 6]$ before dividing by 6.",
            "h-sigmoid 要先把 $x + 3$ 截断到 $[0, 6]$ 再除以 6。",
        ),
        _only("hard_sigmoid", lambda p: _apply(p, lambda t: (t + 3) / 6)),
    ),
    Misconception(
        "true_sigmoid",
        Text(
            "h-sigmoid is the piecewise-linear approximation, not $1/(1 + e^{-x})$.",
            "h-sigmoid 是分段线性近似，而不是 $1/(1 + e^{-x})$。",
        ),
        _only("hard_sigmoid", lambda p: _apply(p, A.sigmoid)),
    ),
    Misconception(
        "times_x_forgotten",
        Text("h-swish multiplies h-sigmoid by $x$.", "h-swish 要把 h-sigmoid 再乘以 $x$。"),
        _only("hard_swish", lambda p: _apply(p, A.hard_sigmoid)),
    ),
    Misconception(
        "divide_by_six_forgotten",
        Text(
            "h-swish divides $x \\cdot \\mathrm{ReLU6}(x + 3)$ by 6.",
            "h-swish 要把 $x \\cdot \\mathrm{ReLU6}(x + 3)$ 除以 6。",
        ),
        _only("hard_swish", lambda p: _apply(p, lambda t: t * A.relu6(t + 3))),
    ),
)

EXERCISES = (
    Exercise(
        id="activation_values",
        topic="activations",
        title=Text("Activation functions by hand", "手算激活函数"),
        generate=_gen,
        prompt=_prompt,
        answer=_answer,
        solution=_solution,
        spec=MATRIX,
        misconceptions=_MISCONCEPTIONS,
    ),
)
