"""Output shapes of max pooling, in floor mode and in ceil mode (torch's last-window rule).

Valid by construction as in :mod:`exercises.bank.output_size`: output size, window, stride and padding
first, then the input size. Ceil-mode variants always leave a remainder so the rounding matters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnngrade.exercises.bank._shapes import (
    ASK,
    BATCHES,
    CHANNELS,
    SHAPE,
    arg,
    maybe,
    per_dim,
    pick,
)
from cnngrade.exercises.core import Exercise, Lang, Misconception, Params, Text
from cnngrade.exercises.render import answer_line, shape_text
from cnngrade.reference.analysis.sizes import pool_output_size


def _gen_pool(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    k = pick(rng, (2, 3))
    stride = k if difficulty == 1 else pick(rng, (1, 2, 3))
    padding = 0 if difficulty < 3 else int(rng.integers(0, k // 2 + 1))
    out = int(rng.integers(3, 29))
    rest = int(rng.integers(0, stride)) if difficulty > 1 else 0
    n = (out - 1) * stride + k - 2 * padding + rest
    return {
        "input": [pick(rng, BATCHES), pick(rng, CHANNELS), n, n],
        "kernel": [k, k],
        "stride": [stride, stride],
        "padding": [padding, padding],
        "ceil_mode": False,
    }


def _gen_ceil(rng: np.random.Generator, difficulty: int) -> dict[str, Any]:
    k, stride = pick(rng, (2, 3)), pick(rng, (2, 3))
    padding = 0 if difficulty < 3 else int(rng.integers(0, k // 2 + 1))
    out = int(rng.integers(3, 29))
    # rest > s - k + p keeps the extra ceil window starting inside the input; difficulty 3 also
    # draws remainders whose extra window would start in the padding (torch then drops it).
    low = 1 if difficulty == 3 else max(1, stride - k + padding + 1)
    rest = int(rng.integers(low, stride))
    n = (out - 1) * stride + k - 2 * padding + rest
    return {
        "input": [pick(rng, BATCHES), pick(rng, CHANNELS), n, n],
        "kernel": [k, k],
        "stride": [stride, stride],
        "padding": [padding, padding],
        "ceil_mode": True,
    }


def _pool_answer(params: Params, ceil_mode: bool | None = None) -> list[int]:
    ceil = params["ceil_mode"] if ceil_mode is None else ceil_mode
    return per_dim(params, lambda n, k, s, p: pool_output_size(n, k, s, p, ceil_mode=ceil))


def _pool_code(params: Params) -> str:
    args = [arg("kernel_size", params["kernel"])]
    if params["stride"] != params["kernel"]:
        args.append(arg("stride", params["stride"]))
    if any(params["padding"]):
        args.append(arg("padding", params["padding"]))
    if params["ceil_mode"]:
        args.append("ceil_mode=True")
    return f"nn.MaxPool2d({', '.join(args)})"


def _pool_prompt(params: Params, lang: Lang) -> str:
    return ASK.format(shape=shape_text(params["input"]), code=_pool_code(params))(lang)


_POOL_RULE = Text(
    "Pooling keeps the channels ({c}); each spatial size follows $\\{op} (n + 2p - k)/s \\rfloor + 1$ (stride defaults to the window size).",
    "池化不改变通道数（{c}）；每个空间维度按 $\\{op} (n + 2p - k)/s \\rfloor + 1$ 计算（步幅默认等于窗口大小）。",
)
_CEIL_NOTE = Text(
    "In ceil mode the last window must start inside the input or the left padding; {what}.",
    "ceil 模式下最后一个窗口必须从输入或左侧填充内开始；{what}。",
)


def _pool_solution(params: Params, lang: Lang) -> str:
    n, k, s, p = (params[key] for key in ("input", "kernel", "stride", "padding"))
    ceil = params["ceil_mode"]
    lines = [
        _POOL_RULE.format(c=n[1], op="lceil" if ceil else "lfloor")(lang).replace(
            "\\rfloor", "\\rceil" if ceil else "\\rfloor"
        )
    ]
    close = ("\\left\\lceil", "\\right\\rceil") if ceil else ("\\left\\lfloor", "\\right\\rfloor")
    for i, name in enumerate("HW"):
        raw = (
            -((k[i] - n[2 + i] - 2 * p[i]) // s[i])
            if ceil
            else (n[2 + i] + 2 * p[i] - k[i]) // s[i]
        ) + 1
        out = pool_output_size(n[2 + i], k[i], s[i], p[i], ceil_mode=ceil)
        lines.append(
            f"$${name}_{{out}} = {close[0]} \\frac{{{n[2 + i]} + 2 \\cdot {p[i]} - {k[i]}}}{{{s[i]}}} {close[1]} + 1 = {raw}$$"
        )
        if ceil:
            what = Text(
                f"it starts at {(raw - 1) * s[i]} < {n[2 + i]} + {p[i]}, so it is kept",
                f"它从 {(raw - 1) * s[i]} < {n[2 + i]} + {p[i]} 开始，因此保留",
            )
            if out != raw:
                what = Text(
                    f"it would start at {(raw - 1) * s[i]} ≥ {n[2 + i]} + {p[i]}, so it is dropped: {out}",
                    f"它将从 {(raw - 1) * s[i]} ≥ {n[2 + i]} + {p[i]} 开始，因此舍去：{out}",
                )
            lines.append(_CEIL_NOTE.format(what=what(lang))(lang))
    lines.append(answer_line(_pool_answer(params), SHAPE, lang))
    return "\n\n".join(lines)


def _pool_wrong(rule: Callable[[int, int, int, int, bool], int]) -> Callable[[Params], Any]:
    """A wrong rule applied per dimension; it also receives the exercise's ceil_mode."""
    return maybe(
        lambda params: per_dim(params, lambda n, k, s, p: rule(n, k, s, p, params["ceil_mode"]))
    )


_POOL_MISCONCEPTIONS = (
    Misconception(
        "no_plus_one",
        Text(
            "You forgot the +1: the first window position counts as an output too.",
            "漏掉了 +1：第一个窗口位置本身也产生一个输出。",
        ),
        _pool_wrong(lambda n, k, s, p, ceil: pool_output_size(n, k, s, p, ceil_mode=ceil) - 1),
    ),
    Misconception(
        "stride_one_default",
        Text(
            "Pooling's stride defaults to the window size, not 1.",
            "池化的步幅默认等于窗口大小，而不是 1。",
        ),
        lambda params: (
            None
            if params["stride"] != params["kernel"]
            else _pool_wrong(lambda n, k, s, p, ceil: pool_output_size(n, k, 1, p, ceil_mode=ceil))(
                params
            )
        ),
    ),
    Misconception(
        "floor_instead_of_ceil",
        Text(
            "With ceil_mode=True round up: a partial last window is kept.",
            "ceil_mode=True 时向上取整：保留不完整的最后一个窗口。",
        ),
        lambda params: _pool_answer(params, ceil_mode=False) if params["ceil_mode"] else None,
    ),
    Misconception(
        "ceil_instead_of_floor",
        Text(
            "By default pooling rounds down (ceil_mode=False).",
            "池化默认向下取整（ceil_mode=False）。",
        ),
        lambda params: None if params["ceil_mode"] else _pool_answer(params, ceil_mode=True),
    ),
    Misconception(
        "ceil_last_window_kept",
        Text(
            "In ceil mode a window starting in the right padding is dropped.",
            "ceil 模式下从右侧填充开始的窗口会被舍去。",
        ),
        lambda params: (
            per_dim(params, lambda n, k, s, p: -((k - n - 2 * p) // s) + 1)
            if params["ceil_mode"]
            else None
        ),
    ),
    Misconception(
        "channels_pooled",
        Text(
            "Pooling works on each channel separately; the channel count does not change.",
            "池化对每个通道分别进行，通道数不变。",
        ),
        lambda params: [params["input"][0], 1, *_pool_answer(params)[2:]],
    ),
)


def _exercise(id_: str, title: Text, generate: Any, skip: tuple[str, ...]) -> Exercise:
    return Exercise(
        id=id_,
        topic="output_size",
        title=title,
        generate=generate,
        prompt=_pool_prompt,
        answer=_pool_answer,
        solution=_pool_solution,
        spec=SHAPE,
        misconceptions=tuple(m for m in _POOL_MISCONCEPTIONS if m.note not in skip),
    )


EXERCISES = (
    _exercise(
        "pool_output_shape",
        Text("Output shape of max pooling", "最大池化的输出形状"),
        _gen_pool,
        skip=("floor_instead_of_ceil", "ceil_last_window_kept"),
    ),
    _exercise(
        "pool_ceil_mode_shape",
        Text("Pooling output shape in ceil mode", "ceil 模式下池化的输出形状"),
        _gen_ceil,
        skip=("ceil_instead_of_floor",),
    ),
)
